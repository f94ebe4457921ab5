"""The folk tunes the music model learns from: O'Neill's "Music of Ireland" (1850 tunes) and Ryan's Mammoth
Collection, as ABC files inside PyPI music21's wheel (datafetch MUSIC21_WHEEL), read into tokens
(serving/music/tokens.py) and split by tune, seeded, before anything is trained.

The two collections share tunes (a reel in both, or twice in one), so a tune whose tokens nearly repeat a
held-out tune's (training/near_duplicates.py on the token text) is left out of training: no held-out tune
has its twin there.
"""
from __future__ import annotations

import random
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from serving.music.abc import AbcError, Tune, read_tune, split_tunes
from serving.music.tokens import tune_tokens
from training.near_duplicates import TwinFinder

COLLECTIONS = ("music21/corpus/oneills1850/", "music21/corpus/ryansMammoth/")
HELD_OUT_SHARE = 0.06  # of the tunes, for validation and as much again for test


@dataclass(frozen=True)
class TokenizedTune:
    title: str
    source: str  # the file in the wheel
    tokens: list[str]


def read_collections(wheel: Path) -> tuple[list[tuple[str, Tune]], Counter]:
    """Every tune of both collections that the ABC reader takes, with its file; and why the others were not."""
    tunes, refused = [], Counter()
    with zipfile.ZipFile(wheel) as archive:
        for name in sorted(archive.namelist()):
            if not (name.startswith(COLLECTIONS) and name.endswith(".abc")):
                continue
            for text in split_tunes(archive.read(name).decode("utf-8", "replace")):
                try:
                    tunes.append((name, read_tune(text)))
                except AbcError as err:
                    refused[reason_of(str(err))] += 1
    return tunes, refused


def reason_of(message: str) -> str:
    """An AbcError's kind, without the tune's name: for counting."""
    for kind in ("changes", "tuplet", "not a key", "cannot read", "voices", "meter", "no notes", "no K:"):
        if kind in message:
            return kind
    return "other"


def token_text(tokens: list[str], codes: dict[str, str]) -> str:
    """Tokens as letters only (one two-letter code each), which near_duplicates compares as it compares text."""
    for token in tokens:
        if token not in codes:
            index = len(codes)
            codes[token] = chr(97 + index // 26 % 26) + chr(97 + index % 26)
    return "".join(codes[token] for token in tokens)


def split_collections(tunes: list[tuple[str, Tune]], seed: int = 0) -> dict[str, list[TokenizedTune]]:
    """{"train", "validation", "test"}: tunes drawn at random (seeded) for the held-out sets; a training tune
    whose body is a twin of a held-out one is left out."""
    tokenized = [TokenizedTune(tune.title, name, tune_tokens(tune)) for name, tune in tunes]
    order = list(range(len(tokenized)))
    random.Random(seed).shuffle(order)
    held = round(len(order) * HELD_OUT_SHARE)
    splits = {"validation": [tokenized[i] for i in order[:held]], "test": [tokenized[i] for i in order[held:2 * held]],
              "train": [tokenized[i] for i in order[2 * held:]]}
    codes: dict[str, str] = {}
    finder = TwinFinder(token_text(tune.tokens[3:], codes) for split in ("validation", "test")
                        for tune in splits[split])
    splits["train"] = [tune for tune in splits["train"] if not finder.has_twin(token_text(tune.tokens[3:], codes))]
    return splits
