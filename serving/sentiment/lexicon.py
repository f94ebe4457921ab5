"""Word valences from a sentiment lexicon, one per sentencepiece piece.

Rated sentences are few, so many opinion words appear in training a handful of times or never
("exquisite", "meh", ":-("). A lexicon rated by people knows them. The classifier can read each
piece's word valence beside what its first layer made of the sentence (lexicon features in a
neural reader, as in Teng et al. 2016); it still learns from the data how negation, contrast and
context change what the words say. The lexicon ships in the artifact as `lexicon.tsv` (word, mean
valence on -4..+4) and is looked up as VADER looks words up: lower case, as written (emoticons),
else without the punctuation around the word.
"""
from __future__ import annotations

import string
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from serving.tokenizer import WORD_START

LEXICON_FILE = "lexicon.tsv"
VALENCE_SCALE = 4.0  # valences are read on -1..+1


def read_lexicon(path: Path) -> dict[str, float]:
    """word -> mean valence, from tab-separated lines of word and valence (more columns are ignored)."""
    lexicon = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) >= 2 and fields[0]:
            lexicon[fields[0]] = float(fields[1])
    return lexicon


def word_valence(word: str, lexicon: dict[str, float]) -> float:
    """The lexicon's valence of one whitespace-delimited word on -1..+1; 0 where it has none."""
    word = word.strip().lower()
    valence = lexicon.get(word)
    if valence is None:
        valence = lexicon.get(word.strip(string.punctuation), 0.0)
    return valence / VALENCE_SCALE


def piece_valences(pieces: Sequence, lexicon: dict[str, float]) -> list[float]:
    """Each piece gets the valence of the word it belongs to (a word runs from a piece that starts with
    sentencepiece's word marker to the next such piece); `pieces` are sentencepiece proto pieces."""
    valences: list[float] = []
    start = 0
    for end in range(1, len(pieces) + 1):
        if end == len(pieces) or pieces[end].piece.startswith(WORD_START):
            word = "".join(piece.surface for piece in pieces[start:end])
            valences += [word_valence(word, lexicon)] * (end - start)
            start = end
    return valences


def pad_valences(valence_lists: Sequence[Sequence[float]]) -> np.ndarray:
    """Right-padded valences [B, T] float32, aligned with serving.tokenizer.pad_batch's tokens."""
    valences = np.zeros((len(valence_lists), max(len(v) for v in valence_lists)), dtype=np.float32)
    for row, values in enumerate(valence_lists):
        valences[row, :len(values)] = values
    return valences
