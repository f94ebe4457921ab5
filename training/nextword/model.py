"""A GRU language model: embedding -> 2-layer GRU -> tied output embedding.

One step of the exported graph is `(tokens [B, T], hidden [L, B, H]) -> (logits [B, T, V], hidden)`,
so a typed prompt is one call and every further token another, with the hidden state carried
between calls by the caller.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass
class NextWordConfig:
    vocab_size: int = 4000
    embed_dim: int = 256
    hidden_size: int = 384  # wider than the embedding (a projection ties them): better per CPU second than 256 or 512
    num_layers: int = 2
    dropout: float = 0.0  # in under three passes over the text the model underfits; dropout only slowed learning


class GRULanguageModel(nn.Module):
    def __init__(self, config: NextWordConfig):
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.embed_dim)
        self.gru = nn.GRU(config.embed_dim, config.hidden_size, config.num_layers, batch_first=True,
                          dropout=config.dropout)
        self.dropout = nn.Dropout(config.dropout)
        # Tied weights: the output layer reuses the embedding matrix, via a projection when sizes differ.
        self.to_embedding = (nn.Identity() if config.hidden_size == config.embed_dim
                             else nn.Linear(config.hidden_size, config.embed_dim, bias=False))
        self.output_bias = nn.Parameter(torch.zeros(config.vocab_size))
        nn.init.uniform_(self.embedding.weight, -0.1, 0.1)

    def initial_hidden(self, batch_size: int) -> torch.Tensor:
        return torch.zeros(self.config.num_layers, batch_size, self.config.hidden_size)

    def forward(self, tokens: torch.Tensor, hidden: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        output, hidden = self.gru(self.dropout(self.embedding(tokens)), hidden)
        features = self.to_embedding(self.dropout(output))
        return features @ self.embedding.weight.T + self.output_bias, hidden
