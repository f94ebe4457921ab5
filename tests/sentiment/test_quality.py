"""The committed model on the fetched held-out test split: it must beat VADER, as its manifest says."""
import pytest

from serving.sentiment.classifier import SentimentClassifier
from training.sentiment.data import DOMAINS, load_splits
from training.sentiment.evaluate import compare_with_vader

pytestmark = pytest.mark.slow  # scores the committed model and VADER on the whole test split


@pytest.fixture(scope="module")
def comparison():
    classifier = SentimentClassifier.load()
    return classifier.artifact.manifest, compare_with_vader(classifier, load_splits()["test"])


def test_beats_vader_on_binary_accuracy_in_three_domains_and_on_average(comparison):
    _, result = comparison
    model, vader = result["model"], result["vader"]
    wins = [d for d in DOMAINS if model[d]["binary_accuracy"] > vader[d]["binary_accuracy"]]
    assert len(wins) >= 3, {d: (model[d]["binary_accuracy"], vader[d]["binary_accuracy"]) for d in DOMAINS}
    assert model["average"]["binary_accuracy"] > vader["average"]["binary_accuracy"]


def test_manifest_metrics_are_what_the_committed_files_score(comparison):
    manifest, result = comparison
    recorded = manifest["metrics"]["test"]
    for who in ("model", "vader"):
        for row, scores in result[who].items():
            assert scores == pytest.approx(recorded[who][row], abs=1e-6), (who, row)
