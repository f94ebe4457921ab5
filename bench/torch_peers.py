"""The committed models in torch eager, with the very weights of their ONNX files.

The benchmark's peer must be the same model, so the torch modules are rebuilt from the
artifact's ONNX initialisers (not from a training checkpoint that may differ or be absent) and
checked against onnxruntime before they are timed. A `TorchSession` answers `run(None, feeds)`
like an onnxruntime session, so the serving code (beam search, prefix cache, word decoding) is
the same on both sides and only the network differs.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import torch
from torch import nn

from serving.artifact import Artifact
from serving.onnx_weights import OnnxGRU, initialisers, linear_head, load_weights
from training.caption.encoder import ENCODERS
from training.caption.model import AttentionDecoder, DecoderConfig, InitGraph, StepGraph
from training.export import max_abs_diff
from training.nextword.model import GRULanguageModel, NextWordConfig
from training.sentiment.model import SentimentConfig, SentimentGRU

PARITY_BOUND = 1e-3


def _gru_weights(gru: OnnxGRU) -> dict[str, np.ndarray]:
    """An ONNX GRU node (gates z, r, h) -> torch nn.GRU layer 0 (gates r, z, n)."""
    def reorder(x: np.ndarray) -> np.ndarray:
        z, r, h = np.split(x, 3, axis=0)
        return np.concatenate([r, z, h], axis=0)

    return {"weight_ih_l0": reorder(gru.weight), "weight_hh_l0": reorder(gru.recurrence),
            "bias_ih_l0": reorder(gru.weight_bias), "bias_hh_l0": reorder(gru.recurrence_bias)}


def state_from_onnx(module: nn.Module, paths: list[Path], prefix: str = "") -> dict[str, torch.Tensor]:
    """A state dict for `module` read from the ONNX file(s) it was exported to.

    Named initialisers map by name (after `prefix`); each GRU node, in graph order, fills the next
    single-layer nn.GRU (or the next layer of a stacked one); the exporter's unnamed MatMul weights
    are the remaining parameters transposed, matched by their shape, which must be unique; buffers the
    graph folded into constants (a copying decoder's slot matrix) are what the module's config makes.
    """
    weights = [load_weights(path) for path in paths]
    values = {(i, name): value for i, (named, _) in enumerate(weights) for name, value in named.items()}
    gru_nodes = [(i, gru) for i, (_, grus) in enumerate(weights) for gru in grus]
    gru_slots = [(name, gru, layer) for name, gru in module.named_modules() if isinstance(gru, nn.GRU)
                 for layer in range(gru.num_layers)]
    if len(gru_nodes) != len(gru_slots):
        raise ValueError(f"{paths} hold {len(gru_nodes)} GRU nodes, the module {len(gru_slots)} GRU layers")
    state: dict[str, np.ndarray] = {}
    used = set()
    for (i, node), (name, _, layer) in zip(gru_nodes, gru_slots):
        used.update((i, initialiser) for initialiser in node.initialisers)
        for key, value in _gru_weights(node).items():
            state[f"{name}.{key[:-1]}{layer}"] = value
    by_name = {key[1]: key for key in values}
    expected = module.state_dict()
    for key in expected:
        if key not in state and prefix + key in by_name:
            state[key] = values[by_name[prefix + key]]
            used.add(by_name[prefix + key])
    buffers = dict(module.named_buffers())
    for key, param in expected.items():
        if key in state:
            continue
        if key in buffers:
            state[key] = buffers[key].numpy()
            continue
        matches = [k for k, v in values.items() if k not in used and v.shape == tuple(param.shape)[::-1]]
        if len(matches) != 1:
            raise ValueError(f"cannot tell which initialiser of {paths} is {key} ({len(matches)} candidates)")
        used.add(matches[0])
        state[key] = values[matches[0]].T
    return {key: torch.from_numpy(np.array(value)) for key, value in state.items()}


class TorchSession:
    """A torch module behind onnxruntime's `run(None, feeds)`: numpy in, numpy out, no grad."""

    def __init__(self, module: nn.Module, input_names: list[str]):
        self.module, self.input_names = module.eval(), input_names

    def run(self, _output_names, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        with torch.inference_mode():
            outputs = self.module(*(torch.from_numpy(np.asarray(feeds[name])) for name in self.input_names))
        return [output.numpy() for output in (outputs if isinstance(outputs, tuple) else (outputs,))]

    def get_providers(self) -> list[str]:
        return ["TorchEager"]


def _loaded(module: nn.Module, paths: list[Path], prefix: str = "") -> nn.Module:
    module.load_state_dict(state_from_onnx(module, paths, prefix), strict=True)
    return module.eval()


def encoder_as_stored(encoder: nn.Module, path: Path) -> nn.Module:
    """The pretrained CNN with the weights its ONNX file holds (for an encoder stored as float16): the
    exporter folded each batch norm into the convolution before it, so every Conv2d takes the weight and
    bias of the file's Conv nodes in order, the batch norms become identities, and the classifier head
    takes the file's."""
    graph = onnx.load(str(path)).graph
    values = initialisers(graph)
    stored = [node.input[1:3] for node in graph.node if node.op_type == "Conv"]
    convolutions = [module for module in encoder.modules() if isinstance(module, nn.Conv2d)]
    heads = [module for module in encoder.modules() if isinstance(module, nn.Linear)]
    if len(stored) != len(convolutions) or len(heads) != 1:
        raise ValueError(f"{path}: {len(stored)} Conv nodes for {len(convolutions)} convolutions of the encoder")
    weights = [(conv, values[weight], values[bias]) for conv, (weight, bias) in zip(convolutions, stored)]
    weights.append((heads[0], *linear_head(path, "logits")))
    for module, weight, bias in weights:
        module.weight, module.bias = nn.Parameter(torch.tensor(weight)), nn.Parameter(torch.tensor(bias))
    for module in list(encoder.modules()):
        for name, child in module.named_children():
            if isinstance(child, nn.BatchNorm2d):
                setattr(module, name, nn.Identity())
    return encoder.eval()


def torch_sessions(artifact: Artifact) -> dict[str, TorchSession]:
    """Torch peers of every ONNX file of a caption, next-word or sentiment artifact."""
    manifest, path = artifact.manifest, artifact.path
    if artifact.name == "caption":
        encoder = ENCODERS[manifest["encoder"]["name"]][0]()  # pretrained weights, as exported (frozen)
        if manifest["encoder"].get("precision") == "float16":
            encoder = encoder_as_stored(encoder, path / "encoder.onnx")
        decoder = _loaded(AttentionDecoder(DecoderConfig(**manifest["config"])),
                          [path / "decoder_init.onnx", path / "decoder_step.onnx"], "decoder.")
        def inputs(name: str) -> list[str]:
            return [i.name for i in artifact.session(name).get_inputs()]

        return {"encoder.onnx": TorchSession(encoder, ["image"]),
                "decoder_init.onnx": TorchSession(InitGraph(decoder), inputs("decoder_init.onnx")),
                "decoder_step.onnx": TorchSession(StepGraph(decoder), inputs("decoder_step.onnx"))}
    if artifact.name == "nextword":
        model = _loaded(GRULanguageModel(NextWordConfig(**manifest["config"])), [path / "model.onnx"])
        return {"model.onnx": TorchSession(model, ["tokens", "hidden"])}
    if artifact.name == "sentiment":
        model = _loaded(SentimentGRU(SentimentConfig(**manifest["config"])), [path / "model.onnx"])
        return {"model.onnx": TorchSession(model, [i.name for i in artifact.session("model.onnx").get_inputs()])}
    raise ValueError(f"no torch peer for the {artifact.name} artifact")


def torch_artifact(artifact: Artifact, feeds: dict[str, dict[str, np.ndarray]]) -> Artifact:
    """The same artifact with torch eager sessions, each checked against onnxruntime on `feeds`
    (ONNX file name -> one input); a peer that disagrees would make the comparison meaningless."""
    sessions = torch_sessions(artifact)
    for name, inputs in feeds.items():
        worst = max_abs_diff(sessions[name].module, artifact.file(name), inputs)
        if worst > PARITY_BOUND:
            raise RuntimeError(f"the torch peer of {artifact.path / name} differs from onnxruntime by {worst:.2g}")
    return Artifact(artifact.path, artifact.manifest, dict(sessions))
