"""Training a sentencepiece tokenizer on a training split (serving.tokenizer loads it back)."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import sentencepiece as spm

from serving.tokenizer import PAD_ID, UNK_ID


def train_tokenizer(texts: Iterable[str], model_prefix: Path, vocab_size: int, model_type: str = "unigram",
                    case_fold: bool = True, user_symbols: tuple[str, ...] = ()) -> Path:
    """Train a tokenizer with pad=0, unk=1, then `user_symbols`, and no bos/eos; returns the `.model` path.
    A word model keeps every word of the texts, however rare its letters ("voyager-2"): it keeps every
    character, and `vocab_size` is an upper bound for it."""
    spm.SentencePieceTrainer.train(
        user_defined_symbols=list(user_symbols),
        sentence_iterator=iter(texts), model_prefix=str(model_prefix), vocab_size=vocab_size,
        model_type=model_type, character_coverage=1.0 if model_type == "word" else 0.9995,
        pad_id=PAD_ID, unk_id=UNK_ID,
        bos_id=-1, eos_id=-1, normalization_rule_name="nmt_nfkc_cf" if case_fold else "nmt_nfkc",
        hard_vocab_limit=model_type != "word", num_threads=2, minloglevel=2)
    return Path(f"{model_prefix}.model")
