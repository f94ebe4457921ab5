"""The committed language model: its recorded comparison meets the target, and its files reproduce it."""
import pytest

from textmodels.nextword import NextWordPredictor
from textmodels.nextword_data import load_splits, piece_stream
from textmodels.nextword_eval import gru_log_probs, perplexity_per_word


@pytest.fixture(scope="module")
def predictor():
    return NextWordPredictor.load()


def test_recorded_comparison_beats_the_5gram(predictor):
    test = predictor.artifact.manifest["metrics"]["test"]
    gru, ngram = test["gru"], test["kneser_ney_5gram"]
    assert gru["perplexity_per_word"] <= 0.75 * ngram["perplexity_per_word"]
    assert gru["top3"] > ngram["top3"]


def test_committed_files_reproduce_the_recorded_perplexity(predictor):
    stream = piece_stream(predictor.tokenizer, load_splits()["test"])
    measured = perplexity_per_word(gru_log_probs(predictor, stream), stream, predictor.vocab)
    recorded = predictor.artifact.manifest["metrics"]["test"]["gru"]["perplexity_per_word"]
    assert measured == pytest.approx(recorded, rel=1e-4)


def test_everyday_prompts_get_sensible_words(predictor):
    cases = {"The President of the United": "States", "It is a truth universally": "acknowledged",
             "I beg your": "pardon", "ladies and": "gentlemen"}
    for prompt, expected in cases.items():
        words = [w.word for w in predictor.next_words(prompt + " ", k=5).words]
        assert expected in words, (prompt, words)
