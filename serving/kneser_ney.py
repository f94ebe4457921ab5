"""An interpolated Kneser-Ney n-gram model over token ids: the peer of the language models (the next-word
model's sentencepiece pieces, the music model's tune tokens), in numpy, so serving can score with it too.

Counts are kept in sorted numpy arrays (one table per order, contexts packed into int64), so
a full next-piece distribution costs a few binary searches and vector updates. The highest
order uses raw counts, lower orders continuation counts (how many different pieces precede
the n-gram), each with one absolute discount D = n1 / (n1 + 2 n2) per order.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

BITS = 13  # piece ids < 8192, so four context ids pack into one int64


def pack(columns: np.ndarray) -> np.ndarray:
    """Pack rows of ids [N, m] into one int64 per row (m <= 4)."""
    key = np.zeros(len(columns), dtype=np.int64)
    for column in columns.T:
        key = (key << BITS) | column.astype(np.int64)
    return key


@dataclass
class OrderTable:
    contexts: np.ndarray  # sorted unique packed contexts
    starts: np.ndarray  # follower slice of context i: starts[i]:starts[i + 1]
    totals: np.ndarray  # sum of follower counts per context
    followers: np.ndarray  # piece ids, grouped by context
    counts: np.ndarray  # their (continuation) counts
    discount: float


def _table(context_keys: np.ndarray, pieces: np.ndarray, counts: np.ndarray) -> OrderTable:
    order = np.lexsort((pieces, context_keys))
    context_keys, pieces, counts = context_keys[order], pieces[order], counts[order]
    contexts, starts = np.unique(context_keys, return_index=True)
    totals = np.add.reduceat(counts, starts)
    n1, n2 = np.sum(counts == 1), np.sum(counts == 2)
    discount = float(n1 / (n1 + 2 * n2)) if n1 + n2 else 0.5
    return OrderTable(contexts, np.append(starts, len(pieces)), totals, pieces.astype(np.int32),
                      counts.astype(np.float64), discount)


def _unique_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows [U, n] in lexicographic order and how often each occurs: `np.unique(rows, axis=0,
    return_counts=True)` without sorting whole rows as bytes (slow): each row packed into one int64 when its ids
    fit, else the columns sorted one stable pass each."""
    if not rows.size:
        return rows, np.zeros(0, np.int64)
    bits = int(rows.max()).bit_length()
    if rows.min() >= 0 and rows.shape[1] * bits <= 63:
        keys = np.zeros(len(rows), np.int64)
        for column in rows.T:
            keys = (keys << bits) | column
        _, first, counts = np.unique(keys, return_index=True, return_counts=True)
        return rows[first], counts
    ordered = rows[np.lexsort(rows.T[::-1])]
    starts = np.flatnonzero(np.concatenate([[True], (ordered[1:] != ordered[:-1]).any(axis=1)]))
    return ordered[starts], np.diff(np.append(starts, len(rows)))


def _unique_grams(stream: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Unique n-grams of the stream [U, n] and how often each occurs."""
    return _unique_rows(np.lib.stride_tricks.sliding_window_view(stream, n))


class KneserNey:
    """`next_distributions(histories)` gives P(next piece | last order-1 pieces) for each history."""

    def __init__(self, stream: np.ndarray, vocab_size: int, order: int = 5):
        if vocab_size > 1 << BITS or order > 5:
            raise ValueError("ids must fit in 13 bits and contexts in 4 ids")
        self.vocab_size, self.order = vocab_size, order
        grams, counts = _unique_grams(np.asarray(stream, dtype=np.int64), order)
        self.tables: list[OrderTable] = []
        for n in range(order, 0, -1):
            if n < order:  # continuation counts: how many distinct pieces precede each n-gram
                grams, counts = _unique_rows(grams[:, 1:])
            self.tables.insert(0, _table(pack(grams[:, :-1]), grams[:, -1], counts))

    def save(self, path: Path) -> None:
        """The count tables (not the text they were counted from), compressed: what an artifact carries."""
        arrays = {"vocab_size": np.array(self.vocab_size), "discounts": np.array([t.discount for t in self.tables])}
        for n, table in enumerate(self.tables, 1):
            arrays.update({f"contexts{n}": table.contexts, f"starts{n}": table.starts.astype(np.int64),
                           f"followers{n}": table.followers.astype(np.uint16),
                           f"counts{n}": table.counts.astype(np.uint32)})
        with open(path, "wb") as handle:
            np.savez_compressed(handle, **arrays)

    @classmethod
    def load(cls, path: Path) -> "KneserNey":
        with np.load(path) as saved:
            model = cls.__new__(cls)
            model.vocab_size, model.order = int(saved["vocab_size"]), len(saved["discounts"])
            model.tables = []
            for n, discount in enumerate(saved["discounts"], 1):
                starts, counts = saved[f"starts{n}"], saved[f"counts{n}"].astype(np.float64)
                totals = np.add.reduceat(counts, starts[:-1]) if len(counts) else counts
                model.tables.append(OrderTable(saved[f"contexts{n}"], starts, totals,
                                               saved[f"followers{n}"].astype(np.int32), counts, float(discount)))
        return model

    def distribution(self, history: list[int]) -> np.ndarray:
        """P(next piece) [V] given the pieces so far (only the last order-1 matter)."""
        probs = np.full(self.vocab_size, 1.0 / self.vocab_size)
        for n, table in enumerate(self.tables, 1):
            if n > 1 and len(history) < n - 1:
                break
            key = pack(np.array([history[len(history) - n + 1:]] if n > 1 else [[]], dtype=np.int64))[0]
            i = np.searchsorted(table.contexts, key)
            if i == len(table.contexts) or table.contexts[i] != key:
                continue  # unseen context: keep the lower-order estimate
            lo, hi = table.starts[i], table.starts[i + 1]
            total = table.totals[i]
            probs = probs * (table.discount * (hi - lo) / total)
            probs[table.followers[lo:hi]] += np.maximum(table.counts[lo:hi] - table.discount, 0) / total
        return probs

    def log_probs_of(self, stream: np.ndarray) -> np.ndarray:
        """log P(stream[i] | the order-1 pieces before it) for every i >= 1."""
        stream = [int(t) for t in stream]
        return np.array([np.log(self.distribution(stream[max(0, i - self.order + 1):i])[stream[i]])
                         for i in range(1, len(stream))])


class KneserNeyPieceModel:
    """The n-gram behind the same interface as the GRU (see serving.nextword.predictor.PieceModel).

    A state is the tuple of the last order-1 pieces.
    """

    def __init__(self, model: KneserNey):
        self.model = model

    def start(self, history: list[int]) -> tuple[tuple[int, ...], np.ndarray]:
        state = tuple(history[-(self.model.order - 1):])
        return state, np.log(self.model.distribution(list(state)))

    def advance(self, states: list, pieces: list[int]) -> tuple[list, np.ndarray]:
        new_states = [(*state, piece)[-(self.model.order - 1):] for state, piece in zip(states, pieces)]
        return new_states, np.log(np.stack([self.model.distribution(list(s)) for s in new_states]))
