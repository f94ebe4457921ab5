"""The 5-gram peer: checked against a slow, plain-dictionary interpolated Kneser-Ney."""
from collections import Counter, defaultdict

import numpy as np
import pytest

from serving.kneser_ney import KneserNey, KneserNeyPieceModel, _unique_rows

VOCAB, ORDER = 7, 3


def reference(stream: list[int], history: list[int]) -> list[float]:
    grams = [tuple(stream[i:i + ORDER]) for i in range(len(stream) - ORDER + 1)]
    counts = {ORDER: dict(Counter(grams))}
    for n in range(ORDER - 1, 0, -1):  # continuation counts: distinct left neighbours
        left = defaultdict(set)
        for gram in {g[ORDER - n - 1:] for g in grams}:
            left[gram[1:]].add(gram[0])
        counts[n] = {gram: len(before) for gram, before in left.items()}

    def discount(n: int) -> float:
        values = list(counts[n].values())
        ones, twos = values.count(1), values.count(2)
        return ones / (ones + 2 * twos) if ones + twos else 0.5

    def prob(word: int, context: tuple, n: int) -> float:
        if n == 0:
            return 1 / VOCAB
        followers = {g[-1]: c for g, c in counts[n].items() if g[:-1] == context}
        if not followers:
            return prob(word, context[1:], n - 1)
        total, d = sum(followers.values()), discount(n)
        return max(followers.get(word, 0) - d, 0) / total + d * len(followers) / total * prob(word, context[1:], n - 1)

    n = min(ORDER, len(history) + 1)
    context = tuple(history[len(history) - n + 1:]) if n > 1 else ()
    return [prob(w, context, n) for w in range(VOCAB)]


@pytest.fixture(scope="module")
def stream():
    rng = np.random.default_rng(0)
    return [int(t) for t in rng.choice(VOCAB, size=400, p=[0.3, 0.2, 0.15, 0.15, 0.1, 0.05, 0.05])]


@pytest.mark.parametrize("history", [[], [2], [0, 1], [4, 4, 0], [6, 6]])
def test_matches_the_textbook_formula(stream, history):
    model = KneserNey(np.array(stream), VOCAB, ORDER)
    assert model.distribution(history) == pytest.approx(reference(stream, history), abs=1e-12)
    assert model.distribution(history).sum() == pytest.approx(1.0)


def test_stream_log_probs_and_piece_model_agree(stream):
    model = KneserNey(np.array(stream), VOCAB, ORDER)
    log_probs = model.log_probs_of(np.array(stream[:20]))
    assert log_probs[5] == pytest.approx(np.log(model.distribution(stream[4:6])[stream[6]]))
    pieces = KneserNeyPieceModel(model)
    state, start = pieces.start(stream[:6])
    [next_state], advanced = pieces.advance([state], [stream[6]])
    assert next_state == tuple(stream[5:7])
    assert np.allclose(advanced[0], np.log(model.distribution(stream[5:7])))


@pytest.mark.parametrize("largest", [1, 50, 1 << 13, 1 << 40])  # ids packed into one int64, or too wide for it
def test_distinct_grams_and_their_counts_are_numpys(largest):
    stream = np.random.default_rng(largest).integers(0, largest, 3000)
    for n in (1, 2, 5):
        grams = np.lib.stride_tricks.sliding_window_view(stream, n)
        expected, expected_counts = np.unique(grams, axis=0, return_counts=True)
        found, counts = _unique_rows(grams)
        assert np.array_equal(found, expected) and np.array_equal(counts, expected_counts)
