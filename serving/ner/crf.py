"""A linear-chain CRF's decoding in numpy: the tagger's network gives each word a score per tag
(emissions), the CRF adds a score per pair of neighbouring tags (transitions, read from the
artifact), and the best tag sequence is the one with the highest total.

All functions take one sentence: emissions [T, K], transitions [K, K] (from tag i to tag j),
start [K] and end [K] scores.
"""
from __future__ import annotations

import numpy as np

from serving.numeric import log_sum_exp


def viterbi(emissions: np.ndarray, transitions: np.ndarray, start: np.ndarray, end: np.ndarray) -> list[int]:
    """The highest-scoring tag sequence (dynamic programming over T steps, O(T K^2))."""
    score = start + emissions[0]
    back = []
    for emission in emissions[1:]:
        candidates = score[:, None] + transitions  # [from, to]
        back.append(candidates.argmax(axis=0))
        score = candidates.max(axis=0) + emission
    best = [int((score + end).argmax())]
    for pointers in reversed(back):
        best.append(int(pointers[best[-1]]))
    return best[::-1]


def sequence_score(tags: list[int], emissions: np.ndarray, transitions: np.ndarray, start: np.ndarray,
                   end: np.ndarray) -> float:
    """The unnormalised score of one tag sequence."""
    total = start[tags[0]] + end[tags[-1]] + emissions[np.arange(len(tags)), tags].sum()
    return float(total + sum(transitions[a, b] for a, b in zip(tags, tags[1:])))


def _forward_backward(emissions: np.ndarray, transitions: np.ndarray, start: np.ndarray,
                      end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Log forward and backward scores [T, K]: alpha[t, k] sums the paths that end at step t in tag k,
    beta[t, k] the paths that go on from there to the end."""
    steps = len(emissions)
    alpha, beta = np.empty_like(emissions), np.empty_like(emissions)
    alpha[0] = start + emissions[0]
    for t in range(1, steps):
        alpha[t] = log_sum_exp((alpha[t - 1][:, None] + transitions).T) + emissions[t]
    beta[-1] = end
    for t in range(steps - 2, -1, -1):
        beta[t] = log_sum_exp(transitions + (emissions[t + 1] + beta[t + 1])[None, :])
    return alpha, beta


def log_partition(emissions: np.ndarray, transitions: np.ndarray, start: np.ndarray, end: np.ndarray) -> float:
    """log of the sum of exp(score) over every tag sequence: what a sequence's score is normalised by."""
    alpha, _ = _forward_backward(emissions, transitions, start, end)
    return float(log_sum_exp(alpha[-1] + end))


def marginals(emissions: np.ndarray, transitions: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """P(word t has tag k | the sentence) [T, K], summed over every tag sequence: each row sums to 1."""
    alpha, beta = _forward_backward(emissions, transitions, start, end)
    joint = alpha + beta
    return np.exp(joint - log_sum_exp(joint)[:, None])
