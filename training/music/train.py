"""Music training (`python -m training.train music`): an LSTM over the tokens of folk tunes.

The training tunes, shuffled (seeded), make one stream of tokens, each tune between `<tune>` and `<end>`,
cut into `batch_size` parallel rows and read `bptt` tokens at a time with the state carried over
(truncated BPTT, as the next-word model trains). Validation is the mean negative log-likelihood per token
of the validation tunes, each read from a fresh state; the best checkpoint on it is kept. The artifact is
the step graph, the vocabulary, and the training stream the Kneser-Ney 5-gram peer counts in serving.
"""
from __future__ import annotations

import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from datafetch.registry import fetch
from datafetch.sources import MUSIC21_WHEEL
from serving.artifact import Artifact, write_evaluated_artifact
from serving.music.composer import END, START, UNKNOWN
from training.export import export_onnx, max_abs_diff
from training.loop import BestCheckpoint, ResumePoint, batchify, optimizer_step, seed_everything
from training.music.data import TokenizedTune, read_collections, split_collections
from training.music.evaluate import checked, evaluate_composer, format_report
from training.music.model import TuneConfig, TuneLSTM
from training.settings import RUNS_DIR

PEER_STREAM = "peer_stream.npy"


@dataclass
class MusicTraining:
    embed_dim: int = 128
    hidden_size: int = 384
    num_layers: int = 2
    dropout: float = 0.3
    batch_size: int = 32
    bptt: int = 64
    learning_rate: float = 3e-3
    max_steps: int = 4000  # about 18 passes over the training tunes
    eval_every: int = 400
    patience: int = 3
    clip_norm: float = 1.0
    time_budget_minutes: float = 40.0
    seed: int = 0

    def __post_init__(self) -> None:
        if min(self.embed_dim, self.hidden_size, self.num_layers, self.batch_size, self.bptt, self.max_steps) < 1:
            raise ValueError("sizes, batch_size, bptt and max_steps must be positive")
        if not 0 <= self.dropout < 1:
            raise ValueError("dropout must be in [0, 1)")


def vocabulary_of(tunes: list[TokenizedTune]) -> list[str]:
    """The special tokens, then every token of the training tunes, headers first."""
    seen = sorted({token for tune in tunes for token in tune.tokens},
                  key=lambda token: (token[:2] not in ("M:", "K:", "R:"), token))
    return [START, END, UNKNOWN, *seen]


def encode(tune: TokenizedTune, ids: dict[str, int]) -> list[int]:
    return [ids[START], *(ids.get(token, ids[UNKNOWN]) for token in tune.tokens), ids[END]]


def tune_losses(model: TuneLSTM, tunes: list[list[int]], batch_size: int = 64) -> list[tuple[float, int]]:
    """(summed negative log-likelihood, tokens) of each encoded tune, read from a fresh state."""
    model.eval()
    found = []
    with torch.no_grad():
        for at in range(0, len(tunes), batch_size):
            batch = tunes[at:at + batch_size]
            width = max(len(ids) for ids in batch)
            padded = torch.tensor([ids + [0] * (width - len(ids)) for ids in batch])
            logits, _, _ = model(padded[:, :-1], *model.initial_state(len(batch)))
            losses = nn.functional.cross_entropy(logits.transpose(1, 2), padded[:, 1:], reduction="none")
            for row, ids in enumerate(batch):
                found.append((float(losses[row, :len(ids) - 1].sum()), len(ids) - 1))
    return found


def mean_nll(losses: list[tuple[float, int]]) -> float:
    return sum(total for total, _ in losses) / sum(count for _, count in losses)


def train_music(settings: MusicTraining, out_dir: Path, resume: bool = False) -> Path:
    seed_everything(settings.seed)
    run_dir = RUNS_DIR / "music"
    run_dir.mkdir(parents=True, exist_ok=True)
    started = time.time()
    tunes, refused = read_collections(fetch(MUSIC21_WHEEL))
    splits = split_collections(tunes, settings.seed)
    print(f"{len(tunes)} tunes read ({sum(refused.values())} refused: {dict(refused)}); "
          + ", ".join(f"{name} {len(found)}" for name, found in splits.items()), flush=True)
    vocabulary = vocabulary_of(splits["train"])
    ids = {token: i for i, token in enumerate(vocabulary)}
    order = list(splits["train"])
    random.Random(settings.seed).shuffle(order)
    stream = np.array([i for tune in order for i in encode(tune, ids)], np.int64)
    train_data = batchify(stream, settings.batch_size)
    validation = [encode(tune, ids) for tune in splits["validation"]]
    print(f"{len(vocabulary)} tokens in the vocabulary, {len(stream):,} in the training stream", flush=True)

    config = TuneConfig(len(vocabulary), settings.embed_dim, settings.hidden_size, settings.num_layers,
                        settings.dropout)
    model = TuneLSTM(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate, weight_decay=0.01)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, settings.learning_rate, total_steps=settings.max_steps,
                                                    pct_start=max(0.05, 2 / settings.max_steps))  # 2 steps at least
    steps_per_pass = (train_data.shape[1] - 1) // settings.bptt
    best = BestCheckpoint(run_dir / "best.pt", settings.patience)
    point = ResumePoint(run_dir / "resume.pt", asdict(settings))
    history, done, running = [], 0, 0.0
    h, c = model.initial_state(settings.batch_size)
    if resume:
        done, history, loop = point.restore(model, optimizer, scheduler, best)
        h, c, running = loop["h"], loop["c"], loop["running"]
    deadline = started + settings.time_budget_minutes * 60
    bar = tqdm(range(done, settings.max_steps), desc="training", unit="step", disable=None, initial=done,
               total=settings.max_steps)
    for step in bar:
        model.train()
        start = (step % steps_per_pass) * settings.bptt
        if start == 0:
            h, c = model.initial_state(settings.batch_size)  # a new pass over the stream
        inputs = train_data[:, start:start + settings.bptt]
        targets = train_data[:, start + 1:start + 1 + settings.bptt]
        logits, h, c = model(inputs, h.detach(), c.detach())
        loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        optimizer_step(loss, model.parameters(), optimizer, scheduler, settings.clip_norm)
        running = 0.98 * running + 0.02 * loss.item() if step else loss.item()
        bar.set_postfix(loss=f"{running:.3f}")
        out_of_time = time.time() > deadline
        if (step + 1) % settings.eval_every and step + 1 < settings.max_steps and not out_of_time:
            continue
        validation_nll = mean_nll(tune_losses(model, validation))
        history.append({"step": step + 1, "train_loss": round(running, 4), "validation_nll": round(validation_nll, 4)})
        print(f"step {step + 1} ({(step + 1) / steps_per_pass:.1f} passes): train loss {running:.3f}, validation "
              f"NLL per token {validation_nll:.3f} ({time.time() - started:.0f} s)", flush=True)
        stop = best.update(model, -validation_nll, step + 1)
        point.save(step + 1, model, optimizer, scheduler, best, history, h=h.detach(), c=c.detach(), running=running)
        if stop or out_of_time:
            print(f"stopped: {'no validation gain since step ' + str(best.best_at) if stop else 'time budget'}")
            break
    best.restore(model)
    np.save(run_dir / PEER_STREAM, stream.astype(np.uint16))
    training = {"best_step": best.best_at, "seconds": round(time.time() - started), "history": history,
                "settings": asdict(settings), "tunes": {name: len(found) for name, found in splits.items()},
                "refused": dict(refused)}
    corpus = checked([tune for _, tune in tunes], len(tunes))
    return write_music_artifact(model, vocabulary, splits, corpus, out_dir, run_dir, training)


def write_music_artifact(model: TuneLSTM, vocabulary: list[str], splits: dict[str, list[TokenizedTune]],
                         corpus: dict, out_dir: Path, run_dir: Path, training: dict) -> Path:
    """Export the step graph, check parity, score it as served beside the 5-gram, then write the artifact."""
    model.eval()
    config = model.config
    h, c = model.initial_state(1)
    onnx_path = export_onnx(model, (torch.tensor([[0, 3, 4]]), h, c), run_dir / "model.onnx",
                            ["tokens", "h", "c"], ["logits", "h_out", "c_out"],
                            {"tokens": {0: "batch", 1: "time"}, "h": {1: "batch"}, "c": {1: "batch"},
                             "logits": {0: "batch", 1: "time"}, "h_out": {1: "batch"}, "c_out": {1: "batch"}})
    zeros = np.zeros((config.num_layers, 2, config.hidden_size), np.float32)
    parity = max_abs_diff(model, onnx_path, {"tokens": np.array([[0, 3, 5, 7], [0, 4, 6, 8]]), "h": zeros,
                                             "c": zeros})
    manifest = {
        "name": "music",
        "title": "Music: an LSTM that writes folk tunes",
        "pattern": "one-to-many: the listener's choices in, a tune out, each token fed back",
        "architecture": (f"ABC tokens moved to C ({config.vocab_size}: meter, mode, tune type, notes, lengths, bar "
                         f"lines) -> embedding {config.embed_dim} -> {config.num_layers}-layer LSTM "
                         f"{config.hidden_size} -> next token; sampled in numpy"),
        "config": asdict(config),
        "parameters": sum(p.numel() for p in model.parameters()),
        "vocabulary": vocabulary,
        "peer_stream": PEER_STREAM,
        "data": {"source": f"PyPI {MUSIC21_WHEEL.package} (music21/corpus/oneills1850, music21/corpus/ryansMammoth)",
                 "description": MUSIC21_WHEEL.description, "licence": MUSIC21_WHEEL.licence,
                 "split": "tunes drawn at random (seed 0): 6% validation, 6% test; training tunes that are twins "
                          "of held-out ones left out (training/music/data.py)",
                 "tunes": {name: len(found) for name, found in splits.items()}},
        "licence": "MIT (the tunes it learnt from are in the public domain)",
        "rebuild": "python -m training.train music",
        "peer": "interpolated Kneser-Ney 5-gram on the same tokens and training tunes",
        "training": training,
    }

    def evaluate(artifact: Artifact) -> dict:
        report = evaluate_composer(artifact, splits["test"], corpus)
        print(format_report(report))
        return {**report, "onnx_vs_torch_max_abs_diff": parity}

    files = {"model.onnx": onnx_path, PEER_STREAM: run_dir / PEER_STREAM}
    return write_evaluated_artifact(out_dir, run_dir / "artifact", files, manifest, evaluate)

