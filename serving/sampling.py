"""The one sampler every writing model uses (next word, music): temperature, top-k, top-p and a seeded
generator, so the same seed writes the same text or tune again."""
from __future__ import annotations

import numpy as np

from serving.numeric import log_softmax


def sample(log_probs: np.ndarray, rng: np.random.Generator, temperature: float, top_k: int = 0,
           top_p: float = 1.0) -> int:
    """The next token: the likeliest when temperature is 0, else one drawn from the temperature-scaled
    top-k / top-p set of `log_probs` (top_k 0: no limit)."""
    if temperature == 0:
        return int(np.argmax(log_probs))
    order = np.argsort(-log_probs)
    if top_k:
        order = order[:top_k]
    # relative to the likeliest, so that a tiny temperature gives it all the mass instead of overflowing
    probs = np.exp(log_softmax((log_probs[order] - log_probs[order[0]]) / temperature))
    keep = int(np.searchsorted(np.cumsum(probs), top_p) + 1)
    probs = probs[:keep] / probs[:keep].sum()
    return int(order[rng.choice(len(probs), p=probs)])
