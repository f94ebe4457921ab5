"""The character model's LSTM in numpy, forward and backward, from the weights inside its ONNX file.

What the page's "which characters it remembered" view needs: the gradient of one prediction's
log-probability with respect to every earlier character's input vector, exactly, without torch. The forward
pass here is the ONNX graph's computation (tests hold the two together); the backward pass is backpropagation
through time over both layers. Given the states the ONNX graph returned while reading, every gate is computed
at once (`trace_from_states`), so only the backward recurrence steps one character at a time.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from serving.numeric import log_softmax
from serving.onnx_weights import OnnxLSTM, initialisers, linear_head, lstm_nodes, read_graph


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
        graph = read_graph(path)
        values = initialisers(graph)
        gather = next(node for node in graph.node if node.op_type == "Gather" and node.input[0] in values)
        layers = [OnnxLSTM(layer.name, *(np.ascontiguousarray(a, np.float64)
                                         for a in (layer.weight, layer.recurrence, layer.bias)))
                  for layer in lstm_nodes(graph, values)]  # float64 throughout: a mixed product converts per call
        return cls(values[gather.input[0]].astype(np.float64), layers,
                   *(a.astype(np.float64) for a in linear_head(path, "logits")))


@dataclass
class LayerTrace:
    """One layer over T steps: what the backward pass needs."""

    inputs: np.ndarray  # [T, in]
    c_prev: np.ndarray  # [T, H]
    gates: np.ndarray  # i, o, f, g after their nonlinearities [T, 4H]
    c: np.ndarray  # [T, H]


def _gates(layer: OnnxLSTM, inputs: np.ndarray, h_prev: np.ndarray) -> np.ndarray:
    z = inputs @ layer.weight.T + h_prev @ layer.recurrence.T + layer.bias
    size = layer.recurrence.shape[1]
    return np.concatenate([_sigmoid(z[..., :3 * size]), np.tanh(z[..., 3 * size:])], axis=-1)


def _zeros_or(initial: tuple[np.ndarray, np.ndarray] | None, layers: int, size: int
              ) -> tuple[np.ndarray, np.ndarray]:
    return initial if initial is not None else (np.zeros((layers, size)), np.zeros((layers, size)))


def forward(weights: LSTMWeights, ids: np.ndarray, initial: tuple[np.ndarray, np.ndarray] | None = None
            ) -> tuple[list[LayerTrace], np.ndarray]:
    """Every layer over `ids` from `initial` (h, c [layers, H]; zeros by default), one step at a time, and the
    log-probabilities of the next id [T, V]."""
    h0, c0 = _zeros_or(initial, len(weights.layers), weights.layers[0].recurrence.shape[1])
    inputs = weights.embedding[ids]
    trace = []
    for number, layer in enumerate(weights.layers):
        h, c = h0[number], c0[number]
        c_prev, gates, cs, hs = [], [], [], []
        for x in inputs:
            step = _gates(layer, x, h)
            i, o, f, g = np.split(step, 4)
            c_prev.append(c)
            c = f * c + i * g
            h = o * np.tanh(c)
            gates.append(step)
            cs.append(c)
            hs.append(h)
        trace.append(LayerTrace(inputs, np.stack(c_prev), np.stack(gates), np.stack(cs)))
        inputs = np.stack(hs)
    return trace, log_softmax(inputs @ weights.head_weight.T + weights.head_bias)


def trace_from_states(weights: LSTMWeights, ids: np.ndarray, states: np.ndarray,
                      initial: tuple[np.ndarray, np.ndarray] | None = None) -> list[LayerTrace]:
    """The same trace from the states the model returned while reading `ids` (states [T, layers, 2 (h, c), H],
    initial: the state before ids[0]): every gate at once."""
    h0, c0 = _zeros_or(initial, len(weights.layers), states.shape[-1])
    states = states.astype(np.float64)
    inputs = weights.embedding[ids]
    trace = []
    for number, layer in enumerate(weights.layers):
        h, c = states[:, number, 0], states[:, number, 1]
        h_prev = np.concatenate([h0[number][None], h[:-1]])
        c_prev = np.concatenate([c0[number][None], c[:-1]])
        trace.append(LayerTrace(inputs, c_prev, _gates(layer, inputs, h_prev), c))
        inputs = h
    return trace


def backward(weights: LSTMWeights, trace: list[LayerTrace], last_log_probs: np.ndarray, target: int) -> np.ndarray:
    """d log P(target after the last step) / d (each step's input vector) [T, E], through every layer."""
    d_logit = -np.exp(last_log_probs)
    d_logit[target] += 1.0
    steps = len(trace[0].inputs)
    d_outputs = np.zeros((steps, weights.head_weight.shape[1]))
    d_outputs[-1] = weights.head_weight.T @ d_logit
    for layer, record in zip(reversed(weights.layers), reversed(trace)):
        size = layer.recurrence.shape[1]
        i, o, f, g = (record.gates[:, k * size:(k + 1) * size] for k in range(4))
        tanh_c = np.tanh(record.c)
        d_z = np.empty((steps, 4 * size))
        d_h_next, d_c_next = np.zeros(size), np.zeros(size)
        for t in range(steps - 1, -1, -1):
            d_h = d_outputs[t] + d_h_next
            d_c = d_c_next + d_h * o[t] * (1 - tanh_c[t] ** 2)
            d_z[t, :size] = d_c * g[t] * i[t] * (1 - i[t])
            d_z[t, size:2 * size] = d_h * tanh_c[t] * o[t] * (1 - o[t])
            d_z[t, 2 * size:3 * size] = d_c * record.c_prev[t] * f[t] * (1 - f[t])
            d_z[t, 3 * size:] = d_c * i[t] * (1 - g[t] ** 2)
            d_h_next, d_c_next = layer.recurrence.T @ d_z[t], d_c * f[t]
        d_outputs = d_z @ layer.weight  # each step's input gradient at once
    return d_outputs


def input_gradients(weights: LSTMWeights, ids: np.ndarray, target: int,
                    initial: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """d log P(target after all of `ids`) / d (the input vector of each of `ids`) [len(ids), E]: how much each
    character moves that prediction. `initial` is the state before ids[0] (zeros: the text's start); the
    gradient reaches no further back than ids[0]."""
    trace, log_probs = forward(weights, ids, initial)
    return backward(weights, trace, log_probs[-1], target)
