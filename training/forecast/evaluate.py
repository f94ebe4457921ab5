"""The forecaster as served, on every series' test (or validation) origins, beside the peers fitted at the same origins:
MASE and sMAPE of the point forecast, coverage of the 80% interval and the pinball loss of the quantiles,
per frequency and over all test series (each series' mean over its origins), with paired bootstrap
intervals over series for the GRU's MASE against each peer's.
"""
from __future__ import annotations

import time

import numpy as np

from serving.artifact import Artifact
from serving.forecast.forecaster import Forecaster
from serving.forecast.metrics import coverage, mase, mase_scale, pinball, smape
from serving.forecast.peers import PEERS
from serving.forecast.series import FREQUENCIES
from training.bootstrap import format_difference, paired_interval
from training.forecast.data import Origin, scored_origins
from training.forecast.peers_run import origin_key, peer_table

MODELS = ("gru", *PEERS)


def origin_scores(actual: np.ndarray, quantiles: np.ndarray, scale: float) -> dict[str, float]:
    return {"mase": mase(actual, quantiles[:, 1], scale), "smape": smape(actual, quantiles[:, 1]),
            "coverage": coverage(actual, quantiles[:, 0], quantiles[:, 2]),
            "pinball": pinball(actual, quantiles, scale)}


def gru_forecasts(forecaster: Forecaster, wanted: list[Origin]) -> tuple[list[np.ndarray], float]:
    """The served GRU's quantiles at each origin, and its mean milliseconds per series (batched by frequency)."""
    found: dict[int, np.ndarray] = {}
    started = time.perf_counter()
    for frequency in FREQUENCIES:
        chosen = [i for i, o in enumerate(wanted) if o.series.frequency == frequency]
        for horizon in sorted({wanted[i].horizon for i in chosen}):
            batch = [i for i in chosen if wanted[i].horizon == horizon]
            if batch:
                quantiles, _ = forecaster.quantiles([wanted[i].series.cut(wanted[i].at) for i in batch], horizon)
                found.update(zip(batch, quantiles))
    return [found[i] for i in range(len(wanted))], 1000 * (time.perf_counter() - started) / max(len(wanted), 1)


def evaluate_forecaster(artifact: Artifact, splits: dict, split: str = "test") -> dict:
    """The report on `split`'s origins: "test", or "validation" (what choices between models are made on)."""
    series = splits["trained"] + splits["unseen"]
    unseen = {s.name for s in splits["unseen"]}
    wanted = scored_origins(splits, split)
    peers, peer_seconds = peer_table(wanted)
    gru, gru_ms = gru_forecasts(Forecaster(artifact), wanted)
    per_series: dict[str, dict[str, list[dict]]] = {}
    for origin, quantiles in zip(wanted, gru):
        scale = mase_scale(origin.history, origin.series.frequency.season)
        scores = per_series.setdefault(origin.series.name, {m: [] for m in MODELS})
        scores["gru"].append(origin_scores(origin.actual, quantiles, scale))
        for peer in PEERS:
            forecast = peers[f"{origin_key(origin)}/{peer}"]
            if np.isfinite(forecast).all():
                scores[peer].append(origin_scores(origin.actual, forecast, scale))
    complete = [s for s in series if all(per_series[s.name][m] for m in MODELS)]
    table = {m: {k: np.array([np.mean([o[k] for o in per_series[s.name][m]]) for s in complete])
                 for k in ("mase", "smape", "coverage", "pinball")} for m in MODELS}

    def summary(chosen: np.ndarray) -> dict:
        return {m: {k: round(float(v[chosen].mean()), 4) for k, v in table[m].items()} for m in MODELS}

    everything = np.arange(len(complete))
    report = {"split": split, "series": len(complete), "origins": len(wanted), "all": summary(everything),
              "per_frequency": {}, "unseen_series": summary(np.array([i for i, s in enumerate(complete)
                                                                      if s.name in unseen], int)),
              "peers_failed": sorted({s.name for s in series} - {s.name for s in complete})}
    for frequency in FREQUENCIES:
        chosen = np.array([i for i, s in enumerate(complete) if s.frequency == frequency], int)
        if len(chosen):
            report["per_frequency"][frequency.name] = {"series": len(chosen), **summary(chosen)}
    gru_mase = table["gru"]["mase"]
    report["vs_peers_mase"] = {peer: paired_interval(lambda sample, values=table[peer]["mase"]: float(values[sample].mean()),
                                                     lambda sample: float(gru_mase[sample].mean()), len(complete)).to_json()
                               for peer in PEERS}  # peer's MASE - GRU's: positive, the GRU is ahead
    best_peer = min(PEERS, key=lambda p: report["all"][p]["mase"])
    report["best_peer"] = best_peer
    report["below_best_peer"] = round(1 - report["all"]["gru"]["mase"] / report["all"][best_peer]["mase"], 4)
    report["milliseconds_per_series"] = {"gru": round(gru_ms, 3),
                                         **{p: round(1000 * s, 1) for p, s in peer_seconds.items()}}
    return report


def format_report(report: dict) -> str:
    lines = [f"{report['series']} series, {report['split']} origins ({report['origins']})",
             f"{'':12} {'n':>4} " + " ".join(f"{m:>14}" for m in MODELS) + "   (MASE / sMAPE)"]
    rows = [(name, block) for name, block in report["per_frequency"].items()] + [("all", {"series": report["series"],
                                                                                           **report["all"]})]
    for name, block in rows:
        lines.append(f"{name:12} {block['series']:>4} " + " ".join(
            f"{block[m]['mase']:>6.3f}/{block[m]['smape']:>6.2f}%" for m in MODELS))
    lines.append("80% interval coverage: " + ", ".join(f"{m} {report['all'][m]['coverage']:.1%}" for m in MODELS))
    lines.append("pinball: " + ", ".join(f"{m} {report['all'][m]['pinball']:.3f}" for m in MODELS))
    for peer, record in report["vs_peers_mase"].items():
        lines.append(f"MASE {peer} - GRU: {format_difference(record)}")
    lines.append(f"GRU {report['below_best_peer']:.1%} below the best peer ({report['best_peer']})")
    return "\n".join(lines)
