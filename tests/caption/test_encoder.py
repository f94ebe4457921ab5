"""The pretrained encoder loads correctly (real photos get the right ImageNet classes) and exports."""
import numpy as np
import pytest
import torch

from datafetch.archives import zip_member
from datafetch.registry import fetch
from datafetch.sources import SCIKIT_IMAGE
from serving.caption.image_input import load_image, to_model_input
from training.caption.encoder import load_efficientnet_lite0
from training.export import export_onnx, max_abs_diff


@pytest.fixture(scope="module")
def encoder():
    return load_efficientnet_lite0()


@pytest.fixture(scope="module")
def photos() -> dict[str, np.ndarray]:
    wheel = fetch(SCIKIT_IMAGE)
    names = ["chelsea.png", "coffee.png", "rocket.jpg"]
    return {name: to_model_input(load_image(zip_member(wheel, f"skimage/data/{name}"))) for name in names}


@pytest.mark.parametrize("photo,expected", [
    ("chelsea.png", {"tabby", "tiger cat", "Egyptian cat", "Persian cat", "Siamese cat"}),
    ("coffee.png", {"espresso", "cup", "coffee mug"}),
    ("rocket.jpg", {"missile", "space shuttle", "projectile"}),
])
def test_imagenet_top5_of_real_photos(encoder, photos, photo, expected):
    from torchvision.models._meta import _IMAGENET_CATEGORIES

    with torch.no_grad():
        _, _, logits = encoder(torch.from_numpy(photos[photo])[None])
    top5 = {_IMAGENET_CATEGORIES[i] for i in logits[0].topk(5).indices}
    assert top5 & expected, top5


def test_outputs_are_a_grid_its_mean_and_logits(encoder, photos):
    with torch.no_grad():
        grid, pooled, logits = encoder(torch.from_numpy(np.stack(list(photos.values()))))
    assert grid.shape == (3, 49, 1280) and pooled.shape == (3, 1280) and logits.shape == (3, 1000)
    assert torch.allclose(pooled, grid.mean(1))


def test_encoder_exports_with_dynamic_batch(encoder, photos, tmp_path):
    path = export_onnx(encoder, (torch.zeros(1, 3, 224, 224),), tmp_path / "encoder.onnx", ["image"],
                       ["grid", "pooled", "logits"], {name: {0: "batch"} for name in ("image", "grid", "pooled", "logits")})
    batch = np.stack(list(photos.values()))
    assert max_abs_diff(encoder, path, {"image": batch}) <= 1e-4


def test_resnet50_option_loads_weights_from_the_local_hub_cache(tmp_path):
    from torchvision.models import resnet50

    from training.caption.encoder import load_torchvision_resnet50

    with pytest.raises(FileNotFoundError, match="resnet50"):
        load_torchvision_resnet50(tmp_path)
    (tmp_path / "checkpoints").mkdir()
    torch.manual_seed(0)
    reference = resnet50().eval()
    torch.save(reference.state_dict(), tmp_path / "checkpoints" / "resnet50-11ad3fa6.pth")
    encoder = load_torchvision_resnet50(tmp_path)
    images = torch.rand(2, 3, 224, 224) * 2 - 1  # the Lite0 input convention
    with torch.no_grad():
        grid, pooled, logits = encoder(images)
        mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
        std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
        expected = reference(((images * 0.5 + 0.5) - mean) / std)
    assert grid.shape == (2, 49, 2048) and pooled.shape == (2, 2048)
    assert torch.allclose(logits, expected, atol=1e-4)
