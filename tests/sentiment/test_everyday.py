"""The two hand-written everyday sets: balanced, of the documented kinds, with no twin in each other, within
themselves or among the training sentences (the rule of training/near_duplicates.py)."""
from collections import Counter

import pytest

from training.near_duplicates import TwinFinder
from training.sentiment.data import LABELS
from training.sentiment.everyday import everyday_sentences

KINDS = {"fact", "question", "request", "praise", "complaint", "negation", "contrast", "mixed"}


@pytest.mark.parametrize("split, per_label", [("test", 54), ("validation", 30)])
def test_a_third_per_label_of_the_documented_kinds(split, per_label):
    sentences = everyday_sentences(split)
    assert Counter(s.label for s in sentences) == {label: per_label for label in LABELS}
    assert {s.kind for s in sentences} == KINDS
    assert all(s.kind in {"fact", "question", "request"} for s in sentences if s.label == "neutral")


def test_validation_and_test_share_no_twin_and_neither_repeats_itself():
    test = [s.text for s in everyday_sentences("test")]
    validation = [s.text for s in everyday_sentences("validation")]
    in_test = TwinFinder(test)
    assert not [text for text in validation if in_test.has_twin(text)]
    for texts in (test, validation):
        assert not [text for i, text in enumerate(texts) if TwinFinder(texts[:i]).has_twin(text)]


@pytest.mark.slow  # finding twins among the 48,402 training sentences takes about 20 s
def test_no_everyday_sentence_has_a_twin_among_the_training_sentences():
    from training.sentiment.data import load_splits
    from training.sentiment.train import SentimentTraining
    from training.sentiment.usage_examples import usage_example_set

    settings = SentimentTraining()
    splits = load_splits()
    wordnet = usage_example_set(splits["train"] + splits["validation"] + splits["test"], settings.wordnet_neutral,
                                settings.wordnet_polar, settings.seed)
    assert len(wordnet) == 5670  # the committed model's WordNet examples
    finder = TwinFinder(e.text for e in splits["train"] + wordnet)
    everyday = [s.text for split in ("test", "validation") for s in everyday_sentences(split)]
    assert not [text for text in everyday if finder.has_twin(text)]
