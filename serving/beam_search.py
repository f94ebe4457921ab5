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

from collections.abc import Callable, Collection, Sequence
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


def _constraint_bits(constraints: Sequence[Sequence[Collection[int]]], vocab: int) -> np.ndarray:
    """[images, vocab]: for each image, the constraints each token meets, as bits (bit c: its constraint c)."""
    bits = np.zeros((len(constraints), vocab), np.int64)
    for image, sets in enumerate(constraints):
        for c, tokens in enumerate(sets):
            bits[image, list(tokens)] |= 1 << c
    return bits


def beam_search(step: StepFunction, state: tuple[np.ndarray, ...], start_id: int, end_id: int,
                beam_size: int = 3, max_length: int = 20, length_penalty: float = 1.0,
                banned: Sequence[int] = (),
                constraints: Sequence[Sequence[Collection[int]]] | None = None) -> list[list[Hypothesis]]:
    """n-best lists (best first, `beam_size` long) for each image whose initial state is a row of `state`.

    `constraints[i]`: token sets that image i's captions must each meet by emitting one of the set's tokens
    (Anderson et al. 2017). The beams are kept apart by the constraints met so far, `beam_size` for each
    combination, and only a hypothesis that has met them all may end; where none has within `max_length`, the
    n-best of those that ended without them is returned."""
    if beam_size < 1 or max_length < 1:
        raise ValueError("beam_size and max_length must be at least 1")
    images = state[0].shape[0]
    k = beam_size
    constraints = constraints or [()] * images
    groups = 1 << max(len(sets) for sets in constraints)  # a group per combination of constraints met
    full = np.array([(1 << len(sets)) - 1 for sets in constraints])  # each image's: all constraints met
    met_by = None  # [images, vocab] constraint bits of each token, once the vocabulary is known
    slots = groups * k  # slot g * k + j: the j-th beam of group g (the constraints met: bits of g)
    group_of = np.repeat(np.arange(groups), k)
    state = tuple(np.repeat(array, slots, axis=0) for array in state)  # row i * slots + s: image i, slot s
    scores = np.full((images, slots), -np.inf)
    scores[:, 0] = 0.0  # all beams start identical, with nothing met: expand only the first
    tokens = np.zeros((images, slots, 0), np.int64)
    attention: np.ndarray | None = None  # [images, slots, t, P]
    finished: list[list[Hypothesis]] = [[] for _ in range(images)]
    unmet: list[list[Hypothesis]] = [[] for _ in range(images)]  # ended without meeting every constraint
    active = np.arange(images)  # images still searching; rows of the arrays above
    last = np.full(images * slots, start_id, np.int64)

    def ended(image: int, group: int, hypothesis: Hypothesis) -> None:
        (finished if group == full[image] else unmet)[image].append(hypothesis)

    for t in range(max_length):
        log_probs, state, weights = step(last, state)
        if len(banned):
            log_probs = log_probs.copy()
            log_probs[:, list(banned)] = -np.inf
        vocab = log_probs.shape[1]
        weights = weights.reshape(len(active), slots, -1)
        candidates = (scores[:, :, None] + log_probs.reshape(len(active), slots, vocab))
        if groups > 1:
            met_by = _constraint_bits(constraints, vocab) if met_by is None else met_by
            reached = group_of[None, :, None] | met_by[active][:, None, :]  # the group each candidate joins
        new_scores = np.full((len(active), slots), -np.inf)
        new_parent = np.zeros((len(active), slots), np.int64)
        new_word = np.full((len(active), slots), end_id, np.int64)
        for group in range(groups):
            joining = candidates if groups == 1 else np.where(reached == group, candidates, -np.inf)
            joining = joining.reshape(len(active), -1)
            top = _best_columns(joining, 2 * k)
            parents, words = top // vocab, top % vocab
            for row, image in enumerate(active):
                alive = 0
                for rank in range(2 * k):
                    parent, word = parents[row, rank], words[row, rank]
                    total = joining[row, top[row, rank]]
                    if not np.isfinite(total):
                        break
                    if word == end_id:
                        if rank < k:  # <end> only counts when it is among the k best: keeps k=1 greedy
                            history = (attention[row, parent] if attention is not None
                                       else weights[row, parent][None][:0])
                            ended(image, group, Hypothesis(tokens[row, parent].tolist(), float(total),
                                                           _normalised(float(total), t + 1, length_penalty),
                                                           history, True))
                        continue
                    if alive < k:
                        at = group * k + alive
                        new_scores[row, at], new_parent[row, at], new_word[row, at] = total, parent, word
                        alive += 1
        keep = np.array([len(finished[image]) < k for image in active])
        rows = (np.arange(len(active))[:, None] * slots + new_parent).reshape(-1)
        state = tuple(array[rows] for array in state)
        tokens = np.concatenate([tokens[np.arange(len(active))[:, None], new_parent], new_word[:, :, None]], 2)
        looked = weights[np.arange(len(active))[:, None], new_parent][:, :, None]
        attention = looked if attention is None else np.concatenate(
            [attention[np.arange(len(active))[:, None], new_parent], looked], 2)
        scores, last = new_scores, new_word.reshape(-1)
        if not keep.all():
            active, scores, tokens, attention = active[keep], scores[keep], tokens[keep], attention[keep]
            state = tuple(array.reshape(len(keep), slots, *array.shape[1:])[keep].reshape(-1, *array.shape[1:])
                          for array in state)
            last = last.reshape(len(keep), slots)[keep].reshape(-1)
        if len(active) == 0:
            break
    for row, image in enumerate(active):  # the length cap: finish what is still alive
        for slot in range(slots):
            if np.isfinite(scores[row, slot]):
                total = float(scores[row, slot])
                ended(image, slot // k, Hypothesis(tokens[row, slot].tolist(), total,
                                                   _normalised(total, tokens.shape[2], length_penalty),
                                                   attention[row, slot], False))
    return [sorted(done or rest, key=lambda h: -h.score)[:k] for done, rest in zip(finished, unmet)]
