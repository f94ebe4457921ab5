"""`python -m training.rescore MODEL`: a committed model scored again by today's evaluation code (test sets
without training twins, peers at their best, paired bootstrap intervals) and its manifest's metrics rewritten
through the one artifact writer. The model's files are copied unchanged, so their checksums stay; metrics the
evaluation does not recompute (such as ONNX-vs-torch parity, measured at training) are kept.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from serving.artifact import Artifact, load_artifact, model_dir, write_evaluated_artifact
from serving.cli import run_guarded
from training.settings import RUNS_DIR

# Each model's metrics as its training run computes them (without what needs torch): module:function(artifact)
METRICS_OF = {
    "caption": "training.caption.evaluate:artifact_metrics",
    "sentiment": "training.sentiment.evaluate:artifact_metrics",
    "translate": "training.translate.evaluate:artifact_metrics",
    "ner": "training.ner.evaluate:artifact_metrics",
    "nextword": "training.nextword.evaluate:artifact_metrics",
    "music": "training.music.evaluate:artifact_metrics",
}


def rescore(name: str, folder: Path | None = None) -> Path:
    """Recompute `name`'s metrics on the artifact in `folder` (default: the committed one) and rewrite it."""
    module, function = METRICS_OF[name].split(":")
    metrics_of = getattr(importlib.import_module(module), function)
    artifact = load_artifact(folder or model_dir(name))
    files = {file: artifact.file(file) for file in artifact.manifest["files"]}

    def evaluate(staged: Artifact) -> dict:
        return {**artifact.manifest.get("metrics", {}), **metrics_of(staged)}

    return write_evaluated_artifact(artifact.path, RUNS_DIR / f"rescore-{name}", files, artifact.given_manifest,
                                    evaluate)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.rescore", description=__doc__.split("\n\n")[0])
    parser.add_argument("model", choices=sorted(METRICS_OF))
    args = parser.parse_args(argv)
    return run_guarded(lambda: print(f"wrote {rescore(args.model)}") or 0)


if __name__ == "__main__":
    sys.exit(main())
