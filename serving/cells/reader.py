"""The character LSTM reading a text, one character per call of its step graph: every layer's hidden and
cell state after every character, and its guess at the next one; and `predict_batch`, the one answer the CLI,
the page and the benchmark share.

A unit is one number of the state: layer 1 or 2, its hidden state h or its cell state c (read through tanh),
and an index; its name reads "layer 2 cell 37". The units the project found tracking a named feature (training/cells/artifact.py)
come with the artifact, beside the Kneser-Ney 5-gram over characters that is the model's peer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from serving.artifact import Artifact, load_artifact, model_dir
from serving.batch import answer_each
from serving.cells.alphabet import SYMBOLS, encode
from serving.cells.numpy_lstm import LSTMWeights, backward, trace_from_states
from serving.kneser_ney import KneserNey
from serving.numeric import log_softmax
from serving.text import InputError, prepare_text

MAX_CHARS = 5000
PEER_FILE = "peer_5gram.npz"
MEMORY_SPAN = 500  # characters back the gradient view reaches (its cost grows with the span)
KINDS = ("hidden", "cell")
_UNIT = re.compile(r"^layer (\d+) (hidden|cell) (\d+)$")


@dataclass
class Reading:
    """What the model did with one text: `states` [T, layers, 2 (hidden, cell), H] after each character,
    `log_probs` [T, V] of the next character after each."""

    text: str
    ids: np.ndarray
    states: np.ndarray
    log_probs: np.ndarray

    def units(self) -> np.ndarray:
        """Every unit's activation after each character [T, units], layer by layer, hidden before cell (see
        `unit_name`): a hidden unit as it is, a cell through tanh, as the hidden state sees it (and as Karpathy's
        view colours it); both lie in -1..1."""
        states = self.states.copy()
        states[:, :, 1] = np.tanh(states[:, :, 1])
        return states.reshape(len(self.ids), -1)

    def surprisals(self) -> np.ndarray:
        """Bits the model spent on each character after the first [T - 1]."""
        return -self.log_probs[np.arange(len(self.ids) - 1), self.ids[1:]] / np.log(2)

    def top_next(self, at: int, k: int = 3) -> list[tuple[str, float]]:
        probs = np.exp(self.log_probs[at])
        best = np.argsort(-probs)[:k]
        return [(SYMBOLS[i], float(probs[i])) for i in best]


class CharModel:
    """Loads the character-model artifact once; reading is safe from many threads."""

    def __init__(self, artifact: Artifact):
        self.artifact = artifact
        self.session = artifact.session("model.onnx")
        config = artifact.manifest["config"]
        self.layers, self.hidden_size = config["num_layers"], config["hidden_size"]
        self.interpretable: list[dict] = artifact.manifest.get("metrics", {}).get("interpretable_cells", [])

    @classmethod
    def load(cls, path: Path | None = None) -> "CharModel":
        return cls(load_artifact(path or model_dir("cells")))

    def unit_name(self, unit: int) -> str:
        layer, rest = divmod(unit, 2 * self.hidden_size)
        kind, index = divmod(rest, self.hidden_size)
        return f"layer {layer + 1} {KINDS[kind]} {index}"

    def unit_of(self, name: str) -> int:
        """The unit a name such as "layer 2 cell 37" stands for; InputError for a name the model lacks."""
        found = _UNIT.match(" ".join(name.lower().split()))
        if not found or not 1 <= int(found[1]) <= self.layers or int(found[3]) >= self.hidden_size:
            raise InputError(f"{name!r} is not a unit of this model: write 'layer L hidden N' or 'layer L cell N' "
                             f"with L 1-{self.layers} and N 0-{self.hidden_size - 1}")
        return ((int(found[1]) - 1) * 2 + KINDS.index(found[2])) * self.hidden_size + int(found[3])

    def read(self, texts: list[str]) -> list[Reading]:
        """Each text read from a zero state, all texts side by side (one step graph call per character)."""
        ids = [encode(text) for text in texts]
        width = max(len(row) for row in ids)
        batch = np.zeros((len(texts), width), np.int64)
        for row, found in enumerate(ids):
            batch[row, :len(found)] = found
        h = np.zeros((self.layers, len(texts), self.hidden_size), np.float32)
        c = np.zeros_like(h)
        states = np.empty((width, len(texts), self.layers, 2, self.hidden_size), np.float32)
        logits = np.empty((width, len(texts), len(SYMBOLS)), np.float32)
        for t in range(width):
            step_logits, h, c = self.session.run(None, {"tokens": batch[:, t:t + 1], "h": h, "c": c})
            logits[t] = step_logits[:, 0]
            states[t, :, :, 0], states[t, :, :, 1] = h.transpose(1, 0, 2), c.transpose(1, 0, 2)
        return [Reading(text, found, states[:len(found), row], log_softmax(logits[:len(found), row]))
                for row, (text, found) in enumerate(zip(texts, ids))]

    @cached_property
    def peer(self) -> KneserNey:
        """The 5-gram over characters, from the count tables the artifact carries."""
        return KneserNey.load(self.artifact.file(PEER_FILE))

    def peer_surprisals(self, ids: np.ndarray) -> np.ndarray:
        """Bits the 5-gram spends on each character after the first, seeing only the text before it."""
        return -self.peer.log_probs_of(ids) / np.log(2)

    @cached_property
    def weights(self) -> LSTMWeights:
        return LSTMWeights.from_onnx(self.artifact.file("model.onnx"))

    def memory(self, reading: Reading, at: int) -> np.ndarray:
        """How much each of the MEMORY_SPAN characters up to `at` moves the model's top guess after `at`: the size
        of the gradient of that guess's log-probability with respect to each character's input vector, exact
        (backpropagated from the state the model had before the first of them) [at + 1 - start]."""
        start = max(0, at + 1 - MEMORY_SPAN)
        initial = None if start == 0 else tuple(reading.states[start - 1, :, kind].astype(np.float64)
                                                  for kind in (0, 1))
        trace = trace_from_states(self.weights, reading.ids[start:at + 1], reading.states[start:at + 1], initial)
        target = int(np.argmax(reading.log_probs[at]))
        return np.linalg.norm(backward(self.weights, trace, reading.log_probs[at].astype(np.float64), target), axis=1)

    def predict_batch(self, texts: list[str], units: list[str] | None = None) -> list[dict]:
        """Each text's answer as `rnnapp cells --json` prints it, or {"error": ...}."""
        names = units or [c["cell"] for c in self.interpretable]
        chosen = [self.unit_of(name) for name in dict.fromkeys(names)]  # a unit listed for two features once

        def run(chunk: list[str]) -> list[dict]:
            prepared = [prepare_text(text, MAX_CHARS, keep_lines=True) for text in chunk]
            return [self.answer(reading, chosen, truncated)
                    for reading, (_, truncated) in zip(self.read([text for text, _ in prepared]), prepared)]
        return answer_each(texts, run)

    def answer(self, reading: Reading, units: list[int], truncated: bool) -> dict:
        activations = reading.units()[:, units]
        chars = [{"char": char,
                  "cells": {self.unit_name(u): round(float(v), 4) for u, v in zip(units, activations[at])},
                  "next": [{"char": symbol, "probability": round(p, 4)} for symbol, p in reading.top_next(at)]}
                 for at, char in enumerate(reading.text)]
        enough = len(reading.ids) > 1
        return {"chars": chars,
                "bits_per_char": round(float(reading.surprisals().mean()), 4) if enough else None,
                "ngram_bits_per_char": round(float(self.peer_surprisals(reading.ids).mean()), 4) if enough else None,
                "interpretable_cells": [{"cell": c["cell"], "feature": c["feature"], "correlation": c["correlation"]}
                                        for c in self.interpretable],
                "truncated": truncated}
