"""Paired bootstrap intervals: is one system ahead of another on the same test items, or level with it?

Both systems are scored on the same resampled items each time (Koehn 2004, "Statistical Significance Tests for
Machine Translation Evaluation"), so what varies between items counts once. A score is any function of the
chosen item indices: a mean of per-item values, or a corpus metric such as BLEU recomputed on the sample.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

RESAMPLES = 1000
SEED = 0


@dataclass(frozen=True)
class Interval:
    """The difference ours - peer's on all items, and its 95% bootstrap interval."""

    difference: float
    low: float
    high: float
    peer_ahead_share: float  # the share of resamples in which the peer scored higher

    @property
    def verdict(self) -> str:
        """"ahead" or "behind" where the interval excludes 0, "level" where it does not."""
        return "ahead" if self.low > 0 else "behind" if self.high < 0 else "level"

    def to_json(self, places: int = 4) -> dict:
        """What a manifest keeps: the difference, the interval (to `places` decimals) and the verdict."""
        return {"difference": round(self.difference, places), "low": round(self.low, places),
                "high": round(self.high, places), "peer_ahead_share": round(self.peer_ahead_share, 4),
                "verdict": self.verdict}

    def __str__(self) -> str:
        return f"{self.difference:+.3g} [{self.low:+.3g}, {self.high:+.3g}] {self.verdict}"


def paired_interval(ours: Callable[[np.ndarray], float], peer: Callable[[np.ndarray], float], items: int,
                    resamples: int = RESAMPLES, seed: int = SEED) -> Interval:
    """The 95% interval of ours(sample) - peer(sample) over `resamples` samples of the `items` indices drawn with
    replacement (seeded: the same numbers on every run)."""
    if items < 1:
        raise ValueError("no items to resample")
    everything = np.arange(items)
    rng = np.random.default_rng(seed)
    differences, peer_ahead = np.empty(resamples), 0
    for r in range(resamples):
        sample = rng.integers(0, items, items)
        a, b = ours(sample), peer(sample)
        differences[r] = a - b
        peer_ahead += b > a
    low, high = np.percentile(differences, [2.5, 97.5])
    return Interval(float(ours(everything) - peer(everything)), float(low), float(high), peer_ahead / resamples)


def format_difference(record: dict, places: int = 3) -> str:
    """A manifest's interval record as a table cell: "+0.125 [+0.098, +0.158] ahead"."""
    return (f"{record['difference']:+.{places}f} [{record['low']:+.{places}f}, {record['high']:+.{places}f}] "
            f"{record['verdict']}")


def mean_of(values) -> Callable[[np.ndarray], float]:
    """The score that is the mean of per-item values (1/0 for right/wrong) over the chosen items."""
    array = np.asarray(values, np.float64)
    return lambda sample: float(array[sample].mean())
