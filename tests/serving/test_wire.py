"""Results as JSON and back (serving/wire.py): the same class, the same values, arrays keep shape and type."""
import json

import numpy as np

from serving.caption.captioner import CaptionResult
from serving.caption.cnn_names import CnnName
from serving.caption.detector import Detection
from serving.caption.recognition import Recognition, Thing
from serving.wire import from_wire, to_wire


def round_trip(kind, value):
    return from_wire(kind, json.loads(json.dumps(to_wire(value))))


def test_a_caption_result_comes_back_whole():
    recognition = Recognition(things=[Thing("cat", 2, [(1.0, 2.0, 3.0, 4.0)], 0.9, "detector", "cat")], people=0,
                              setting=["indoors"], detections=[Detection("cat", 0.9, (1.0, 2.0, 3.0, 4.0))],
                              size=(640, 480), limits=["no places"])
    result = CaptionResult(caption="two cats", score=-0.5, alternatives=[("a cat", -0.7)], words=["two", "cats"],
                           attention=np.arange(2 * 7 * 7, dtype=np.float32).reshape(2, 7, 7),
                           imagenet_top5=[("tabby", 0.6)], decoder_caption="two animals",
                           cnn_names=[CnnName(1, 2, "cats", "tabby", 0.6, "animals")], recognition=recognition)
    back = round_trip(CaptionResult, result)
    assert back.attention.dtype == np.float32 and np.array_equal(back.attention, result.attention)
    assert back.recognition == recognition and back.recognition.detections[0].box == (1.0, 2.0, 3.0, 4.0)
    assert back.alternatives == [("a cat", -0.7)] and back.cnn_names == result.cnn_names
    assert {k: v for k, v in vars(back).items() if k != "attention"} == \
        {k: v for k, v in vars(result).items() if k != "attention"}


def test_an_empty_array_keeps_its_shape_and_none_stays_none():
    result = CaptionResult("", 0.0, [], [], np.zeros((0, 7, 7), np.float32), [], "", [], recognition=None)
    back = round_trip(CaptionResult, result)
    assert back.attention.shape == (0, 7, 7) and back.recognition is None
