"""Export a torch module to one ONNX file and check onnxruntime reproduces it.

The TorchScript exporter (`dynamo=False`) is used: it is the proven path for nn.GRU / nn.LSTM
and writes the weights into the same file.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch

OPSET = 17


def export_onnx(module: torch.nn.Module, example_inputs: tuple[torch.Tensor, ...], path: Path,
                input_names: list[str], output_names: list[str],
                dynamic_axes: dict[str, dict[int, str]]) -> Path:
    """Write `module` (in eval mode) to `path` with the given dynamic axes."""
    module.eval()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad(), warnings.catch_warnings():
        # The exporter warns about every RNN with a dynamic batch axis; the parity tests check
        # batch sizes 1..32 explicitly, so the warning says nothing here.
        warnings.filterwarnings("ignore", message="Exporting a model to ONNX with a batch_size other than 1")
        # Shape arithmetic on fixed-size inputs (e.g. "same" padding) is traced as constants, as meant;
        # the callers compare the ONNX outputs with torch, which catches a trace that went wrong.
        warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
        torch.onnx.export(module, example_inputs, str(path), input_names=input_names,
                          output_names=output_names, dynamic_axes=dynamic_axes,
                          opset_version=OPSET, dynamo=False)
    return path


def max_abs_diff(module: torch.nn.Module, onnx_path: Path, inputs: dict[str, np.ndarray]) -> float:
    """Largest absolute difference between torch and onnxruntime over all outputs."""
    module.eval()
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    onnx_outputs = session.run(None, inputs)
    with torch.no_grad():
        torch_outputs = module(*(torch.from_numpy(value) for value in inputs.values()))
    if isinstance(torch_outputs, torch.Tensor):
        torch_outputs = (torch_outputs,)
    return max(float(np.abs(o - t.numpy()).max()) for o, t in zip(onnx_outputs, torch_outputs))


def round_to_float16(module: torch.nn.Module) -> None:
    """Round every parameter to the nearest float16 value (kept as float32), so that a graph stored with
    `store_float16` computes exactly what the module computes."""
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.copy_(parameter.half().float())
