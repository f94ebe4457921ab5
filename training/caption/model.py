"""Show, Attend and Tell: an LSTM that looks at a different part of the image for every word.

`init` turns the encoder's spatial grid into the decoder's memory (and its attention keys) and
the first h/c from the mean feature; `step` reads one word, attends over the 49 positions with a
gating scalar on the context, and returns log-probabilities of the next word. Training runs
`step` over a teacher-forced caption; export writes `init` and `step` as two ONNX graphs, so the
beam search in numpy drives the step (serving/beam_search.py).

With `concepts` > 0 the decoder also reads the CNN's K likeliest things (serving/caption/concepts.py):
it attends over them as it attends over the grid, feeds what it read into the LSTM, and mixes its
word distribution with a copy distribution over the K slot words (a pointer-generator): a gate
decides at every word how much to copy from the CNN and how much to say itself.
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
    concepts: int = 0  # the CNN's things the decoder can copy (0: none; the CNN names objects after decoding)
    concept_features: int = 0  # feature_size + 2 when concepts > 0
    slot_ids: tuple[int, ...] = ()  # the token ids of <cnn0> .. <cnnK-1>


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
        self.dropout = nn.Dropout(config.dropout)
        self.output = nn.Linear(config.hidden_size, config.vocab_size)
        if config.concepts:
            self.concept_project = nn.Sequential(nn.LayerNorm(config.concept_features),
                                                 nn.Linear(config.concept_features, config.memory_size), nn.ReLU())
            self.concept_keys = nn.Linear(config.memory_size, config.attention_size)
            self.concept_query = nn.Linear(config.hidden_size, config.attention_size)
            self.concept_score = nn.Linear(config.attention_size, 1)
            self.copy_query = nn.Linear(config.hidden_size, config.attention_size)
            self.copy_score = nn.Linear(config.attention_size, 1)
            self.copy_gate = nn.Linear(config.hidden_size + config.memory_size, 1)
            slots = torch.zeros(config.concepts, config.vocab_size)
            slots[torch.arange(config.concepts), torch.tensor(config.slot_ids)] = 1.0
            self.register_buffer("slot_matrix", slots)  # [K, V]: concept k -> its slot word
            self.register_buffer("slot_mask", slots.sum(0) * -1e4)  # the generator never says a slot itself
        lstm_input = config.embed_dim + config.memory_size * (2 if config.concepts else 1)
        self.lstm = nn.LSTMCell(lstm_input, config.hidden_size)

    def set_imagenet_head(self, weight: np.ndarray, bias: np.ndarray) -> None:
        """The encoder's classifier head (weight [C, F], bias [C]), for `imagenet_view`."""
        self.head_weight.copy_(torch.from_numpy(weight))
        self.head_bias.copy_(torch.from_numpy(bias))

    def init(self, grid: torch.Tensor, concepts: torch.Tensor | None = None) -> tuple[torch.Tensor, ...]:
        """grid [B, P, F] (and concepts [B, K, F + 2]) -> h, c [B, H], memory [B, P, M], keys [B, P, A]
        (and concept memory [B, K, M], concept keys [B, K, A])."""
        if self.config.imagenet_view:  # class scores of every cell, standardised per cell
            grid = F.layer_norm(grid @ self.head_weight.T + self.head_bias, (self.config.classes,))
        memory = F.relu(self.project(self.dropout(grid)))
        mean = memory.mean(1)
        state = (torch.tanh(self.init_h(mean)), torch.tanh(self.init_c(mean)), memory, self.memory_keys(memory))
        if not self.config.concepts:
            return state
        concept_memory = self.concept_project(concepts)
        return (*state, concept_memory, self.concept_keys(concept_memory))

    def step(self, tokens: torch.Tensor, h: torch.Tensor, c: torch.Tensor, memory: torch.Tensor,
             keys: torch.Tensor, *concept_state: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """tokens [B] -> log-probs [B, V], h, c, attention weights [B, P] (summing to 1)."""
        scores = self.attention_score(torch.tanh(keys + self.hidden_query(h)[:, None])).squeeze(-1)
        weights = scores.softmax(-1)
        context = torch.sigmoid(self.gate(h)) * (weights[:, :, None] * memory).sum(1)
        if not self.config.concepts:
            h, c = self.lstm(torch.cat([self.embedding(tokens), context], -1), (h, c))
            return self.output(self.dropout(h)).log_softmax(-1), h, c, weights
        concept_memory, concept_keys = concept_state
        read = self.concept_score(torch.tanh(concept_keys + self.concept_query(h)[:, None])).squeeze(-1).softmax(-1)
        seen = (read[:, :, None] * concept_memory).sum(1)
        h, c = self.lstm(torch.cat([self.embedding(tokens), context, seen], -1), (h, c))
        out = self.dropout(h)
        words = (self.output(out) + self.slot_mask).softmax(-1)
        copy = self.copy_score(torch.tanh(concept_keys + self.copy_query(out)[:, None])).squeeze(-1).softmax(-1)
        copying = torch.sigmoid(self.copy_gate(torch.cat([out, seen], -1)))
        probs = (1 - copying) * words + copying * (copy @ self.slot_matrix)
        return probs.clamp_min(1e-12).log(), h, c, weights

    def forward(self, grid: torch.Tensor, inputs: torch.Tensor,
                concepts: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Teacher forcing: inputs [B, T] (<start> w1 .. wn, padded) -> log-probs [B, T, V], weights [B, T, P]."""
        h, c, memory, keys, *concept_state = self.init(grid, concepts)
        log_probs, weights = [], []
        for t in range(inputs.shape[1]):
            step_log_probs, h, c, step_weights = self.step(inputs[:, t], h, c, memory, keys, *concept_state)
            log_probs.append(step_log_probs)
            weights.append(step_weights)
        return torch.stack(log_probs, 1), torch.stack(weights, 1)


class InitGraph(nn.Module):
    """What `decoder_init.onnx` computes."""

    def __init__(self, decoder: AttentionDecoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, grid: torch.Tensor, *concepts: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return self.decoder.init(grid, *concepts)


class StepGraph(nn.Module):
    """What `decoder_step.onnx` computes."""

    def __init__(self, decoder: AttentionDecoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, tokens, h, c, memory, keys, *concept_state) -> tuple[torch.Tensor, ...]:
        return self.decoder.step(tokens, h, c, memory, keys, *concept_state)


def caption_loss(log_probs: torch.Tensor, weights: torch.Tensor, targets: torch.Tensor,
                 attention_weight: float = 1.0, words: int | None = None, captions: int | None = None) -> torch.Tensor:
    """Cross-entropy over real words plus the doubly stochastic term: over a caption, every position
    should receive about one unit of attention in total, so no part of the image is ignored.

    Averaged over `words` and `captions`, those of these targets by default; a data-parallel rank passes the
    whole batch's counts, so that the ranks' summed gradients are the whole batch's (training/distributed.py)."""
    mask = targets != 0
    words = words or int(mask.sum())
    captions = captions or targets.shape[0]
    nll = -log_probs[mask].gather(-1, targets[mask][:, None]).sum() / words
    coverage = (weights * mask[:, :, None]).sum(1)  # [B, P]
    return nll + attention_weight * ((1.0 - coverage) ** 2).mean(1).sum() / captions
