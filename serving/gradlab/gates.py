"""Panel 3: inside the sentiment model's GRU gates, by a numpy GRU on the ONNX file's own weights.

onnxruntime returns only the hidden states, so the gates are recomputed here with the ONNX GRU
equations (gates z, r, h; `linear_before_reset` as torch exports it). A test checks that the
hidden states match onnxruntime's, so the gates shown are the ones the served model computes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from serving.numeric import sigmoid
from serving.onnx_weights import OnnxGRU, load_weights
from serving.sentiment.classifier import SentimentClassifier
from serving.text import prepare_text

NODE_NAME = re.compile(r"/layers\.(\d+)/(forward|backward)_gru/GRU$")  # how torch names the exported nodes


@dataclass
class GateTrace:
    """One GRU direction of one layer over a sentence, in sentence order (t = the t-th piece)."""

    layer: int
    direction: str  # forward reads left to right, backward right to left
    update: np.ndarray  # z [T, H]: near 1 keeps the old state, near 0 takes the new candidate
    reset: np.ndarray  # r [T, H]: near 0 ignores the old state when forming the candidate
    hidden: np.ndarray  # h [T, H]

    @property
    def label(self) -> str:
        return f"layer {self.layer + 1} {self.direction}"


def run_gru(gru: OnnxGRU, inputs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(z, r, h), each [T, H], of one ONNX GRU over inputs [T, D] from a zero state."""
    H = gru.hidden_size
    wz, wr, wh = np.split(inputs @ gru.weight.T + gru.weight_bias, 3, axis=-1)
    Rz, Rr, Rh = np.split(gru.recurrence, 3)
    bz, br, bh = np.split(gru.recurrence_bias, 3)
    h = np.zeros(H, dtype=inputs.dtype)
    trace = np.zeros((3, len(inputs), H), dtype=inputs.dtype)
    for t in range(len(inputs)):
        z = sigmoid(wz[t] + Rz @ h + bz)
        r = sigmoid(wr[t] + Rr @ h + br)
        if gru.linear_before_reset:
            candidate = np.tanh(wh[t] + r * (Rh @ h + bh))
        else:
            candidate = np.tanh(wh[t] + Rh @ (r * h) + bh)
        h = (1 - z) * candidate + z * h
        trace[:, t] = z, r, h
    return trace[0], trace[1], trace[2]


class SentimentGates:
    """The sentiment artifact's embedding and GRU layers, run in numpy for one sentence at a time."""

    def __init__(self, classifier: SentimentClassifier):
        self.classifier = classifier
        values, grus = load_weights(classifier.artifact.file("model.onnx"))
        self.embedding = values["embedding.weight"]
        self.layers: dict[tuple[int, str], OnnxGRU] = {}
        for gru in grus:
            match = NODE_NAME.search(gru.name)
            if match is None:
                raise ValueError(f"unexpected GRU node {gru.name!r} in {classifier.artifact.path}")
            self.layers[int(match[1]), match[2]] = gru

    def trace(self, text: str) -> tuple[list[str], list[GateTrace]]:
        """The pieces the model reads and every layer's gates; raises InputError for unreadable text."""
        pieces, _ = self.classifier.pieces(prepare_text(text)[0])
        x = self.embedding[[piece.id for piece in pieces]]
        valences = None  # the layers after the first read them too, when the model has a lexicon
        if self.classifier.lexicon is not None:
            valences = np.array(self.classifier.valences(pieces), np.float32)[:, None]
        traces = []
        for layer in range(len(self.layers) // 2):
            forward = run_gru(self.layers[layer, "forward"], x)
            backward = [a[::-1] for a in run_gru(self.layers[layer, "backward"], x[::-1])]
            traces += [GateTrace(layer, "forward", *forward), GateTrace(layer, "backward", *backward)]
            x = np.concatenate([forward[2], backward[2]], axis=-1)
            if valences is not None:
                x = np.concatenate([x, valences], axis=-1)
        return [piece.piece for piece in pieces], traces
