"""The forecaster: a GRU reads the window, a head writes the whole horizon at once (many-to-one, then one
vector out: MQ-RNN's direct strategy), three quantiles per step.

Several GRUs trained from different seeds are averaged (`Ensemble`): their quantiles' mean is one graph's
output. Beside each GRU's head runs a linear path from the window's last MAX_HORIZON values, one per frequency (a
learnt "repeat the last season and its trend", the part ES-RNN gives exponential smoothing); the GRU's
head corrects it. The quantiles cannot cross: the median is written, the 10% and 90% bounds as positive
distances below and above it. The exported graph also returns the GRU's last layer at every step, which the
page draws as what the network carries while it reads.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from serving.forecast.series import FEATURES, FREQUENCIES, MAX_HORIZON


@dataclass
class ForecastConfig:
    hidden_size: int = 128
    num_layers: int = 2
    dropout: float = 0.1


class ForecastGRU(nn.Module):
    def __init__(self, config: ForecastConfig):
        super().__init__()
        self.config = config
        self.gru = nn.GRU(FEATURES, config.hidden_size, config.num_layers, batch_first=True,
                          dropout=config.dropout if config.num_layers > 1 else 0.0)
        self.head = nn.Sequential(nn.Linear(config.hidden_size, config.hidden_size), nn.ReLU(),
                                  nn.Dropout(config.dropout), nn.Linear(config.hidden_size, MAX_HORIZON * 3))
        self.linear_path = nn.Parameter(torch.zeros(len(FREQUENCIES), MAX_HORIZON, MAX_HORIZON * 3))

    def forward(self, window: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """window [B, T, FEATURES] -> quantiles [B, MAX_HORIZON, 3] (10%, 50%, 90%, in the window's scale) and
        the GRU's last layer [B, T, hidden]."""
        states, _ = self.gru(window)
        frequency = window[:, -1, 6:]  # the one-hot, the same at every step
        values = window[:, :, 0]  # padded in front, for contexts shorter than the horizon (quarterly, yearly)
        recent = torch.cat([values[:, :1].repeat(1, MAX_HORIZON), values], dim=1)[:, -MAX_HORIZON:]
        linear = torch.einsum("bf,bi,fio->bo", frequency, recent, self.linear_path)
        raw = (self.head(states[:, -1]) + linear).reshape(-1, MAX_HORIZON, 3)
        median = raw[..., 1]
        lower = median - nn.functional.softplus(raw[..., 0])
        upper = median + nn.functional.softplus(raw[..., 2])
        return torch.stack([lower, median, upper], dim=-1), states


class Ensemble(nn.Module):
    """The members' quantiles averaged (the first member's states are the ones drawn): one exported graph."""

    def __init__(self, members: list[ForecastGRU]):
        super().__init__()
        self.members = nn.ModuleList(members)
        self.config = members[0].config

    def forward(self, window: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        outputs = [member(window) for member in self.members]
        return torch.stack([quantiles for quantiles, _ in outputs]).mean(0), outputs[0][1]
