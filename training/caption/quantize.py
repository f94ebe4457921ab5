"""`python -m training.caption.quantize [--precision int8|float16]` (no torch): a smaller encoder, kept only
when the captions stay as good.

The CNN is most of a caption's time on a CPU and most of the artifact's size. Static QDQ quantisation
(int8 weights per channel, uint8 activations calibrated on training scenes) makes it faster; float16
storage (every weight stored as float16 and cast back once at load, float32 arithmetic) halves the
file and leaves the speed alone. Either way the held-out test scenes are then captioned from the new
encoder's features and from the float32 one's, and the artifact's encoder is replaced only if no test
score drops by more than its bound. The decoder is not touched.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnxruntime.quantization.shape_inference import quant_pre_process

from serving.artifact import load_artifact, model_dir, write_artifact
from serving.caption.captioner import Captioner
from serving.caption.image_input import to_model_input
from serving.session import create_session
from training.caption.data import caption_sets, scene_seed, stamp_scene_inputs
from training.caption.evaluate import served_scores
from training.caption.scenes import make_scenes
from training.caption.settings import run_dir_of, scene_settings_of
from training.onnx_storage import store_float16
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.caption.quantize", description=__doc__.splitlines()[0])
    parser.add_argument("--precision", choices=("int8", "float16"), default="int8",
                        help="int8: static quantisation (faster); float16: float16 storage (half the file)")
    precision = parser.parse_args(argv).precision
    artifact = load_artifact(model_dir("caption"))
    manifest = artifact.manifest
    if manifest["encoder"].get("precision", "float32") != "float32":
        print(f"{artifact.path} already has a {manifest['encoder']['precision']} encoder; retrain with "
              "`python -m training.train caption` first.")
        return 0
    settings = scene_settings_of(manifest)
    if settings.data != "stamps":
        print("error: only models trained on the default data are quantised here", file=sys.stderr)
        return 1
    run_dir = run_dir_of(settings)
    captioner = Captioner(artifact)
    stamps, backgrounds = stamp_scene_inputs(settings, captioner.labels)
    new_path = run_dir / f"encoder-{precision}.onnx"
    run_dir.mkdir(parents=True, exist_ok=True)
    if precision == "int8":
        scenes = make_scenes(CALIBRATION_SCENES, stamps["train"], backgrounds, scene_seed(settings.seed, "train"),
                             settings.close_ups)
        images = [to_model_input(scene.image) for scene in scenes]
        quantize_encoder(artifact.file("encoder.onnx"), new_path,
                         (np.stack(images[i:i + 16]) for i in range(0, len(images), 16)))
        description = (f"static QDQ, 7-bit int8 weights per channel, uint8 activations calibrated on "
                       f"{CALIBRATION_SCENES} training scenes (onnxruntime.quantization)")
    else:
        store_float16(shutil.copyfile(artifact.file("encoder.onnx"), new_path))
        description = "every weight stored as float16 and cast to float32 once at load; float32 arithmetic"
    fp32, new = create_session(artifact.file("encoder.onnx")), create_session(new_path)
    speed_batch = np.stack([to_model_input(scene.image) for scene in make_scenes(
        32, stamps["train"], backgrounds, scene_seed(settings.seed, "train"), settings.close_ups)])
    speed = {name: round(images_per_second(session, speed_batch), 1) for name, session in (("fp32", fp32),
                                                                                             (precision, new))}
    files = {name: artifact.file(name) for name in manifest["files"]}
    files["encoder.onnx"] = new_path
    new_manifest = {**artifact.given_manifest,
                    "encoder": {**manifest["encoder"], "precision": precision, "storage": description},
                    "rebuild": "python -m training.train caption && "
                               f"python -m training.caption.quantize --precision {precision}"}
    staged = Captioner(load_artifact(write_artifact(run_dir / f"artifact-{precision}", files, new_manifest)))

    # the held-out splits as `python -m training.evaluate caption` builds them, each encoder's features
    splits = tuple(split for split in ("test", "novel_test") if split in manifest["metrics"])
    scores = {name: {split: served_scores(reader, test, settings.beam_size)[1] for split, test in caption_sets(
                  settings, reader.artifact.file("encoder.onnx"), run_dir, captioner.labels, splits).items()}
              for name, reader in (("fp32", captioner), (precision, staged))}
    served = f"beam {settings.beam_size} + CNN names"  # what the app shows
    drops = {key: round(scores["fp32"]["test"][served][key] - scores[precision]["test"][served][key], 4)
             for key in BOUNDS}
    print(f"encoder images/s (batch 32): {speed}; file {artifact.file('encoder.onnx').stat().st_size / 1e6:.1f} MB "
          f"-> {new_path.stat().st_size / 1e6:.1f} MB")
    for name, by_split in scores.items():
        for kind, values in by_split["test"].items():
            print(f"  {name:8s} {kind:20s} " + "  ".join(f"{k} {v:.3f}" for k, v in values.items()))
    failed = {key: drop for key, drop in drops.items() if drop > BOUNDS[key]}
    if failed:
        print(f"The {precision} encoder is not kept: {failed} exceed the bounds {BOUNDS}.")
        return 1
    metrics = {**manifest["metrics"], **{split: {**manifest["metrics"][split], **scores[precision][split]}
                                        for split in splits}}
    write_artifact(artifact.path, files, {**new_manifest, "metrics": {
        **metrics, "encoder_precision": {"precision": precision, "test_fp32": scores["fp32"]["test"],
                                         f"test_{precision}": scores[precision]["test"], "drop": drops,
                                         "bounds": BOUNDS, "encoder_images_per_s": speed,
                                         "nearest neighbour": "as measured at training (float32 features)"}}})
    print(f"Kept: {artifact.path} now serves the {precision} encoder.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
