"""`python -m training.caption.quantize` (no torch): an int8 encoder, kept only when the captions stay as good.

The CNN is most of a caption's time on a CPU. Static QDQ quantisation (int8 weights per channel,
uint8 activations calibrated on training scenes) makes it faster; the held-out test scenes are then
captioned from the int8 encoder's features and from the float32 one's, and the artifact's encoder
is replaced only if no test score drops by more than its bound. The decoder is not touched.
"""
from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnxruntime.quantization.shape_inference import quant_pre_process

from serving.artifact import load_artifact, model_dir, sha256_of, write_artifact
from serving.caption.captioner import Captioner
from serving.caption.image_input import to_model_input
from serving.session import create_session
from training.caption.data import scene_seed, scene_sets, stamp_scene_inputs
from training.caption.evaluate import decode_set
from training.caption.metrics import caption_metrics
from training.caption.scenes import make_scenes
from training.caption.settings import run_dir_of, scene_feature_folder, scene_settings_of
from training.quantize import quantize_int8

CALIBRATION_SCENES = 128
# The most a test score may drop (absolute) for the int8 encoder to be kept.
BOUNDS = {"bleu4": 0.01, "cider_d": 0.03, "object_recall": 0.01}


def quantize_encoder(source: Path, target: Path, calibration: Iterable[np.ndarray]) -> Path:
    """Static int8 QDQ copy of an image -> (grid, pooled, logits) encoder; `calibration` yields [B, 3, H, W]."""
    prepared = target.with_name(target.stem + "-prepared.onnx")
    quant_pre_process(str(source), str(prepared), skip_symbolic_shape=True)
    nodes = onnx.load(str(prepared)).graph.node
    convs = [node.name for node in nodes if node.op_type == "Conv"]
    heads = [node.name for node in nodes if node.op_type == "Gemm"]
    # The last conv writes the grid the decoder reads, and the classifier head names objects
    # (serving/caption/cnn_names.py reads its weights): both stay float32.
    quantize_int8(prepared, target, ({"image": batch} for batch in calibration), nodes_to_exclude=convs[-1:] + heads)
    prepared.unlink()
    return target


def images_per_second(session: ort.InferenceSession, batch: np.ndarray, repeats: int = 5) -> float:
    session.run(None, {"image": batch})
    start = time.perf_counter()
    for _ in range(repeats):
        session.run(None, {"image": batch})
    return len(batch) * repeats / (time.perf_counter() - start)


def main() -> int:
    artifact = load_artifact(model_dir("caption"))
    manifest = artifact.manifest
    if manifest["encoder"].get("precision") == "int8":
        print(f"{artifact.path} already has an int8 encoder; retrain with `python -m training.train caption` first.")
        return 0
    settings = scene_settings_of(manifest)
    if settings.data != "stamps":
        print("error: only models trained on the default data are quantised here", file=sys.stderr)
        return 1
    run_dir = run_dir_of(settings)
    captioner = Captioner(artifact)
    stamps, backgrounds = stamp_scene_inputs(settings, captioner.labels)
    scenes = make_scenes(CALIBRATION_SCENES, stamps["train"], backgrounds, scene_seed(settings.seed, "train"),
                         settings.close_ups)
    images = [to_model_input(scene.image) for scene in scenes]
    int8_path = quantize_encoder(artifact.file("encoder.onnx"), run_dir / "encoder-int8.onnx",
                                 (np.stack(images[i:i + 16]) for i in range(0, len(images), 16)))
    fp32, int8 = create_session(artifact.file("encoder.onnx")), create_session(int8_path)
    speed = {name: round(images_per_second(session, np.stack(images[:32])), 1)
             for name, session in (("fp32", fp32), ("int8", int8))}

    # the float32 test features of training, when cached
    folder = scene_feature_folder(settings, run_dir, sha256_of(artifact.file("encoder.onnx"))[:12])
    test = {name: scene_sets({"test": stamps["test"]}, backgrounds, {"test": settings.test_scenes}, session,
                             folder.with_name(folder.name + suffix), settings.seed, settings.close_ups)["test"]
            for name, session, suffix in (("fp32", fp32, ""), ("int8", int8, f"-int8-{sha256_of(int8_path)[:12]}"))}
    beam = settings.beam_size

    def score(name: str, beam_size: int) -> dict[str, float]:
        return caption_metrics(decode_set(captioner, test[name], beam_size, [captioner.cnn_namer])[0],
                              test[name].references, test[name].objects)

    scores = {name: score(name, beam) for name in test}
    drops = {key: round(scores["fp32"][key] - scores["int8"][key], 4) for key in BOUNDS}
    print(f"encoder images/s (batch 32): {speed}")
    for name, values in scores.items():
        print(f"  {name}  " + "  ".join(f"{k} {v:.3f}" for k, v in values.items()))
    failed = {key: drop for key, drop in drops.items() if drop > BOUNDS[key]}
    if failed:
        print(f"The int8 encoder is not kept: {failed} exceed the bounds {BOUNDS}.")
        return 1
    files = {name: artifact.file(name) for name in manifest["files"]}
    files["encoder.onnx"] = int8_path
    write_artifact(artifact.path, files, {
        **artifact.given_manifest,
        "encoder": {**manifest["encoder"], "precision": "int8",
                    "quantisation": f"static QDQ, 7-bit int8 weights per channel, uint8 activations calibrated on "
                                    f"{CALIBRATION_SCENES} training scenes (onnxruntime.quantization)"},
        "rebuild": "python -m training.train caption && python -m training.caption.quantize",
        "metrics": {**manifest["metrics"],
                    "test": {**manifest["metrics"]["test"], f"beam {beam}": scores["int8"], "greedy": score("int8", 1)},
                    "quantisation": {"test_fp32": scores["fp32"], "test_int8": scores["int8"], "drop": drops,
                                     "bounds": BOUNDS, "encoder_images_per_s": speed}}})
    print(f"Kept: {artifact.path} now serves the int8 encoder.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
