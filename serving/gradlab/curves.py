"""Panel 2's curves: the one reader of the `models/gradlab/` artifact (serving side, no torch)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from serving.artifact import load_artifact, model_dir

CURVES_FILE = "curves.json"
TASK = ("the adding problem: each step brings a random value in [0, 1) and a marker; the answer, read from the "
        "last hidden state, is the sum of the two marked values, the first marked within the first half")

# full BPTT with Adam, unclipped and clipped; TBPTT + clipping; full BPTT with plain SGD, unclipped and clipped
VARIANTS = ("plain", "clipped", "truncated", "sgd", "sgd_clipped")
CLIPPED = {"clipped", "truncated", "sgd_clipped"}


@dataclass
class Run:
    """One training run's curves, logged every few steps."""

    cell: str  # rnn, lstm or gru
    length: int
    variant: str  # one of VARIANTS
    steps: list[int]
    loss: list[float | None]  # mean training loss (squared error) over the interval; None once diverged
    accuracy: list[float]  # share of a fixed held-out batch answered within the tolerance
    grad_norm: list[float | None]  # the largest gradient norm (before clipping) in the interval; None once diverged

    @property
    def final_accuracy(self) -> float:
        """Mean held-out accuracy over the last five logs (one log is noisy)."""
        tail = self.accuracy[-5:]
        return round(sum(tail) / len(tail), 4)


def load_runs(path: Path | None = None) -> tuple[dict, list[Run]]:
    """The verified artifact's manifest and its runs."""
    artifact = load_artifact(path or model_dir("gradlab"))
    runs = json.loads(artifact.file(CURVES_FILE).read_text())
    return artifact.manifest, [Run(**run) for run in runs]
