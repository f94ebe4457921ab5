"""`python -m training.music.music21_check`: how many of the 200 tunes the committed model writes at the
default settings (seeds 0-199, as training/music/evaluate.py writes them) music21 parses as ABC.

music21 is not a requirement of this project (the model and its checks read ABC themselves); install it
beside it first: `.venv/bin/pip install music21==10.5.1`.
"""
from __future__ import annotations

import sys
import warnings

from serving.music.composer import Choice, Composer
from training.music.evaluate import WRITTEN


def main() -> int:
    try:
        from music21 import converter
    except ImportError:
        print("error: music21 is not installed: .venv/bin/pip install music21==10.5.1", file=sys.stderr)
        return 2
    composer = Composer.load()
    parsed = 0
    for seed in range(WRITTEN):
        abc = composer.write(Choice(seed=seed)).abc
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parsed += bool(abc) and len(converter.parse(abc, format="abc").flatten().notes) > 0
        except Exception as err:  # music21's parser raises many kinds; each is a tune it does not read
            print(f"seed {seed}: {type(err).__name__}: {err}", file=sys.stderr)
    print(f"{parsed} of {WRITTEN} written tunes parse with music21 as ABC with notes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
