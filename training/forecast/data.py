"""The forecasting data's splits and the GRU's training windows.

Every series keeps its last `test_windows` horizons as test (rolling origins: each horizon forecast from
everything before it) and the same stretch before them as validation; training windows end before
validation starts. Whole series are held out too (about 15% of the series of each frequency that has a
dozen or more, drawn with a seed): the model never trains on any of their values. Series that copy another
(a sum of two others, one dataset repackaged) are found by correlation over the test stretch and dropped.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from serving.forecast.series import MAX_HORIZON, Frequency, Series, assemble, calendar

UNSEEN_SHARE = 0.15
SPLIT_SEED = 0  # the held-out series: the same for every model trained and scored
TWIN_CORRELATION = 0.995


@dataclass
class Origin:
    """One forecast to score: the series cut at `at`, the next `horizon` values to compare with."""

    series: Series
    at: int
    horizon: int

    @property
    def history(self) -> np.ndarray:
        return self.series.values[:self.at]

    @property
    def actual(self) -> np.ndarray:
        return self.series.values[self.at:self.at + self.horizon]


def held_back(series: Series) -> int:
    """Steps kept from training at the end of a series: its test and validation stretches."""
    return 2 * series.frequency.test_windows * series.frequency.horizon


def origins(series: Series, split: str) -> list[Origin]:
    frequency = series.frequency
    first = len(series) - frequency.test_windows * frequency.horizon * (2 if split == "validation" else 1)
    return [Origin(series, first + k * frequency.horizon, frequency.horizon) for k in range(frequency.test_windows)]


def scored_origins(splits: dict[str, list[Series]], split: str) -> list[Origin]:
    """Every kept series' `split` origins ("validation" or "test"): the ones trained on and the ones held out
    whole."""
    return [o for s in splits["trained"] + splits["unseen"] for o in origins(s, split)]


def _drawn(name: str, seed: int) -> float:
    return int(hashlib.sha256(f"{seed}:{name}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF


def twins(series: list[Series]) -> set[str]:
    """Names of series whose held-back stretch matches (correlation >= TWIN_CORRELATION) a stretch of an earlier
    series of the same frequency: the later of each pair."""
    dropped: set[str] = set()
    for i, one in enumerate(series):
        tail = one.values[-held_back(one):]
        if np.std(tail) == 0:
            continue
        z = (tail - tail.mean()) / tail.std()
        for other in series[:i]:
            if other.frequency != one.frequency or other.name in dropped or len(other) < len(tail):
                continue
            windows = np.lib.stride_tricks.sliding_window_view(other.values, len(tail))
            spread = windows.std(axis=1)
            usable = spread > 0
            centred = (windows[usable] - windows[usable].mean(axis=1, keepdims=True)) / spread[usable, None]
            if len(centred) and float((centred @ z).max()) / len(tail) >= TWIN_CORRELATION:
                dropped.add(one.name)
                break
    return dropped


def split_series(series: list[Series], seed: int = SPLIT_SEED) -> dict[str, list[Series]]:
    """{"trained": series whose early part trains the model, "unseen": series held out whole, "twins": dropped}."""
    dropped = twins(series)
    kept = [s for s in series if s.name not in dropped and len(s) > held_back(s) + s.frequency.season + 4]
    counts = {f: sum(s.frequency == f for s in kept) for f in {s.frequency for s in kept}}
    unseen = [s for s in kept if counts[s.frequency] >= 12 and _drawn(s.name, seed) < UNSEEN_SHARE]
    return {"trained": [s for s in kept if s not in unseen], "unseen": unseen,
            "twins": [s for s in series if s.name in dropped]}


class WindowSampler:
    """Random training windows, one frequency per batch: the frequency drawn by `weights`, then a series of it,
    then a cut point, so that two half-hourly series weigh as much as a hundred monthly ones would allow."""

    def __init__(self, series: list[Series], weights: dict[str, float], seed: int):
        self.rng = np.random.default_rng(seed)
        self.by_frequency: dict[Frequency, list[Series]] = {}
        self.calendars: dict[str, np.ndarray] = {}
        for one in series:
            if len(one) - held_back(one) >= 8:
                self.by_frequency.setdefault(one.frequency, []).append(one)
                self.calendars[one.name] = calendar(one.dates(), one.frequency)
        names = [f for f in self.by_frequency if weights.get(f.name, 0) > 0]
        total = sum(weights[f.name] for f in names)
        self.frequencies, self.probabilities = names, [weights[f.name] / total for f in names]

    def batch(self, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Inputs [B, context, FEATURES], targets [B, MAX_HORIZON] in the model's scale, the targets' mask, and
        each window's MASE-like weight (1 / the window's mean seasonal change, in the model's scale)."""
        frequency = self.frequencies[self.rng.choice(len(self.frequencies), p=self.probabilities)]
        pool = self.by_frequency[frequency]
        inputs, targets, mask, weights = [], [], [], []
        for _ in range(size):
            one = pool[self.rng.integers(len(pool))]
            usable = len(one) - held_back(one)
            cut = int(self.rng.integers(max(3, min(frequency.context, usable - 2)), usable))
            length = frequency.context
            if self.rng.random() < 0.1:  # now and then a window shorter than the context: padding seen
                length = int(self.rng.integers(3, frequency.context))
            window = one.values[max(0, cut - length):cut]
            x, scale = assemble(window, self.calendars[one.name][cut - len(window):cut], frequency)
            future = one.values[cut:min(cut + frequency.max_horizon, usable)]
            y = np.zeros(MAX_HORIZON, np.float32)
            y[:len(future)] = scale.to_model(future)
            m = np.zeros(MAX_HORIZON, np.float32)
            m[:len(future)] = 1
            lag = frequency.season if len(window) > frequency.season else 1
            change = float(np.mean(np.abs(window[lag:] - window[:-lag])))
            weights.append(scale.spread / max(change, 1e-3 * scale.spread))
            inputs.append(x), targets.append(y), mask.append(m)
        weights_array = np.clip(np.array(weights, np.float32), 0, 10)
        return np.stack(inputs), np.clip(np.stack(targets), -30, 30), np.stack(mask), weights_array
