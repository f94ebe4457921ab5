"""A time series as the forecaster reads it: its values, its first timestamp and its frequency, and the
frequencies the model knows (their seasons, horizon and input window).

The GRU reads `features(...)`: each step's value, normalised by the window's own level and spread (so one
global model serves electricity in megawatts and employment in thousands), where the step falls in its
seasons (sine and cosine of the phase in the day, week, month of the year ...), whether it was observed,
and the frequency. Training and serving build these features with this one function.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from serving.text import InputError

QUANTILES = (0.1, 0.5, 0.9)  # the GRU's outputs: the 80% interval and the median
MAX_HORIZON = 48  # steps the exported head writes; a frequency uses the first `max_horizon` of them


@dataclass(frozen=True)
class Frequency:
    name: str
    offset: str  # pandas' offset alias: the step between two timestamps
    seasons: tuple[int, ...]  # season lengths in steps (the first is the one MASE and the peers use)
    horizon: int  # the default (and evaluated) horizon
    max_horizon: int  # the longest horizon the model was trained to write
    context: int  # the steps the GRU reads before it writes
    test_windows: int  # held-out horizons at the end of each series (rolling origins)

    @property
    def season(self) -> int:
        return self.seasons[0] if self.seasons else 1


FREQUENCIES = (
    Frequency("half-hourly", "30min", (48, 336), 48, 48, 336, 7),
    Frequency("daily", "D", (7,), 14, 28, 56, 4),
    Frequency("weekly", "W", (52,), 13, 26, 104, 4),
    Frequency("monthly", "MS", (12,), 18, 24, 72, 1),
    Frequency("quarterly", "QS", (4,), 8, 12, 24, 1),
    Frequency("yearly", "YS", (), 6, 8, 30, 1),
)
BY_NAME = {frequency.name: frequency for frequency in FREQUENCIES}
FEATURES = 1 + 1 + 4 + len(FREQUENCIES)  # value, observed, two seasons' sine and cosine, frequency one-hot


@dataclass
class Series:
    name: str
    values: np.ndarray  # float64, no gaps
    start: pd.Timestamp
    frequency: Frequency

    def __len__(self) -> int:
        return len(self.values)

    def dates(self, start: int = 0, stop: int | None = None) -> pd.DatetimeIndex:
        """The timestamps of steps start..stop (stop may lie past the end: the forecast's dates)."""
        stop = len(self) if stop is None else stop
        return pd.date_range(self.start, periods=stop, freq=self.frequency.offset)[start:]

    def cut(self, stop: int) -> "Series":
        return Series(self.name, self.values[:stop], self.start, self.frequency)


def phases(dates: pd.DatetimeIndex, frequency: Frequency) -> np.ndarray:
    """Each date's position in each of the frequency's seasons, as a fraction of the season [T, seasons]."""
    if frequency.name == "half-hourly":
        slot = dates.hour.to_numpy() * 2 + dates.minute.to_numpy() // 30
        return np.stack([slot / 48, (dates.dayofweek.to_numpy() * 48 + slot) / 336], axis=1)
    if frequency.name == "daily":
        return (dates.dayofweek.to_numpy() / 7)[:, None]
    if frequency.name == "weekly":
        return ((dates.dayofyear.to_numpy() - 1) / 365.25)[:, None]
    if frequency.name == "monthly":
        return ((dates.month.to_numpy() - 1) / 12)[:, None]
    if frequency.name == "quarterly":
        return ((dates.quarter.to_numpy() - 1) / 4)[:, None]
    return np.zeros((len(dates), 0))


@dataclass(frozen=True)
class Scale:
    """How a window's values map to the GRU's: (value - level) / spread."""

    level: float
    spread: float

    def to_model(self, values: np.ndarray) -> np.ndarray:
        return (values - self.level) / self.spread

    def from_model(self, values: np.ndarray) -> np.ndarray:
        return values * self.spread + self.level


def window_scale(window: np.ndarray, frequency: Frequency) -> Scale:
    """The level is the mean of the window's last season (its last three steps for yearly series), the
    spread the window's standard deviation (a flat window gets a small one, never zero)."""
    recent = window[-max(frequency.season, 3):]
    level = float(np.mean(recent))
    spread = float(np.std(window))
    return Scale(level, max(spread, 1e-3 * abs(level), 1e-6))


def calendar(dates: pd.DatetimeIndex, frequency: Frequency) -> np.ndarray:
    """Sine and cosine of each date's phase in each season [T, 4] (zeros for the seasons a frequency lacks)."""
    phase = phases(dates, frequency)
    out = np.zeros((len(dates), 4), np.float32)
    out[:, 0:2 * phase.shape[1]:2] = np.sin(2 * np.pi * phase)
    out[:, 1:2 * phase.shape[1]:2] = np.cos(2 * np.pi * phase)
    return out


def assemble(window: np.ndarray, seasons: np.ndarray, frequency: Frequency) -> tuple[np.ndarray, Scale]:
    """The GRU's input [context, FEATURES] from a window's values and their calendar rows, and its scale.
    A window shorter than the context is padded in front with its first value, marked as not observed."""
    context = frequency.context
    window, seasons = np.asarray(window, np.float64)[-context:], seasons[-context:]
    scale = window_scale(window, frequency)
    missing = context - len(window)
    out = np.zeros((context, FEATURES), np.float32)
    out[:, 0] = np.clip(scale.to_model(np.concatenate([np.full(missing, window[0]), window])), -30, 30)
    out[missing:, 1] = 1.0
    out[missing:, 2:6] = seasons
    out[:, 6 + FREQUENCIES.index(frequency)] = 1.0
    return out, scale


def features(values: np.ndarray, dates: pd.DatetimeIndex, frequency: Frequency) -> tuple[np.ndarray, Scale]:
    """The GRU's input for a series' last `context` steps (values with their dates), and its scale."""
    context = frequency.context
    return assemble(values[-context:], calendar(dates[-context:], frequency), frequency)


def infer_frequency(dates: pd.DatetimeIndex) -> Frequency:
    """The model's frequency whose step the dates keep; InputError naming the step found otherwise."""
    steps = pd.Series(dates[1:] - dates[:-1])
    typical = steps.median()
    days = typical / pd.Timedelta(days=1)
    for frequency, low, high in ((BY_NAME["half-hourly"], 29 / 1440, 31 / 1440), (BY_NAME["daily"], 0.99, 1.01),
                                 (BY_NAME["weekly"], 6.9, 7.1), (BY_NAME["monthly"], 27.5, 31.5),
                                 (BY_NAME["quarterly"], 89, 93), (BY_NAME["yearly"], 364, 367)):
        if low <= days <= high:
            return frequency
    amount, unit = (days, "day") if days >= 1 else (days * 24, "hour") if days * 24 >= 1 else (days * 1440, "minute")
    apart = f"{amount:g} {unit}{'' if amount == 1 else 's'}"
    raise InputError(f"the dates are {apart} apart; the model forecasts half-hourly, daily, weekly, monthly, "
                     "quarterly or yearly series")
