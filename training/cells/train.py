"""Character model training (`python -m training.train cells`): a 2-layer LSTM that reads text one character
at a time, trained on the prose and Python source of training/cells/data.py (training/stream_lm.py's loop).

The training documents, shuffled (seeded), make one stream of character ids; validation is the mean
negative log-likelihood per character of the validation documents, cut into pieces of `validation_piece`
characters each read from a fresh state. The artifact (training/cells/artifact.py) is the step graph, whose
every call returns both layers' hidden and cell states: what the page colours text by.
`python -m training.cells.train` writes the artifact again from the last run's best checkpoint.
"""
from __future__ import annotations

import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from datafetch.texts import Document
from serving.artifact import load_artifact, model_dir
from serving.cells.alphabet import SYMBOLS, encode
from training.cells.artifact import write_cells_artifact
from training.cells.data import read_splits
from training.loop import seed_everything
from training.settings import RUNS_DIR
from training.stream_lm import LSTMConfig, LSTMLanguageModel, schedule_of, train_on_stream


@dataclass
class CellsTraining:
    embed_dim: int = 32
    hidden_size: int = 256
    num_layers: int = 2
    dropout: float = 0.1  # 9 million training characters for 0.8 million weights: little to forget
    batch_size: int = 64
    bptt: int = 128
    learning_rate: float = 3e-3
    max_steps: int = 7000  # about 6 passes over the training characters
    eval_every: int = 500
    patience: int = 3
    clip_norm: float = 1.0
    time_budget_minutes: float = 45.0
    validation_piece: int = 2000
    threads: int = 0  # torch's CPU threads (0: its default); 1 when two trainings share two cores
    seed: int = 0

    def __post_init__(self) -> None:
        if min(self.embed_dim, self.hidden_size, self.num_layers, self.batch_size, self.bptt, self.max_steps,
               self.validation_piece) < 1:
            raise ValueError("sizes, batch_size, bptt, max_steps and validation_piece must be positive")
        if not 0 <= self.dropout < 1:
            raise ValueError("dropout must be in [0, 1)")


def pieces_of(texts: list[str], length: int) -> list[list[int]]:
    """Each text cut into pieces of at most `length` character ids."""
    return [ids[at:at + length].tolist() for ids in map(encode, texts) for at in range(0, len(ids), length)
            if len(ids[at:at + length]) > 1]


def training_stream(splits: dict[str, list[Document]], seed: int) -> np.ndarray:
    """The training documents, shuffled (seeded), as one stream of character ids."""
    order = list(splits["train"])
    random.Random(seed).shuffle(order)
    return encode("".join(d.text for d in order))


def train_cells(settings: CellsTraining, out_dir: Path, resume: bool = False) -> Path:
    seed_everything(settings.seed)
    if settings.threads:
        torch.set_num_threads(settings.threads)
    run_dir = RUNS_DIR / "cells"
    run_dir.mkdir(parents=True, exist_ok=True)
    started = time.time()
    splits = read_splits()
    stream = training_stream(splits, settings.seed)
    validation = pieces_of([d.text for d in splits["validation"]], settings.validation_piece)
    print(", ".join(f"{name} {len(found)} documents ({sum(len(d.text) for d in found):,} characters)"
                    for name, found in splits.items()), flush=True)
    config = LSTMConfig(len(SYMBOLS), settings.embed_dim, settings.hidden_size, settings.num_layers,
                        settings.dropout)
    model = LSTMLanguageModel(config)
    record = train_on_stream(model, stream, validation, schedule_of(settings), asdict(settings), run_dir, resume)
    training = {**record, "seconds": round(time.time() - started), "settings": asdict(settings),
                "documents": {name: len(found) for name, found in splits.items()},
                "characters": {name: sum(len(d.text) for d in found) for name, found in splits.items()}}
    return write_cells_artifact(model, splits, stream, out_dir, run_dir, training)


def rewrite_artifact(out_dir: Path) -> Path:
    """`python -m training.cells.train`: the artifact written again from the last run's best checkpoint, with
    the committed manifest's training record (how cells are chosen or scored changed, not the model)."""
    committed = load_artifact(out_dir).manifest
    model = LSTMLanguageModel(LSTMConfig(**committed["config"]))
    model.load_state_dict(torch.load(RUNS_DIR / "cells" / "best.pt"))
    splits = read_splits()
    stream = training_stream(splits, committed["training"]["settings"]["seed"])
    return write_cells_artifact(model, splits, stream, out_dir, RUNS_DIR / "cells", committed["training"])


if __name__ == "__main__":
    print(f"wrote {rewrite_artifact(model_dir('cells'))}")
