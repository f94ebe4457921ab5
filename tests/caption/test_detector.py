"""The COCO detector: box decoding and suppression on made-up outputs, the committed ONNX file on photos
(any batch, any square size), and the TF.js graph patch its conversion needs."""
import numpy as np
import pytest

from datafetch.archives import zip_member
from datafetch.registry import fetch
from datafetch.sources import SCIKIT_IMAGE
from serving.artifact import load_artifact, model_dir
from serving.caption.detector import Detector, decode, non_max_suppression
from serving.caption.image_input import load_image
from training.detect.graph_patch import patch_graph

LABELS = ["person", "bicycle", "car"]


def grid_outputs(size: int, hits: dict[tuple[int, int, int], tuple[float, list[int]]], bins: int = 11):
    """Scores [cells, 3] and distances [cells, 4 * bins] of the three grids, zero but for `hits`:
    (stride index, cell, class) -> (score, the bin each side's distribution peaks at)."""
    scores, distances = [], []
    for index, stride in enumerate((8, 16, 32)):
        cells = (size // stride) ** 2
        score, distance = np.zeros((cells, len(LABELS)), np.float32), np.zeros((cells, 4, bins), np.float32)
        for (at, cell, cls), (value, sides) in hits.items():
            if at == index:
                score[cell, cls] = value
                distance[cell, np.arange(4), sides] = 50.0  # a sharp peak: the mean is the bin itself
        scores.append(score)
        distances.append(distance.reshape(cells, -1))
    return scores, distances


def test_a_cell_decodes_to_its_box_in_the_photos_pixels():
    size = 64  # stride 16: a 4 x 4 grid; cell 5 is row 1, column 1, centred at (24, 24)
    scores, distances = grid_outputs(size, {(1, 5, 2): (0.9, [1, 1, 2, 0])})
    [car] = decode(scores, distances, size, LABELS, width=128, height=64)
    assert car.label == "car" and car.score == pytest.approx(0.9)
    # left 16, top 16, right 32, bottom 0 pixels of the 64 square, then x scaled by 2
    assert car.box == pytest.approx((16.0, 8.0, 112.0, 24.0), abs=1e-3)


def test_overlapping_boxes_of_one_class_are_one_thing_but_other_classes_stay():
    size = 64
    scores, distances = grid_outputs(size, {(0, 18, 0): (0.8, [2, 2, 2, 2]), (0, 19, 0): (0.6, [2, 2, 2, 2]),
                                            (0, 19, 1): (0.7, [2, 2, 2, 2]), (0, 60, 0): (0.5, [1, 1, 1, 1])})
    found = decode(scores, distances, size, LABELS, width=64, height=64)
    assert [(d.label, round(d.score, 2)) for d in found] == [("person", 0.8), ("bicycle", 0.7), ("person", 0.5)]


def test_below_the_threshold_nothing_is_found():
    scores, distances = grid_outputs(64, {(2, 0, 0): (0.29, [1, 1, 1, 1])})
    assert decode(scores, distances, 64, LABELS, 64, 64) == []


def test_non_max_suppression_keeps_the_best_of_each_cluster():
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30], [0, 0, 10, 9]], np.float32)
    assert non_max_suppression(boxes, np.array([0.5, 0.9, 0.7, 0.6]), 0.5) == [1, 2]


@pytest.fixture(scope="module")
def detector():
    return Detector(load_artifact(model_dir("detector")))


@pytest.fixture(scope="module")
def photos():
    wheel = fetch(SCIKIT_IMAGE)
    return [load_image(zip_member(wheel, f"skimage/data/{name}")) for name in ("astronaut.png", "coffee.png")]


def test_the_committed_detector_finds_the_astronaut_and_the_cup(detector, photos):
    astronaut, coffee = detector.detect(photos)
    assert astronaut[0].label == "person" and astronaut[0].score >= 0.5
    assert "cup" in [d.label for d in coffee]


@pytest.mark.parametrize("size", [320, 416])
def test_a_batch_gives_what_each_photo_gives_alone(detector, photos, size):
    detector.size = size
    try:
        together = detector.detect(photos)
        alone = [detector.detect([photo])[0] for photo in photos]
    finally:
        detector.size = detector.artifact.manifest["detector"]["input_size"]
    for batch_found, alone_found in zip(together, alone):
        assert [d.label for d in batch_found] == [d.label for d in alone_found]
        assert np.allclose([d.box for d in batch_found], [d.box for d in alone_found], atol=0.05)


def test_the_graph_patch_adds_what_tensorflow_expects_and_keeps_the_rest():
    graph = {"modelTopology": {"node": [
        {"name": "conv", "op": "_FusedConv2D", "attr": {"num_args": {"i": "2"}, "T": {"type": "DT_FLOAT"}}},
        {"name": "top", "op": "TopKV2"}, {"name": "add", "op": "AddV2", "attr": {}}]}}
    patched = patch_graph(graph)
    conv, top, add = patched["modelTopology"]["node"]
    assert conv["attr"]["TArgs"] == {"list": {"type": ["DT_FLOAT", "DT_FLOAT"]}} and conv["attr"]["T"]
    assert top["attr"]["index_type"] == {"type": "DT_INT32"} and add["attr"] == {}
    assert "TArgs" not in graph["modelTopology"]["node"][0]["attr"]  # the input is left as it was
