"""The lectures' toy: a vanilla RNN with four letters (h, e, l, o) and a hidden state of three numbers learns
to continue "hello", in numpy, in a few milliseconds. Each step reads one letter as a one-hot vector and gives
probabilities for the next; "l" is followed by "l" once and by "o" once, so only the hidden state can tell
the two "l"s apart. Training is recorded so the page can replay it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LETTERS = "helo"
WORD = "hello"
HIDDEN = 3


@dataclass
class Snapshot:
    """The network after `step` updates, reading WORD[:-1]: inputs [4, 4], hidden [4, 3], probs [4, 4]."""

    step: int
    loss: float
    inputs: np.ndarray
    hidden: np.ndarray
    probs: np.ndarray


def _one_hot(letter: str) -> np.ndarray:
    vector = np.zeros(len(LETTERS))
    vector[LETTERS.index(letter)] = 1.0
    return vector


def _run(params: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    xs = np.stack([_one_hot(letter) for letter in WORD[:-1]])
    targets = [LETTERS.index(letter) for letter in WORD[1:]]
    h, hs, probs = np.zeros(HIDDEN), [], []
    for x in xs:
        h = np.tanh(params["Wxh"] @ x + params["Whh"] @ h + params["bh"])
        logits = params["Why"] @ h + params["by"]
        p = np.exp(logits - logits.max())
        hs.append(h)
        probs.append(p / p.sum())
    loss = -float(np.mean([np.log(p[t]) for p, t in zip(probs, targets)]))
    return xs, np.stack(hs), np.stack(probs), loss


def _gradients(params: dict[str, np.ndarray], xs: np.ndarray, hs: np.ndarray, probs: np.ndarray
               ) -> dict[str, np.ndarray]:
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    d_h_next = np.zeros(HIDDEN)
    for t in range(len(xs) - 1, -1, -1):
        d_logits = probs[t].copy()
        d_logits[LETTERS.index(WORD[t + 1])] -= 1.0
        d_logits /= len(xs)
        grads["Why"] += np.outer(d_logits, hs[t])
        grads["by"] += d_logits
        d_raw = (params["Why"].T @ d_logits + d_h_next) * (1 - hs[t] ** 2)
        h_prev = hs[t - 1] if t else np.zeros(HIDDEN)
        grads["Wxh"] += np.outer(d_raw, xs[t])
        grads["Whh"] += np.outer(d_raw, h_prev)
        grads["bh"] += d_raw
        d_h_next = params["Whh"].T @ d_raw
    return grads


def train_hello(steps: int = 300, learning_rate: float = 0.3, seed: int = 0, every: int = 10) -> list[Snapshot]:
    """Snapshots every `every` steps of Adagrad on "hello" (the first before any step)."""
    rng = np.random.default_rng(seed)
    params = {"Wxh": rng.normal(0, 0.5, (HIDDEN, len(LETTERS))), "Whh": rng.normal(0, 0.5, (HIDDEN, HIDDEN)),
              "Why": rng.normal(0, 0.5, (len(LETTERS), HIDDEN)), "bh": np.zeros(HIDDEN), "by": np.zeros(len(LETTERS))}
    memory = {name: np.full_like(value, 1e-8) for name, value in params.items()}
    snapshots = []
    for step in range(steps + 1):
        xs, hs, probs, loss = _run(params)
        if step % every == 0 or step == steps:
            snapshots.append(Snapshot(step, loss, xs, hs, probs))
        if step == steps:
            break
        for name, grad in _gradients(params, xs, hs, probs).items():
            memory[name] += grad ** 2
            params[name] -= learning_rate * grad / np.sqrt(memory[name])
    return snapshots
