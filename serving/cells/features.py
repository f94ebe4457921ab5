"""Named features of every character of a text: what a cell can be found to track.

Each feature is a number per character, computed from the text alone (the model never sees it), and belongs to
the kind of text it means something in: quotations and line lengths in prose as printed, strings, brackets,
indentation and comments in Python source, words, letters and vowels in both, and whether the text is
Python at all. A cell "tracks" a feature when its
activation over held-out text of that kind correlates with it (Pearson's r).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from serving.cells.alphabet import as_read


@dataclass(frozen=True)
class Feature:
    meaning: str
    text: str  # the held-out text it is measured on: "prose", "code" or "any"


FEATURES = {
    "inside quotes": Feature("between an opening and a closing double quote (a blank line closes an open one)",
                             "prose"),
    "position in line": Feature("characters since the start of the line", "prose"),
    "characters to the line's end": Feature("characters left before the line break", "prose"),
    "inside a string": Feature("between a quote and the same quote again on one line", "code"),
    "bracket depth": Feature("how many (, [ or { are open", "code"),
    "inside brackets": Feature("at least one (, [ or { open", "code"),
    "indentation": Feature("the spaces that start the character's line", "code"),
    "inside a comment": Feature("from a # to the end of its line", "code"),
    "position in a word": Feature("letters since the word began (0 outside words)", "any"),
    "start of a word": Feature("a letter after a character that is not a letter or digit", "any"),
    "vowel": Feature("one of a, e, i, o, u", "any"),
    "a letter": Feature("a letter, not a space, digit or sign", "any"),
    "reading Python": Feature("the text is Python source, not prose (known for held-out text only)", "any"),
    "inside a number": Feature("a digit, or a point between digits", "any"),
}
_OPEN, _CLOSE = "([{", ")]}"


def _lines(text: str, values: dict[str, np.ndarray]) -> None:
    """The features that depend on the whole line: position, what is left of it, indentation."""
    at = 0
    for line in text.split("\n"):
        width = len(line) + 1  # with its line break, when it has one
        span = slice(at, min(at + width, len(text)))
        count = span.stop - span.start
        values["position in line"][span] = np.arange(count)
        values["characters to the line's end"][span] = len(line) - np.arange(count)
        values["indentation"][span] = len(line) - len(line.lstrip(" "))
        at += width


def features_of(text: str, python: bool = False) -> dict[str, np.ndarray]:
    """Every feature of FEATURES for each character of `text` as the model reads it (a curly quote is a quote),
    as float arrays [len(text)]; `python` says whether the text is Python source."""
    text = as_read(text)
    n = len(text)
    values = {name: np.zeros(n) for name in FEATURES}
    values["reading Python"][:] = python
    _lines(text, values)
    quoted, string, depth, comment, letters = False, None, 0, False, 0
    for at, char in enumerate(text):
        previous = text[at - 1] if at else "\n"
        following = text[at + 1] if at + 1 < n else ""
        if char == "\n":
            if previous == "\n":
                quoted = False
            comment, string = False, None
        elif char == "#" and string is None:
            comment = True
        if char == '"':
            quoted = not quoted
        values["inside quotes"][at] = quoted or char == '"'
        opens_or_closes = char in "'\"" and not comment and string in (None, char)
        values["inside a string"][at] = string is not None or opens_or_closes
        if opens_or_closes:
            string = None if string == char else char
        if char in _OPEN:
            depth += 1
        values["bracket depth"][at] = depth
        values["inside brackets"][at] = depth > 0
        if char in _CLOSE:
            depth = max(0, depth - 1)
        letters = letters + 1 if char.isalpha() else 0
        values["position in a word"][at] = letters
        values["start of a word"][at] = char.isalpha() and not previous.isalnum()
        values["vowel"][at] = char in "aeiouAEIOU"
        values["a letter"][at] = char.isalpha()
        values["inside a number"][at] = char.isdigit() or (char == "." and previous.isdigit() and following.isdigit())
        values["inside a comment"][at] = comment
    return values


def feature_matrix(text: str, python: bool = False) -> np.ndarray:
    """`features_of` as columns in FEATURES' order [len(text), features]."""
    values = features_of(text, python)
    return np.stack([values[name] for name in FEATURES], axis=1)


class Correlation:
    """Pearson's r of every unit with every feature, summed up text by text (held-out text is read in pieces
    too long to keep every state of at once)."""

    def __init__(self, units: int):
        features = len(FEATURES)
        self.n = 0
        self.sum_a, self.sum_aa = np.zeros(units), np.zeros(units)
        self.sum_f, self.sum_ff = np.zeros(features), np.zeros(features)
        self.sum_af = np.zeros((units, features))

    def add(self, activations: np.ndarray, features: np.ndarray) -> None:
        """activations [N, units] and features [N, features] of the same N characters."""
        a, f = activations.astype(np.float64), features.astype(np.float64)
        self.n += len(a)
        self.sum_a += a.sum(0)
        self.sum_aa += (a * a).sum(0)
        self.sum_f += f.sum(0)
        self.sum_ff += (f * f).sum(0)
        self.sum_af += a.T @ f

    def __add__(self, other: "Correlation") -> "Correlation":
        """The sums of two parts of the text together: r over both."""
        both = Correlation(len(self.sum_a))
        for name in ("n", "sum_a", "sum_aa", "sum_f", "sum_ff", "sum_af"):
            setattr(both, name, getattr(self, name) + getattr(other, name))
        return both

    def r(self) -> np.ndarray:
        """[units, features]; 0 where a unit or a feature never varied."""
        n = max(self.n, 1)
        covariance = self.sum_af / n - np.outer(self.sum_a / n, self.sum_f / n)
        spread_a = np.sqrt(np.maximum(self.sum_aa / n - (self.sum_a / n) ** 2, 0))
        spread_f = np.sqrt(np.maximum(self.sum_ff / n - (self.sum_f / n) ** 2, 0))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.nan_to_num(covariance / np.outer(spread_a, spread_f))
