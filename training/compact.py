"""`python -m training.compact MODEL...` (no torch): store a committed artifact's weights once.

A tied output layer is written twice by the exporter (the embedding for the look-up, and again
transposed for the product); `share_transposed_weights` keeps one copy and reads the other through a
Transpose. Training exports already do this; this command does it for an artifact trained before,
without retraining. The numbers are the same bit for bit, so the artifact's metrics stand: the command
checks that every output of every rewritten file is identical on a few inputs before it writes.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnxruntime as ort

from serving.artifact import load_artifact, model_dir, write_artifact
from training.onnx_storage import share_transposed_weights

BATCH, TIME = 2, 5


def sample_feeds(session: ort.InferenceSession, seed: int = 0) -> dict[str, np.ndarray]:
    """Small inputs of the session's own signature: a "batch" axis is BATCH long and every other free axis
    TIME; integers lie in 1..TIME (valid as token ids and as lengths), floats are standard normal."""
    rng = np.random.default_rng(seed)
    feeds = {}
    for node in session.get_inputs():
        shape = [dim if isinstance(dim, int) else (BATCH if dim == "batch" else TIME) for dim in node.shape]
        if "int" in node.type:
            feeds[node.name] = rng.integers(1, TIME + 1, size=shape)
        else:
            feeds[node.name] = rng.standard_normal(shape).astype(np.float32)
    return feeds


def identical(before: Path, after: Path) -> bool:
    """Whether two ONNX files give the same outputs, bit for bit, on sample inputs."""
    first, second = (ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]) for path in (before, after))
    feeds = sample_feeds(first)
    return all(np.array_equal(a, b) for a, b in zip(first.run(None, feeds), second.run(None, feeds)))


def compact(name: str) -> int:
    """Rewrite one artifact in place; returns the bytes saved."""
    artifact = load_artifact(model_dir(name))
    with tempfile.TemporaryDirectory() as staging:
        files = {}
        saved = 0
        for file_name in artifact.manifest["files"]:
            files[file_name] = Path(staging) / file_name
            shutil.copyfile(artifact.file(file_name), files[file_name])
            if file_name.endswith(".onnx"):
                saved += share_transposed_weights(files[file_name])
                if not identical(artifact.file(file_name), files[file_name]):
                    raise RuntimeError(f"{name}/{file_name}: the rewritten file computes something else")
        if saved:
            write_artifact(artifact.path, files, artifact.given_manifest)
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.compact", description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", help="artifact names under models/, e.g. nextword")
    for name in parser.parse_args(argv).models:
        saved = compact(name)
        print(f"{name}: {saved / 1e6:.1f} MB saved" if saved else f"{name}: nothing stored twice")
    return 0


if __name__ == "__main__":
    sys.exit(main())
