"""The characters the character model reads: one id per character of a text, so the page and the CLI can say
something about every character the person typed.

Ids: 0 for a character outside the alphabet, 1 for the newline, then the 95 printable ASCII characters.
Typographic quotes and dashes read as their ASCII forms, accented letters as their base letter, a tab as a
space; anything else (emoji, other scripts) is the unknown character, still one position of the text.
"""
from __future__ import annotations

import unicodedata

import numpy as np

UNKNOWN = 0
SYMBOLS = ["\ufffd", "\n", *(chr(code) for code in range(32, 127))]  # what each id stands for
_IDS = {symbol: i for i, symbol in enumerate(SYMBOLS) if i != UNKNOWN}
_FOLDED = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\t": " ",
           "\u00a0": " ", "\u2026": "."}


def char_id(char: str) -> int:
    if char in _IDS:
        return _IDS[char]
    folded = _FOLDED.get(char) or unicodedata.normalize("NFKD", char)[:1]
    return _IDS.get(folded, UNKNOWN)


def normalise_newlines(text: str) -> str:
    """Windows and old Mac line ends as "\\n": the text the model reads, character for character."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def as_read(text: str) -> str:
    """The text as the model reads it, character for character: curly quotes straight, accents off."""
    return "".join(SYMBOLS[char_id(char)] for char in text)


def encode(text: str) -> np.ndarray:
    """One id per character of `text` (whose line ends are already "\\n")."""
    return np.fromiter((char_id(char) for char in text), np.int64, len(text))
