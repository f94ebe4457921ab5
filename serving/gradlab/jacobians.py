"""Panel 1: how the gradient through time shrinks or grows, with exact Jacobians in numpy.

BPTT multiplies one Jacobian per step: dh_T/ds_k = dh_T/ds_T * prod_{i=T..k+1} ds_i/ds_{i-1}, where s is
the cell's state (h for the RNN and GRU, (h, c) for the LSTM). The norm of that product against
T - k is the whole vanishing / exploding story. Weights use torch's layouts and default
initialisation (uniform +-1/sqrt(H)), so a test can compare every Jacobian with torch autograd.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from serving.numeric import sigmoid

CELLS = ("rnn", "lstm", "gru")
GATES = {"rnn": 1, "lstm": 4, "gru": 3}  # blocks of H rows in torch's weight_ih / weight_hh
# The block of the gate that keeps the old state: torch orders LSTM gates i,f,g,o and GRU gates r,z,n.
KEEP_GATE = {"lstm": 1, "gru": 1}


def keep_gate_rows(cell: str, hidden_size: int) -> slice:
    """The rows of the keep gate (LSTM forget, GRU update) in torch's stacked weights and biases."""
    return slice(KEEP_GATE[cell] * hidden_size, (KEEP_GATE[cell] + 1) * hidden_size)


@dataclass
class CellWeights:
    """One cell's parameters in torch's layout: weight_ih [G*H, D], weight_hh [G*H, H], two biases."""

    cell: str
    weight_ih: np.ndarray
    weight_hh: np.ndarray
    bias_ih: np.ndarray
    bias_hh: np.ndarray

    @property
    def hidden_size(self) -> int:
        return self.weight_hh.shape[1]


def spectral_radius(matrix: np.ndarray) -> float:
    return float(np.abs(np.linalg.eigvals(matrix)).max())


def init_weights(cell: str, hidden_size: int, input_size: int, rng: np.random.Generator,
                 radius: float | None = None, gate_bias: float = 0.0) -> CellWeights:
    """torch's default initialisation; `radius` rescales the vanilla RNN's recurrent matrix to that
    spectral radius, `gate_bias` is added to the LSTM forget gate or the GRU update gate."""
    bound = 1.0 / np.sqrt(hidden_size)
    rows = GATES[cell] * hidden_size

    def uniform(*shape: int) -> np.ndarray:
        return rng.uniform(-bound, bound, shape)

    weights = CellWeights(cell, uniform(rows, input_size), uniform(rows, hidden_size), uniform(rows), uniform(rows))
    if cell == "rnn" and radius is not None:
        weights.weight_hh *= radius / spectral_radius(weights.weight_hh)
    if cell in KEEP_GATE:
        weights.bias_ih[keep_gate_rows(cell, hidden_size)] += gate_bias
    return weights


def step(w: CellWeights, x: np.ndarray, state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One step: (next state, d next state / d state). The LSTM's state is [h, c] stacked."""
    H = w.hidden_size
    if w.cell == "rnn":
        h = np.tanh(w.weight_ih @ x + w.bias_ih + w.weight_hh @ state + w.bias_hh)
        return h, (1 - h ** 2)[:, None] * w.weight_hh
    if w.cell == "gru":
        h = state
        ri, zi, ni = np.split(w.weight_ih @ x + w.bias_ih, 3)
        rh, zh, nh = np.split(w.weight_hh @ h + w.bias_hh, 3)
        Wr, Wz, Wn = np.split(w.weight_hh, 3)
        r, z = sigmoid(ri + rh), sigmoid(zi + zh)
        n = np.tanh(ni + r * nh)
        dr = (r * (1 - r))[:, None] * Wr
        dz = (z * (1 - z))[:, None] * Wz
        dn = (1 - n ** 2)[:, None] * (r[:, None] * Wn + nh[:, None] * dr)
        return (1 - z) * n + z * h, np.diag(z) + (h - n)[:, None] * dz + (1 - z)[:, None] * dn
    h, c = state[:H], state[H:]
    i, f, g, o = np.split(w.weight_ih @ x + w.bias_ih + w.weight_hh @ h + w.bias_hh, 4)
    i, f, g, o = sigmoid(i), sigmoid(f), np.tanh(g), sigmoid(o)
    Wi, Wf, Wg, Wo = np.split(w.weight_hh, 4)
    c_next = f * c + i * g
    tanh_c = np.tanh(c_next)
    dc_dh = (c * f * (1 - f))[:, None] * Wf + (g * i * (1 - i))[:, None] * Wi + (i * (1 - g ** 2))[:, None] * Wg
    dc_dc = np.diag(f)
    dh_dh = (tanh_c * o * (1 - o))[:, None] * Wo + (o * (1 - tanh_c ** 2))[:, None] * dc_dh
    dh_dc = (o * (1 - tanh_c ** 2))[:, None] * dc_dc
    return np.concatenate([o * tanh_c, c_next]), np.block([[dh_dh, dh_dc], [dc_dh, dc_dc]])


def hidden_gradients(w: CellWeights, inputs: np.ndarray) -> list[np.ndarray]:
    """dh_T/ds_k for k = T, T-1, ..., 0 (index = T - k), from a zero state over inputs [T, D]."""
    H = w.hidden_size
    state = np.zeros(H if w.cell != "lstm" else 2 * H)
    jacobians = []
    for x in inputs:
        state, jacobian = step(w, x, state)
        jacobians.append(jacobian)
    gradient = np.eye(H, len(state))  # dh_T/ds_T picks h out of the state
    gradients = [gradient]
    for jacobian in reversed(jacobians):
        gradient = gradient @ jacobian
        gradients.append(gradient)
    return gradients


@dataclass
class GradientFlow:
    """||dh_T/ds_k|| (spectral norm) against the distance T - k, for each cell."""

    distance: np.ndarray
    norms: dict[str, np.ndarray]


def gradient_flow(length: int = 100, hidden_size: int = 64, radius: float = 1.0, input_scale: float = 1.0,
                  gate_bias: float = 0.0, seed: int = 0, cells: tuple[str, ...] = CELLS) -> GradientFlow:
    """Every cell reads the same random inputs N(0, input_scale^2) of size `hidden_size`."""
    rng = np.random.default_rng(seed)
    inputs = rng.normal(0.0, input_scale, (length, hidden_size))
    norms = {}
    for cell in cells:
        weights = init_weights(cell, hidden_size, hidden_size, np.random.default_rng([seed, CELLS.index(cell)]),
                               radius=radius, gate_bias=gate_bias)
        norms[cell] = np.array([np.linalg.norm(g, 2) for g in hidden_gradients(weights, inputs)])
    return GradientFlow(np.arange(length + 1), norms)
