"""The recognition layer: detector boxes and the CNN's ImageNet probabilities -> things, people, setting."""
import numpy as np
import pytest

from serving.caption.captioner import Captioner
from serving.caption.detector import Detection
from serving.caption.recognition import KINDS_OF, SCENES, Thing, cells_under, count_phrase, object_features


@pytest.fixture(scope="module")
def captioner():
    return Captioner.load()


@pytest.fixture(scope="module")
def recogniser(captioner):
    return captioner.recogniser


def probabilities(captioner, **classes: float) -> np.ndarray:
    """ImageNet probabilities with the given mass on labels (underscores for spaces), the rest spread thin."""
    p = np.full(len(captioner.labels), 1e-6)
    for label, mass in classes.items():
        p[captioner.labels.index(label.replace("_", " "))] = mass
    return p / p.sum()


def test_every_imagenet_name_the_layer_uses_is_a_class_or_a_general_name(captioner, recogniser):
    known = set(captioner.labels) | set(captioner.imagenet_names.general)
    assert {kind for kinds in KINDS_OF.values() for kind in kinds} <= known
    assert set(SCENES) <= set(captioner.labels)
    assert all(recogniser.kinds[coco].any() for coco in KINDS_OF)


def test_the_cnns_sure_cat_overrules_the_detectors_person_on_the_same_spot(captioner, recogniser):
    found = [Detection("person", 0.59, (10, 10, 400, 290)), Detection("cat", 0.5, (20, 15, 390, 295))]
    seen = recogniser.recognise(found, probabilities(captioner, tabby=0.9), 451, 300)
    assert [t.phrase for t in seen.things] == ["a tabby cat"] and seen.things[0].source == "detector+cnn"
    assert seen.people == 0 and [d.label for d in seen.detections] == ["cat"]


def test_a_person_elsewhere_in_the_photo_stays(captioner, recogniser):
    found = [Detection("person", 0.7, (300, 10, 440, 290)), Detection("dog", 0.6, (10, 100, 200, 290))]
    seen = recogniser.recognise(found, probabilities(captioner, golden_retriever=0.8), 451, 300)
    assert {t.phrase for t in seen.things} == {"a person", "a golden retriever"} and seen.people == 1


def test_boxes_are_counted_and_imply_the_setting(captioner, recogniser):
    found = [Detection("sheep", s, (i * 60, 50, i * 60 + 50, 100)) for i, s in enumerate((0.6, 0.4, 0.36))]
    found.append(Detection("sheep", 0.2, (300, 50, 350, 100)))  # too unsure to count
    seen = recogniser.recognise(found, probabilities(captioner), 400, 200)
    assert [t.phrase for t in seen.things] == ["three sheep"] and len(seen.things[0].boxes) == 3
    assert seen.setting == ["in a field"]


def test_a_kind_of_thing_is_said_only_when_one_box_is_sure(captioner, recogniser):
    found = [Detection("car", 0.45, (0, 0, 100, 100)), Detection("car", 0.4, (200, 0, 300, 100))]
    seen = recogniser.recognise(found, probabilities(captioner), 400, 200)
    assert seen.things == [] and len(seen.detections) == 2  # drawn, not said
    assert any("Nothing in this photo was recognised" in limit for limit in seen.limits)


def test_many_people_are_a_group_and_the_scene_gives_the_place(captioner, recogniser):
    found = [Detection("person", 0.8 - i / 100, (i * 50, 0, i * 50 + 40, 100)) for i in range(6)]
    seen = recogniser.recognise(found, probabilities(captioner, seashore=0.6), 400, 200)
    assert seen.people == 6 and seen.things[0].phrase == "a group of people"
    assert seen.setting[0] == "on the beach"


def test_what_only_the_cnn_sees_is_a_thing_without_a_box(captioner, recogniser):
    seen = recogniser.recognise([], probabilities(captioner, missile=0.9), 300, 600)
    assert [(t.label, t.boxes, t.source) for t in seen.things] == [("missile", [], "cnn")] and not seen.limits


@pytest.mark.parametrize("name,count,said", [("dog", 1, "a dog"), ("owl", 1, "an owl"), ("dog", 2, "two dogs"),
                                              ("person", 3, "three people"), ("person", 4, "a group of people"),
                                              ("sheep", 11, "a group of sheep")])
def test_count_phrases(name, count, said):
    assert count_phrase(name, count) == said


def test_boxes_map_to_the_cells_of_the_encoders_centre_square():
    # a 448 x 224 photo: the centre square is x 112..336; a box on its right half covers columns 4-6
    covered = cells_under([(230, 0, 330, 224)], (448, 224), 7).reshape(7, 7)
    assert covered[:, 3:].all() and not covered[:, :3].any()
    assert cells_under([(0, 0, 100, 224)], (448, 224), 7).all()  # outside the square: every cell


def test_object_features_are_the_cells_under_the_boxes_and_padding_rows_say_nothing_was_found():
    grid = np.arange(49 * 2, dtype=np.float32).reshape(49, 2)
    thing = Thing("dog", 1, [(0, 0, 32, 32)], 0.8, "detector", "dog")  # the top-left cell of a 224 square
    rows = object_features([thing], (224, 224), grid, 3)
    assert rows.shape == (3, 5) and np.allclose(rows[0], [0, 1, 0.8, np.log(0.8), 1])
    assert np.allclose(rows[1:], [[0, 0, 0, np.log(1e-6), 1]] * 2)
