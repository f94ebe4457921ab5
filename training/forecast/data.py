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
import pandas as pd

from serving.forecast.series import BY_NAME, MAX_HORIZON, Frequency, Series, assemble, calendar

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


def held_back(series: Series, validation: bool = True) -> int:
    """Steps kept from training at the end of a series: its test and (unless the final fit trains on it)
    validation stretches."""
    return (2 if validation else 1) * series.frequency.test_windows * series.frequency.horizon


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


def _matches(tail: np.ndarray, values: np.ndarray) -> bool:
    """Whether some stretch of `values` correlates >= TWIN_CORRELATION with `tail`."""
    if np.std(tail) == 0 or len(values) < len(tail):
        return False
    z = (tail - tail.mean()) / tail.std()
    windows = np.lib.stride_tricks.sliding_window_view(values, len(tail))
    spread = windows.std(axis=1)
    usable = spread > 0
    centred = (windows[usable] - windows[usable].mean(axis=1, keepdims=True)) / spread[usable, None]
    return bool(len(centred)) and float((centred @ z).max()) / len(tail) >= TWIN_CORRELATION


def twins(series: list[Series]) -> set[str]:
    """Names of series whose held-back stretch matches (correlation >= TWIN_CORRELATION) a stretch of an earlier
    series of the same frequency: the later of each pair."""
    dropped: set[str] = set()
    for i, one in enumerate(series):
        tail = one.values[-held_back(one):]
        for other in series[:i]:
            if other.frequency == one.frequency and other.name not in dropped and _matches(tail, other.values):
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


AGGREGATIONS = (("monthly", "quarterly", 3), ("monthly", "yearly", 12), ("quarterly", "yearly", 4))


def aggregated(series: Series, to: Frequency, steps: int, validation_held_back: bool = True) -> Series | None:
    """The series' training part (before its validation, or before its test for the final fit) as means over
    whole calendar periods of `to`: a monthly series read quarterly or yearly. None when fewer than three
    periods are left."""
    part = series.values[:len(series) - held_back(series, validation_held_back)]
    dates = series.dates(0, len(part))
    first = next((i for i, date in enumerate(dates) if date == to_period_start(date, to)), len(part))
    periods = (len(part) - first) // steps
    if periods < 3:
        return None
    values = part[first:first + periods * steps].reshape(periods, steps).mean(axis=1)
    return Series(f"{series.name} ({to.name} means)", values, dates[first], to)


def to_period_start(date: pd.Timestamp, to: Frequency) -> pd.Timestamp:
    return pd.Timestamp(year=date.year, month=1 if to.name == "yearly" else 3 * ((date.month - 1) // 3) + 1, day=1)


def training_aggregates(trained: list[Series], scored: list[Series], validation_held_back: bool = True
                        ) -> list[Series]:
    """More quarterly and yearly training series: the trained monthly and quarterly series' training parts
    averaged over quarters and years (temporal aggregation). An aggregate with a stretch matching a scored
    series' held-back stretch (correlation >= TWIN_CORRELATION) is left out."""
    found = []
    for source, target, steps in AGGREGATIONS:
        to = BY_NAME[target]
        tails = [s.values[-held_back(s):] for s in scored if s.frequency == to]
        for one in trained:
            if one.frequency.name == source:
                made = aggregated(one, to, steps, validation_held_back)
                if made is not None and not any(_matches(tail, made.values) for tail in tails):
                    found.append(made)
    return found


class WindowSampler:
    """Random training windows, one frequency per batch: the frequency drawn by `weights`, then a series of it,
    then a cut point, so that two half-hourly series weigh as much as a hundred monthly ones would allow.
    With `aggregates` (series made by temporal aggregation, all of them training data), a window of their
    frequency comes from one of them with chance `aggregate_share`. Without `validation_held_back` (the final
    fit), windows reach into the validation stretch; never into test."""

    def __init__(self, series: list[Series], weights: dict[str, float], seed: int,
                 aggregates: list[Series] = (), aggregate_share: float = 0.0, validation_held_back: bool = True):
        self.rng = np.random.default_rng(seed)
        self.by_frequency: dict[Frequency, list[Series]] = {}
        self.aggregates: dict[Frequency, list[Series]] = {}
        self.aggregate_share = aggregate_share
        self.calendars: dict[str, np.ndarray] = {}
        self.usable: dict[str, int] = {}
        for one in series:
            self._add(self.by_frequency, one, len(one) - held_back(one, validation_held_back))
        for one in aggregates:
            self._add(self.aggregates, one, len(one))
        names = [f for f in self.by_frequency if weights.get(f.name, 0) > 0]
        total = sum(weights[f.name] for f in names)
        self.frequencies, self.probabilities = names, [weights[f.name] / total for f in names]

    def _add(self, pools: dict[Frequency, list[Series]], one: Series, usable: int) -> None:
        """Draw windows from `one`'s first `usable` steps, if there are enough of them."""
        if usable >= 8:
            pools.setdefault(one.frequency, []).append(one)
            self.calendars[one.name] = calendar(one.dates(), one.frequency)
            self.usable[one.name] = usable

    def batch(self, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Inputs [B, context, FEATURES], targets [B, MAX_HORIZON] in the model's scale, the targets' mask, and
        each window's MASE-like weight (1 / the window's mean seasonal change, in the model's scale)."""
        frequency = self.frequencies[self.rng.choice(len(self.frequencies), p=self.probabilities)]
        inputs, targets, mask, weights = [], [], [], []
        for _ in range(size):
            made = frequency in self.aggregates and self.rng.random() < self.aggregate_share
            pool = (self.aggregates if made else self.by_frequency)[frequency]
            one = pool[self.rng.integers(len(pool))]
            usable = self.usable[one.name]
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
