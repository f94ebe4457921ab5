"""The evaluation's parts on data made here: VADER's rule chosen on validation, the scores, and the paired intervals."""
from types import SimpleNamespace

import numpy as np
import pytest

from training.sentiment import evaluate
from training.sentiment.data import LABELS, Example
from training.sentiment.evaluate import (NEGATIVE, NEUTRAL, NEUTRAL_BANDS, POSITIVE, USUAL_RULE, VADER_RULES, VaderRule,
                                         choose_vader_rule, compare_with_vader, format_table, intervals, report, scores)


def fake_compounds(monkeypatch, compound_of: dict[str, float]) -> None:
    monkeypatch.setattr(evaluate, "vader_compounds", lambda texts: np.array([compound_of[t] for t in texts]))


def test_the_grid_starts_at_vaders_usual_rule_and_reads_the_compound_as_vader_does():
    assert VADER_RULES[0] == (0.0, True) and VADER_RULES[1] == (0.0, False) and len(VADER_RULES) == 42
    assert NEUTRAL_BANDS[0] == USUAL_RULE.neutral_band == 0.05 and NEUTRAL_BANDS[-1] == 0.5
    compound = np.array([-0.1, 0.0, 0.1])
    assert USUAL_RULE.binary(compound).tolist() == [NEGATIVE, POSITIVE, POSITIVE]  # compound >= 0
    assert VaderRule(0.0, False).binary(compound).tolist() == [NEGATIVE, NEGATIVE, POSITIVE]
    assert VaderRule(0.1, True).binary(compound).tolist() == [NEGATIVE, NEGATIVE, POSITIVE]
    assert USUAL_RULE.three_class(np.array([-0.05, -0.04, 0.04, 0.05])).tolist() == [NEGATIVE, NEUTRAL, NEUTRAL,
                                                                                       POSITIVE]


def test_vaders_rule_is_the_one_that_reads_validation_best_and_a_tie_goes_to_the_usual_one(monkeypatch):
    # complaints without a lexicon word (compound 0) are negative; neutral tweets score a little above 0
    texts = {"late again": 0.0, "bag lost": 0.0, "great crew": 0.6, "awful": -0.5, "love it": 0.4,
             "hate it": -0.4, "at the gate": 0.1, "it is raining": -0.12}
    labels = {"late again": -2, "bag lost": -2, "great crew": 2, "awful": -2, "love it": 2, "hate it": -2,
              "at the gate": 0, "it is raining": 0}
    fake_compounds(monkeypatch, texts)
    validation = [Example("crowd_tweets" if text in ("late again", "bag lost", "great crew", "awful") else "tweets",
                          str(i), labels[text], text) for i, text in enumerate(texts)]
    rule = choose_vader_rule(validation)
    # ties at 0 negative reads every polar sentence right, as higher thresholds up to +0.40 do: the nearest wins
    assert rule == VaderRule(0.0, False, 0.15)
    assert "exactly +0.00: negative" in rule.describe() and rule.to_json()["ties"] == "negative"


def test_scores_by_hand():
    gold, predicted, binary = np.array([0, 0, 1, 2, 2]), np.array([0, 1, 1, 2, 0]), np.array([0, 2, 2, 2, 0])
    # F1: negative 2*1/(2+2), neutral 2*1/(2+1), positive 2*1/(1+2); binary on the four polar: 2 of 4
    assert scores(gold, predicted, binary) == pytest.approx({"accuracy": 0.6, "macro_f1": (0.5 + 2 / 3 + 2 / 3) / 3,
                                                             "binary_accuracy": 0.5})


def sentences(n: int, domain: str) -> list[Example]:
    return [Example(domain, str(i), (-2.0, 0.0, 2.0)[i % 3], f"{domain} {i}") for i in range(n)]


def test_each_cell_gets_the_paired_interval_of_its_own_score_recomputed_on_each_resample():
    examples = sentences(30, "movie") + sentences(45, "crowd_tweets")
    gold = np.array([e.label for e in examples])
    rng = np.random.default_rng(1)
    gold_binary = np.where(gold == 0, 0, 2)
    ours = (np.where(rng.random(75) < 0.8, gold, rng.integers(0, 3, 75)), gold_binary)
    peer = (rng.integers(0, 3, 75), np.where(rng.random(75) < 0.6, gold_binary, 2 - gold_binary))
    table = intervals(examples, ours, peer)
    assert set(table) == {"movie", "crowd_tweets", "average", "all"}
    mine, theirs = report(examples, *ours), report(examples, *peer)
    for row, cells in table.items():
        for score, cell in cells.items():
            assert cell["difference"] == pytest.approx(mine[row][score] - theirs[row][score], abs=1e-4)
            assert cell["low"] <= cell["difference"] <= cell["high"]
    # the movie row's macro-F1, bootstrapped by hand: 1,000 resamples of the movie sentences, seed 0
    draw, differences = np.random.default_rng(0), []
    for _ in range(1000):
        sample = draw.integers(0, 30, 30)
        differences.append(scores(gold[:30][sample], ours[0][:30][sample], ours[1][:30][sample])["macro_f1"]
                           - scores(gold[:30][sample], peer[0][:30][sample], peer[1][:30][sample])["macro_f1"])
    low, high = np.percentile(differences, [2.5, 97.5])
    assert (table["movie"]["macro_f1"]["low"], table["movie"]["macro_f1"]["high"]) == pytest.approx((low, high),
                                                                                                   abs=1e-4)
    same = intervals(examples, ours, ours)
    assert all(c == {"difference": 0.0, "low": 0.0, "high": 0.0, "peer_ahead_share": 0.0, "verdict": "level"}
               for cells in same.values() for c in cells.values())


def test_the_table_says_vaders_rule_and_every_difference_with_its_interval(monkeypatch):
    examples = sentences(12, "tweets")
    fake_compounds(monkeypatch, {e.text: (-0.5, 0.0, 0.5)[i % 3] for i, e in enumerate(examples)})
    right = {e.text: dict(zip(LABELS, np.eye(3)[e.label])) for e in examples}
    classifier = SimpleNamespace(labels=list(LABELS),
                                 predict=lambda texts: [SimpleNamespace(probs=right[t]) for t in texts])
    comparison = compare_with_vader(classifier, examples, VaderRule(0.0, False, 0.1))
    assert comparison["vader_rule"]["neutral_band"] == 0.1 and comparison["sentences"]["tweets"] == 12
    text = format_table(comparison)
    assert "binary acc. GRU - VADER [95%]" in text and "macro-F1 GRU - VADER [95%]" in text
    assert "| tweets | 12 | 1.000 | 1.000 | +0.000 [+0.000, +0.000] level |" in text
    assert "positive when compound > +0.00 (exactly +0.00: negative)" in text
