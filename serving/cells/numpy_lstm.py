"""The character model's LSTM in numpy, forward and backward, from the weights inside its ONNX file.

What the page's "which characters it remembered" view needs: the gradient of one prediction's
log-probability with respect to every earlier character's input vector, exactly, without torch. The forward
pass here is the ONNX graph's computation (tests hold the two together); the backward pass is backpropagation
through time over both layers.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx

from serving.numeric import log_softmax
from serving.onnx_weights import OnnxLSTM, initialisers, linear_head, lstm_nodes


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass
class LSTMWeights:
    embedding: np.ndarray  # [V, E]
    layers: list[OnnxLSTM]  # bottom first
    head_weight: np.ndarray  # [V, H]
    head_bias: np.ndarray  # [V]

    @classmethod
    def from_onnx(cls, path: Path) -> "LSTMWeights":
        graph = onnx.load(str(path)).graph
        values = initialisers(graph)
        gather = next(node for node in graph.node if node.op_type == "Gather" and node.input[0] in values)
        return cls(values[gather.input[0]].astype(np.float64), lstm_nodes(graph, values),
                   *(a.astype(np.float64) for a in linear_head(path, "logits")))


@dataclass
class Step:
    """One layer at one step: what the backward pass needs."""

    x: np.ndarray
    h_prev: np.ndarray
    c_prev: np.ndarray
    gates: np.ndarray  # i, o, f, g after their nonlinearities [4H]
    c: np.ndarray


def forward(weights: LSTMWeights, ids: np.ndarray, initial: tuple[np.ndarray, np.ndarray] | None = None
            ) -> tuple[list[list[Step]], np.ndarray]:
    """Every layer's steps over `ids` from `initial` (h, c [layers, H]; zeros by default), and the
    log-probabilities of the next id [T, V]."""
    inputs = [weights.embedding[i] for i in ids]
    trace = []
    for number, layer in enumerate(weights.layers):
        size = layer.recurrence.shape[1]
        h, c = (initial[0][number], initial[1][number]) if initial is not None else (np.zeros(size), np.zeros(size))
        steps = []
        for x in inputs:
            z = layer.weight @ x + layer.recurrence @ h + layer.bias
            gates = np.concatenate([_sigmoid(z[:3 * size]), np.tanh(z[3 * size:])])
            i, o, f, g = np.split(gates, 4)
            c_new = f * c + i * g
            steps.append(Step(x, h, c, gates, c_new))
            h, c = o * np.tanh(c_new), c_new
        trace.append(steps)
        inputs = [step.gates[size:2 * size] * np.tanh(step.c) for step in steps]
    logits = np.stack(inputs) @ weights.head_weight.T + weights.head_bias
    return trace, log_softmax(logits)


def input_gradients(weights: LSTMWeights, ids: np.ndarray, target: int,
                    initial: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """d log P(target after all of `ids`) / d (the input vector of each of `ids`) [len(ids), E]: how much each
    character moves that prediction. `initial` is the state before ids[0] (zeros: the text's start); the
    gradient reaches no further back than ids[0]."""
    trace, log_probs = forward(weights, ids, initial)
    probs = np.exp(log_probs[-1])
    d_logit = -probs
    d_logit[target] += 1.0
    d_outputs = np.zeros((len(ids), weights.head_weight.shape[1]))
    d_outputs[-1] = weights.head_weight.T @ d_logit
    for layer, steps in zip(reversed(weights.layers), reversed(trace)):
        size = layer.recurrence.shape[1]
        d_h_next, d_c_next = np.zeros(size), np.zeros(size)
        d_inputs = np.zeros((len(steps), layer.weight.shape[1]))
        for t in range(len(steps) - 1, -1, -1):
            step = steps[t]
            i, o, f, g = np.split(step.gates, 4)
            tanh_c = np.tanh(step.c)
            d_h = d_outputs[t] + d_h_next
            d_c = d_c_next + d_h * o * (1 - tanh_c ** 2)
            d_z = np.concatenate([d_c * g * i * (1 - i), d_h * tanh_c * o * (1 - o),
                                  d_c * step.c_prev * f * (1 - f), d_c * i * (1 - g ** 2)])
            d_inputs[t] = layer.weight.T @ d_z
            d_h_next, d_c_next = layer.recurrence.T @ d_z, d_c * f
        d_outputs = d_inputs
    return d_outputs
