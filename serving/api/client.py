"""The models behind a remote API (`rnnapp serve`), standing in for the ones a page would load itself.

With `RNNAPP_API=http://host:port` the app's pages use these: each answers `predict_batch` with the same
arguments and the same answers as the model in this process (serving/batch.py), by asking the API, and
carries the model's manifest and facts from `GET /v1/<model>/about`. So several app servers share one Ray
cluster, and a page draws the same result whichever answered. HTTP by the standard library: the app's own
requirements are enough, no Ray or FastAPI.
"""
from __future__ import annotations

import base64
import http.client
import json
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from serving.caption.captioner import copying_of
from serving.forecast.forecaster import Forecast, ForecastRequest
from serving.ner.tagger import Crf
from serving.nextword.predictor import DEFAULT_TEMPERATURE
from serving.text import InputError
from serving.wire import from_wire

TIMEOUT_S = 120  # a batch of photos on a busy cluster can take a while; a dead server fails at once


class ApiUnavailable(Exception):
    """The API did not answer, or refused the request as a whole: the message says which, and what to do."""


@dataclass(frozen=True)
class ApiClient:
    url: str  # http://host:port

    def request(self, path: str, payload: dict | None = None) -> Any:
        """GET (no payload) or POST JSON to `path`; the decoded answer, or ApiUnavailable."""
        body = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(self.url.rstrip("/") + path, data=body,
                                         headers={"content-type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as err:  # the API's own {"error"} when it has one
            try:
                message = json.loads(err.read())["error"]
            except (ValueError, KeyError, TypeError):
                message = f"HTTP {err.code}"
            raise ApiUnavailable(f"the API at {self.url} answered {err.code}: {message}") from None
        except (urllib.error.URLError, http.client.HTTPException, socket.timeout, ConnectionError,
                ValueError) as err:  # no server, not an HTTP server, a cut answer, not JSON
            reason = getattr(err, "reason", err) or type(err).__name__
            raise ApiUnavailable(f"the API at {self.url} did not answer ({reason}); check that `rnnapp serve` "
                                 "is running there, or unset RNNAPP_API to run the models in this app") from None

    def answers(self, model: str, inputs: list, options: dict) -> list[dict]:
        answer = self.request(f"/v1/{model}", {"inputs": inputs, "options": options})
        results = answer.get("results") if isinstance(answer, dict) else None
        if not isinstance(results, list) or len(results) != len(inputs) or \
                not all(isinstance(result, dict) for result in results):
            raise self.unexpected(f"/v1/{model}")
        return results

    def about(self, model: str, facts: tuple[str, ...]) -> dict:
        """The model's manifest, provider and the named `facts`."""
        answer = self.request(f"/v1/{model}/about")
        if not isinstance(answer, dict) or not {"manifest", "provider", *facts} <= set(answer):
            raise self.unexpected(f"/v1/{model}/about")
        return answer

    def unexpected(self, route: str) -> ApiUnavailable:
        return ApiUnavailable(f"the API at {self.url} answered {route} with something this app does not read "
                              "(another version of rnnapp?)")


@dataclass(frozen=True)
class RemoteArtifact:
    """What a page reads of a model's artifact: its manifest, and where it runs."""

    manifest: dict
    runs_on: str
    url: str

    def provider(self) -> str:
        return f"{self.runs_on}, on the API at {self.url}"


class RemoteModel:
    name = ""
    facts_read: tuple[str, ...] = ()  # what the page needs to know of the model beyond its manifest

    def __init__(self, api: ApiClient):
        self.api = api
        self.facts = api.about(self.name, self.facts_read)
        self.artifact = RemoteArtifact(self.facts["manifest"], self.facts["provider"], api.url)


class RemoteSentiment(RemoteModel):
    name = "sentiment"

    def predict_batch(self, texts: list[str], detail: bool = False, running: bool = False) -> list[dict]:
        return self.api.answers(self.name, texts, {"detail": detail, "running": running})


class RemoteTagger(RemoteModel):
    name = "ner"

    def __init__(self, api: ApiClient):
        super().__init__(api)
        try:
            self.crf = Crf.read(self.artifact.manifest)
        except (KeyError, TypeError, ValueError):
            raise api.unexpected(f"/v1/{self.name}/about") from None

    def predict_batch(self, texts: list[str], detail: bool = False) -> list[dict]:
        return self.api.answers(self.name, texts, {"detail": detail})


class RemoteTranslator(RemoteModel):
    name = "translate"

    def predict_batch(self, texts: list[str], beam_size: int = 4, detail: bool = False) -> list[dict]:
        return self.api.answers(self.name, texts, {"beam": beam_size, "detail": detail})


class RemoteNextWord(RemoteModel):
    name = "nextword"
    facts_read = ("known_words",)
    pieces_fed = None  # the prefix cache is the server's

    def __init__(self, api: ApiClient):
        super().__init__(api)
        self.known_words: int = self.facts["known_words"]

    def predict_batch(self, texts: list[str], k: int = 5, complete: bool = False, detail: bool = False) -> list[dict]:
        return self.api.answers(self.name, texts, {"k": k, "complete": complete, "detail": detail})

    def continue_batch(self, texts: list[str], max_words: int = 20, temperature: float = DEFAULT_TEMPERATURE,
                       top_k: int = 0, top_p: float = 1.0, seed: int | None = None,
                       whole_words: bool = True) -> list[dict]:
        return self.api.answers("generate", texts, {"max_words": max_words, "temperature": temperature,
                                                    "top_k": top_k, "top_p": top_p, "seed": seed,
                                                    "raw": not whole_words})

    def written(self, text: str, max_words: int = 20, temperature: float = DEFAULT_TEMPERATURE, top_k: int = 0,
                top_p: float = 1.0, seed: int | None = None, whole_words: bool = True) -> Iterator[str]:
        """The continuation in one piece (the API answers whole texts, not piece by piece); InputError at once
        for a text it cannot continue, as the model in process raises it."""
        [answer] = self.continue_batch([text], max_words, temperature, top_k, top_p, seed, whole_words)
        if "error" in answer:
            raise InputError(answer["error"])
        return iter([answer["continuation"]])


class RemoteCaptioner(RemoteModel):
    name = "caption"
    facts_read = ("cnn_name_threshold", "has_detector")

    def __init__(self, api: ApiClient):
        super().__init__(api)
        self.copying, self.objects = copying_of(self.artifact.manifest)
        self.cnn_name_threshold: float | None = self.facts["cnn_name_threshold"]
        self.has_detector: bool = self.facts["has_detector"]

    def predict_batch(self, images: list[bytes], names: list[str] | None = None, beam_size: int = 3,
                      cnn_names: bool = True, detail: bool = False) -> list[dict]:
        names = names or [f"image {number}" for number in range(1, len(images) + 1)]
        inputs = [{"name": name, "data": base64.b64encode(data).decode()} for name, data in zip(names, images)]
        return self.api.answers(self.name, inputs, {"beam": beam_size, "decoder_words_only": not cnn_names,
                                                    "detail": detail})


class RemoteForecaster(RemoteModel):
    name = "forecast"

    def forecast(self, request: ForecastRequest) -> Forecast:
        """The API's forecast of the request's series, sent as the text of a CSV file (its dates and exact values,
        which the API reads back as the same series); InputError for a series it refuses, as in process."""
        series = request.series
        table = "date,value\n" + "".join(f"{date.isoformat()},{value!r}\n"
                                         for date, value in zip(series.dates(), series.values.tolist()))
        [answer] = self.api.answers(self.name, [{"name": series.name, "data": table}],
                                    {"horizon": request.horizon, "peers": request.peers, "check": request.check,
                                     "detail": True})
        if "error" in answer:
            raise InputError(answer["error"])
        try:
            return from_wire(Forecast, answer["detail"])
        except (KeyError, TypeError, ValueError):
            raise self.api.unexpected(f"/v1/{self.name}") from None
