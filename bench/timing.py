"""Interleaved timing: contenders take turns in blocks, in alternating order, after a warm-up.

Interleaving spreads slow drift of the machine (frequency, other processes, caches) over all
contenders, so a speed-up is not an artefact of which ran first. Each block starts with one
untimed call: torch's worker threads keep spinning for a moment after its call, and on 2 cores
that slowed the onnxruntime call right after it by up to 30%; the untimed call absorbs it
(and a sleep instead would time cold caches, not the runtime).
"""
from __future__ import annotations

import resource
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass
class Contender:
    """One way of doing the work: `call` is timed, `setup` (untimed) runs before each call."""

    call: Callable[[], object]
    setup: Callable[[], object] | None = None


def interleaved(contenders: dict[str, Contender], rounds: int, block: int = 3) -> dict[str, np.ndarray]:
    """Milliseconds per call for each contender: `rounds` blocks of `block` timed calls each."""
    names = list(contenders)
    samples = {name: [] for name in names}
    for round_ in range(rounds):
        for name in names if round_ % 2 == 0 else reversed(names):
            _timed(contenders[name])  # re-warm after the other contender
            samples[name].extend(_timed(contenders[name]) for _ in range(block))
    return {name: np.array(values) for name, values in samples.items()}


def _timed(contender: Contender) -> float:
    if contender.setup is not None:
        contender.setup()
    start = time.perf_counter()
    contender.call()
    return (time.perf_counter() - start) * 1000


def p50(samples: np.ndarray) -> float:
    return float(np.percentile(samples, 50))


def p95(samples: np.ndarray) -> float:
    return float(np.percentile(samples, 95))


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def matmul_peak_gflops(size: int = 1024, repeats: int = 10) -> float:
    """The best fp32 GFLOP/s of a square matrix product (numpy's BLAS, all cores): the machine's practical peak."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((size, size), dtype=np.float32), rng.standard_normal((size, size), dtype=np.float32)
    a @ b
    best = min(_seconds(lambda: a @ b) for _ in range(repeats))
    return 2 * size ** 3 / best / 1e9


def _seconds(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start
