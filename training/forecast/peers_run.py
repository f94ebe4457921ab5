"""`python -m training.forecast.peers_run [test|validation]`: every peer's forecast at every origin of a split, once.

The peers do not depend on the GRU, so their forecasts (minutes of AutoARIMA) are computed once and kept in
runs/forecast/peers.npz, keyed by series and origin; the evaluation reads them and recomputes any missing.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from serving.forecast.catalogue import read_catalogue
from serving.forecast.peers import PEERS, peer_forecasts
from training.forecast.data import Origin, scored_origins, split_series
from training.settings import RUNS_DIR

PEERS_FILE = RUNS_DIR / "forecast" / "peers.npz"


def origin_key(origin: Origin) -> str:
    return f"{origin.series.name}@{origin.at}"


def load_peers(path: Path = PEERS_FILE) -> dict[str, np.ndarray]:
    if not path.is_file():
        return {}
    with np.load(path, allow_pickle=False) as stored:
        return {key: stored[key] for key in stored.files}


def peer_table(wanted: list[Origin], path: Path = PEERS_FILE) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """{f"{origin}/{peer}": [horizon, 3]} for every origin (NaN where a peer could not fit), reading what is
    stored and computing the rest; also each peer's mean seconds per forecast for what was computed now."""
    table = load_peers(path)
    seconds: dict[str, list[float]] = {peer: [] for peer in PEERS}
    missing = [o for o in wanted if f"{origin_key(o)}/{PEERS[0]}" not in table]
    for n, origin in enumerate(tqdm(missing, desc="peers", unit="origin", disable=None)):
        for peer in PEERS:
            started = time.perf_counter()
            found = peer_forecasts(origin.history, origin.horizon, origin.series.frequency, (peer,))[peer]
            seconds[peer].append(time.perf_counter() - started)
            table[f"{origin_key(origin)}/{peer}"] = (found if isinstance(found, np.ndarray)
                                                   else np.full((origin.horizon, 3), np.nan))
        if n % 20 == 19 or n == len(missing) - 1:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(path.with_suffix(".partial.npz"), **table)
            path.with_suffix(".partial.npz").replace(path)
    return table, {peer: float(np.mean(times)) for peer, times in seconds.items() if times}


def all_origins(split: str = "test") -> list[Origin]:
    return scored_origins(split_series(read_catalogue()), split)


if __name__ == "__main__":
    _, timing = peer_table(all_origins(sys.argv[1] if len(sys.argv) > 1 else "test"))
    print({peer: f"{value * 1000:.0f} ms" for peer, value in timing.items()})
