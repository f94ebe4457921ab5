"""One rule for "the same text" across every split: a test item whose text a training item shares, or nearly
shares, is a twin, and twins are kept on one side only.

Texts are first normalised (`normalise`): case, punctuation, spacing, retweet markers, @mentions, web
addresses, the "#" of hashtags and the digits of numbers dropped. Two texts are twins when their normal forms
are equal, or when their character trigram sets have a Jaccard similarity of at least NEAR (0.9): "Form" and
"Form:", a retweet and its tweet, a verse and the same verse with one word changed. Candidates come from
MinHash signatures banded for locality-sensitive hashing (Broder 1997; Leskovec et al., "Mining of Massive
Datasets", ch. 3); every candidate's similarity is then computed exactly, so the result does not depend on the
hashing beyond which pairs get compared (at 0.9 a true pair is missed with probability below 1e-7).
"""
from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Iterable

import numpy as np

NEAR = 0.9
GRAM = 3
BANDS, ROWS = 16, 4  # 64 hash functions
_PRIME = (1 << 61) - 1
_COEFFICIENTS = np.random.default_rng(20240229).integers(1, _PRIME, (2, BANDS * ROWS), dtype=np.int64)

_RETWEET = re.compile(r"(^|\s)rt\s*(?=@|:)|^rt\s", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
_URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
_NUMBER = re.compile(r"\d+([.,]\d+)*")
_NOT_WORD = re.compile(r"[^\w]+|_")


def normalise(text: str) -> str:
    """The form two copies of a text share: "RT @ana: Loving #Paris!! http://t.co/x 2014" -> "loving paris 0"."""
    text = _URL.sub(" ", text)
    text = _RETWEET.sub(" ", text)
    text = _MENTION.sub(" ", text)
    text = _NUMBER.sub("0", text.lower())
    return " ".join(_NOT_WORD.sub(" ", text).split())


def trigrams(normal: str) -> frozenset[str]:
    """The character trigrams of a normal form, with its ends marked (a text under three characters is one)."""
    padded = f" {normal} "
    return frozenset(padded[i:i + GRAM] for i in range(max(1, len(padded) - GRAM + 1)))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    shared = len(a & b)  # the union's size is counted, not built
    return shared / (len(a) + len(b) - shared) if a or b else 1.0


def _signature(grams: frozenset[str]) -> np.ndarray:
    hashes = np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), np.int64, len(grams))
    a, b = _COEFFICIENTS
    return ((hashes[:, None] * a[None, :] + b[None, :]) % _PRIME).min(0)


class TwinFinder:
    """The training texts, indexed once; `twin_of` says which of them a text is a twin of."""

    def __init__(self, texts: Iterable[str]):
        self.normal: dict[str, int] = {}
        self.grams: list[frozenset[str]] = []
        self.bands: list[dict[bytes, list[int]]] = [defaultdict(list) for _ in range(BANDS)]
        self.answers: dict[str, int | None] = {}
        for index, text in enumerate(texts):
            normal = normalise(text)
            self.normal.setdefault(normal, index)
            grams = trigrams(normal)
            self.grams.append(grams)
            for band, key in enumerate(self._keys(grams)):
                self.bands[band][key].append(index)

    @staticmethod
    def _keys(grams: frozenset[str]) -> list[bytes]:
        signature = _signature(grams)
        return [signature[band * ROWS:(band + 1) * ROWS].tobytes() for band in range(BANDS)]

    def twin_of(self, text: str) -> int | None:
        """The index of a training text that `text` is a twin of (its normal form, or trigrams at NEAR), or None;
        each text's answer is kept (the same held-out texts are asked about again: a query costs milliseconds)."""
        if text not in self.answers:
            self.answers[text] = self._find_twin(text)
        return self.answers[text]

    def _find_twin(self, text: str) -> int | None:
        normal = normalise(text)
        if normal in self.normal:
            return self.normal[normal]
        grams = trigrams(normal)
        candidates = {i for band, key in enumerate(self._keys(grams)) for i in self.bands[band].get(key, ())}
        for i in sorted(candidates):
            other = self.grams[i]
            if min(len(grams), len(other)) / max(len(grams), len(other)) < NEAR:
                continue  # the Jaccard similarity is at most the ratio of the sizes: no need to count
            if jaccard(grams, other) >= NEAR:
                return i
        return None

    def has_twin(self, text: str) -> bool:
        return self.twin_of(text) is not None


def without_twins(items: list, key, finder: TwinFinder) -> tuple[list, int]:
    """The items whose text (`key(item)`) has no twin in `finder`'s texts, and how many were dropped."""
    kept = [item for item in items if not finder.has_twin(key(item))]
    return kept, len(items) - len(kept)
