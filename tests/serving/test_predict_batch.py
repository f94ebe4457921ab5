"""Every model's `predict_batch`: the `--json` objects of the CLI, an unusable item answered with its error in
its place and the others still answered."""
import json

import numpy as np
import pytest
from PIL import Image

from serving.caption.captioner import Captioner
from serving.ner.tagger import EntityTagger
from serving.nextword.predictor import NextWordPredictor
from serving.rnnapp import main as rnnapp
from serving.sentiment.classifier import SentimentClassifier
from serving.translate.translator import Translator
from tests.conftest import encoded

TEXT_MODELS = {  # model -> (loader, the CLI's subcommand)
    "sentiment": (SentimentClassifier.load, "sentiment"),
    "ner": (EntityTagger.load, "ner"),
    "translate": (Translator.load, "translate"),
}


@pytest.mark.parametrize("model", sorted(TEXT_MODELS))
def test_a_bad_item_is_answered_in_its_place(model, capsys):
    load, command = TEXT_MODELS[model]
    answers = load().predict_batch(["Maria lives in Rome.", "", 42, "The food was great."])
    assert [sorted(answer) == ["error"] for answer in answers] == [False, True, True, False]
    assert answers[1]["error"] == "the text is empty: type a sentence" and "expected text" in answers[2]["error"]
    assert rnnapp([command, "--json", "Maria lives in Rome.", "The food was great."]) == 0
    assert [json.loads(line) for line in capsys.readouterr().out.splitlines()] == [answers[0], answers[3]]


def test_nextword_answers_in_batches_and_refuses_what_is_not_text():
    answers = NextWordPredictor.load().predict_batch(["We hold these truths to be", None, ""], k=3)
    assert len(answers[0]["next_words"]) == 3 and answers[1] == {"error": "expected text, got NoneType"}
    assert len(answers[2]["next_words"]) == 3  # an empty text is a valid start


def test_caption_batch_names_each_image_and_refuses_bytes_that_are_not_one():
    photo = encoded(Image.fromarray(np.random.default_rng(1).integers(0, 255, (60, 80, 3), dtype=np.uint8)), "PNG")
    answers = Captioner.load().predict_batch([photo, b"not an image", photo], beam_size=2)
    assert [answer["image"] for answer in answers] == ["image 1", "image 2", "image 3"]
    assert "error" in answers[1] and "caption" not in answers[1]
    assert answers[0]["caption"] == answers[2]["caption"] and len(answers[0]["caption"].split()) >= 2
