"""What may come next in a tune the model is writing, so that it reads as ABC, fills its bars and ends at home.

The LSTM learns bars and endings from its tunes, but a token at a time it can overfill a bar or stop on any
note. While it writes, these rules mask what it may choose (the sampler picks among the rest, in the model's
own proportions): a length only after a note or rest, and none that overfills the bar; a bar line only when the
bar is full (the first bar may be a pickup); the end only after a full bar whose last note is the tonic
(C: every tune is written in C, in its mode). The model's probabilities are not changed otherwise.
"""
from __future__ import annotations

import re
from fractions import Fraction

import numpy as np

from serving.music.abc import TUPLETS, read_length
from serving.music.tokens import is_length

BAR, NOTE, REST, LENGTH, TUPLET, END, OTHER = range(7)


NOTE_TOKEN = re.compile(r"(?P<mark>\^\^|\^|__|_|=)?(?P<letter>[A-Ga-g])(?P<octave>[',]*)")
MARKS = {"^^": 2, "^": 1, "__": -2, "_": -1, "=": 0}


def kind_of(token: str) -> int:
    if token == "<end>":
        return END
    if token[:1] in "|:[" and not token.startswith(("M:", "K:", "R:")):
        return BAR
    if is_length(token):
        return LENGTH
    if re.fullmatch(r"\(\d", token):
        return TUPLET
    if token == "z":
        return REST
    if NOTE_TOKEN.fullmatch(token):
        return NOTE
    return OTHER


class Grammar:
    """The rules for one tune in a meter whose bar is `bar` eighth notes; `allowed()` masks the next token."""

    def __init__(self, vocabulary: list[str], bar: Fraction):
        self.kinds = np.array([kind_of(token) for token in vocabulary])
        self.lengths = [read_length(token) if kind == LENGTH else Fraction(0)
                        for token, kind in zip(vocabulary, self.kinds)]
        self.tuplets = {i: int(token[1]) for i, token in enumerate(vocabulary) if self.kinds[i] == TUPLET}
        self.notes = {i: NOTE_TOKEN.fullmatch(token) for i, token in enumerate(vocabulary) if self.kinds[i] == NOTE}
        self.in_bar: dict[str, int] = {}  # C's accidental set earlier in this bar, by octave mark
        self.ending = np.array([token in ("|1", "|2") for token in vocabulary])
        self.shortest = min(length for length in self.lengths if length > 0)
        self.bar = bar
        self.position = Fraction(0)  # eighth notes into the bar
        self.factor = Fraction(1)  # the last note's tuplet factor
        self.tuplet_kind, self.tuplet_left = 0, 0  # the tuplet being written, and how many of its notes are left
        self.after_note = False
        self.first_bar = True
        self.on_tonic = False
        self.after_bar = False

    def next_factor(self) -> Fraction:
        """The tuplet factor the next note is played with."""
        return TUPLETS[self.tuplet_kind] if self.tuplet_left else Fraction(1)

    def room(self, left: Fraction, owed: int, factor: Fraction) -> bool:
        """Whether `left` eighth notes of the bar can still take the `owed` notes of a tuplet and be filled:
        none left, or at least the shortest note for each note owed (one at least)."""
        return left == 0 and owed == 0 or left >= max(owed, 1) * self.shortest * factor

    def allowed(self) -> np.ndarray:
        """Which tokens may come next (a mask over the vocabulary); never none: where the rules leave nothing,
        a bar line ends the bar as it is."""
        allowed = self._allowed()
        if not allowed.any():
            allowed[self.kinds == BAR] = True
        return allowed

    def _allowed(self) -> np.ndarray:
        left = self.bar - self.position
        allowed = np.zeros(len(self.kinds), bool)
        factor = self.next_factor()
        if self.after_note:  # a length for that note, if the bar still fills after it
            allowed |= np.array([kind == LENGTH and self.room(left - (length - 1) * self.factor, self.tuplet_left,
                                                              factor)
                                 for kind, length in zip(self.kinds, self.lengths)])
            if not self.room(left, self.tuplet_left, factor):  # as it stands the note leaves no room: shorten it
                return allowed
        if left > 0 and self.room(left - self.shortest * factor, max(0, self.tuplet_left - 1), factor):
            allowed |= (self.kinds == NOTE) | (self.kinds == REST)  # at its shortest, the note leaves room
        if not self.tuplet_left:
            allowed |= np.array([kind == TUPLET and self.room(left, self.tuplets[i], TUPLETS[self.tuplets[i]])
                                 for i, kind in enumerate(self.kinds)])
            full = left == 0 or (self.first_bar and 0 < self.position)
            if full and self.position > 0:
                allowed |= self.kinds == BAR
            if self.after_bar:
                allowed |= self.ending  # a first or second ending begins right after a bar line
            if self.on_tonic and (left == 0 or self.after_bar):
                allowed |= self.kinds == END
        return allowed

    def advance(self, token_id: int) -> None:
        kind = self.kinds[token_id]
        self.after_bar = kind == BAR
        if kind in (NOTE, REST):
            self.factor = self.next_factor()
            self.position += self.factor
            self.tuplet_left = max(0, self.tuplet_left - 1)
            self.after_note = True
            if kind == NOTE:
                self.on_tonic = self.sounds_c(self.notes[token_id])
            return
        self.after_note = False
        if kind == LENGTH:
            self.position += (self.lengths[token_id] - 1) * self.factor
        elif kind == TUPLET:
            self.tuplet_kind = self.tuplet_left = self.tuplets[token_id]
        elif kind == BAR:
            if self.position > 0:
                self.first_bar = False
            self.position = Fraction(0)
            self.in_bar.clear()

    def sounds_c(self, note: re.Match) -> bool:
        """Whether a note token sounds the tonic, C, with the accidentals carried in its bar (C is natural in
        the key signature of every mode on C)."""
        octave = note["letter"].islower(), note["octave"]
        if note["letter"].upper() != "C":
            return False
        if note["mark"]:
            self.in_bar[str(octave)] = MARKS[note["mark"]]
        return self.in_bar.get(str(octave), 0) == 0
