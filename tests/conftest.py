"""Shared fixtures: small data made by the tests themselves."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
WORDS = ("good great awful bad movie phone story battery film plot acting boring lovely terrible "
         "fine the a and but not was is very really it this that").split()


@pytest.fixture(scope="session")
def tiny_texts() -> list[str]:
    rng = random.Random(0)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12))) for _ in range(300)]


@pytest.fixture(scope="session")
def tiny_tokenizer(tmp_path_factory, tiny_texts) -> Path:
    from textmodels.tokenizer import train_tokenizer

    return train_tokenizer(tiny_texts, tmp_path_factory.mktemp("tok") / "tiny", vocab_size=40)
