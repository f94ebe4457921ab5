"""Show, Attend and Tell: an LSTM that looks at a different part of the image for every word.

`init` turns the encoder's spatial grid into the decoder's memory (and its attention keys) and
the first h/c from the mean feature; `step` reads one word, attends over the 49 positions with a
gating scalar on the context, and returns log-probabilities of the next word. Training runs
`step` over a teacher-forced caption; export writes `init` and `step` as two ONNX graphs, so the
beam search in numpy drives the step (serving/beam_search.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


@dataclass
class DecoderConfig:
    vocab_size: int
    feature_size: int = 1280  # channels of the encoder grid (EfficientNet-Lite0)
    memory_size: int = 256  # the grid projected once per image
    attention_size: int = 256
    embed_dim: int = 256
    hidden_size: int = 384
    dropout: float = 0.5  # strong: a few hundred cut-outs are easy to learn by heart
    # Attend over what the CNN's ImageNet head makes of each grid cell (its 1,000 class scores) instead
    # of the raw features: most things are seen in one cut-out, and class scores are what other photos
    # of the same thing share. The frozen head travels inside decoder_init.onnx. Measured: better when
    # things are kept out of training, not with all cut-outs (docs/caption.md: "The ImageNet view").
    imagenet_view: bool = False
    classes: int = 1000


class AttentionDecoder(nn.Module):
    def __init__(self, config: DecoderConfig):
        super().__init__()
        self.config = config
        if config.imagenet_view:
            self.register_buffer("head_weight", torch.zeros(config.classes, config.feature_size))
            self.register_buffer("head_bias", torch.zeros(config.classes))
        self.project = nn.Linear(config.classes if config.imagenet_view else config.feature_size, config.memory_size)
        self.memory_keys = nn.Linear(config.memory_size, config.attention_size)
        self.init_h = nn.Linear(config.memory_size, config.hidden_size)
        self.init_c = nn.Linear(config.memory_size, config.hidden_size)
        self.hidden_query = nn.Linear(config.hidden_size, config.attention_size)
        self.attention_score = nn.Linear(config.attention_size, 1)
        self.gate = nn.Linear(config.hidden_size, config.memory_size)
        self.embedding = nn.Embedding(config.vocab_size, config.embed_dim)
        self.lstm = nn.LSTMCell(config.embed_dim + config.memory_size, config.hidden_size)
        self.dropout = nn.Dropout(config.dropout)
        self.output = nn.Linear(config.hidden_size, config.vocab_size)

    def set_imagenet_head(self, weight: np.ndarray, bias: np.ndarray) -> None:
        """The encoder's classifier head (weight [C, F], bias [C]), for `imagenet_view`."""
        self.head_weight.copy_(torch.from_numpy(weight))
        self.head_bias.copy_(torch.from_numpy(bias))

    def init(self, grid: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """grid [B, P, F] -> h, c [B, H], memory [B, P, M], keys [B, P, A]."""
        if self.config.imagenet_view:  # class scores of every cell, standardised per cell
            grid = F.layer_norm(grid @ self.head_weight.T + self.head_bias, (self.config.classes,))
        memory = F.relu(self.project(self.dropout(grid)))
        mean = memory.mean(1)
        return torch.tanh(self.init_h(mean)), torch.tanh(self.init_c(mean)), memory, self.memory_keys(memory)

    def step(self, tokens: torch.Tensor, h: torch.Tensor, c: torch.Tensor, memory: torch.Tensor,
             keys: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """tokens [B] -> log-probs [B, V], h, c, attention weights [B, P] (summing to 1)."""
        scores = self.attention_score(torch.tanh(keys + self.hidden_query(h)[:, None])).squeeze(-1)
        weights = scores.softmax(-1)
        context = torch.sigmoid(self.gate(h)) * (weights[:, :, None] * memory).sum(1)
        h, c = self.lstm(torch.cat([self.embedding(tokens), context], -1), (h, c))
        return self.output(self.dropout(h)).log_softmax(-1), h, c, weights

    def forward(self, grid: torch.Tensor, inputs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Teacher forcing: inputs [B, T] (<start> w1 .. wn, padded) -> log-probs [B, T, V], weights [B, T, P]."""
        h, c, memory, keys = self.init(grid)
        log_probs, weights = [], []
        for t in range(inputs.shape[1]):
            step_log_probs, h, c, step_weights = self.step(inputs[:, t], h, c, memory, keys)
            log_probs.append(step_log_probs)
            weights.append(step_weights)
        return torch.stack(log_probs, 1), torch.stack(weights, 1)


class InitGraph(nn.Module):
    """What `decoder_init.onnx` computes."""

    def __init__(self, decoder: AttentionDecoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, grid: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return self.decoder.init(grid)


class StepGraph(nn.Module):
    """What `decoder_step.onnx` computes."""

    def __init__(self, decoder: AttentionDecoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, tokens, h, c, memory, keys) -> tuple[torch.Tensor, ...]:
        return self.decoder.step(tokens, h, c, memory, keys)


def caption_loss(log_probs: torch.Tensor, weights: torch.Tensor, targets: torch.Tensor,
                 attention_weight: float = 1.0) -> torch.Tensor:
    """Cross-entropy over real words plus the doubly stochastic term: over a caption, every position
    should receive about one unit of attention in total, so no part of the image is ignored."""
    mask = targets != 0
    words = F.nll_loss(log_probs[mask], targets[mask])
    coverage = (weights * mask[:, :, None]).sum(1)  # [B, P]
    return words + attention_weight * ((1.0 - coverage) ** 2).mean()
