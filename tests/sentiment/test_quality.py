"""The committed model on the fetched held-out test split: it must beat VADER, as its manifest says."""
import pytest

from serving.sentiment.classifier import SentimentClassifier
from training.sentiment.data import DOMAINS, load_splits
from training.sentiment.evaluate import compare_with_vader
from training.sentiment.everyday import score_everyday

pytestmark = pytest.mark.slow  # scores the committed model and VADER on the whole test split


@pytest.fixture(scope="module")
def comparison():
    classifier = SentimentClassifier.load()
    return classifier.artifact.manifest, compare_with_vader(classifier, load_splits()["test"])


def test_beats_vader_on_macro_f1_everywhere_and_on_binary_accuracy_in_four_domains_and_on_average(comparison):
    _, result = comparison
    model, vader = result["model"], result["vader"]
    wins = [d for d in DOMAINS if model[d]["binary_accuracy"] > vader[d]["binary_accuracy"]]
    assert len(wins) >= 4, {d: (model[d]["binary_accuracy"], vader[d]["binary_accuracy"]) for d in DOMAINS}
    assert model["average"]["binary_accuracy"] > vader["average"]["binary_accuracy"]
    for domain in (*DOMAINS, "average"):
        assert model[domain]["macro_f1"] > vader[domain]["macro_f1"], domain


def test_everyday_sentences_score_as_recorded_and_above_vader():
    classifier = SentimentClassifier.load()
    recorded = classifier.artifact.manifest["metrics"]["everyday"]
    scored = score_everyday(classifier)
    for who in ("model", "vader"):
        assert scored[who] == pytest.approx(recorded[who], abs=1e-9), who
    assert scored["intervals"] == recorded["intervals"] and scored["vader_rule"] == recorded["vader_rule"]
    assert scored["model"]["accuracy"] > scored["vader"]["accuracy"]


def test_manifest_metrics_are_what_the_committed_files_score(comparison):
    manifest, result = comparison
    recorded = manifest["metrics"]["test"]
    for who in ("model", "vader"):
        for row, scores in result[who].items():
            assert scores == pytest.approx(recorded[who][row], abs=1e-6), (who, row)
    for key in ("intervals", "vader_rule", "sentences"):
        assert result[key] == recorded[key], key
