"""sentencepiece tokenizers as an artifact ships them: the ids every model shares, and loading."""
from __future__ import annotations

from pathlib import Path

import sentencepiece as spm

PAD_ID = 0
UNK_ID = 1
WORD_START = "\u2581"  # sentencepiece's marker for a piece that begins a word


def load_tokenizer(path: Path) -> spm.SentencePieceProcessor:
    return spm.SentencePieceProcessor(model_file=str(path))
