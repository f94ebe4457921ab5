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
from collections import defaultdict
from collections.abc import Iterable

import numpy as np

NEAR = 0.9
GRAM = 3
BANDS, ROWS = 16, 4  # 64 hash functions
_COEFFICIENTS = np.random.default_rng(20240229).integers(0, 1 << 64, (2, BANDS * ROWS), dtype=np.uint64, endpoint=False)
_MIX1, _MIX2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S27, _S30, _S31, _S32 = (np.uint64(k) for k in (27, 30, 31, 32))

_RETWEET = re.compile(r"(^|\s)rt\s*(?=@|:)|^rt\s", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
_URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
_NUMBER = re.compile(r"\d+([.,]\d+)*")
_NOT_WORD = re.compile(r"[^\w]+|_")


def normalise(text: str) -> str:
    """The form two copies of a text share: "RT @ana: Loving #Paris!! http://t.co/x 2014" -> "loving paris 0".
    A rule runs only where its mark is in the text: most texts have no address, retweet or mention."""
    lower = text.lower()
    if "://" in lower or "www." in lower:
        text = _URL.sub(" ", text)
        lower = text.lower()
    if "rt" in lower:
        text = _RETWEET.sub(" ", text)
    if "@" in text:
        text = _MENTION.sub(" ", text)
    text = _NUMBER.sub("0", text.lower())
    return " ".join(_NOT_WORD.sub(" ", text).split())


def trigrams(normal: str) -> np.ndarray:
    """The character trigrams of a normal form, with its ends marked (a text under three characters is one), each
    as one integer (its three code points side by side, 21 bits each): sorted, each once."""
    points = np.frombuffer(f" {normal} ".encode("utf-32-le"), np.uint32).astype(np.uint64)
    if len(points) < GRAM:  # code point 0 never survives `normalise`: the short gram stays apart from the rest
        points = np.concatenate([points, np.zeros(GRAM - len(points), np.uint64)])
    return np.unique((points[:-2] << np.uint64(42)) | (points[1:-1] << np.uint64(21)) | points[2:])


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """The Jaccard similarity of two `trigrams` sets."""
    shared = len(np.intersect1d(a, b, assume_unique=True))  # the union's size is counted, not built
    return shared / (len(a) + len(b) - shared) if len(a) or len(b) else 1.0


def _signature(grams: np.ndarray) -> np.ndarray:
    """The MinHash signature: each gram mixed to 32 bits (splitmix64's finaliser), then for each of the 64 hash
    functions the least of (a * x + b) >> 32, Dietzfelbinger's multiply-add-shift (no modulo: uint64 wraps)."""
    x = grams ^ (grams >> _S30)
    x = x * _MIX1
    x = x ^ (x >> _S27)
    x = x * _MIX2
    x = (x ^ (x >> _S31)) >> _S32
    a, b = _COEFFICIENTS
    return ((x[:, None] * a[None, :] + b[None, :]) >> _S32).min(0)


class TwinFinder:
    """The training texts, indexed once; `twin_of` says which of them a text is a twin of."""

    def __init__(self, texts: Iterable[str]):
        self.normal: dict[str, int] = {}
        self.grams: list[np.ndarray] = []
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
    def _keys(grams: np.ndarray) -> list[bytes]:
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
