"""How an ONNX file stores its weights, rewritten after export (no torch): a tied weight once, float16,
int8 products. Each rewrite keeps the file's inputs and outputs; what it costs in accuracy the callers
measure (sharing costs nothing: the numbers are the same bit for bit)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper

from serving.onnx_weights import node_attributes
from training.quantize import quantize_int8


def _values_key(values: np.ndarray) -> tuple:
    return values.shape, values.dtype.str, np.ascontiguousarray(values).tobytes()


def share_transposed_weights(path: Path) -> int:
    """Rewrite an ONNX file so that a weight stored again transposed (a tied output layer: the exporter writes
    the embedding once for the look-up and once transposed for the product) is read through a Transpose of
    the other copy: the same numbers, bit for bit, one copy in the file (onnxruntime folds the Transpose
    once, when it loads the file). The copy with the module's own name is kept. Returns the bytes saved."""
    model = onnx.load(str(path))
    graph = model.graph
    by_values: dict[tuple, str] = {}
    kept, transposes, saved = [], [], 0
    for initializer in sorted(graph.initializer, key=lambda init: init.name.startswith("onnx::")):
        values = numpy_helper.to_array(initializer)
        twin = by_values.get(_values_key(values.T)) if values.ndim == 2 else None
        if twin is None:
            by_values[_values_key(values)] = initializer.name
            kept.append(initializer)
            continue
        transposes.append(helper.make_node("Transpose", [twin], [initializer.name], perm=[1, 0],
                                           name=initializer.name + "_from_" + twin))
        saved += values.nbytes
    if transposes:
        del graph.initializer[:]
        graph.initializer.extend(kept)
        nodes = transposes + list(graph.node)
        del graph.node[:]
        graph.node.extend(nodes)
        onnx.save(model, str(path))
    return saved


def store_float16(path: Path, min_elements: int = 1024) -> Path:
    """Rewrite an ONNX file with its large float32 weights stored as float16, each read through a Cast
    back to float32: half the file, the same float32 arithmetic (onnxruntime folds the casts once, when it
    loads the file). Weights that are not exactly float16 values change by float16 rounding."""
    model = onnx.load(str(path))
    graph = model.graph
    quantization = {name for node in graph.node if node.op_type in ("QuantizeLinear", "DequantizeLinear")
                    for name in node.input[1:]}  # scales stay constants, for onnxruntime's int8 fusions
    kept, casts = [], []
    for initializer in graph.initializer:
        values = numpy_helper.to_array(initializer)
        if initializer.data_type != onnx.TensorProto.FLOAT or values.size < min_elements \
                or initializer.name in quantization:
            kept.append(initializer)
            continue
        kept.append(numpy_helper.from_array(values.astype(np.float16), initializer.name + "_float16"))
        casts.append(helper.make_node("Cast", [initializer.name + "_float16"], [initializer.name],
                                      to=onnx.TensorProto.FLOAT, name=initializer.name + "_to_float32"))
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = casts + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.save(model, str(path))
    return path


def _gemms_as_matmuls(model: onnx.ModelProto) -> None:
    """Rewrite each Gemm over a constant weight as MatMul over the weight as used (transposed when transB) plus
    Add of the bias: onnxruntime's quantizer reads a Gemm's transposed weight with the wrong shape."""
    graph = model.graph
    initializers = {initializer.name: initializer for initializer in graph.initializer}
    nodes = []
    for node in graph.node:
        attributes = node_attributes(node)
        weight = initializers.get(node.input[1]) if node.op_type == "Gemm" else None
        if weight is None or attributes.get("transA") or attributes.get("alpha", 1.0) != 1.0 \
                or attributes.get("beta", 1.0) != 1.0:
            nodes.append(node)
            continue
        name = weight.name
        if attributes.get("transB"):
            name = weight.name + "_transposed"
            if name not in initializers:
                values = np.ascontiguousarray(numpy_helper.to_array(weight).T)
                initializers[name] = numpy_helper.from_array(values, name)
                graph.initializer.append(initializers[name])
        product = node.output[0] + "_product" if len(node.input) > 2 else node.output[0]
        nodes.append(helper.make_node("MatMul", [node.input[0], name], [product], name=node.name + "_matmul"))
        if len(node.input) > 2:
            nodes.append(helper.make_node("Add", [product, node.input[2]], [node.output[0]], name=node.name + "_bias"))
    del graph.node[:]
    graph.node.extend(nodes)
    used = {name for node in graph.node for name in node.input}
    kept = [initializer for initializer in graph.initializer if initializer.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)


def store_int8(path: Path, calibration: list[dict[str, np.ndarray]]) -> Path:
    """Rewrite a float32 ONNX file with its products by constant matrices in int8 (`quantize_int8`, ranges
    from the `calibration` feeds). A decoder step at beam 4 multiplies a few rows by every weight, so reading
    the weights is its cost: int8 reads a quarter. Fixed ranges keep each row's result independent of the
    other rows (dynamic quantization takes one range per call, so a sentence would change with its batch).
    The arithmetic changes: callers measure what it costs. Other large weights are then stored as float16."""
    path = Path(path)
    model = onnx.load(str(path))
    _gemms_as_matmuls(model)
    float32 = path.with_suffix(".float32.onnx")
    onnx.save(model, str(float32))
    quantize_int8(float32, path, calibration, op_types_to_quantize=["MatMul"], extra_options={"MatMulConstBOnly": True})
    float32.unlink()
    return store_float16(path)
