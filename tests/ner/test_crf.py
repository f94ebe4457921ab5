"""The CRF's numpy decoding against brute force over every tag sequence of a tiny tag set."""
import itertools

import numpy as np
import pytest

from serving.ner.crf import log_partition, marginals, sequence_score, viterbi


def random_crf(steps: int, tags: int, seed: int):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(steps, tags)), rng.normal(size=(tags, tags)), rng.normal(size=tags),
            rng.normal(size=tags))


@pytest.mark.parametrize("steps,tags,seed", [(1, 3, 0), (2, 3, 1), (4, 3, 2), (5, 2, 3), (3, 4, 4)])
def test_viterbi_partition_and_marginals_match_brute_force(steps, tags, seed):
    crf = random_crf(steps, tags, seed)
    sequences = list(itertools.product(range(tags), repeat=steps))
    scores = np.array([sequence_score(list(s), *crf) for s in sequences])
    assert viterbi(*crf) == list(sequences[int(scores.argmax())])
    assert log_partition(*crf) == pytest.approx(np.log(np.exp(scores).sum()), abs=1e-9)
    probs = np.exp(scores - np.log(np.exp(scores).sum()))
    expected = np.zeros((steps, tags))
    for sequence, p in zip(sequences, probs):
        expected[np.arange(steps), sequence] += p
    np.testing.assert_allclose(marginals(*crf), expected, atol=1e-9)


def test_marginals_stay_finite_for_large_scores():
    emissions, transitions, start, end = random_crf(30, 9, 5)
    probs = marginals(emissions * 200, transitions * 200, start, end)
    assert np.isfinite(probs).all()
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-6)
