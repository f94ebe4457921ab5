"""Many-to-many: every word gets a tag. Word embedding + a character CNN per word -> bidirectional GRU ->
tag scores per word (emissions) -> a linear-chain CRF over the tag sequence.

The character CNN reads capitals, suffixes and shapes, so a name never seen in training can still
be tagged. The CRF's transition scores stay in torch for training and go into the artifact's
manifest; the exported ONNX model stops at the emissions and Viterbi runs in numpy when serving.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from serving.tokenizer import PAD_ID
from training.sentiment.model import MaskedBiGRU


@dataclass
class TaggerConfig:
    vocab_size: int = 15000
    num_chars: int = 200  # characters known, besides padding and unknown
    word_dim: int = 64
    char_dim: int = 32
    char_filters: int = 64
    hidden_size: int = 128
    num_layers: int = 2
    dropout: float = 0.3
    num_tags: int = 9
    gazetteer_kinds: int = 0  # flags per word for the kinds of listed name it is part of (0: none read)


class CharCNN(nn.Module):
    """chars [N, C] -> [N, filters]: a width-3 convolution over each word's characters, max over positions."""

    def __init__(self, num_chars: int, char_dim: int, filters: int):
        super().__init__()
        self.embedding = nn.Embedding(num_chars + 2, char_dim, padding_idx=PAD_ID)
        self.conv = nn.Conv1d(char_dim, filters, kernel_size=3, padding=1)

    def forward(self, chars: torch.Tensor) -> torch.Tensor:
        features = torch.relu(self.conv(self.embedding(chars).transpose(1, 2)))  # [N, filters, C]
        real = (chars != PAD_ID).unsqueeze(1)
        return features.masked_fill(~real, 0.0).amax(dim=2)  # relu >= 0, so padding at 0 never wins


class EntityTaggerNet(nn.Module):
    """words [B, T], chars [B, T, C], lengths [B] (all int64) and, when the config reads name lists, gazetteer
    flags [B, T, kinds] (float) -> emissions [B, T, tags]."""

    def __init__(self, config: TaggerConfig):
        super().__init__()
        self.config = config
        self.word_embedding = nn.Embedding(config.vocab_size, config.word_dim, padding_idx=PAD_ID)
        self.char_cnn = CharCNN(config.num_chars, config.char_dim, config.char_filters)
        read = config.word_dim + config.char_filters + config.gazetteer_kinds  # what the first layer reads per word
        sizes = [read] + [2 * config.hidden_size] * (config.num_layers - 1)
        self.layers = nn.ModuleList(MaskedBiGRU(size, config.hidden_size) for size in sizes)
        self.dropout = nn.Dropout(config.dropout)
        self.emissions = nn.Linear(2 * config.hidden_size, config.num_tags)

    def forward(self, words: torch.Tensor, chars: torch.Tensor, lengths: torch.Tensor,
                gazetteer: torch.Tensor | None = None) -> torch.Tensor:
        batch, steps, width = chars.shape
        spelled = self.char_cnn(chars.reshape(batch * steps, width)).reshape(batch, steps, -1)
        listed = [] if gazetteer is None else [gazetteer]
        x = self.dropout(torch.cat([self.word_embedding(words), spelled, *listed], dim=-1))
        for layer in self.layers:
            x = self.dropout(layer(x, lengths))
        return self.emissions(x)


class CRF(nn.Module):
    """Transition, start and end scores; the loss is -log P(gold tag sequence), summed over sentences.
    The sum over all sequences is the forward algorithm, batched with a mask for padding."""

    def __init__(self, num_tags: int):
        super().__init__()
        self.transitions = nn.Parameter(torch.zeros(num_tags, num_tags))
        self.start = nn.Parameter(torch.zeros(num_tags))
        self.end = nn.Parameter(torch.zeros(num_tags))

    def negative_log_likelihood(self, emissions: torch.Tensor, tags: torch.Tensor,
                                lengths: torch.Tensor) -> torch.Tensor:
        batch, steps, _ = emissions.shape
        mask = torch.arange(steps).unsqueeze(0) < lengths.unsqueeze(1)  # [B, T]
        rows = torch.arange(batch)
        gold = self.start[tags[:, 0]] + emissions[rows, 0, tags[:, 0]]
        alpha = self.start + emissions[:, 0]  # [B, K]
        for t in range(1, steps):
            step = mask[:, t]
            gold = gold + step * (self.transitions[tags[:, t - 1], tags[:, t]] + emissions[rows, t, tags[:, t]])
            moved = torch.logsumexp(alpha.unsqueeze(2) + self.transitions, dim=1) + emissions[:, t]
            alpha = torch.where(step.unsqueeze(1), moved, alpha)
        gold = gold + self.end[tags[rows, lengths - 1]]
        return (torch.logsumexp(alpha + self.end, dim=1) - gold).sum()
