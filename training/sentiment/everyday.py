"""`python -m training.evaluate sentiment-everyday`: the model beside VADER on everyday sentences.

Two sets, each written before any model was scored on it, each sentence with how a person reads
it: `everyday.tsv` (test, 162 sentences: 54 neutral facts, questions and requests, 54 positive and
54 negative praise, complaints, negation, contrast and mixed) is never trained on or used for a
choice; `everyday_validation.tsv` (90 more of the same kinds, 30 per label) is what choices between
trained models are made on, never trained on either. The model is read as the CLI reads it
(`SentimentClassifier.predict`, the label is the likeliest class); VADER's 3-class call is its
usual compound cut at +-0.05.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from serving.sentiment.classifier import SentimentClassifier
from training.sentiment.data import LABELS

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


def vader_labels(texts: list[str]) -> list[str]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    compound = [analyzer.polarity_scores(text)["compound"] for text in texts]
    return [LABELS[2] if c >= 0.05 else LABELS[0] if c <= -0.05 else LABELS[1] for c in compound]


def accuracy_by_kind(sentences: list[Sentence], predicted: list[str]) -> dict[str, float]:
    right = np.array([s.label == p for s, p in zip(sentences, predicted)])
    kinds = {s.kind for s in sentences}
    labels = {s.label for s in sentences}
    return {"accuracy": float(right.mean()),
            **{f"label {label}": float(right[[s.label == label for s in sentences]].mean()) for label in sorted(labels)},
            **{f"kind {kind}": float(right[[s.kind == kind for s in sentences]].mean()) for kind in sorted(kinds)}}


def score_everyday(classifier: SentimentClassifier, split: str = "test") -> dict:
    """{"model": scores, "vader": scores, "sentences": n}: 3-class accuracy overall, per label, per kind."""
    sentences = everyday_sentences(split)
    texts = [s.text for s in sentences]
    return {"model": accuracy_by_kind(sentences, [r.label for r in classifier.predict(texts)]),
            "vader": accuracy_by_kind(sentences, vader_labels(texts)), "sentences": len(sentences)}


def format_everyday(scores: dict) -> str:
    lines = ["| everyday sentences | GRU | VADER |", "|---|---:|---:|"]
    lines += [f"| {key} | {scores['model'][key]:.3f} | {scores['vader'][key]:.3f} |" for key in scores["model"]]
    return "\n".join(lines) + f"\n\n{scores['sentences']} sentences, 3-class accuracy."
