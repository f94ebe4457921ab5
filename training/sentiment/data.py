"""The human-rated sentences of Hutto & Gilbert (2014), read from the vaderSentiment source distribution.

Each sentence has the mean of about 20 ratings on -4..+4. Labels cut that mean at +-0.5:
below -0.5 is negative, above +0.5 positive, in between neutral (raters disagree or see no
sentiment). The train/validation/test split is fixed per domain and stored as ids in
`training/sentiment/split.json`, so the text itself is never committed.
"""
from __future__ import annotations

import html
import json
import random
from dataclasses import dataclass
from pathlib import Path

from datafetch.archives import tar_member, tar_members
from datafetch.registry import fetch
from datafetch.sources import VADER_SDIST

LABELS = ("negative", "neutral", "positive")
NEUTRAL_BAND = 0.5
DOMAINS = {"movie": "movieReviewSnippets", "tweets": "tweets", "amazon": "amazonReviewSnippets",
           "nyt": "nytEditorialSnippets"}
SPLITS = ("train", "validation", "test")
SPLIT_FILE = Path(__file__).parent / "split.json"
SPLIT_SEED = 20141001
SPLIT_FRACTIONS = {"validation": 0.1, "test": 0.1}


@dataclass(frozen=True)
class Example:
    domain: str
    id: str
    rating: float  # mean human rating, -4..+4
    text: str

    @property
    def label(self) -> int:
        return label_of_rating(self.rating)


def label_of_rating(rating: float) -> int:
    """0 negative, 1 neutral, 2 positive: the documented cut at +-NEUTRAL_BAND."""
    if rating < -NEUTRAL_BAND:
        return 0
    return 2 if rating > NEUTRAL_BAND else 1


def read_examples(sdist: Path) -> list[Example]:
    """Parse every `*_GroundTruth.txt` inside the nested tarball of the sdist."""
    inner = tar_member(sdist, "hutto_ICWSM_2014.tar.gz")
    files = dict(tar_members(inner, "_GroundTruth.txt"))
    examples = []
    for domain, stem in DOMAINS.items():
        content = next(data for name, data in files.items() if name.endswith(f"/{stem}_GroundTruth.txt"))
        for line in content.decode("utf-8", errors="replace").splitlines():
            fields = line.strip().split("\t")
            if len(fields) == 3 and fields[2].strip():
                examples.append(Example(domain, fields[0], float(fields[1]), html.unescape(fields[2].strip())))
    return examples


def make_split(examples: list[Example], seed: int = SPLIT_SEED) -> dict[str, dict[str, list[str]]]:
    """A seeded split per domain: {domain: {split: [ids]}}."""
    rng = random.Random(seed)
    split = {}
    for domain in DOMAINS:
        ids = sorted(e.id for e in examples if e.domain == domain)
        rng.shuffle(ids)
        n_val = round(len(ids) * SPLIT_FRACTIONS["validation"])
        n_test = round(len(ids) * SPLIT_FRACTIONS["test"])
        split[domain] = {"test": sorted(ids[:n_test]), "validation": sorted(ids[n_test:n_test + n_val]),
                         "train": sorted(ids[n_test + n_val:])}
    return split


def load_splits(sdist: Path | None = None) -> dict[str, list[Example]]:
    """The examples of each split, as recorded in SPLIT_FILE (fetching the data if needed)."""
    examples = read_examples(sdist or fetch(VADER_SDIST))
    recorded = json.loads(SPLIT_FILE.read_text())
    by_key = {(e.domain, e.id): e for e in examples}
    return {name: [by_key[(domain, i)] for domain in DOMAINS for i in recorded[domain][name]]
            for name in SPLITS}


def write_split_file(sdist: Path | None = None) -> None:
    """Record the split once; re-running gives the same ids (the seed is fixed)."""
    split = make_split(read_examples(sdist or fetch(VADER_SDIST)))
    SPLIT_FILE.write_text(json.dumps({"seed": SPLIT_SEED, **split}, separators=(",", ":")) + "\n")
