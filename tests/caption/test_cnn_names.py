"""Naming objects by the CNN where the decoder looked (serving/caption/cnn_names.py)."""
import numpy as np
import pytest

from serving.caption.captioner import Captioner
from serving.caption.cnn_names import CnnNamer, ImagenetNames, object_spans, say_label
from serving.caption.gallery import gallery_photos
from serving.caption.image_input import load_image, to_model_input
from serving.onnx_weights import linear_head

LABELS = ["Egyptian cat", "tabby, tabby cat", "hot dog, hot dog, red hot", "beagle", "moped"]
PHRASES = ["a trumpet", "a bassoon", "a hot air balloon", "a balloon"]
# The shape of imagenet_names.json: each class's own name, and general names over classes.
NAMES = ImagenetNames.from_json({
    "classes": [{"name": "egyptian mau", "groups": [0, 2]}, {"name": "tabby cat", "groups": [0, 2]},
                {"name": "hot dog", "groups": []}, {"name": "beagle", "groups": [1, 2]},
                {"name": "moped", "groups": []}],
    "groups": [{"name": "cat", "classes": [0, 1]}, {"name": "dog", "classes": [3]},
               {"name": "pet", "classes": [0, 1, 3]}]})


def toy_namer(threshold: float) -> CnnNamer:
    """Four grid cells of three features: cell 0 shows a cat, cell 1 a moped, cells 2-3 nothing."""
    weight = np.zeros((len(LABELS), 3), np.float32)
    weight[0, 0], weight[1, 0], weight[4, 1] = 6.0, 5.0, 9.0
    return CnnNamer(weight, np.zeros(len(LABELS), np.float32), LABELS, NAMES, PHRASES, threshold)


GRID = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1]], np.float32)
ON_CAT, ON_MOPED, NOWHERE = np.eye(4)[0], np.eye(4)[1], np.full(4, 0.25)


def test_the_most_specific_name_that_is_sure_enough_is_said():
    assert NAMES.most_specific(np.array([0.85, 0.05, 0.0, 0.1, 0.0]), 0.8) == ("egyptian mau", 0.85)
    assert NAMES.most_specific(np.array([0.45, 0.4, 0.05, 0.1, 0.0]), 0.8) == ("cat", pytest.approx(0.85))
    assert NAMES.most_specific(np.array([0.45, 0.2, 0.05, 0.3, 0.0]), 0.8) == ("pet", pytest.approx(0.95))
    assert NAMES.most_specific(np.array([0.3, 0.1, 0.3, 0.3, 0.0]), 0.8) is None  # no general name reaches it
    assert NAMES.most_specific(np.array([0.1, 0.1, 0.7, 0.1, 0.0]), 0.8) is None  # "hot dog" has none


def test_labels_are_said_with_their_article():
    assert say_label("Egyptian cat") == ["an", "egyptian", "cat"]
    assert say_label("cornet, horn, trumpet, trump") == ["a", "cornet"]


def test_spans_prefer_the_longest_phrase_and_never_overlap():
    words = "a hot air balloon next to a balloon on the grass".split()
    assert object_spans(words, PHRASES) == [(0, 4), (6, 8)]
    assert object_spans("two pears on gravel".split(), PHRASES) == []


def test_a_sure_region_renames_the_phrase_and_keeps_its_attention():
    words = "a trumpet on a gray background".split()
    attention = np.stack([ON_CAT, ON_CAT, NOWHERE, NOWHERE, NOWHERE, NOWHERE])
    out, rows, named = toy_namer(0.8).name(words, attention, GRID)
    assert out == "a cat on a gray background".split()
    assert rows.shape == (len(out), 4) and np.allclose(rows[:2], ON_CAT) and np.allclose(rows[2:], NOWHERE)
    (cat,) = named
    assert (cat.start, cat.end, cat.label, cat.imagenet_class, cat.decoder_said) == \
        (0, 2, "cat", "Egyptian cat", "a trumpet")
    # the two cat classes count together: neither alone reaches 0.8, so the general name is said
    probabilities = toy_namer(0.8).region_probabilities(GRID, ON_CAT)
    assert probabilities[:2].max() < 0.8 <= cat.probability == pytest.approx(probabilities[:2].sum())


def test_an_unsure_region_leaves_the_decoder_words_alone():
    words = "a trumpet on a gray background".split()
    attention = np.stack([NOWHERE] * len(words))
    out, rows, named = toy_namer(0.8).name(words, attention, GRID)
    assert out == words and named == [] and np.array_equal(rows, attention)


def test_one_thing_named_twice_is_said_once():
    words = "a trumpet next to a bassoon and a balloon on the grass".split()
    attention = np.stack([ON_MOPED] * 6 + [NOWHERE] + [ON_CAT] * 2 + [NOWHERE] * 3)
    out, rows, named = toy_namer(0.8).name(words, attention, GRID)
    assert out == "a moped and a cat on the grass".split()
    assert [(n.start, n.label) for n in named] == [(0, "moped"), (3, "cat")] and len(rows) == len(out)


def test_the_head_under_uniform_attention_is_the_encoders_own_classifier():
    """The head is linear after the pool: weighting the grid evenly must give the encoder's logits."""
    captioner = Captioner.load()
    weight, bias = linear_head(captioner.artifact.file("encoder.onnx"), "logits")
    cnn_namer = CnnNamer(weight, bias, captioner.labels, captioner.imagenet_names, [], 0.5)
    photo = load_image(gallery_photos()["Cat"])
    grid, _, logits = captioner.artifact.session("encoder.onnx").run(None, {"image": to_model_input(photo)[None]})
    expected = np.exp(logits[0] - logits[0].max())
    uniform = np.full(grid.shape[1], 1 / grid.shape[1], np.float32)
    assert np.allclose(cnn_namer.region_probabilities(grid[0], uniform), expected / expected.sum(), atol=1e-5)


def test_captions_cut_short_are_not_offered_as_alternatives():
    """The beam can keep a hypothesis the decoder ended mid-phrase ("a close-up of a big eared", from "a big
    eared rabbit"); the n-best list on the page and in the JSON leaves it out."""
    from serving.caption.captioner import Captioner
    from serving.caption.gallery import gallery_photos
    from serving.caption.image_input import center_crop, load_image

    captioner = Captioner.load()
    assert captioner.cut_short("a close-up of a big eared".split())
    assert captioner.cut_short("a close-up of a".split()) and captioner.cut_short([])
    assert not captioner.cut_short("a close-up of a big eared rabbit".split())
    assert not captioner.cut_short("a hen on a gray background".split())
    photos = gallery_photos()
    images = [center_crop(load_image(data)) for data in photos.values()]
    for beam in (3, 5):
        for result in captioner.caption(images, beam):
            assert result.caption not in [text for text, _ in result.alternatives]
            assert not any(captioner.cut_short(text.split()) for text, _ in result.alternatives), result.alternatives
