"""Whole words from a model of sentencepiece pieces: the word-level beam that next-word suggestions use.

The model predicts sentencepiece pieces; people want words. A *word* here is a piece that
starts one (it begins with the "▁" space marker, or is punctuation: punctuation counts as a
word) followed by the pieces that continue it. `top_next_words` expands likely first pieces
with a small beam until each word ends, and scores a word as

    P(word) = P(piece_1) * ... * P(piece_n) * P(the next piece starts a new word)

The approximation: the same word spelt with a different segmentation into pieces is summed
only when the beam happens to find both; sentencepiece's segmentation is nearly always the
one the model saw in training, so the loss is small.

Pieces can spell words that do not exist ("must" + "ward"), so the beam keeps only spellings on
the way to a word of the training text (`WordList`, shipped with the model): suggestions are
real words or punctuation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Protocol

import numpy as np

from serving.numeric import log_sum_exp
from serving.tokenizer import PAD_ID, UNK_ID, WORD_START

PARAGRAPH = "<p>"  # marks the start of every paragraph, so the model knows how texts begin
WORD = re.compile(r"\w+(?:['’]\w+)*")  # what counts as a word of a text ("Union", "don't", "1790")
SCAN_LIMIT = 64  # continuations looked at per hypothesis for ones that stay on the way to a word
SAMPLE_SCAN = 256  # pieces looked at, likeliest first, for the next piece of whole-word sampling


@dataclass(frozen=True)
class WordList:
    """The words a model may suggest, and every start of one, so that both questions are a set lookup."""

    words: frozenset[str]

    @classmethod
    def read(cls, path: Path) -> "WordList":
        return cls(frozenset(path.read_text(encoding="utf-8").split()))

    @cached_property
    def starts(self) -> frozenset[str]:
        """Every non-empty start of a listed word ("m", "mu", "mus", "must")."""
        return frozenset(word[:end] for word in self.words for end in range(1, len(word) + 1))

    def __contains__(self, word: str) -> bool:
        return word in self.words

    def __len__(self) -> int:
        return len(self.words)

    def begins_word(self, text: str) -> bool:
        """Can `text` still become a word of the list (or punctuation)?"""
        return text in self.starts or not any(ch.isalnum() for ch in text)

    def offers(self, word: str) -> bool:
        """May `word` be suggested: a word of the list, or punctuation."""
        return word in self.words or not any(ch.isalnum() for ch in word)


def word_list(artifact) -> WordList:
    """The word list a next-word artifact ships (its manifest names the file)."""
    return WordList.read(artifact.file(artifact.manifest["words"]["file"]))


class PieceModel(Protocol):
    """What the word decoder needs: from per-hypothesis states and one new piece each, the next log-probs."""

    def advance(self, states: list, pieces: list[int]) -> tuple[list, np.ndarray]: ...


@dataclass(frozen=True)
class PieceVocabulary:
    """Per piece: its text (with "▁" as a space) and whether it begins a new word."""

    surfaces: list[str]
    starts_word: np.ndarray  # bool [V]
    never: np.ndarray  # bool [V]: pad, unk and the paragraph mark are never suggested
    spaced: np.ndarray  # bool [V]: the piece begins with a space ("▁"), so it cannot continue a bare "▁"
    bare: np.ndarray  # bool [V]: the piece is a space alone, so the next unspaced piece is part of its word
    known: WordList  # the words suggestions may be

    @classmethod
    def from_tokenizer(cls, tokenizer, known: WordList) -> "PieceVocabulary":
        pieces = [tokenizer.id_to_piece(i) for i in range(tokenizer.get_piece_size())]
        starts = np.array([p.startswith(WORD_START) or not any(ch.isalnum() for ch in p) for p in pieces])
        never = np.zeros(len(pieces), dtype=bool)
        never[[PAD_ID, UNK_ID, tokenizer.piece_to_id(PARAGRAPH)]] = True
        spaced = np.array([p.startswith(WORD_START) for p in pieces])
        bare = np.array([p == WORD_START for p in pieces])
        return cls([p.replace(WORD_START, " ") for p in pieces], starts | never, never, spaced | never, bare, known)

    def word_starts(self, ids: np.ndarray) -> np.ndarray:
        """Which positions of a piece stream begin a word, by the rule `top_next_words` decodes with."""
        starts = self.starts_word[ids] & ~self.never[ids]
        starts[1:] &= ~(self.bare[ids[:-1]] & ~self.spaced[ids[1:]])
        return starts

    def consistent(self, text: str, partial: str, candidates: np.ndarray) -> np.ndarray:
        """Which candidate pieces keep `text + piece` compatible with the typed `partial` word."""
        if len(text.lstrip()) >= len(partial):
            return candidates
        allowed = np.zeros_like(candidates)
        for i in np.flatnonzero(candidates):
            word = (text + self.surfaces[i]).lstrip()
            allowed[i] = word.startswith(partial) or partial.startswith(word)
        return allowed

    def on_the_way(self, word: str, log_probs: np.ndarray) -> np.ndarray:
        """`log_probs` with every piece that would leave a non-word behind set to -inf: after the word being
        written (`word`, "" at the start), a piece may continue it only towards a listed word, and may begin a
        new word only once it is a listed word (or punctuation), and only as the start of one. Of the
        SAMPLE_SCAN likeliest pieces; all of them when none of those would do, so sampling always goes on."""
        allowed = np.full_like(log_probs, -np.inf)
        done = not word or self.known.offers(word)
        for i in np.argsort(-log_probs)[:SAMPLE_SCAN]:
            surface = self.surfaces[i]
            if self.starts_word[i] and not self.never[i]:
                fits = done and self.known.begins_word(surface.strip())
            else:
                fits = not self.never[i] and self.known.begins_word(word + surface)
            if fits:
                allowed[i] = log_probs[i]
        return allowed if np.isfinite(allowed).any() else log_probs

    def best_on_the_way(self, text: str, scores: np.ndarray, count: int, floor: float = -np.inf) -> list[int]:
        """The `count` best-scored pieces (scores above `floor`) after which `text` can still become a known
        word, looking at the SCAN_LIMIT best at most."""
        chosen = []
        for i in np.argsort(-scores)[:SCAN_LIMIT]:
            if scores[i] <= floor or len(chosen) == count:
                break
            if self.known.begins_word((text + self.surfaces[i]).strip()):
                chosen.append(int(i))
        return chosen


@dataclass
class WordCandidate:
    word: str
    prob: float


@dataclass
class _Hypothesis:
    log_prob: float
    text: str
    pending: int  # the last piece, not yet fed to the model
    state: object  # the model state before `pending`


def kth_best(finished: dict[str, float], k: int) -> float:
    """The log-probability a word must beat to enter the k best found so far."""
    return sorted(finished.values(), reverse=True)[k - 1] if len(finished) >= k else -np.inf


def top_next_words(model: PieceModel, state: object, log_probs: np.ndarray, vocab: PieceVocabulary,
                   k: int = 5, beam: int = 8, max_pieces: int = 6, partial: str = "") -> list[WordCandidate]:
    """The k most likely next words after `state` (whose next-piece log-probs are `log_probs`).

    With `partial`, only words that begin with it (the rest of a half-typed word) are returned. Every
    word returned is a word of `vocab.known` or punctuation.
    """
    first = vocab.consistent("", partial, vocab.starts_word & ~vocab.never & np.isfinite(log_probs))
    scores = np.where(first, log_probs, -np.inf)
    hypotheses = [_Hypothesis(float(scores[i]), vocab.surfaces[i], i, state)
                  for i in vocab.best_on_the_way("", scores, beam)]
    finished: dict[str, float] = {}
    for _ in range(max_pieces):
        if not hypotheses:
            break
        states, next_log_probs = model.advance([h.state for h in hypotheses], [h.pending for h in hypotheses])
        extended = []
        word_ends = log_sum_exp(next_log_probs[:, vocab.starts_word])  # P(the next piece starts a new word)
        for hyp, new_state, lp, end in zip(hypotheses, states, next_log_probs, word_ends):
            word = hyp.text.strip()
            if word and word.startswith(partial) and vocab.known.offers(word):
                finished[word] = float(np.logaddexp(finished.get(word, -np.inf), hyp.log_prob + end))
            # A bare "▁" is not a word yet: whatever unspaced piece follows (even punctuation) is its text.
            allowed = vocab.consistent(hyp.text, partial, ~vocab.spaced if not word else ~vocab.starts_word)
            continuation = np.where(allowed, lp, -np.inf)
            # a longer word is less likely than its prefix: below the k-th finished word, nothing can enter
            floor = kth_best(finished, k) - hyp.log_prob
            for i in vocab.best_on_the_way(hyp.text, continuation, beam, floor):
                extended.append(_Hypothesis(hyp.log_prob + float(continuation[i]), hyp.text + vocab.surfaces[i],
                                            i, new_state))
        extended.sort(key=lambda h: -h.log_prob)
        hypotheses = [h for h in extended[:beam] if h.log_prob > kth_best(finished, k)]
    best = sorted(finished.items(), key=lambda item: -item[1])[:k]
    return [WordCandidate(word, float(np.exp(log_prob))) for word, log_prob in best]
