"""Named features of every character of a text: what a cell can be found to track.

Each feature is a number per character, computed from the text alone (the model never sees it): whether the
character is inside a quotation, its position in its line, how deep inside brackets it is, whether it starts
a word, is a vowel, is part of a number or of a Python comment. A cell "tracks" a feature when its activation
over held-out text correlates with it (Pearson's r).
"""
from __future__ import annotations

import numpy as np

FEATURES = {
    "inside quotes": "between an opening and a closing double quote (a blank line closes an open one)",
    "position in line": "characters since the start of the line",
    "bracket depth": "how many (, [ or { are open",
    "start of a word": "a letter after a character that is not a letter or digit",
    "vowel": "one of a, e, i, o, u",
    "inside a number": "a digit, or a point between digits",
    "inside a comment": "from a # to the end of its line",
}
_OPEN, _CLOSE = "([{", ")]}"


def features_of(text: str) -> dict[str, np.ndarray]:
    """Every feature of FEATURES for each character of `text`, as float arrays [len(text)]."""
    n = len(text)
    values = {name: np.zeros(n) for name in FEATURES}
    quoted, column, depth, comment = False, 0, 0, False
    for at, char in enumerate(text):
        previous = text[at - 1] if at else "\n"
        following = text[at + 1] if at + 1 < n else ""
        if char == "\n":
            if previous == "\n":
                quoted = False
            comment = False
        elif char == "#" and not quoted:
            comment = True
        if char == '"':
            quoted = not quoted
        values["inside quotes"][at] = quoted or char == '"'
        values["position in line"][at] = column
        column = 0 if char == "\n" else column + 1
        if char in _OPEN:
            depth += 1
        values["bracket depth"][at] = depth
        if char in _CLOSE:
            depth = max(0, depth - 1)
        values["start of a word"][at] = char.isalpha() and not previous.isalnum()
        values["vowel"][at] = char in "aeiouAEIOU"
        values["inside a number"][at] = char.isdigit() or (char == "." and previous.isdigit() and following.isdigit())
        values["inside a comment"][at] = comment
    return values


def feature_matrix(text: str) -> np.ndarray:
    """`features_of` as columns in FEATURES' order [len(text), features]."""
    values = features_of(text)
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

    def r(self) -> np.ndarray:
        """[units, features]; 0 where a unit or a feature never varied."""
        n = max(self.n, 1)
        covariance = self.sum_af / n - np.outer(self.sum_a / n, self.sum_f / n)
        spread_a = np.sqrt(np.maximum(self.sum_aa / n - (self.sum_a / n) ** 2, 0))
        spread_f = np.sqrt(np.maximum(self.sum_ff / n - (self.sum_f / n) ** 2, 0))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.nan_to_num(covariance / np.outer(spread_a, spread_f))
