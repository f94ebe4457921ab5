"""What every training loop shares: seeding, atomic saves, early stopping and resuming (torch)."""
from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from serving.tokenizer import pad_batch


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """`write` a file beside the target, then rename: an interrupted save never leaves half a file."""
    partial = path.with_name(path.name + ".partial")
    write(partial)
    os.replace(partial, path)


def save_atomically(state: dict, path: Path) -> None:
    write_atomically(path, lambda partial: torch.save(state, partial))


def optimizer_step(loss: torch.Tensor, parameters, optimizer: torch.optim.Optimizer, scheduler, clip_norm: float
                   ) -> None:
    """One step of every training loop: gradients of `loss`, their norm clipped to `clip_norm`, the optimiser's
    step and the learning-rate schedule's."""
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(parameters, clip_norm)
    optimizer.step()
    scheduler.step()


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


class ResumePoint:
    """Where an interrupted training run can continue from (`--resume`): the model, optimiser and
    schedule, the early-stopping record, every random generator and any loop state, saved
    atomically after each evaluation. A point saved with other settings is refused, not mixed in."""

    def __init__(self, path: Path, settings: dict):
        self.path, self.settings = Path(path), settings

    def save(self, at: int, model: torch.nn.Module, optimizer, scheduler, best: BestCheckpoint, history: list,
             **loop_state) -> None:
        save_atomically({"settings": self.settings, "at": at, "model": model.state_dict(),
                         "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(),
                         "best": (best.best_score, best.best_at, best.stale), "history": history,
                         "random": (random.getstate(), np.random.get_state(), torch.get_rng_state()),
                         "loop": loop_state}, self.path)

    def restore(self, model: torch.nn.Module, optimizer, scheduler, best: BestCheckpoint) -> tuple[int, list, dict]:
        """Load the point into the given objects; (the step or epoch it was saved at, history, loop state)."""
        if not self.path.is_file():
            raise SystemExit(f"error: nothing to resume: {self.path} does not exist (run without --resume)")
        point = torch.load(self.path, weights_only=False)  # our own file: it holds generator states
        if point["settings"] != self.settings:
            raise SystemExit(f"error: {self.path} was saved with other settings; run without --resume to start over")
        model.load_state_dict(point["model"])
        optimizer.load_state_dict(point["optimizer"])
        scheduler.load_state_dict(point["scheduler"])
        best.best_score, best.best_at, best.stale = point["best"]
        python_state, numpy_state, torch_state = point["random"]
        random.setstate(python_state)
        np.random.set_state(numpy_state)
        torch.set_rng_state(torch_state)
        print(f"resuming from {self.path} (saved at {point['at']})", flush=True)
        return point["at"], point["history"], point["loop"]


def padded_batch(token_lists: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    """serving's pad_batch as tensors: right-padded tokens [B, T] and lengths [B]."""
    return tuple(torch.from_numpy(array) for array in pad_batch(token_lists))


def batchify(stream: np.ndarray, rows: int) -> torch.Tensor:
    """[rows, N]: a token stream cut into `rows` contiguous parallel rows (for truncated BPTT)."""
    n = len(stream) // rows
    return torch.from_numpy(stream[:n * rows].reshape(rows, n))


def length_bucketed_batches(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar length: little padding, still random order."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    pool = batch_size * 50
    batches = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start:start + pool], key=lengths.__getitem__)
        batches += [chunk[i:i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches
