"""An LSTM language model over a stream of token ids, trained by truncated BPTT: the music model (tune tokens)
and the character model of "Inside the RNN" (characters) are both this.

The exported graph is one call `(tokens [B, T], h [L, B, H], c [L, B, H]) -> (logits [B, T, V], h, c)`: a
prompt is one call, each further token another, the state carried by the caller. The training stream is cut
into `batch_size` parallel rows read `bptt` tokens at a time with the state carried over (the next-word model
trains the same way); validation is the mean negative log-likelihood per token of held-out sequences, each
read from a fresh state, and the best checkpoint on it is kept.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from training.loop import BestCheckpoint, ResumePoint, batchify, optimizer_step


@dataclass
class LSTMConfig:
    vocab_size: int = 128
    embed_dim: int = 128
    hidden_size: int = 384
    num_layers: int = 2
    dropout: float = 0.3


class LSTMLanguageModel(nn.Module):
    def __init__(self, config: LSTMConfig):
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.embed_dim)
        self.lstm = nn.LSTM(config.embed_dim, config.hidden_size, config.num_layers, batch_first=True,
                            dropout=config.dropout)
        self.dropout = nn.Dropout(config.dropout)
        self.output = nn.Linear(config.hidden_size, config.vocab_size)

    def initial_state(self, batch_size: int) -> tuple[torch.Tensor, torch.Tensor]:
        zeros = torch.zeros(self.config.num_layers, batch_size, self.config.hidden_size)
        return zeros, zeros.clone()

    def forward(self, tokens: torch.Tensor, h: torch.Tensor, c: torch.Tensor
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        output, (h, c) = self.lstm(self.dropout(self.embedding(tokens)), (h, c))
        return self.output(self.dropout(output)), h, c


@dataclass
class StreamSchedule:
    """How long and how fast a stream model trains (each model's settings dataclass carries these fields)."""

    batch_size: int
    bptt: int
    learning_rate: float
    max_steps: int
    eval_every: int
    patience: int
    clip_norm: float
    time_budget_minutes: float


def sequence_losses(model: LSTMLanguageModel, sequences: list[list[int]], batch_size: int = 64
                    ) -> list[tuple[float, int]]:
    """(summed negative log-likelihood, tokens predicted) of each sequence, read from a fresh state."""
    model.eval()
    found = []
    with torch.no_grad():
        for at in range(0, len(sequences), batch_size):
            batch = sequences[at:at + batch_size]
            width = max(len(ids) for ids in batch)
            padded = torch.tensor([ids + [0] * (width - len(ids)) for ids in batch])
            logits, _, _ = model(padded[:, :-1], *model.initial_state(len(batch)))
            losses = nn.functional.cross_entropy(logits.transpose(1, 2), padded[:, 1:], reduction="none")
            for row, ids in enumerate(batch):
                found.append((float(losses[row, :len(ids) - 1].sum()), len(ids) - 1))
    return found


def mean_nll(losses: list[tuple[float, int]]) -> float:
    return sum(total for total, _ in losses) / sum(count for _, count in losses)


def train_on_stream(model: LSTMLanguageModel, stream: np.ndarray, validation: list[list[int]],
                    schedule: StreamSchedule, settings: dict, run_dir: Path, resume: bool) -> dict:
    """Train `model` on `stream` until `max_steps`, the time budget or `patience` evaluations without a
    validation gain; the best checkpoint is restored into `model`. Returns the run's record (best step,
    seconds, history). `settings` (the model's whole settings) guards the resume point."""
    started = time.time()
    train_data = batchify(stream, schedule.batch_size)
    optimizer = torch.optim.AdamW(model.parameters(), lr=schedule.learning_rate, weight_decay=0.01)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, schedule.learning_rate, total_steps=schedule.max_steps,
                                                    pct_start=max(0.05, 2 / schedule.max_steps))  # 2 steps at least
    steps_per_pass = (train_data.shape[1] - 1) // schedule.bptt
    best = BestCheckpoint(run_dir / "best.pt", schedule.patience)
    point = ResumePoint(run_dir / "resume.pt", settings)
    history, done, running = [], 0, 0.0
    h, c = model.initial_state(schedule.batch_size)
    if resume:
        done, history, loop = point.restore(model, optimizer, scheduler, best)
        h, c, running = loop["h"], loop["c"], loop["running"]
    deadline = started + schedule.time_budget_minutes * 60
    bar = tqdm(range(done, schedule.max_steps), desc="training", unit="step", disable=None, initial=done,
               total=schedule.max_steps)
    for step in bar:
        model.train()
        start = (step % steps_per_pass) * schedule.bptt
        if start == 0:
            h, c = model.initial_state(schedule.batch_size)  # a new pass over the stream
        inputs = train_data[:, start:start + schedule.bptt]
        targets = train_data[:, start + 1:start + 1 + schedule.bptt]
        logits, h, c = model(inputs, h.detach(), c.detach())
        loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        optimizer_step(loss, model.parameters(), optimizer, scheduler, schedule.clip_norm)
        running = 0.98 * running + 0.02 * loss.item() if step else loss.item()
        bar.set_postfix(loss=f"{running:.3f}")
        out_of_time = time.time() > deadline
        if (step + 1) % schedule.eval_every and step + 1 < schedule.max_steps and not out_of_time:
            continue
        validation_nll = mean_nll(sequence_losses(model, validation))
        history.append({"step": step + 1, "train_loss": round(running, 4), "validation_nll": round(validation_nll, 4)})
        print(f"step {step + 1} ({(step + 1) / steps_per_pass:.1f} passes): train loss {running:.3f}, validation "
              f"NLL per token {validation_nll:.3f} ({time.time() - started:.0f} s)", flush=True)
        stop = best.update(model, -validation_nll, step + 1)
        point.save(step + 1, model, optimizer, scheduler, best, history, h=h.detach(), c=c.detach(), running=running)
        if stop or out_of_time:
            print(f"stopped: {'no validation gain since step ' + str(best.best_at) if stop else 'time budget'}")
            break
    best.restore(model)
    return {"best_step": best.best_at, "seconds": round(time.time() - started), "history": history}


def schedule_of(settings) -> StreamSchedule:
    """The schedule fields of a model's settings dataclass."""
    return StreamSchedule(**{name: getattr(settings, name) for name in StreamSchedule.__dataclass_fields__})


def export_step_graph(model: LSTMLanguageModel, path: Path) -> tuple[Path, float]:
    """The ONNX graph `(tokens, h, c) -> (logits, h_out, c_out)` and its largest difference from torch."""
    from training.export import export_onnx, max_abs_diff

    model.eval()
    config = model.config
    h, c = model.initial_state(1)
    onnx_path = export_onnx(model, (torch.tensor([[0, 3, 4]]), h, c), path,
                            ["tokens", "h", "c"], ["logits", "h_out", "c_out"],
                            {"tokens": {0: "batch", 1: "time"}, "h": {1: "batch"}, "c": {1: "batch"},
                             "logits": {0: "batch", 1: "time"}, "h_out": {1: "batch"}, "c_out": {1: "batch"}})
    zeros = np.zeros((config.num_layers, 2, config.hidden_size), np.float32)
    parity = max_abs_diff(model, onnx_path, {"tokens": np.array([[0, 3, 5, 7], [0, 4, 6, 8]]), "h": zeros,
                                             "c": zeros})
    return onnx_path, parity

