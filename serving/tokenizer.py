"""sentencepiece tokenizers as an artifact ships them: the ids every model shares, and loading."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import sentencepiece as spm

PAD_ID = 0
UNK_ID = 1
WORD_START = "\u2581"  # sentencepiece's marker for a piece that begins a word


def load_tokenizer(path: Path) -> spm.SentencePieceProcessor:
    return spm.SentencePieceProcessor(model_file=str(path))


def pad_batch(token_lists: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Right-padded tokens [B, T] and lengths [B], int64: what every model that reads a batch of texts takes."""
    lengths = np.array([len(t) for t in token_lists], dtype=np.int64)
    tokens = np.full((len(token_lists), int(lengths.max())), PAD_ID, dtype=np.int64)
    for row, ids in enumerate(token_lists):
        tokens[row, :len(ids)] = ids
    return tokens, lengths
