"""`python -m training.evaluate sentiment-everyday`: the model beside VADER on everyday sentences.

Two sets, each written before any model was scored on it, each sentence with how a person reads
it: `everyday.tsv` (test, 162 sentences: 54 neutral facts, questions and requests, 54 positive and
54 negative praise, complaints, negation, contrast and mixed) is never trained on or used for a
choice; `everyday_validation.tsv` (90 more of the same kinds, 30 per label) is what choices between
trained models are made on, never trained on either. No sentence of either set has a twin in the
other or among the training sentences, by the rule that keeps the rated splits apart
(`training/near_duplicates.py`; tests/sentiment/test_everyday.py). The model is read as the CLI reads it
(`SentimentClassifier.predict`, the label is the likeliest class); VADER's 3-class call is its compound
score cut at the neutral band that reads the validation set best (the grid of NEUTRAL_BANDS, by 3-class
accuracy, a tie to the band nearest its usual 0.05). Every difference comes with a paired bootstrap 95%
interval (1,000 resamples of the row's sentences, seeded).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from serving.sentiment.classifier import SentimentClassifier
from training.bootstrap import format_difference, mean_of, paired_interval
from training.sentiment.data import LABELS
from training.sentiment.evaluate import (BAND_GRID, NEUTRAL_BANDS, three_class_call,
                                         vader_compounds)

EVERYDAY_FILES = {"test": Path(__file__).parent / "everyday.tsv",
                  "validation": Path(__file__).parent / "everyday_validation.tsv"}


@dataclass(frozen=True)
class Sentence:
    label: str  # how a person reads it: negative, neutral or positive
    kind: str  # fact, question, request, praise, complaint, negation, contrast or mixed
    text: str


def everyday_sentences(split: str = "test") -> list[Sentence]:
    with open(EVERYDAY_FILES[split], newline="", encoding="utf-8") as handle:
        return [Sentence(row["label"], row["kind"], row["text"]) for row in csv.DictReader(handle, delimiter="\t")]


def vader_labels(compound: np.ndarray, neutral_band: float) -> list[str]:
    return [LABELS[i] for i in three_class_call(compound, neutral_band)]


def choose_neutral_band() -> float:
    """VADER's neutral band that reads the everyday validation sentences best (3-class accuracy)."""
    sentences = everyday_sentences("validation")
    compound = vader_compounds([s.text for s in sentences])
    return max(NEUTRAL_BANDS,
               key=lambda band: sum(s.label == p for s, p in zip(sentences, vader_labels(compound, band))))


def rows_of(sentences: list[Sentence]) -> dict[str, np.ndarray]:
    """The table's rows: every sentence, then those of each label, then those of each kind (as masks)."""
    return {"accuracy": np.ones(len(sentences), bool),
            **{f"label {label}": np.array([s.label == label for s in sentences])
               for label in sorted({s.label for s in sentences})},
            **{f"kind {kind}": np.array([s.kind == kind for s in sentences])
               for kind in sorted({s.kind for s in sentences})}}


def accuracy_by_kind(sentences: list[Sentence], predicted: list[str]) -> dict[str, float]:
    right = np.array([s.label == p for s, p in zip(sentences, predicted)])
    return {row: float(right[mask].mean()) for row, mask in rows_of(sentences).items()}


def score_everyday(classifier: SentimentClassifier, split: str = "test") -> dict:
    """{"model": scores, "vader": scores, "intervals": {row: interval}, "vader_rule": rule, "sentences": n}:
    3-class accuracy overall, per label, per kind, and the model's lead over VADER in each with its interval."""
    sentences = everyday_sentences(split)
    texts = [s.text for s in sentences]
    band = choose_neutral_band()
    predicted = {"model": [r.label for r in classifier.predict(texts)],
                 "vader": vader_labels(vader_compounds(texts), band)}
    right = {who: np.array([s.label == p for s, p in zip(sentences, labels)]) for who, labels in predicted.items()}
    return {**{who: accuracy_by_kind(sentences, labels) for who, labels in predicted.items()},
            "intervals": {row: paired_interval(mean_of(right["model"][mask]), mean_of(right["vader"][mask]),
                                               int(mask.sum())).to_json()
                          for row, mask in rows_of(sentences).items()},
            "vader_rule": {"neutral_band": band,
                           "rule": f"3-class: neutral when -{band:.2f} < compound < +{band:.2f}",
                           "chosen_on": f"the everyday validation sentences: the neutral band ({BAND_GRID}) by "
                                        "3-class accuracy"},
            "sentences": len(sentences)}


def format_everyday(scores: dict) -> str:
    lines = ["| everyday sentences | GRU | VADER | GRU - VADER [95%] |", "|---|---:|---:|---:|"]
    lines += [f"| {key} | {scores['model'][key]:.3f} | {scores['vader'][key]:.3f} | "
              f"{format_difference(scores['intervals'][key])} |" for key in scores["model"]]
    rule = scores["vader_rule"]
    return "\n".join(lines) + (f"\n\n{scores['sentences']} sentences, 3-class accuracy. VADER's rule, chosen on "
                               f"{rule['chosen_on']}: {rule['rule']}. Intervals: paired bootstrap, 1,000 resamples of "
                               "the row's sentences.")
