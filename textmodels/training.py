"""What both training scripts share (imports torch: training side only)."""
from __future__ import annotations

import random

import numpy as np
import torch

from datafetch.registry import CACHE_DIR

RUNS_DIR = CACHE_DIR.parent / "runs"  # checkpoints, tokenizers and staged artifacts of training runs


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
