"""What the API serves: each model's options, how its inputs arrive in JSON, and how a batch is answered.

Every answer comes from the model's own `predict_batch` (serving/batch.py), so a result is the object
`rnnapp <model> --json` prints, and an unusable item is `{"error": ...}` in its place.
"""
from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from serving.batch import item_error
from serving.caption.captioner import Captioner
from serving.ner.tagger import EntityTagger
from serving.nextword.predictor import NextWordPredictor
from serving.sentiment.classifier import SentimentClassifier
from serving.translate.translator import Translator


class NoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CaptionOptions(NoOptions):
    beam: int = Field(3, ge=1, le=10, description="beam size")
    decoder_words_only: bool = Field(False, description="keep the decoder's own words (no names from the CNN)")


class TranslateOptions(NoOptions):
    beam: int = Field(4, ge=1, le=10, description="beam size; the n-best list is this long")


class NextWordOptions(NoOptions):
    k: int = Field(5, ge=1, le=20, description="how many words")
    complete: bool = Field(False, description="letters at the end are a word still being typed: complete it")


def decoded_images(inputs: list[Any]) -> tuple[list[bytes], list[str], list[dict | None]]:
    """Each image input -> (bytes, name, None), or (b"", name, its error). An input is a base64 string,
    {"name": ..., "data": base64 string}, or {"name": ..., "data": bytes} (a multipart upload)."""
    images, names, errors = [], [], []
    for item in named_images(inputs):
        name, data = item["name"], item["data"]
        try:
            if isinstance(data, str):
                data = base64.b64decode(data, validate=True)
            elif not isinstance(data, bytes):
                raise ValueError(f'expected a base64 string or {{"name", "data"}}, got {type(data).__name__}')
            images.append(data)
            errors.append(None)
        except binascii.Error as err:
            images.append(b"")
            errors.append(item_error(f"not base64 image data ({err})"))
        except ValueError as err:
            images.append(b"")
            errors.append(item_error(str(err)))
        names.append(name)
    return images, names, errors


def is_named(item: Any) -> bool:
    return isinstance(item, dict) and set(item) == {"name", "data"} and isinstance(item["name"], str)


def named_images(inputs: list[Any]) -> list[dict]:
    """Every input as {"name", "data"}: a bare one named "image N" by its place in the request, so that its
    result says which it was wherever it is answered (each input may reach a different replica)."""
    return [item if is_named(item) else {"name": f"image {number}", "data": item}
            for number, item in enumerate(inputs, 1)]


def answer_captions(captioner: Captioner, inputs: list[Any], options: CaptionOptions) -> list[dict]:
    images, names, errors = decoded_images(inputs)
    answers = captioner.predict_batch(images, names, options.beam, cnn_names=not options.decoder_words_only)
    return [{"image": name, **error} if error else answer for name, error, answer in zip(names, errors, answers)]


@dataclass(frozen=True)
class ServedModel:
    name: str
    summary: str
    load: Callable[[], Any]
    options: type[NoOptions]
    answer: Callable[[Any, list[Any], NoOptions], list[dict]]  # (loaded model, inputs, options) -> results
    inputs: str  # what each item of "inputs" is, for the API's docs
    prepare: Callable[[list[Any]], list[Any]] = list  # a request's inputs before they are sent to the model


SERVED: dict[str, ServedModel] = {model.name: model for model in (
    ServedModel("caption", "caption photos (CNN encoder, LSTM decoder with attention, object detectors)",
                Captioner.load, CaptionOptions, answer_captions,
                'images: base64 strings, or {"name", "data": base64}; or a multipart upload of files', named_images),
    ServedModel("sentiment", "negative / neutral / positive with 1-5 stars (GRU)",
                SentimentClassifier.load, NoOptions,
                lambda model, inputs, options: model.predict_batch(inputs), "texts"),
    ServedModel("ner", "named entities: people, places, organisations, other names (GRU + CRF)",
                EntityTagger.load, NoOptions,
                lambda model, inputs, options: model.predict_batch(inputs), "texts"),
    ServedModel("translate", "English -> Spanish (GRU encoder-decoder with attention, beam search)",
                Translator.load, TranslateOptions,
                lambda model, inputs, options: model.predict_batch(inputs, options.beam), "English texts"),
    ServedModel("nextword", "the likeliest next words (GRU language model)",
                NextWordPredictor.load, NextWordOptions,
                lambda model, inputs, options: model.predict_batch(inputs, options.k, options.complete),
                "texts (an empty text is a valid start)"),
)}
