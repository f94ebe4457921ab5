"""Beam search over a one-step decoder, in numpy, batched over images and beams (serving side).

Every step feeds all live beams of all unfinished images to the decoder in one call. An image keeps
`beam_size` live beams; a beam that emits `<end>` within the top `beam_size` candidates becomes
a finished hypothesis, and an image is done once it has `beam_size` of them. At `max_length` the
live beams are finished as they are, so the search always ends, with or without `<end>`. Scores
are log-probabilities divided by length ** `length_penalty` (1.0: the mean per word). `banned`
tokens (padding, <unk>, <start>) are never emitted, however likely the decoder finds them. With
beam_size 1 this is exactly greedy decoding over the allowed tokens.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

# step(tokens [N], state) -> (log_probs [N, V], new state, attention [N, P]); state is a tuple of
# arrays whose first axis is N, so beams can be reordered by indexing.
StepFunction = Callable[[np.ndarray, tuple[np.ndarray, ...]], tuple[np.ndarray, tuple[np.ndarray, ...], np.ndarray]]


@dataclass
class Hypothesis:
    tokens: list[int]  # without <start>, without <end>
    log_prob: float  # sum over the emitted tokens, <end> included when it was emitted
    score: float  # length-normalised: what the n-best list is sorted by
    attention: np.ndarray  # [len(tokens), P]: where the decoder looked for each word
    finished: bool  # False when the length cap cut it off


def _normalised(log_prob: float, length: int, length_penalty: float) -> float:
    return log_prob / max(length, 1) ** length_penalty


def _best_columns(values: np.ndarray, n: int) -> np.ndarray:
    """The indices of each row's `n` largest values, largest first: a partial selection, then a sort of
    those alone (a full sort of beams x vocabulary candidates took a millisecond a step at 8,000 pieces)."""
    n = min(n, values.shape[1])
    chosen = np.argpartition(-values, n - 1, axis=1)[:, :n]
    return np.take_along_axis(chosen, np.argsort(-np.take_along_axis(values, chosen, 1), axis=1, kind="stable"), 1)


def beam_search(step: StepFunction, state: tuple[np.ndarray, ...], start_id: int, end_id: int,
                beam_size: int = 3, max_length: int = 20, length_penalty: float = 1.0,
                banned: Sequence[int] = ()) -> list[list[Hypothesis]]:
    """n-best lists (best first, `beam_size` long) for each image whose initial state is a row of `state`."""
    if beam_size < 1 or max_length < 1:
        raise ValueError("beam_size and max_length must be at least 1")
    images = state[0].shape[0]
    k = beam_size
    state = tuple(np.repeat(array, k, axis=0) for array in state)  # row i * k + j: image i, beam j
    scores = np.full((images, k), -np.inf)
    scores[:, 0] = 0.0  # all beams start identical: expand only the first
    tokens = np.zeros((images, k, 0), np.int64)
    attention: np.ndarray | None = None  # [images, k, t, P]
    finished: list[list[Hypothesis]] = [[] for _ in range(images)]
    active = np.arange(images)  # images still searching; rows of the arrays above
    last = np.full(images * k, start_id, np.int64)
    for t in range(max_length):
        log_probs, state, weights = step(last, state)
        if len(banned):
            log_probs = log_probs.copy()
            log_probs[:, list(banned)] = -np.inf
        vocab = log_probs.shape[1]
        weights = weights.reshape(len(active), k, -1)
        candidates = (scores[:, :, None] + log_probs.reshape(len(active), k, vocab)).reshape(len(active), -1)
        top = _best_columns(candidates, 2 * k)
        parents, words = top // vocab, top % vocab
        new_scores = np.full((len(active), k), -np.inf)
        new_parent = np.zeros((len(active), k), np.int64)
        new_word = np.full((len(active), k), end_id, np.int64)
        keep = np.ones(len(active), bool)
        for row, image in enumerate(active):
            alive = 0
            for rank in range(2 * k):
                parent, word = parents[row, rank], words[row, rank]
                total = candidates[row, top[row, rank]]
                if not np.isfinite(total):
                    break
                if word == end_id:
                    if rank < k:  # <end> only counts when it is among the k best: keeps k=1 greedy
                        history = attention[row, parent] if attention is not None else weights[row, parent][None][:0]
                        finished[image].append(Hypothesis(tokens[row, parent].tolist(), float(total),
                                                          _normalised(float(total), t + 1, length_penalty),
                                                          history, True))
                    continue
                if alive < k:
                    new_scores[row, alive], new_parent[row, alive], new_word[row, alive] = total, parent, word
                    alive += 1
            if len(finished[image]) >= k:
                keep[row] = False
        rows = (np.arange(len(active))[:, None] * k + new_parent).reshape(-1)
        state = tuple(array[rows] for array in state)
        tokens = np.concatenate([tokens[np.arange(len(active))[:, None], new_parent], new_word[:, :, None]], 2)
        looked = weights[np.arange(len(active))[:, None], new_parent][:, :, None]
        attention = looked if attention is None else np.concatenate(
            [attention[np.arange(len(active))[:, None], new_parent], looked], 2)
        scores, last = new_scores, new_word.reshape(-1)
        if not keep.all():
            active, scores, tokens, attention = active[keep], scores[keep], tokens[keep], attention[keep]
            state = tuple(array.reshape(len(keep), k, *array.shape[1:])[keep].reshape(-1, *array.shape[1:])
                          for array in state)
            last = last.reshape(len(keep), k)[keep].reshape(-1)
        if len(active) == 0:
            break
    for row, image in enumerate(active):  # the length cap: finish what is still alive
        for beam in range(k):
            if np.isfinite(scores[row, beam]):
                total = float(scores[row, beam])
                finished[image].append(Hypothesis(tokens[row, beam].tolist(), total,
                                                  _normalised(total, tokens.shape[2], length_penalty),
                                                  attention[row, beam], False))
    return [sorted(hypotheses, key=lambda h: -h.score)[:k] for hypotheses in finished]
