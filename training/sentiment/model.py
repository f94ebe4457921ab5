"""Many-to-one: embedding -> 2-layer bidirectional GRU -> 3 classes and a mean rating.

With `valence_input`, every layer after the first also reads each piece's word valence from a
sentiment lexicon (serving/sentiment/lexicon.py) beside the states of the layer below; the first
layer, which pretraining teaches as a language model, reads the pieces alone. With `valence_sum`
as well, the class logits also get the sentence's valences summed, each piece's weighted by what the
last layer makes of its context (Teng et al. 2016): a direct path from the lexicon to the verdict
that the network scales, damps or turns word by word, instead of one it must learn to rebuild.

Packed sequences do not export to ONNX, so padding is handled by masking: the forward GRU reads
right-padded input as is (padding comes after every real token), and the backward GRU reads each
sequence reversed *within its own length*, so it too starts at the last real token.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from serving.tokenizer import PAD_ID


@dataclass
class SentimentConfig:
    vocab_size: int = 8000
    embed_dim: int = 128
    hidden_size: int = 128
    num_layers: int = 2
    dropout: float = 0.35
    num_classes: int = 3
    valence_input: bool = False  # layers after the first read a lexicon valence per piece (input "valences")
    valence_sum: bool = False  # with valence_input: the logits also get the valences summed, weighted in context


def reverse_within_length(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Reverse the first `lengths[b]` steps of each row of x [B, T, D]; padding stays where it is."""
    steps = torch.arange(x.shape[1], device=x.device).unsqueeze(0)
    reversed_steps = lengths.unsqueeze(1) - 1 - steps
    index = torch.where(reversed_steps >= 0, reversed_steps, steps)
    return x.gather(1, index.unsqueeze(-1).expand_as(x))


class MaskedBiGRU(nn.Module):
    """One bidirectional GRU layer that respects each sequence's length without packing."""

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.forward_gru = nn.GRU(input_size, hidden_size, batch_first=True)
        self.backward_gru = nn.GRU(input_size, hidden_size, batch_first=True)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        forward_out, _ = self.forward_gru(x)
        backward_out, _ = self.backward_gru(reverse_within_length(x, lengths))
        return torch.cat([forward_out, reverse_within_length(backward_out, lengths)], dim=-1)


class SentimentGRU(nn.Module):
    """tokens [B, T] int64, lengths [B] int64 (and valences [B, T] float32 with valence_input)
    -> logits [B, 3], rating [B] in -4..+4."""

    def __init__(self, config: SentimentConfig):
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.embed_dim, padding_idx=PAD_ID)
        sizes = [config.embed_dim] + [2 * config.hidden_size + config.valence_input] * (config.num_layers - 1)
        self.layers = nn.ModuleList(MaskedBiGRU(size, config.hidden_size) for size in sizes)
        self.dropout = nn.Dropout(config.dropout)
        features = 4 * config.hidden_size  # last forward + first backward state, masked mean
        self.classifier = nn.Sequential(nn.Linear(features, config.hidden_size), nn.GELU(),
                                        self.dropout, nn.Linear(config.hidden_size, config.num_classes))
        self.rating_head = nn.Sequential(nn.Linear(features, config.hidden_size), nn.GELU(),
                                         nn.Linear(config.hidden_size, 1))
        if config.valence_sum:
            if not config.valence_input:
                raise ValueError("valence_sum needs valence_input")
            self.valence_weight = nn.Linear(2 * config.hidden_size, 1)  # each piece's weight, from its context
            nn.init.zeros_(self.valence_weight.weight)
            nn.init.ones_(self.valence_weight.bias)  # at first every valence counts once
            self.valence_to_logits = nn.Parameter(torch.tensor([-1.0, 0.0, 1.0]))  # a positive sum favours positive

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor,
                valences: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        x = self.dropout(self.embedding(tokens))
        for index, layer in enumerate(self.layers):
            if index and self.config.valence_input:
                x = torch.cat([x, valences.unsqueeze(-1)], dim=-1)
            x = self.dropout(layer(x, lengths))
        hidden = self.config.hidden_size
        last = x.gather(1, (lengths - 1).view(-1, 1, 1).expand(-1, 1, x.shape[-1])).squeeze(1)
        mask = (torch.arange(x.shape[1], device=x.device).unsqueeze(0) < lengths.unsqueeze(1)).unsqueeze(-1)
        mean = (x * mask).sum(1) / lengths.clamp(min=1).unsqueeze(1).to(x.dtype)
        features = torch.cat([last[:, :hidden], x[:, 0, hidden:], mean], dim=-1)
        rating = 4.0 * torch.tanh(self.rating_head(features).squeeze(-1))
        logits = self.classifier(features)
        if self.config.valence_sum:
            weighted = self.valence_weight(x).squeeze(-1) * valences * mask.squeeze(-1)
            logits = logits + weighted.sum(1, keepdim=True) * self.valence_to_logits
        return logits, rating
