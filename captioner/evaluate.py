"""`python -m captioner.evaluate`: the committed caption model as served, beside the nearest-neighbour peer.

Rebuilds the same seeded scenes as training (reusing the feature cache when training left one) and
encodes them with the artifact's own encoder, so the numbers are those of what `make run` serves.
"""
from __future__ import annotations

import sys

import onnxruntime as ort

from captioner.captioning import Captioner
from captioner.train import caption_sets, compare_with_nearest_neighbour, run_dir_of, scene_settings_of


def main() -> int:
    captioner = Captioner.load()
    settings = scene_settings_of(captioner.artifact.manifest)
    if settings.data != "stamps":
        print("error: only models trained on the default data can be re-evaluated here", file=sys.stderr)
        return 1
    encoder = ort.InferenceSession(str(captioner.artifact.file("encoder.onnx")), providers=["CPUExecutionProvider"])
    sets = caption_sets(settings, encoder, run_dir_of(settings))
    for split in ("test", "novel_test"):
        if split in sets:
            compare_with_nearest_neighbour(captioner, sets, settings.beam_size, split)
    return 0


if __name__ == "__main__":
    sys.exit(main())
