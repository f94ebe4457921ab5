"""The CNN's things as the decoder's copy candidates (serving/caption/concepts.py), and how training
teaches copying from them (training/caption/copying.py)."""
import numpy as np
import pytest

from serving.caption.concepts import (Concept, Filled, concept_features, fill_slots, image_concepts, plural,
                                      plural_name, slot_index)
from tests.caption.test_cnn_names import LABELS, NAMES
from serving.caption.recognition import Thing
from training.caption.copying import concepts_of, covers, credited_nouns, names_object, rewrite
from training.caption.scenes import Mention


@pytest.mark.parametrize("word, expected", [("cat", "cats"), ("fox", "foxes"), ("lily", "lilies"), ("day", "days"),
                                            ("mouse", "mice"), ("sheep", "sheep"), ("brush", "brushes"),
                                            ("leaf", "leaves"), ("tomato", "tomatoes")])
def test_plural(word, expected):
    assert plural(word) == expected


def test_the_plural_of_a_name_is_that_of_its_head_word():
    assert plural_name("polar bear") == "polar bears"
    assert plural_name("bunch of grapes") == "bunches of grapes"
    assert plural_name("ring-tailed lemur") == "ring-tailed lemurs"


def test_things_are_distinct_likeliest_first_and_named_at_the_level_that_is_sure():
    # the two cats together (0.8) are sure at 0.5: one thing "cat" covering both; then the beagle (not "pet":
    # the cats are taken), the moped
    probabilities = np.array([0.45, 0.35, 0.02, 0.15, 0.03])
    things = image_concepts(probabilities, NAMES, 3, 0.5)
    assert [t.name for t in things] == ["cat", "beagle", "moped"]
    assert things[0].classes == (0, 1) and things[0].top_class == 0
    assert things[0].probability == pytest.approx(0.8)
    assert things[1].probability == pytest.approx(0.15) and things[1].classes == (3,)
    # at a higher threshold only the broader "pet" is sure of the cats and the beagle together
    assert [t.name for t in image_concepts(probabilities, NAMES, 2, 0.9)] == ["pet", "moped"]
    # nothing reaches the threshold: each class is a thing by its own name
    assert [t.name for t in image_concepts(np.array([0.3, 0.05, 0.3, 0.3, 0.05]), NAMES, 3, 0.9)] == [
        "egyptian mau", "hot dog", "beagle"]


def test_a_thing_is_its_classes_prototype_and_its_probability():
    head = np.arange(15, dtype=np.float32).reshape(5, 3)
    probabilities = np.array([0.45, 0.35, 0.02, 0.15, 0.03])
    things = image_concepts(probabilities, NAMES, 2, 0.5)
    features = concept_features(things, probabilities, head)
    assert features.shape == (2, 3 + 2) and features.dtype == np.float32
    assert np.allclose(features[0, :3], (0.45 * head[0] + 0.35 * head[1]) / 0.8)
    assert np.allclose(features[1, :3], head[3])
    assert features[0, 3] == pytest.approx(0.8) and features[0, 4] == pytest.approx(np.log(0.8))


THINGS = [Concept("owl", 0.9, (0,), 0), Concept("polar bear", 0.6, (1,), 1), Concept("egyptian mau", 0.2, (2,), 2)]


def test_slots_are_filled_with_the_article_or_the_plural_they_need():
    assert slot_index("<cnn2>") == 2 and slot_index("cnn") is None and slot_index("<cnnx>") is None
    filled = fill_slots("a <cnn0> next to two <cnn1> on the grass".split(), THINGS)
    assert " ".join(filled.words) == "an owl next to two polar bears on the grass"
    assert filled.copied == [(1, 2, 0), (5, 7, 1)]  # the names' words
    assert filled.origin == [0, 1, 2, 3, 4, 5, 5, 6, 7, 8]
    assert " ".join(fill_slots("a group of <cnn2> and a <cnn1>".split(), THINGS).words) == \
        "a group of egyptian maus and a polar bear"
    assert fill_slots(["a", "cat"], THINGS) == Filled(["a", "cat"], [], [0, 1])


def test_a_thing_copied_twice_is_said_once():
    filled = fill_slots("a <cnn0> next to a <cnn0> and a <cnn1> on the grass".split(), THINGS)
    assert " ".join(filled.words) == "an owl and a polar bear on the grass"
    assert filled.copied == [(1, 2, 0), (4, 6, 1)]
    assert filled.origin == [0, 1, 6, 7, 8, 8, 9, 10, 11]
    filled = fill_slots("a <cnn1> next to a <cnn1> in a room".split(), THINGS)
    assert " ".join(filled.words) == "a polar bear in a room" and filled.copied == [(1, 3, 1)]


def test_training_captions_copy_where_the_cnn_is_right_and_only_there():
    things = [Concept("cat", 0.8, (0, 1), 0), Concept("moped", 0.1, (4,), 4)]
    assert covers(things[0], "cat", LABELS) and covers(things[0], "tabby", LABELS)
    assert covers(things[1], "mopeds", LABELS) and not covers(things[1], "cat", LABELS)
    mentions = (Mention("a tabby cat", "cat", "a"), Mention("two mopeds", "moped", "two"),
                Mention("a trumpet", "trumpet", "a"))
    caption = "a tabby cat next to two mopeds and a trumpet on the grass"
    assert rewrite(caption, mentions, things, LABELS) == "a <cnn0> next to two <cnn1> and a trumpet on the grass"
    assert credited_nouns([things[1]], ("cat", "moped", "trumpet"), LABELS) == {"moped"}


def test_the_things_of_a_feature_array_are_those_of_its_pooled_logits():
    rng = np.random.default_rng(0)
    head, bias = rng.normal(0, 1, (5, 3)).astype(np.float32), rng.normal(0, 1, 5).astype(np.float32)
    features = rng.normal(0, 1, (3, 4, 3)).astype(np.float16)
    things, rows = concepts_of(features, head, bias, NAMES, 2, 0.5)
    assert len(things) == 3 and rows.shape == (3, 2, 5)
    for image, image_things, image_rows in zip(features, things, rows):
        logits = image.astype(np.float32).mean(0) @ head.T + bias
        probabilities = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
        expected = image_concepts(probabilities, NAMES, 2, 0.5)
        assert [(t.name, t.classes) for t in image_things] == [(t.name, t.classes) for t in expected]
        assert [t.probability for t in image_things] == pytest.approx([t.probability for t in expected], abs=1e-5)
        assert np.allclose(image_rows, concept_features(image_things, probabilities, head), atol=1e-5)


def test_object_slots_are_filled_with_their_whole_phrase():
    objects = ["three zebras", "a group of people"]
    filled = fill_slots("<obj0> next to a <cnn0> on the grass".split(), THINGS, objects)
    assert " ".join(filled.words) == "three zebras next to an owl on the grass"
    assert filled.copied == [(0, 2, len(THINGS)), (5, 6, 0)]
    # an article the decoder put before an object slot goes; a slot with no object behind it says nothing
    assert " ".join(fill_slots("a <obj1> on a <obj2> stage".split(), THINGS, objects).words) == \
        "a group of people on a stage"
    filled = fill_slots("a <obj1> next to a <obj1> in a room".split(), THINGS, objects)
    assert " ".join(filled.words) == "a group of people in a room"
    # so does a count: the detector's count is the one said
    assert " ".join(fill_slots("a group of <obj0> on the grass".split(), THINGS, objects).words) == \
        "three zebras on the grass"
    assert " ".join(fill_slots("a close-up of two <obj1>".split(), THINGS, objects).words) == \
        "a close-up of a group of people"


def test_training_captions_copy_what_the_detector_named_and_counted_as_the_caption_does():
    zebras = Thing("zebra", 3, [(0, 0, 10, 10)] * 3, 0.8, "detector", "zebra")
    cats = Thing("tabby cat", 2, [(0, 0, 10, 10)] * 2, 0.7, "detector+cnn", "cat")
    kinds = {"cat": np.array([True, True, False, False, False])}
    mentions = (Mention("three zebras", "zebra", "three"), Mention("two tabby cats", "cat", "two"))
    caption = "three zebras next to two tabby cats on the grass"
    assert rewrite(caption, mentions, [], LABELS, [zebras, cats], kinds) == "<obj0> next to <obj1> on the grass"
    # counted otherwise than the caption says: the CNN's slot, or the decoder's own words
    two_zebras = Thing("zebra", 2, [(0, 0, 10, 10)] * 2, 0.8, "detector", "zebra")
    things = [Concept("cat", 0.8, (0, 1), 0)]
    assert rewrite(caption, mentions, things, LABELS, [two_zebras], kinds) == \
        "three zebras next to two <cnn0> on the grass"
    # named through the ImageNet kinds of its COCO class: "tabby" is a kind of cat
    assert names_object(cats, "tabby", kinds["cat"], LABELS) and not names_object(zebras, "cat", np.zeros(5, bool),
                                                                                     LABELS)
