"""Synthetic everyday pairs: WordNet's usage examples translated by Apertium (sequence-level distillation,
Kim and Rush 2016), for training only and said so in the manifest.

The Bible and the software catalogues never speak of weather, shops or feelings, and no captioned or
translated everyday text comes through the registries. WordNet 3.0's glosses carry about 48,000 usage
examples, most of them short everyday sentences ("her health is better now", "the snow was firm
underfoot"), one or more for nearly every common word. Apertium translates them in a few seconds; an
example with a word Apertium does not know (marked "*", "#" or "@" in its output) is left out, and so is
one that is a twin of any held-out or everyday test sentence (training/near_duplicates.py). The Spanish is
a rule-based engine's, with its mistakes: these pairs teach everyday words and sentence shapes, not
Apertium's quality, and Apertium stays the peer the model is scored beside.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from datafetch.archives import deb_data, tar_members_named
from datafetch.registry import fetch
from datafetch.sources import WORDNET
from serving.translate.apertium import apertium_translate_in_one_run
from training.near_duplicates import TwinFinder
from training.sentiment.usage_examples import WORDNET_DATA, as_sentence, usage_examples
from training.translate.data import Pair, tidy_spaces

MIN_WORDS, MAX_WORDS = 3, 30
CHUNK = 2000  # sentences per Apertium run
VALIDATION_EVERY = 40  # one distilled pair in 40, by a hash of its English, is held out for choices
_UNKNOWN = re.compile(r"(?<!\w)[*#@]\w")  # Apertium's marks on a word it could not analyse or generate ("¿*Blorp")
_LETTERS = re.compile(r"[A-Za-z]")
_DICTIONARY_FORM = re.compile(r"\bone's\b|\boneself\b", re.IGNORECASE)  # "work one's way": a headword's pattern


def everyday_english(wordnet: Path | None = None) -> list[str]:
    """WordNet's usage examples of MIN_WORDS to MAX_WORDS words, as sentences ("Her health is better now."),
    but for a headword's pattern ("work one's way through the crowd")."""
    data = deb_data(wordnet or fetch(WORDNET))
    examples = usage_examples([content.decode("latin-1") for content in tar_members_named(data, WORDNET_DATA)])
    return [as_sentence(e) for e in examples
            if MIN_WORDS <= len(e.split()) <= MAX_WORDS and _LETTERS.search(e) and not _DICTIONARY_FORM.search(e)]


def distilled_pairs(english: list[str], held_out: Iterable[str]) -> list[Pair]:
    """Apertium's Spanish (its stray spaces before punctuation taken out) for each sentence that is no twin
    of a `held_out` text and whose every word Apertium knows; source "distilled", group "wordnet"."""
    finder = TwinFinder(held_out)
    kept = [text for text in english if not finder.has_twin(text)]
    pairs = []
    for first in range(0, len(kept), CHUNK):
        chunk = kept[first:first + CHUNK]
        for text, spanish in zip(chunk, apertium_translate_in_one_run(chunk, marked=True)):
            if spanish and not _UNKNOWN.search(spanish):
                pairs.append(Pair(text, tidy_spaces(spanish), "distilled", "wordnet"))
    return pairs


def in_validation(english: str) -> bool:
    """Whether a distilled pair is held out for choices: fixed by its English text, whatever the rest of the set."""
    return int(hashlib.sha256(english.encode()).hexdigest(), 16) % VALIDATION_EVERY == 0


def distilled_splits(held_out: Iterable[str], wordnet: Path | None = None) -> dict[str, list[Pair]]:
    """{"train": ..., "validation": ...}: distilled_pairs() with one in VALIDATION_EVERY held out for choices
    (the everyday test sets never choose); a training pair that is a twin of a validation pair is left out."""
    pairs = distilled_pairs(everyday_english(wordnet), held_out)
    validation = [p for p in pairs if in_validation(p.english)]
    finder = TwinFinder(p.english for p in validation)
    return {"train": [p for p in pairs if not in_validation(p.english) and not finder.has_twin(p.english)],
            "validation": validation}
