"""Forecasts from the exported GRU (numpy and onnxruntime, no torch), with the peers beside them and a check
on the series' own last stretch: hold back its last horizon, forecast it from what came before, score each.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from serving.artifact import Artifact, load_artifact, model_dir
from serving.batch import answer_each, answered
from serving.forecast.metrics import mase, mase_scale, smape
from serving.forecast.peers import peer_forecasts
from serving.forecast.series import Series, features
from serving.text import InputError

MIN_POINTS = 8


@dataclass(frozen=True)
class ForecastRequest:
    series: Series
    horizon: int | None = None  # None: the frequency's usual horizon
    peers: bool = True  # also fit seasonal naive, ETS, ARIMA and Theta (seconds, not milliseconds)
    check: bool = True  # hold back the last horizon and score every model on it


@dataclass
class Forecast:
    name: str
    frequency: str
    dates: list[str]  # the forecast's dates
    quantiles: np.ndarray  # [horizon, 3]: 10%, median, 90%
    window: np.ndarray  # the values the GRU read
    window_dates: list[str]
    states: np.ndarray  # the GRU's last layer at each step it read [window, hidden]
    peers: dict[str, np.ndarray] = field(default_factory=dict)  # name -> [horizon, 3]
    peer_errors: dict[str, str] = field(default_factory=dict)
    check: dict[str, dict[str, float]] = field(default_factory=dict)  # model -> {"mase", "smape"}
    check_dates: list[str] = field(default_factory=list)
    check_forecasts: dict[str, np.ndarray] = field(default_factory=dict)  # model -> the held-back stretch's forecast
    warnings: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict:
        def listed(values: np.ndarray) -> list[float]:
            return [round(float(v), 6) for v in values]

        answer = {"series": self.name, "frequency": self.frequency, "dates": self.dates,
                  "forecast": listed(self.quantiles[:, 1]), "lower": listed(self.quantiles[:, 0]),
                  "upper": listed(self.quantiles[:, 2]), "interval": "80%",
                  "peers": {name: listed(values[:, 1]) for name, values in self.peers.items()}}
        if self.check:
            answer["check"] = {"held_back": len(self.check_dates),
                               "errors": {m: {k: round(v, 4) for k, v in e.items()} for m, e in self.check.items()}}
        if self.peer_errors:
            answer["peer_errors"] = self.peer_errors
        if self.warnings:
            answer["warnings"] = self.warnings
        return answer


def stamp(dates: pd.DatetimeIndex) -> list[str]:
    """Dates as ISO text: the time of day only for intraday series."""
    intraday = len(dates) and (dates.hour.any() or dates.minute.any())
    return [d.isoformat(sep=" ", timespec="minutes") if intraday else d.date().isoformat() for d in dates]


class Forecaster:
    """Loads the forecast artifact once; safe to call from many threads."""

    def __init__(self, artifact: Artifact):
        self.artifact = artifact
        self.session = artifact.session("model.onnx")

    @classmethod
    def load(cls, path: Path | None = None) -> "Forecaster":
        return cls(load_artifact(path or model_dir("forecast")))

    def quantiles(self, histories: list[Series], horizon: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The GRU's [horizon, 3] in each series' own units, and its states while reading; the series must
        share a frequency (one batch, one window length)."""
        built = [features(s.values, s.dates(), s.frequency) for s in histories]
        quantiles, states = self.session.run(None, {"window": np.stack([x for x, _ in built])})
        return ([scale.from_model(q[:horizon].astype(np.float64)) for q, (_, scale) in zip(quantiles, built)],
                list(states))

    def validate(self, request: ForecastRequest) -> int:
        series = request.series
        frequency = series.frequency
        horizon = frequency.horizon if request.horizon is None else request.horizon
        if not 1 <= horizon <= frequency.max_horizon:
            raise InputError(f"choose a horizon from 1 to {frequency.max_horizon} steps for a {frequency.name} "
                             f"series (the model was trained to write at most that many)")
        if len(series) < MIN_POINTS:
            raise InputError(f"the series has {len(series)} points; give at least {MIN_POINTS}")
        if not np.isfinite(series.values).all():
            raise InputError("the series has missing or infinite values: fill or remove them")
        return horizon

    def forecast(self, request: ForecastRequest) -> Forecast:
        horizon = self.validate(request)
        series, frequency = request.series, request.series.frequency
        started = time.perf_counter()
        [quantiles], [states] = self.quantiles([series], horizon)
        seconds = {"gru": time.perf_counter() - started}
        read = min(len(series), frequency.context)
        result = Forecast(series.name, frequency.name, stamp(series.dates(len(series), len(series) + horizon)),
                          quantiles, series.values[-read:], stamp(series.dates(len(series) - read)),
                          states[-read:], seconds=seconds)
        if len(series) < frequency.context:
            result.warnings.append(f"the series has {len(series)} steps, fewer than the {frequency.context} the GRU "
                                   "reads: the rest is padded, so the forecast leans on less than it was trained "
                                   f"with; give {frequency.context} or more for the forecast it was measured on")
        if horizon > frequency.horizon:
            result.warnings.append(f"{horizon} steps ahead is past the {frequency.horizon} the model was measured on")
        if request.peers:
            for name, found in peer_forecasts(series.values, horizon, frequency).items():
                if isinstance(found, str):
                    result.peer_errors[name] = found
                else:
                    result.peers[name] = found
            seconds["peers"] = time.perf_counter() - started - seconds["gru"]
        if request.check:
            self.add_check(result, series, horizon, request.peers)
        return result

    def add_check(self, result: Forecast, series: Series, horizon: int, peers: bool) -> None:
        """Score the GRU (and the peers) on the series' last `horizon` values, forecast from the rest."""
        if len(series) - horizon < MIN_POINTS:
            result.warnings.append(f"too short to hold back {horizon} points and still forecast them: no check")
            return
        history = series.cut(len(series) - horizon)
        actual = series.values[-horizon:]
        scale = mase_scale(history.values, series.frequency.season)
        [gru], _ = self.quantiles([history], horizon)
        forecasts = {"gru": gru}
        if peers:
            forecasts.update({name: found for name, found in
                              peer_forecasts(history.values, horizon, series.frequency).items()
                              if not isinstance(found, str)})
        result.check_dates = stamp(series.dates(len(series) - horizon))
        result.check_forecasts = forecasts
        result.check = {name: {"mase": mase(actual, f[:, 1], scale), "smape": smape(actual, f[:, 1])}
                        for name, f in forecasts.items()}

    def predict_batch(self, requests: list[ForecastRequest], detail: bool = False) -> list[dict]:
        """Each request's forecast as `rnnapp forecast --json` prints it, or {"error": ...}."""
        def run(chunk: list[ForecastRequest]) -> list[dict]:
            found = [self.forecast(request) for request in chunk]
            return [answered(f.to_json(), f, detail) for f in found]
        return answer_each(requests, run)

