"""Sentiment evaluation (`python -m training.evaluate sentiment`): the served ONNX model beside VADER, held out.

Both are scored on the same sentences of each domain: 3-class accuracy and macro-F1, and binary
accuracy on the sentences whose human label is not neutral. The model's binary call is
P(positive) > P(negative); VADER's is compound >= 0 (its 3-class call uses the usual +-0.05).
"""
from __future__ import annotations

import numpy as np

from serving.sentiment.classifier import SentimentClassifier
from training.sentiment.data import DOMAINS, Example

NEGATIVE, NEUTRAL, POSITIVE = 0, 1, 2
SCORES = ("binary_accuracy", "accuracy", "macro_f1")  # the order of the table's columns


def scores(gold: np.ndarray, predicted: np.ndarray, predicted_binary: np.ndarray) -> dict[str, float]:
    """3-class accuracy, macro-F1 over the three classes, and binary accuracy on non-neutral gold."""
    f1s = []
    for label in (NEGATIVE, NEUTRAL, POSITIVE):
        true_pos = np.sum((predicted == label) & (gold == label))
        precision = true_pos / max(np.sum(predicted == label), 1)
        recall = true_pos / max(np.sum(gold == label), 1)
        f1s.append(0.0 if true_pos == 0 else 2 * precision * recall / (precision + recall))
    polar = gold != NEUTRAL
    return {"accuracy": float(np.mean(predicted == gold)), "macro_f1": float(np.mean(f1s)),
            "binary_accuracy": float(np.mean(predicted_binary[polar] == gold[polar]))}


def report(examples: list[Example], predicted: np.ndarray, predicted_binary: np.ndarray) -> dict:
    """Scores per domain, their unweighted average over domains, and the pooled scores."""
    gold = np.array([e.label for e in examples])
    domains = np.array([e.domain for e in examples])
    table = {d: scores(gold[domains == d], predicted[domains == d], predicted_binary[domains == d])
             for d in DOMAINS if np.any(domains == d)}
    table["average"] = {s: float(np.mean([table[d][s] for d in DOMAINS if d in table])) for s in SCORES}
    table["all"] = scores(gold, predicted, predicted_binary)
    return table


def model_predictions(classifier: SentimentClassifier, examples: list[Example]) -> tuple[np.ndarray, np.ndarray]:
    results = classifier.predict([e.text for e in examples])
    probs = np.array([[r.probs[label] for label in classifier.labels] for r in results])
    return probs.argmax(1), np.where(probs[:, POSITIVE] > probs[:, NEGATIVE], POSITIVE, NEGATIVE)


def vader_predictions(examples: list[Example]) -> tuple[np.ndarray, np.ndarray]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    compound = np.array([analyzer.polarity_scores(e.text)["compound"] for e in examples])
    predicted = np.where(compound >= 0.05, POSITIVE, np.where(compound <= -0.05, NEGATIVE, NEUTRAL))
    return predicted, np.where(compound >= 0, POSITIVE, NEGATIVE)


def compare_with_vader(classifier: SentimentClassifier, examples: list[Example]) -> dict:
    """{"model": table, "vader": table, "sentences": {domain: n}} on the given examples."""
    counts = {d: sum(e.domain == d for e in examples) for d in DOMAINS}
    return {"model": report(examples, *model_predictions(classifier, examples)),
            "vader": report(examples, *vader_predictions(examples)),
            "sentences": counts}


def format_table(comparison: dict) -> str:
    """A markdown table: one row per domain, model and VADER side by side."""
    lines = ["| domain | sentences | binary acc. GRU | binary acc. VADER | 3-class acc. GRU | "
             "3-class acc. VADER | macro-F1 GRU | macro-F1 VADER |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    model, vader = comparison["model"], comparison["vader"]
    for row in [*DOMAINS, "average", "all"]:
        n = comparison["sentences"].get(row, sum(comparison["sentences"].values()) if row == "all" else "")
        cells = [f"{table[row][s]:.3f}" for s in SCORES for table in (model, vader)]
        lines.append(f"| {row} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
