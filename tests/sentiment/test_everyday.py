"""The two hand-written everyday sets: balanced, of the documented kinds, and sharing no sentence."""
from collections import Counter

import pytest

from training.sentiment.data import LABELS
from training.sentiment.everyday import everyday_sentences

KINDS = {"fact", "question", "request", "praise", "complaint", "negation", "contrast", "mixed"}


@pytest.mark.parametrize("split, per_label", [("test", 54), ("validation", 30)])
def test_a_third_per_label_of_the_documented_kinds(split, per_label):
    sentences = everyday_sentences(split)
    assert Counter(s.label for s in sentences) == {label: per_label for label in LABELS}
    assert {s.kind for s in sentences} == KINDS
    assert all(s.kind in {"fact", "question", "request"} for s in sentences if s.label == "neutral")


def test_validation_and_test_share_no_sentence():
    test = {s.text.lower() for s in everyday_sentences("test")}
    validation = [s.text.lower() for s in everyday_sentences("validation")]
    assert len(set(validation)) == len(validation) and not test & set(validation)
