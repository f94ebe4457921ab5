"""What the API serves: each model's options, how its inputs arrive in JSON, and how a batch is answered.

Every answer comes from the model's own `predict_batch` (serving/batch.py), so a result is the object
`rnnapp <model> --json` prints, and an unusable item is `{"error": ...}` in its place.
"""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from serving.batch import item_error
from serving.caption.captioner import Captioner
from serving.cells.reader import CharModel
from serving.forecast.forecaster import ForecastRequest, Forecaster
from serving.forecast.series import MAX_HORIZON
from serving.forecast.table import read_table
from serving.music.composer import DEFAULT_TEMPERATURE as MUSIC_TEMPERATURE
from serving.music.composer import Choice, Composer
from serving.ner.tagger import EntityTagger
from serving.nextword.predictor import DEFAULT_TEMPERATURE, MAX_GENERATED_WORDS, NextWordPredictor
from serving.sentiment.classifier import SentimentClassifier
from serving.text import InputError
from serving.translate.translator import Translator


class Options(BaseModel):
    """What every model takes: `detail` adds each result's whole record, which the app's pages draw."""

    model_config = ConfigDict(extra="forbid")
    detail: bool = Field(False, description='add "detail" to each result: the whole result the app\'s pages draw '
                                           "(attention maps, every tag's probability, boxes)")


class SentimentOptions(Options):
    running: bool = Field(False, description='add "running": the verdict after each word')


class CaptionOptions(Options):
    beam: int = Field(3, ge=1, le=10, description="beam size")
    decoder_words_only: bool = Field(False, description="keep the decoder's own words (no names from the CNN)")


class TranslateOptions(Options):
    beam: int = Field(4, ge=1, le=10, description="beam size; the n-best list is this long")


class NextWordOptions(Options):
    k: int = Field(5, ge=1, le=20, description="how many words")
    complete: bool = Field(False, description="letters at the end are a word still being typed: complete it")


class ForecastOptions(Options):
    horizon: int | None = Field(None, ge=1, le=MAX_HORIZON, description="steps ahead (default: the frequency's "
                                "usual one: 48 half-hours, 14 days, 13 weeks, 18 months, 8 quarters or 6 years)")
    peers: bool = Field(True, description="fit seasonal naive, ETS, ARIMA and Theta beside the GRU (seconds a series, "
                                          "tens of seconds for weeks of half-hours)")
    check: bool = Field(True, description="score every model on the series' own last horizon, held back")
    date_column: str | None = Field(None, description="the column of dates (default: guessed)")
    value_column: str | None = Field(None, description="the column of values (default: guessed)")


class GenerateOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_words: int = Field(20, ge=1, le=MAX_GENERATED_WORDS, description="how many words to add")
    temperature: float = Field(DEFAULT_TEMPERATURE, ge=0, le=5, description="0 is greedy; higher is bolder")
    top_k: int = Field(40, ge=0, description="sample from the k likeliest pieces (0: all)")
    top_p: float = Field(0.95, gt=0, le=1, description="sample from the smallest set of pieces with this mass")
    seed: int | None = Field(None, ge=0, description="the same seed writes the same text again")
    raw: bool = Field(False, description="sample the pieces as they come (words may not exist)")


class MusicOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    temperature: float = Field(MUSIC_TEMPERATURE, ge=0, le=5, description="0 always takes the likeliest token")
    top_k: int = Field(0, ge=0, description="sample from the k likeliest tokens (0: all)")
    seed: int | None = Field(None, ge=0, description="the same seed and choice write the same tune again")
    bars: int | None = Field(None, ge=1, le=100, description="stop after this many bar lines (default: when the "
                                                             "model ends the tune)")


class CellsOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cells: list[str] | None = Field(None, description='the units to follow, as "layer 2 cell 176" or "layer 1 '
                                    'hidden 3" (default: the ones found tracking a feature)')


TUNE_CHOICES = {"type": "kind", "key": "key", "meter": "meter", "start": "opening"}  # as `rnnapp music` names them


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


def named(inputs: list[Any], kind: str) -> list[dict]:
    """Every input as {"name", "data"}: a bare one named "<kind> N" by its place in the request, so that its
    result says which it was wherever it is answered (each input may reach a different replica)."""
    return [item if is_named(item) else {"name": f"{kind} {number}", "data": item}
            for number, item in enumerate(inputs, 1)]


def named_images(inputs: list[Any]) -> list[dict]:
    return named(inputs, "image")


def named_series(inputs: list[Any]) -> list[dict]:
    return named(inputs, "series")


def answer_captions(captioner: Captioner, inputs: list[Any], options: CaptionOptions) -> list[dict]:
    images, names, errors = decoded_images(inputs)
    answers = captioner.predict_batch(images, names, options.beam, cnn_names=not options.decoder_words_only,
                                      detail=options.detail)
    return [{"image": name, **error} if error else answer for name, error, answer in zip(names, errors, answers)]


def answer_parsed(items: list[Any], parse: Callable[[Any], Any], run: Callable[[list], list[dict]]) -> list[dict]:
    """Each item parsed into a model's request (an InputError is the item's error, in its place), the requests
    answered together by `run`, each answer in its item's place."""
    answers: list[dict] = []
    requests, places = [], []
    for item in items:
        try:
            requests.append(parse(item))
        except InputError as err:
            answers.append(item_error(str(err)))
            continue
        places.append(len(answers))
        answers.append({})
    for place, answer in zip(places, run(requests)):
        answers[place] = answer
    return answers


def answer_forecasts(forecaster: Forecaster, inputs: list[Any], options: ForecastOptions) -> list[dict]:
    """Each CSV text's forecast as `rnnapp forecast --json` prints it; a text that is no usable series gets its
    error in place, named."""
    def parse(item: dict) -> ForecastRequest:
        name, data = item["name"], item["data"]
        if not isinstance(data, str):
            raise InputError(f"expected the text of a CSV file (a date and a value column), got "
                             f"{type(data).__name__}")
        table = read_table(data.encode("utf-8", "surrogatepass"), name, options.date_column, options.value_column)
        return ForecastRequest(table.series, options.horizon, options.peers, options.check)

    items = named_series(inputs)
    answers = answer_parsed(items, parse, lambda requests: forecaster.predict_batch(requests, options.detail))
    return [answer if "series" in answer else {"series": item["name"], **answer}
            for item, answer in zip(items, answers)]


def answer_tunes(composer: Composer, inputs: list[Any], options: MusicOptions) -> list[dict]:
    """A tune for each choice ({"type", "key", "meter", "start"}, each optional: {} leaves all to the model) as
    `rnnapp music --json` prints it; a choice that is no such object, or that the model cannot take, gets its
    error in place."""
    def parse(item: Any) -> Choice:
        if not isinstance(item, dict) or not set(item) <= set(TUNE_CHOICES) or \
                not all(isinstance(value, str) for value in item.values()):
            raise InputError(f"a choice is an object of text fields among {', '.join(TUNE_CHOICES)}, "
                             f"e.g. {{\"type\": \"jig\", \"key\": \"G\"}}; got {json.dumps(item)[:80]}")
        return Choice(**{TUNE_CHOICES[name]: value for name, value in item.items()}, **options.model_dump())

    return answer_parsed(inputs, parse, composer.predict_batch)


def answer_readings(model: CharModel, inputs: list[Any], options: CellsOptions) -> list[dict]:
    """Each text as `rnnapp cells --json` prints it; a unit the model lacks is said for every text."""
    try:
        return model.predict_batch(inputs, options.cells)
    except InputError as err:
        return [item_error(str(err)) for _ in inputs]


@dataclass(frozen=True)
class ServedModel:
    name: str
    summary: str
    load: Callable[[], Any]
    options: type[BaseModel]
    answer: Callable[[Any, list[Any], Any], list[dict]]  # (loaded model, inputs, options) -> results
    inputs: str  # what each item of "inputs" is, for the API's docs
    prepare: Callable[[list[Any]], list[Any]] = list  # a request's inputs before they are sent to the model
    facts: Callable[[Any], dict] = lambda model: {}  # what a page says of the model beyond its manifest
    loads: str | None = None  # the model it answers with, when another route's (generate: nextword's)

    @property
    def replica(self) -> str:
        """The model loaded to answer it: one replica serves every route of the same model."""
        return self.loads or self.name

    def about(self, model: Any) -> dict:
        """The loaded model's manifest, where it runs and the facts a page says of it (GET /v1/<model>/about)."""
        return {"manifest": model.artifact.manifest, "provider": model.artifact.provider(), **self.facts(model)}


SERVED: dict[str, ServedModel] = {model.name: model for model in (
    ServedModel("caption", "caption photos (CNN encoder, LSTM decoder with attention, object detectors)",
                Captioner.load, CaptionOptions, answer_captions,
                'images: base64 strings, or {"name", "data": base64}; or a multipart upload of files', named_images,
                lambda model: {"cnn_name_threshold": model.cnn_name_threshold, "has_detector": model.has_detector}),
    ServedModel("sentiment", "negative / neutral / positive with 1-5 stars (GRU)",
                SentimentClassifier.load, SentimentOptions,
                lambda model, inputs, options: model.predict_batch(inputs, options.detail, options.running), "texts"),
    ServedModel("ner", "named entities: people, places, organisations, other names (GRU + CRF)",
                EntityTagger.load, Options,
                lambda model, inputs, options: model.predict_batch(inputs, options.detail), "texts"),
    ServedModel("translate", "English -> Spanish (GRU encoder-decoder with attention, beam search)",
                Translator.load, TranslateOptions,
                lambda model, inputs, options: model.predict_batch(inputs, options.beam, options.detail),
                "English texts"),
    ServedModel("nextword", "the likeliest next words (GRU language model)",
                NextWordPredictor.load, NextWordOptions,
                lambda model, inputs, options: model.predict_batch(inputs, options.k, options.complete, options.detail),
                "texts (an empty text is a valid start)", facts=lambda model: {"known_words": model.known_words}),
    ServedModel("generate", "a text continued word by word (the next-word model, sampling)",
                NextWordPredictor.load, GenerateOptions,
                lambda model, inputs, options: model.continue_batch(
                    inputs, options.max_words, options.temperature, options.top_k, options.top_p, options.seed,
                    whole_words=not options.raw),
                "texts to continue (an empty text starts a paragraph)", loads="nextword"),
    ServedModel("forecast", "a series' next steps with an 80% interval, the peers beside it (GRU)",
                Forecaster.load, ForecastOptions, answer_forecasts,
                'CSV texts (a date column and a value column), or {"name", "data": CSV text}', named_series),
    ServedModel("music", "a folk tune in ABC for each choice of type, key, meter and opening (LSTM)",
                Composer.load, MusicOptions, answer_tunes,
                'choices: {"type": "jig", "key": "G", "meter": "6/8", "start": "ABC notes"}, each field optional'),
    ServedModel("cells", "a character LSTM reading each text: every character's cell activations and next guesses",
                CharModel.load, CellsOptions, answer_readings, "texts"),
)}
