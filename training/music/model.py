"""The tune writer: embedding -> LSTM -> next token, over the tokens of serving/music/tokens.py.

The exported graph is one call `(tokens [B, T], h [L, B, H], c [L, B, H]) -> (logits [B, T, V], h, c)`: a
tune's chosen opening is one call, each further token another, the state carried by the caller.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass
class TuneConfig:
    vocab_size: int = 128
    embed_dim: int = 128
    hidden_size: int = 384
    num_layers: int = 2
    dropout: float = 0.3  # about 450,000 training tokens: without it the LSTM learns the tunes by heart


class TuneLSTM(nn.Module):
    def __init__(self, config: TuneConfig):
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.embed_dim)
        self.lstm = nn.LSTM(config.embed_dim, config.hidden_size, config.num_layers, batch_first=True,
                            dropout=config.dropout)
        self.dropout = nn.Dropout(config.dropout)
        self.output = nn.Linear(config.hidden_size, config.vocab_size)

    def initial_state(self, batch_size: int) -> tuple[torch.Tensor, torch.Tensor]:
        zeros = torch.zeros(self.config.num_layers, batch_size, self.config.hidden_size)
        return zeros, zeros.clone()

    def forward(self, tokens: torch.Tensor, h: torch.Tensor, c: torch.Tensor
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        output, (h, c) = self.lstm(self.dropout(self.embedding(tokens)), (h, c))
        return self.output(self.dropout(output)), h, c
