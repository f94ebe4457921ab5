"""Word valences from a sentiment lexicon and VADER's rules, one per sentencepiece piece.

Rated sentences are few, so many opinion words appear in training a handful of times or never
("exquisite", "meh", ":-("). A lexicon rated by people knows them. The classifier can read each
piece's word valence beside what its first layer made of the sentence (lexicon features in a
neural reader, as in Teng et al. 2016). The valence a piece gets is the one VADER gives its word in
this sentence before it sums them: the lexicon's, turned by the negations ("not bad"), boosters
("very"), capitals and "but" around it (Hutto & Gilbert 2014), so the few negated opinions in the
rated data need not teach negation alone; the GRU still decides what the sentence says. The lexicon
ships in the artifact as `lexicon.tsv` (word, mean valence on -4..+4); the rules are vaderSentiment's.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentimentIntensityAnalyzer, SentiText

from serving.tokenizer import WORD_START

LEXICON_FILE = "lexicon.tsv"
VALENCE_SCALE = 4.0  # the lexicon's valences are read on -1..+1


class Lexicon:
    """VADER's word valences in context, over a given lexicon."""

    def __init__(self, valences: dict[str, float]):
        self.valences = valences
        self._vader = SentimentIntensityAnalyzer()
        self._vader.lexicon = valences  # VADER's rules read the lexicon through this attribute

    @classmethod
    def read(cls, path: Path) -> "Lexicon":
        """From tab-separated lines of word and mean valence (more columns are ignored)."""
        valences = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if len(fields) >= 2 and fields[0]:
                valences[fields[0]] = float(fields[1])
        return cls(valences)

    def word_valences(self, words: Sequence[str]) -> list[float]:
        """The valence VADER gives each word in the sentence the words make, on about -1..+1; 0 for a word
        that carries none (and for an empty one). Words are looked up as VADER does: lower case, as written
        (emoticons), else without the punctuation around them."""
        kept = [i for i, word in enumerate(words) if word.strip()]
        sentence = SentiText(" ".join("".join(words[i].split()) for i in kept))
        tokens = sentence.words_and_emoticons
        sentiments: list[float] = []
        for i, token in enumerate(tokens):  # VADER's polarity_scores, up to the sum
            kind_of = token.lower() == "kind" and [t.lower() for t in tokens[i + 1:i + 2]] == ["of"]
            if token.lower() in BOOSTER_DICT or kind_of:
                sentiments.append(0.0)
            else:
                self._vader.sentiment_valence(0.0, sentence, token, i, sentiments)
        sentiments = self._vader._but_check(tokens, sentiments)
        valences = [0.0] * len(words)
        for i, sentiment in zip(kept, sentiments):
            valences[i] = sentiment / VALENCE_SCALE
        return valences


def piece_valences(pieces: Sequence, lexicon: Lexicon) -> list[float]:
    """Each piece gets the valence of the word it belongs to (a word runs from a piece that starts with
    sentencepiece's word marker to the next such piece); `pieces` are sentencepiece proto pieces."""
    starts = [i for i in range(len(pieces)) if i == 0 or pieces[i].piece.startswith(WORD_START)]
    ends = starts[1:] + [len(pieces)]
    words = ["".join(piece.surface for piece in pieces[start:end]) for start, end in zip(starts, ends)]
    valences: list[float] = []
    for start, end, valence in zip(starts, ends, lexicon.word_valences(words)):
        valences += [valence] * (end - start)
    return valences


def pad_valences(valence_lists: Sequence[Sequence[float]]) -> np.ndarray:
    """Right-padded valences [B, T] float32, aligned with serving.tokenizer.pad_batch's tokens."""
    valences = np.zeros((len(valence_lists), max(len(v) for v in valence_lists)), dtype=np.float32)
    for row, values in enumerate(valence_lists):
        valences[row, :len(values)] = values
    return valences
