"""The weights inside an ONNX file, as numpy arrays: the one reader of initialisers, GRU nodes and heads.

The gradient lab's numpy GRU, the captioner's object naming (the CNN's classifier head) and the
benchmark's torch peers all need the committed weights themselves, not a training checkpoint
that may differ or be absent. Reading needs the `onnx` package only (no torch).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import onnx  # imported where weights are read: it takes most of a second (ml_dtypes), which every command
    # and page that reads none (rnnapp sentiment, ...) would otherwise pay at start-up


@dataclass
class OnnxGRU:
    """One single-direction ONNX GRU node. Gates are stacked z, r, h (ONNX order, not torch's r, z, n)."""

    name: str
    weight: np.ndarray  # W [3H, input]
    recurrence: np.ndarray  # R [3H, H]
    weight_bias: np.ndarray  # Wb [3H]
    recurrence_bias: np.ndarray  # Rb [3H]
    linear_before_reset: bool
    initialisers: tuple[str, str, str]  # the names of W, R and B in the graph

    @property
    def hidden_size(self) -> int:
        return self.recurrence.shape[1]


def node_attributes(node: onnx.NodeProto) -> dict:
    """A node's attributes by name, as Python values."""
    from onnx import helper

    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def initialisers(graph: onnx.GraphProto) -> dict[str, np.ndarray]:
    """The graph's constant weights by the name its nodes read them under: a weight stored as float16 and
    read through a Cast to float32 (training/onnx_storage.py) is found under the Cast's output only, as
    float32."""
    from onnx import TensorProto, numpy_helper

    values = {init.name: numpy_helper.to_array(init) for init in graph.initializer}
    for node in graph.node:
        if node.op_type == "Cast" and node.input[0] in values and node_attributes(node).get("to") == TensorProto.FLOAT:
            values[node.output[0]] = values.pop(node.input[0]).astype(np.float32)
    return values


def gru_nodes(graph: onnx.GraphProto, values: dict[str, np.ndarray]) -> list[OnnxGRU]:
    """Every GRU node of `graph`, in graph order, with its weights taken from `values`."""
    found = []
    for node in graph.node:
        if node.op_type != "GRU":
            continue
        attributes = node_attributes(node)
        names = tuple(node.input[1:4])
        W, R, B = (values[name] for name in names)
        if W.shape[0] != 1:
            raise ValueError(f"GRU node {node.name} is bidirectional; only single-direction nodes are read")
        hidden = R.shape[-1]
        found.append(OnnxGRU(node.name, W[0], R[0], B[0, :3 * hidden], B[0, 3 * hidden:],
                             bool(attributes.get("linear_before_reset", 0)), names))
    return found


@dataclass
class OnnxLSTM:
    """One single-direction ONNX LSTM node without peepholes. Gates are stacked i, o, f, c (ONNX order)."""

    name: str
    weight: np.ndarray  # W [4H, input]
    recurrence: np.ndarray  # R [4H, H]
    bias: np.ndarray  # Wb + Rb [4H]


def lstm_nodes(graph: onnx.GraphProto, values: dict[str, np.ndarray]) -> list[OnnxLSTM]:
    """Every LSTM node of `graph`, in graph order (a stacked LSTM's layers, bottom first)."""
    found = []
    for node in graph.node:
        if node.op_type != "LSTM":
            continue
        if len(node.input) > 7 and node.input[7]:
            raise ValueError(f"LSTM node {node.name} has peepholes; only nodes without them are read")
        W, R, B = (values[name] for name in node.input[1:4])
        if W.shape[0] != 1:
            raise ValueError(f"LSTM node {node.name} is bidirectional; only single-direction nodes are read")
        hidden = R.shape[-1]
        found.append(OnnxLSTM(node.name, W[0], R[0], B[0, :4 * hidden] + B[0, 4 * hidden:]))
    return found


def read_graph(path: Path) -> onnx.GraphProto:
    """An ONNX file's graph (the onnx package imported only now)."""
    import onnx

    return onnx.load(str(path)).graph


def load_weights(path: Path) -> tuple[dict[str, np.ndarray], list[OnnxGRU]]:
    """An ONNX file's initialisers by name, and its GRU nodes."""
    graph = read_graph(path)
    values = initialisers(graph)
    return values, gru_nodes(graph, values)


def linear_head(path: Path, output: str) -> tuple[np.ndarray, np.ndarray]:
    """(weight [out, in], bias [out]) of the float Gemm node that computes `output` (a classifier head), or of
    the MatMul and Add that do (a head applied at every step)."""
    graph = read_graph(path)
    values = initialisers(graph)
    node = next((node for node in graph.node if output in node.output), None)
    if node is not None and node.op_type == "Add":
        bias_name = next((name for name in node.input if name in values), None)
        product = next((n for n in graph.node if n.op_type == "MatMul" and n.output[0] in node.input), None)
        if bias_name is None or product is None or product.input[1] not in values:
            raise ValueError(f"{path}: {output} is not a MatMul by float weights plus a bias")
        return values[product.input[1]].astype(np.float32).T, values[bias_name].astype(np.float32)
    if node is None or node.op_type != "Gemm" or not all(name in values for name in node.input[1:3]):
        raise ValueError(f"{path}: {output} is not computed by a Gemm node with float weights")
    attributes = node_attributes(node)
    weight, bias = (values[name].astype(np.float32) for name in node.input[1:3])
    weight = weight if attributes.get("transB", 0) else weight.T
    return weight * attributes.get("alpha", 1.0), bias * attributes.get("beta", 1.0)
