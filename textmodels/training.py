"""What both training scripts share (imports torch: training side only)."""
from __future__ import annotations

import os
import random
from pathlib import Path

import numpy as np
import torch

from datafetch.registry import CACHE_DIR

RUNS_DIR = CACHE_DIR.parent / "runs"  # checkpoints, tokenizers and staged artifacts of training runs


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def save_atomically(state: dict, path: Path) -> None:
    """torch.save beside the target, then rename: an interrupted save never leaves half a checkpoint."""
    partial = path.with_name(path.name + ".partial")
    torch.save(state, partial)
    os.replace(partial, path)


class BestCheckpoint:
    """Keeps the best model so far on disk (a higher score is better) and says when `patience`
    evaluations in a row have brought no improvement: early stopping for every training loop."""

    def __init__(self, path: Path, patience: int):
        self.path, self.patience = Path(path), patience
        self.best_score, self.best_at, self.stale = None, 0, 0

    def update(self, model: torch.nn.Module, score, at: int) -> bool:
        """Save `model` if `score` beats every earlier one; True when training should stop."""
        if self.best_score is None or score > self.best_score:
            self.best_score, self.best_at, self.stale = score, at, 0
            save_atomically(model.state_dict(), self.path)
            return False
        self.stale += 1
        return self.stale >= self.patience

    def restore(self, model: torch.nn.Module) -> None:
        model.load_state_dict(torch.load(self.path))
