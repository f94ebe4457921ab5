"""The paired bootstrap: ahead only where the interval excludes zero, level otherwise; seeded."""
import numpy as np
import pytest

from training.bootstrap import mean_of, paired_interval


def test_a_clear_lead_is_ahead_and_a_coin_toss_is_level():
    rng = np.random.default_rng(1)
    peer = rng.random(300) < 0.5
    better = peer | (rng.random(300) < 0.4)  # right wherever the peer is, and on many more
    assert paired_interval(mean_of(better), mean_of(peer), 300).verdict == "ahead"
    assert paired_interval(mean_of(peer), mean_of(better), 300).verdict == "behind"
    other = rng.random(300) < 0.5
    interval = paired_interval(mean_of(other), mean_of(peer), 300)
    assert interval.verdict == "level" and interval.low < 0 < interval.high
    assert 0 < interval.peer_ahead_share < 1


def test_the_difference_is_on_all_items_and_the_interval_is_seeded():
    ours, peer = [1, 1, 0, 1], [0, 1, 0, 0]
    first = paired_interval(mean_of(ours), mean_of(peer), 4)
    assert first.difference == pytest.approx(0.5)
    assert first == paired_interval(mean_of(ours), mean_of(peer), 4)
    assert first.low <= first.difference <= first.high


def test_corpus_scores_are_recomputed_per_sample():
    hits, totals = np.array([3, 0, 5]), np.array([4, 2, 5])
    ratio = lambda sample: hits[sample].sum() / totals[sample].sum()  # noqa: E731 - a corpus-level score
    interval = paired_interval(ratio, lambda sample: 0.0, 3)
    assert interval.difference == pytest.approx(8 / 11)


def test_no_items_is_refused():
    with pytest.raises(ValueError):
        paired_interval(mean_of([]), mean_of([]), 0)
