"""An encoder-decoder with attention (Bahdanau et al. 2015): English pieces in, Spanish pieces out.

A bidirectional GRU reads the whole English sentence into one memory vector per piece. A GRU
decoder then writes Spanish one piece at a time: before each piece it scores every memory vector
against its state (additive attention), reads their weighted mean, and predicts the next piece from
its new state, what it read and the piece it was fed. One sentencepiece vocabulary serves both
languages, and its embedding is shared by the encoder, the decoder and the output layer (Press &
Wolf 2017): three times fewer parameters for the largest matrix.

Padding never changes a sentence's result: the backward GRU reads each sentence reversed within its
own length, the memory's mean and the attention skip padded positions. Export writes `encode` and
`step` as two ONNX graphs, so serving's numpy beam search drives the step (serving/beam_search.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F


@dataclass
class TranslatorConfig:
    vocab_size: int
    embed_dim: int = 256
    encoder_size: int = 256  # per direction
    decoder_size: int = 512
    attention_size: int = 256
    dropout: float = 0.3


def reverse_within_lengths(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """x [B, T, ...] with each row's first `lengths` steps reversed and its padding left in place."""
    steps = torch.arange(x.shape[1], device=x.device)[None]
    index = torch.where(steps < lengths[:, None], lengths[:, None] - 1 - steps, steps)
    return x.gather(1, index.view(*index.shape, *([1] * (x.dim() - 2))).expand_as(x))


class EncoderDecoder(nn.Module):
    def __init__(self, config: TranslatorConfig):
        super().__init__()
        self.config = config
        memory = 2 * config.encoder_size
        self.embedding = nn.Embedding(config.vocab_size, config.embed_dim, padding_idx=0)
        # The embedding is also the output layer: at nn.Embedding's N(0, 1) the first logits are ~16 apart and
        # the loss starts at 21 instead of ln(V) = 9, and learns little in an epoch; N(0, 1/d) starts at ln(V).
        nn.init.normal_(self.embedding.weight, std=config.embed_dim ** -0.5)
        with torch.no_grad():
            self.embedding.weight[0].zero_()
        self.forward_reader = nn.GRU(config.embed_dim, config.encoder_size, batch_first=True)
        self.backward_reader = nn.GRU(config.embed_dim, config.encoder_size, batch_first=True)
        self.bridge = nn.Linear(memory, config.decoder_size)
        self.memory_keys = nn.Linear(memory, config.attention_size)
        self.query = nn.Linear(config.decoder_size, config.attention_size, bias=False)
        self.attention_score = nn.Linear(config.attention_size, 1, bias=False)
        self.cell = nn.GRUCell(config.embed_dim + memory, config.decoder_size)
        self.readout = nn.Linear(config.decoder_size + memory + config.embed_dim, config.embed_dim)
        self.output_bias = nn.Parameter(torch.zeros(config.vocab_size))
        self.dropout = nn.Dropout(config.dropout)

    def encode(self, tokens: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """tokens [B, S] (padded with 0), lengths [B] -> first state h [B, D], memory [B, S, 2E],
        keys [B, S, A], mask [B, S] (1.0 on pieces, 0.0 on padding)."""
        mask = (torch.arange(tokens.shape[1], device=tokens.device)[None] < lengths[:, None]).float()
        embedded = self.dropout(self.embedding(tokens))
        forward, _ = self.forward_reader(embedded)
        backward, _ = self.backward_reader(reverse_within_lengths(embedded, lengths))
        memory = torch.cat([forward, reverse_within_lengths(backward, lengths)], -1) * mask[:, :, None]
        mean = memory.sum(1) / mask.sum(1, keepdim=True).clamp_min(1.0)
        return torch.tanh(self.bridge(mean)), memory, self.memory_keys(memory), mask

    def attend(self, h: torch.Tensor, memory: torch.Tensor, keys: torch.Tensor,
               mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(context [B, 2E], weights [B, S]) of decoder state h over the memory."""
        scores = self.attention_score(torch.tanh(keys + self.query(h)[:, None])).squeeze(-1)
        weights = (scores + (mask - 1.0) * 1e4).softmax(-1)
        return (weights[:, :, None] * memory).sum(1), weights

    def logits(self, h: torch.Tensor, context: torch.Tensor, embedded: torch.Tensor) -> torch.Tensor:
        """Next-piece scores [..., V] from the new state, what was read and the piece fed in."""
        out = torch.tanh(self.readout(self.dropout(torch.cat([h, context, embedded], -1))))
        # F.linear reads the embedding as it is stored (a Gemm with transB): `@ weight.T` would export a
        # second, transposed copy of the largest matrix into decoder_step.onnx.
        return F.linear(out, self.embedding.weight, self.output_bias)

    def step(self, tokens: torch.Tensor, h: torch.Tensor, memory: torch.Tensor, keys: torch.Tensor,
             mask: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """tokens [N] -> log-probs [N, V], new h [N, D], attention weights [N, S] (summing to 1)."""
        embedded = self.embedding(tokens)
        context, weights = self.attend(h, memory, keys, mask)
        h = self.cell(torch.cat([embedded, context], -1), h)
        return self.logits(h, context, embedded).log_softmax(-1), h, weights

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor, inputs: torch.Tensor) -> torch.Tensor:
        """Teacher forcing: inputs [B, T] (<start> p1 .. pn, padded) -> logits [B, T, V]."""
        h, memory, keys, mask = self.encode(tokens, lengths)
        embedded = self.dropout(self.embedding(inputs))
        states, contexts = [], []
        for t in range(inputs.shape[1]):
            context, _ = self.attend(h, memory, keys, mask)
            h = self.cell(torch.cat([embedded[:, t], context], -1), h)
            states.append(h)
            contexts.append(context)
        return self.logits(torch.stack(states, 1), torch.stack(contexts, 1), embedded)


class EncoderGraph(nn.Module):
    """What `encoder.onnx` computes: tokens [B, S] int64, lengths [B] int64 -> h, memory, keys, mask."""

    def __init__(self, translator: EncoderDecoder):
        super().__init__()
        self.translator = translator

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return self.translator.encode(tokens, lengths)


class StepGraph(nn.Module):
    """What `decoder_step.onnx` computes: one piece for each of N beams."""

    def __init__(self, translator: EncoderDecoder):
        super().__init__()
        self.translator = translator

    def forward(self, tokens, h, memory, keys, mask) -> tuple[torch.Tensor, ...]:
        return self.translator.step(tokens, h, memory, keys, mask)
