"""Language-model pretraining of the classifier's first layer (after ULMFiT, Howard & Ruder 2018).

Rated sentences are few; unlabelled English is not. Before the classifier sees a label, its
embedding and its first bidirectional GRU layer learn to predict text: the forward GRU the next
piece, the backward GRU the piece before, both read out through the embedding matrix itself (tied
weights: hidden size = embedding size), so pretraining adds no parameters to the model. The text
is the next-word corpus (State of the Union addresses, Moby Dick, Jane Austen's novels) and the
training split's own sentences; never a validation or test sentence. The second layer and the
heads start from scratch, and fine-tuning then trains every weight.

Pretraining takes most of a training run, and variants of the classifier often start from the same
pretraining; its result is kept under a key made of everything it depends on (the text as pieces,
the settings, the starting weights and the random state), so a run that would compute the same
weights reads them instead, and leaves the random state where computing them would have.
"""
from __future__ import annotations

import hashlib
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from training.nextword.data import read_documents
from training.sentiment.model import SentimentGRU

CHUNK = 64  # pieces per training row


def pretraining_text(sentences: list[str]) -> list[str]:
    """The next-word corpus's paragraphs, then the given (training) sentences."""
    return [p for d in read_documents() for p in d.text.split("\n") if p.strip()] + sentences


def piece_chunks(tokenizer, texts: list[str]) -> torch.Tensor:
    """All texts as one piece stream, cut into rows of CHUNK + 1 (input and shifted target)."""
    stream = np.concatenate([np.asarray(ids, dtype=np.int64) for ids in tokenizer.encode(texts) if ids])
    rows = len(stream) // (CHUNK + 1)
    return torch.from_numpy(stream[:rows * (CHUNK + 1)].reshape(rows, CHUNK + 1))


def language_model_loss(model: SentimentGRU, rows: torch.Tensor) -> torch.Tensor:
    """Next-piece loss of the first forward GRU plus previous-piece loss of the first backward GRU."""
    layer = model.layers[0]
    loss = 0.0
    for gru, sequence in ((layer.forward_gru, rows), (layer.backward_gru, rows.flip(1))):
        hidden, _ = gru(model.dropout(model.embedding(sequence[:, :-1])))
        logits = model.dropout(hidden) @ model.embedding.weight.T
        loss = loss + nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), sequence[:, 1:].reshape(-1))
    return loss / 2


def pretraining_key(pretrained: nn.Module, rows: torch.Tensor, *settings: int | float) -> str:
    """A digest of everything pretraining's result depends on: the pieces, the settings, the starting
    weights of the pretrained part and the global random state (dropout draws from it)."""
    digest = hashlib.sha256(rows.numpy().tobytes() + repr(settings).encode())
    for tensor in pretrained.state_dict().values():
        digest.update(tensor.numpy().tobytes())
    digest.update(torch.get_rng_state().numpy().tobytes())
    return digest.hexdigest()[:24]


def pretrain_first_layer(model: SentimentGRU, tokenizer, texts: list[str], steps: int, batch_size: int,
                         learning_rate: float, seed: int, cache_dir: Path | None = None) -> dict:
    """Train the embedding and the first layer as two language models on `texts` for `steps` batches
    (or read the weights a run with the same inputs kept in `cache_dir`); returns a summary for the manifest."""
    if model.config.hidden_size != model.config.embed_dim:
        raise ValueError("tied read-out needs hidden_size == embed_dim")
    rows = piece_chunks(tokenizer, texts)
    pretrained = nn.ModuleDict({"embedding": model.embedding, "first_layer": model.layers[0]})
    cached = cache_dir / f"{pretraining_key(pretrained, rows, steps, batch_size, learning_rate, seed)}.pt" \
        if cache_dir else None
    if cached and cached.exists():
        kept = torch.load(cached)
        pretrained.load_state_dict(kept["weights"])
        torch.set_rng_state(kept["rng_state"])
        print(f"pretraining: read from {cached}: {kept['summary']}", flush=True)
        return kept["summary"]
    generator = torch.Generator().manual_seed(seed)
    parameters = list(pretrained.parameters())
    optimizer = torch.optim.AdamW(parameters, lr=learning_rate, weight_decay=0.01)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, learning_rate, total_steps=steps, pct_start=0.1)
    model.train()
    started, losses = time.time(), []
    for _ in (bar := tqdm(range(steps), desc="pretraining", unit="batch", leave=False, disable=None)):
        loss = language_model_loss(model, rows[torch.randint(len(rows), (batch_size,), generator=generator)])
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(parameters, 1.0)
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
        bar.set_postfix(loss=f"{loss.item():.3f}")
    summary = {"steps": steps, "rows_of_text": len(rows), "pieces_seen": steps * batch_size * CHUNK,
               "final_loss": round(float(np.mean(losses[-50:])), 4), "seconds": round(time.time() - started)}
    print(f"pretraining: {summary}", flush=True)
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        torch.save({"weights": pretrained.state_dict(), "rng_state": torch.get_rng_state(), "summary": summary},
                   cached)
    return summary
