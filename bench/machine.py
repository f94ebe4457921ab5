"""What the numbers were measured on, and how much arithmetic the encoder does per image."""
from __future__ import annotations

import os
import platform
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort

from serving.artifact import library_versions
from serving.onnx_weights import initialisers
from serving.session import gpu_usable


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def physical_cores() -> int:
    """Distinct (package, core) pairs in /proc/cpuinfo; the logical count where that is unreadable."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return os.cpu_count() or 1
    cores, package = set(), "0"
    for line in text.splitlines():
        key, _, value = (part.strip() for part in line.partition(":"))
        if key == "physical id":
            package = value
        elif key == "core id":
            cores.add((package, value))
    return len(cores) or os.cpu_count() or 1


def describe(matmul_gflops: float) -> dict:
    return {"cpu": cpu_model(), "physical_cores": physical_cores(), "logical_cpus": os.cpu_count(),
            "gpu_usable": gpu_usable(), "onnxruntime_providers": ort.get_available_providers(),
            "matmul_fp32_peak_gflops": round(matmul_gflops, 1), "python": platform.python_version(),
            "versions": library_versions()}


def forward_gflops(path: Path, inputs: dict[str, np.ndarray]) -> float:
    """Multiply-adds x 2 of the Conv, MatMul and Gemm nodes for `inputs`.

    Shapes are read from a run, not from shape inference: "same" padding is computed in the graph,
    which leaves the inferred spatial sizes unknown.
    """
    model = onnx.load(str(path))
    graph = model.graph
    weights = {name: list(values.shape) for name, values in initialisers(graph).items()}  # float16 ones too
    nodes = [node for node in graph.node if node.op_type in ("Conv", "MatMul", "Gemm")]
    probed = list(dict.fromkeys(name for node in nodes for name in (node.input[0], node.output[0])
                                if name not in weights and name not in {i.name for i in graph.input}))
    del graph.output[:]
    graph.output.extend(onnx.ValueInfoProto(name=name) for name in probed)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    shapes = {**weights, **{i: list(v.shape) for i, v in inputs.items()},
              **dict(zip(probed, (list(out.shape) for out in session.run(None, inputs))))}
    flops = 0
    for node in nodes:
        left, right, out = shapes[node.input[0]], shapes[node.input[1]], shapes[node.output[0]]
        if node.op_type == "Conv":
            flops += 2 * int(np.prod(out)) * int(np.prod(right[1:]))
        else:
            flops += 2 * int(np.prod(out)) * left[-1]
    return flops / 1e9
