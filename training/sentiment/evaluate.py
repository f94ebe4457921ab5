"""Sentiment evaluation (`python -m training.evaluate sentiment`): the served ONNX model beside VADER, held out.

Both are scored on the same sentences of each domain: 3-class accuracy and macro-F1, and binary
accuracy on the sentences whose human label is not neutral. The held-out sides hold no twin of a
training sentence (`training.sentiment.data.load_splits`).

The model's binary call is P(positive) > P(negative), its 3-class call the likeliest class. VADER gets
the rule that serves it best, chosen on the validation split from a stated grid (VADER_RULES), by the
score the table reports for that call: its binary threshold on the compound score (and the side a
compound equal to it goes to) by binary accuracy, its neutral band by macro-F1, each averaged over the
domains; a tie goes to the rule nearest VADER's usual one (compound >= 0; neutral within +-0.05).

Every difference between the two comes with a paired bootstrap 95% interval (training/bootstrap.py,
1,000 resamples, seeded). A domain's row resamples that domain's sentences; "average" and "all" resample
the whole split's sentences together (so a domain's count varies between resamples), score each domain
on its drawn sentences and average them ("average") or pool them ("all"). Every score, macro-F1
included, is recomputed on each resample.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from serving.artifact import Artifact
from serving.sentiment.classifier import SentimentClassifier
from training.bootstrap import format_difference, paired_interval
from training.sentiment.data import DOMAINS, Example, load_splits, twins_dropped

NEGATIVE, NEUTRAL, POSITIVE = 0, 1, 2
SCORES = ("binary_accuracy", "accuracy", "macro_f1")  # the order of the table's columns
SCORE_NAMES = {"binary_accuracy": "binary acc.", "accuracy": "3-class acc.", "macro_f1": "macro-F1"}
GRID_STEP = 0.05
BINARY_THRESHOLDS = tuple(round(GRID_STEP * step, 2) for step in range(-10, 11))  # -0.5 .. +0.5
NEUTRAL_BANDS = tuple(round(GRID_STEP * step, 2) for step in range(1, 11))  # 0.05 .. 0.5
BINARY_GRID = f"{BINARY_THRESHOLDS[0]:+.2f} to {BINARY_THRESHOLDS[-1]:+.2f} by {GRID_STEP}"
BAND_GRID = f"{NEUTRAL_BANDS[0]:.2f} to {NEUTRAL_BANDS[-1]:.2f} by {GRID_STEP}"


@dataclass(frozen=True)
class VaderRule:
    """How VADER's compound score (-1..+1) becomes a call."""

    binary_threshold: float = 0.0  # binary: positive above it, negative below
    ties_positive: bool = True  # a compound equal to the threshold is positive (VADER's usual: compound >= 0)
    neutral_band: float = 0.05  # 3-class: positive at or above it, negative at or below minus it, else neutral

    def binary(self, compound: np.ndarray) -> np.ndarray:
        positive = (compound > self.binary_threshold) | (self.ties_positive & (compound == self.binary_threshold))
        return np.where(positive, POSITIVE, NEGATIVE)

    def three_class(self, compound: np.ndarray) -> np.ndarray:
        return three_class_call(compound, self.neutral_band)

    def describe(self) -> str:
        tie = "positive" if self.ties_positive else "negative"
        return (f"binary: positive when compound > {self.binary_threshold:+.2f} (exactly {self.binary_threshold:+.2f}: "
                f"{tie}); 3-class: neutral when -{self.neutral_band:.2f} < compound < +{self.neutral_band:.2f}")

    def to_json(self) -> dict:
        return {"binary_threshold": self.binary_threshold, "ties": "positive" if self.ties_positive else "negative",
                "neutral_band": self.neutral_band, "rule": self.describe(),
                "chosen_on": f"the validation split: the binary threshold ({BINARY_GRID}, ties either way) by binary "
                             f"accuracy, the neutral band ({BAND_GRID}) by macro-F1, each averaged over the domains"}


USUAL_RULE = VaderRule()
# the grid, from VADER's usual binary call outwards, so that a tie in score goes to the nearest rule
VADER_RULES = sorted(((t, ties) for t in BINARY_THRESHOLDS for ties in (True, False)),
                     key=lambda rule: (abs(rule[0] - USUAL_RULE.binary_threshold), rule[0], not rule[1]))


def three_class_call(compound: np.ndarray, neutral_band: float) -> np.ndarray:
    """VADER's 3-class call at a neutral band (its usual band is 0.05)."""
    return np.where(compound >= neutral_band, POSITIVE, np.where(compound <= -neutral_band, NEGATIVE, NEUTRAL))


def vader_compounds(texts: list[str]) -> np.ndarray:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    return np.array([analyzer.polarity_scores(text)["compound"] for text in texts])


def scores(gold: np.ndarray, predicted: np.ndarray, predicted_binary: np.ndarray) -> dict[str, float]:
    """3-class accuracy, macro-F1 over the three classes, and binary accuracy on non-neutral gold."""
    confusion = np.bincount(gold * 3 + predicted, minlength=9).reshape(3, 3)
    right = np.diag(confusion)
    sizes = confusion.sum(0) + confusion.sum(1)  # predicted + gold per class: F1 = 2 TP / (that), 0 with no TP
    f1s = np.where(right > 0, 2 * right / np.maximum(sizes, 1), 0.0)
    polar = gold != NEUTRAL
    return {"accuracy": float(right.sum() / len(gold)), "macro_f1": float(f1s.mean()),
            "binary_accuracy": float(np.mean(predicted_binary[polar] == gold[polar]))}


def per_domain(domains: np.ndarray, gold: np.ndarray, predicted: np.ndarray,
               predicted_binary: np.ndarray) -> dict[str, dict[str, float]]:
    """The scores in each domain present."""
    return {d: scores(gold[domains == d], predicted[domains == d], predicted_binary[domains == d])
            for d in DOMAINS if np.any(domains == d)}


def mean_over_domains(table: dict[str, dict[str, float]]) -> dict[str, float]:
    """Each score's unweighted mean over the domains of a per_domain table."""
    return {s: float(np.mean([row[s] for row in table.values()])) for s in SCORES}


def domain_average(domains: np.ndarray, gold: np.ndarray, predicted: np.ndarray,
                   predicted_binary: np.ndarray) -> dict[str, float]:
    """Each score's unweighted mean over the domains present."""
    return mean_over_domains(per_domain(domains, gold, predicted, predicted_binary))


def report(examples: list[Example], predicted: np.ndarray, predicted_binary: np.ndarray) -> dict:
    """Scores per domain, their unweighted average over domains, and the pooled scores."""
    gold = np.array([e.label for e in examples])
    table = per_domain(np.array([e.domain for e in examples]), gold, predicted, predicted_binary)
    return {**table, "average": mean_over_domains(table), "all": scores(gold, predicted, predicted_binary)}


def choose_vader_rule(validation: list[Example]) -> VaderRule:
    """The rule of VADER_RULES and NEUTRAL_BANDS that scores best on `validation`, averaged over domains."""
    compound = vader_compounds([e.text for e in validation])
    gold = np.array([e.label for e in validation])
    domains = np.array([e.domain for e in validation])
    unread = np.full(len(gold), NEUTRAL)  # stands in for the call a score does not read

    def average(score: str, predicted: np.ndarray, predicted_binary: np.ndarray) -> float:
        return domain_average(domains, gold, predicted, predicted_binary)[score]

    threshold, ties = max(VADER_RULES, key=lambda rule: average(
        "binary_accuracy", unread, VaderRule(*rule).binary(compound)))
    band = max(NEUTRAL_BANDS, key=lambda b: average("macro_f1", three_class_call(compound, b), unread))
    return VaderRule(threshold, ties, band)


def model_predictions(classifier: SentimentClassifier, examples: list[Example]) -> tuple[np.ndarray, np.ndarray]:
    results = classifier.predict([e.text for e in examples])
    probs = np.array([[r.probs[label] for label in classifier.labels] for r in results])
    return probs.argmax(1), np.where(probs[:, POSITIVE] > probs[:, NEGATIVE], POSITIVE, NEGATIVE)


def vader_predictions(examples: list[Example], rule: VaderRule) -> tuple[np.ndarray, np.ndarray]:
    compound = vader_compounds([e.text for e in examples])
    return rule.three_class(compound), rule.binary(compound)


def score_on_sample(examples: list[Example], predicted: np.ndarray, predicted_binary: np.ndarray, row: str,
                    score: str) -> Callable[[np.ndarray], float]:
    """The table's `score` in `row` (a domain, "average" or "all") recomputed on a sample of `examples`' indices."""
    gold = np.array([e.label for e in examples])
    domains = np.array([e.domain for e in examples])
    if row == "average":
        return lambda s: domain_average(domains[s], gold[s], predicted[s], predicted_binary[s])[score]
    return lambda s: scores(gold[s], predicted[s], predicted_binary[s])[score]


def intervals(examples: list[Example], ours: tuple[np.ndarray, np.ndarray],
              peer: tuple[np.ndarray, np.ndarray]) -> dict[str, dict[str, dict]]:
    """{row: {score: interval}}: ours - peer's, with its paired bootstrap 95% interval, for every cell."""
    domains = np.array([e.domain for e in examples])
    table = {}
    for row in [*DOMAINS, "average", "all"]:
        chosen = np.flatnonzero(domains == row) if row in DOMAINS else np.arange(len(examples))
        if len(chosen) == 0:
            continue
        items = [examples[i] for i in chosen]
        table[row] = {s: paired_interval(score_on_sample(items, *(p[chosen] for p in ours), row, s),
                                         score_on_sample(items, *(p[chosen] for p in peer), row, s),
                                         len(chosen)).to_json()
                      for s in SCORES}
    return table


def compare_with_vader(classifier: SentimentClassifier, examples: list[Example],
                       rule: VaderRule | None = None) -> dict:
    """{"model": table, "vader": table, "intervals": {row: {score: interval}}, "vader_rule": rule,
    "sentences": {domain: n}} on the given examples; VADER's rule is chosen on the validation split unless given."""
    rule = rule or choose_vader_rule(load_splits()["validation"])
    ours, peer = model_predictions(classifier, examples), vader_predictions(examples, rule)
    return {"model": report(examples, *ours), "vader": report(examples, *peer),
            "intervals": intervals(examples, ours, peer), "vader_rule": rule.to_json(),
            "sentences": {d: sum(e.domain == d for e in examples) for d in DOMAINS}}


def format_table(comparison: dict) -> str:
    """A markdown table: one row per domain, model and VADER side by side with the difference and its interval;
    then VADER's rule."""
    header = ["domain", "sentences"] + [f"{SCORE_NAMES[s]} {who}" for s in SCORES
                                        for who in ("GRU", "VADER", "GRU - VADER [95%]")]
    lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    model, vader = comparison["model"], comparison["vader"]
    for row in model:
        n = comparison["sentences"].get(row, sum(comparison["sentences"].values()) if row == "all" else "")
        cells = [cell for s in SCORES for cell in (f"{model[row][s]:.3f}", f"{vader[row][s]:.3f}",
                                                   format_difference(comparison["intervals"][row][s]))]
        lines.append(f"| {row} | {n} | " + " | ".join(cells) + " |")
    rule = comparison["vader_rule"]
    lines.append(f"\nVADER's rule, chosen on {rule['chosen_on']}: {rule['rule']}. The GRU's: binary "
                 "P(positive) > P(negative), 3-class the likeliest class. Intervals: paired bootstrap, 1,000 "
                 "resamples (a domain's sentences; for average and all, the whole split's).")
    return "\n".join(lines)


def held_out_metrics(classifier: SentimentClassifier, splits: dict[str, list[Example]]) -> dict:
    """What the manifest's metrics hold, all measured on the served model: the test and validation splits and the
    everyday sentences beside VADER, and the training twins left out of each held-out split."""
    from training.sentiment.everyday import score_everyday  # everyday.py reads VADER's calls from this module

    rule = choose_vader_rule(splits["validation"])
    return {"test": compare_with_vader(classifier, splits["test"], rule),
            "validation": compare_with_vader(classifier, splits["validation"], rule),
            "everyday": score_everyday(classifier), "everyday_validation": score_everyday(classifier, "validation"),
            "training_twins_left_out": twins_dropped(splits)}


def artifact_metrics(artifact: Artifact) -> dict:
    """The training run's metrics for a written artifact, less the ONNX-vs-torch parity (which needs torch)."""
    return held_out_metrics(SentimentClassifier(artifact), load_splits())
