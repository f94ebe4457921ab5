"""The statistical forecasters the GRU is measured against, each at its best rule (statsforecast's C++ models):
seasonal naive, AutoETS, AutoARIMA and AutoTheta (the M3 winner's family, its variant chosen by fit).

Seasons longer than 24 steps (a day of half-hours, a year of weeks) are what ETS cannot take (R's rule,
m <= 24) and what makes seasonal ARIMA take minutes: there the series is first decomposed by MSTL over all
its seasons and each method forecasts what remains, statsforecast's own recipe for such data.
"""
from __future__ import annotations

import warnings

import numpy as np

from serving.forecast.series import Frequency

PEERS = ("naive", "ets", "arima", "theta")
LONG_SEASON = 24


def _model(peer: str, frequency: Frequency, length: int):
    from statsforecast.models import MSTL, AutoARIMA, AutoETS, AutoTheta, SeasonalNaive

    seasons = [m for m in frequency.seasons if length >= 2 * m]  # a season needs two full cycles to be seen
    season = seasons[0] if seasons else 1
    if peer == "naive":
        return SeasonalNaive(season_length=season)
    if seasons and max(seasons) > LONG_SEASON:
        rest = {"ets": AutoETS(model="ZZN"), "arima": AutoARIMA(approximation=length > 150),
                "theta": AutoTheta()}[peer]
        return MSTL(season_length=seasons, trend_forecaster=rest)
    if peer == "ets":
        return AutoETS(season_length=season)
    if peer == "arima":  # R's auto.arima approximates the likelihood in its search past 150 points or m > 12
        return AutoARIMA(season_length=season, approximation=length > 150 or season > 12)
    return AutoTheta(season_length=season)


def peer_forecast(peer: str, history: np.ndarray, horizon: int, frequency: Frequency) -> np.ndarray:
    """[horizon, 3]: the 10% bound, the point forecast and the 90% bound (the 80% interval) of `peer`
    fitted on `history`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsforecast warns about short or constant series it still fits
        found = _model(peer, frequency, len(history)).forecast(y=np.asarray(history, np.float64), h=horizon,
                                                               level=[80])
    mean = np.asarray(found["mean"], np.float64)
    lower = np.asarray(found.get("lo-80", mean), np.float64)
    upper = np.asarray(found.get("hi-80", mean), np.float64)
    return np.stack([lower, mean, upper], axis=1)


def peer_forecasts(history: np.ndarray, horizon: int, frequency: Frequency,
                   peers: tuple[str, ...] = PEERS) -> dict[str, np.ndarray | str]:
    """Every peer's forecast, or, where a method cannot fit this series, the reason in a sentence."""
    found: dict[str, np.ndarray | str] = {}
    for peer in peers:
        try:
            forecast = peer_forecast(peer, history, horizon, frequency)
            if not np.isfinite(forecast).all():
                raise ValueError("it gave no finite forecast")
            found[peer] = forecast
        except Exception as err:  # statsforecast raises ValueError, LinAlgError, ZeroDivisionError ...
            found[peer] = f"{peer} could not fit this series ({type(err).__name__}: {str(err)[:120]})"
    return found
