"""Caption metrics agree with the COCO caption evaluation (pycocoevalcap 1.2) on a small corpus.

The expected numbers were computed once with pycocoevalcap 1.2 (Bleu(4), Cider, Rouge) on exactly
these captions; that package is 104 MB of Java jars, so it is not a test dependency."""
import pytest

from training.caption.metrics import caption_metrics, cider_d, object_recall, rouge_l

CANDIDATES = ["a red apple next to a dog on the grass", "a cat on a blue background", "a mug",
              "two wild boars on gravel"]
REFERENCES = [["a red apple next to a dog on the grass", "an apple and a dog on grass"],
              ["a black cat on a blue background", "a cat sitting on blue"],
              ["a mug of coffee on a table", "a cup"],
              ["a boar on the gravel", "two pigs on gravel"]]
PYCOCOEVALCAP = {"bleu1": 0.913043478221172, "bleu2": 0.8768572965206894, "bleu3": 0.8261389318827428,
                 "bleu4": 0.8064085661355421, "cider_d": 3.241681970259507, "rouge_l": 0.8049027845862474}


def test_same_numbers_as_the_coco_caption_evaluation():
    scores = caption_metrics(CANDIDATES, REFERENCES)
    for name, expected in PYCOCOEVALCAP.items():
        assert scores[name] == pytest.approx(expected, abs=1e-4), name


def test_perfect_captions_score_one_and_unrelated_ones_zero():
    assert rouge_l(["a b c"], [["a b c"]]) == pytest.approx(1.0)
    assert rouge_l(["x y"], [["a b c"]]) == 0.0
    scores = caption_metrics(["x y z w"] * 4, REFERENCES)
    assert scores["bleu1"] == 0.0 and scores["cider_d"] == 0.0


def test_object_recall_counts_each_named_object():
    assert object_recall(["a cat next to a dog", "a mug"], [("cat", "dog"), ("cup",)]) == pytest.approx(2 / 3)


def test_per_image_cider_d_averages_to_the_corpus_score():
    from training.caption.metrics import cider_d_scores

    candidates = ["a cat on a mat", "a dog next to a tree", "a red car"]
    references = [["a cat on the mat", "a cat sitting on a mat"], ["a dog by a tree"], ["birds in the sky"]]
    scores = cider_d_scores(candidates, references)
    assert scores.shape == (3,) and scores.mean() == pytest.approx(cider_d(candidates, references))
    assert scores[0] > 0 and scores[1] > 0 and scores[2] == 0  # nothing in common with its reference
