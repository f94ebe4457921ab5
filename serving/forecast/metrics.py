"""How forecasts are scored (M4's measures): MASE and sMAPE for the point forecast, coverage and pinball loss
for the interval. The evaluation and the page's check on a person's own series use these same functions."""
from __future__ import annotations

import numpy as np

from serving.forecast.series import QUANTILES


def mase_scale(history: np.ndarray, season: int) -> float:
    """The mean absolute error of the seasonal naive forecast in the history (one step back for series
    without a season, or too short for one): MASE's denominator."""
    lag = season if len(history) > season else 1
    errors = np.abs(history[lag:] - history[:-lag])
    scale = float(np.mean(errors)) if len(errors) else 0.0
    return scale if scale > 0 else max(float(np.mean(np.abs(history))), 1e-8)


def mase(actual: np.ndarray, forecast: np.ndarray, scale: float) -> float:
    return float(np.mean(np.abs(actual - forecast)) / scale)


def smape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Symmetric mean absolute percentage error, in percent (0 where both are 0)."""
    denominator = np.abs(actual) + np.abs(forecast)
    ratio = np.divide(2 * np.abs(actual - forecast), denominator, out=np.zeros_like(denominator),
                      where=denominator > 0)
    return float(100 * np.mean(ratio))


def coverage(actual: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """The share of actual values inside [lower, upper]."""
    return float(np.mean((actual >= lower) & (actual <= upper)))


def pinball(actual: np.ndarray, quantiles: np.ndarray, scale: float) -> float:
    """Mean quantile (pinball) loss over QUANTILES, scaled like MASE; `quantiles` is [steps, 3]."""
    levels = np.array(QUANTILES)
    error = actual[:, None] - quantiles
    return float(np.mean(np.maximum(levels * error, (levels - 1) * error)) / scale)
