"""The bad-input corpus as HTTP requests: what any server of the API must answer, and how."""
from __future__ import annotations

import base64
import json

from serving.api.http import MAX_BODY_BYTES, MAX_INPUTS
from tests.app.test_bad_input_corpus import UNREADABLE_TEXTS, UNUSABLE_IMAGES, VALID_IMAGES, VALID_TEXTS

TEXT_MODELS = ("sentiment", "ner", "translate", "nextword", "generate", "cells")
STARTS = ("nextword", "generate")  # whatever was typed so far is a valid start for these
# (name, method, path, body bytes, content type, expected status): each malformed as a whole
MALFORMED = [
    ("not JSON", "POST", "/v1/sentiment", b"I loved it", "text/plain", 400),
    ("invalid UTF-8", "POST", "/v1/ner", b"\xff\xfe{", "application/json", 400),
    ("truncated JSON", "POST", "/v1/translate", b'{"inputs": ["Hello"', "application/json", 400),
    ("no inputs field", "POST", "/v1/sentiment", json.dumps({"text": "I loved it"}).encode(), "application/json", 422),
    ("inputs not a list", "POST", "/v1/sentiment", json.dumps({"inputs": "I loved it"}).encode(),
     "application/json", 422),
    ("empty inputs", "POST", "/v1/nextword", json.dumps({"inputs": []}).encode(), "application/json", 422),
    ("too many inputs", "POST", "/v1/sentiment", json.dumps({"inputs": ["ok"] * (MAX_INPUTS + 1)}).encode(),
     "application/json", 422),
    ("unknown option", "POST", "/v1/translate", json.dumps({"inputs": ["Hi"], "options": {"bem": 2}}).encode(),
     "application/json", 422),
    ("option out of range", "POST", "/v1/caption", json.dumps({"inputs": ["aGk="], "options": {"beam": 99}}).encode(),
     "application/json", 422),
    ("a JSON list", "POST", "/v1/ner", b'["Paris"]', "application/json", 422),
    ("too large", "POST", "/v1/sentiment", b'{"inputs": ["' + b"a" * MAX_BODY_BYTES + b'"]}', "application/json",
     413),
    ("no such model", "POST", "/v1/poetry", json.dumps({"inputs": ["x"]}).encode(), "application/json", 404),
    ("wrong method", "GET", "/v1/sentiment", b"", "application/json", 405),
    ("about, posted", "POST", "/v1/ner/about", b"{}", "application/json", 405),
    ("too many words to write", "POST", "/v1/generate",
     json.dumps({"inputs": ["Once"], "options": {"max_words": 10_000}}).encode(), "application/json", 422),
    ("detail not a flag", "POST", "/v1/sentiment",
     json.dumps({"inputs": ["ok"], "options": {"detail": "lots"}}).encode(), "application/json", 422),
    ("horizon too long", "POST", "/v1/forecast",
     json.dumps({"inputs": ["date,v"], "options": {"horizon": 500}}).encode(), "application/json", 422),
    ("no bars to write", "POST", "/v1/music", json.dumps({"inputs": [{}], "options": {"bars": 0}}).encode(),
     "application/json", 422),
    ("cells not a list", "POST", "/v1/cells",
     json.dumps({"inputs": ["ab"], "options": {"cells": "layer 2 cell 1"}}).encode(), "application/json", 422),
]


def text_items() -> tuple[list, list[bool]]:
    """Every text kind of the corpus, plus JSON values that are not text: (inputs, whether each is usable)."""
    items = [*UNREADABLE_TEXTS.values(), *VALID_TEXTS.values(), 42, None, ["a list"], {"text": "an object"}]
    return items, [False] * len(UNREADABLE_TEXTS) + [True] * len(VALID_TEXTS) + [False] * 4


def image_items() -> tuple[list, list[str], list[bool]]:
    """Every image kind of the corpus as {"name", "data": base64}, plus data that is not base64."""
    named = {**UNUSABLE_IMAGES, **VALID_IMAGES}
    items = [{"name": name, "data": base64.b64encode(make()).decode()} for name, make in named.items()]
    items += [{"name": "not-base64", "data": "this is %% not base64"}, "this is %% not base64 either", 7]
    names = [*named, "not-base64", f"image {len(items) - 1}", f"image {len(items)}"]
    return items, names, [name in VALID_IMAGES for name in named] + [False, False, False]


def series_items() -> tuple[list, list[str], list[bool]]:
    """A usable monthly CSV, every refused table, every text kind of the corpus (none is a table) and JSON
    values that are not text: (inputs, the name each result must carry, whether each is usable)."""
    from tests.forecast.test_forecast import monthly_csv
    from tests.forecast.test_series import REFUSED

    tables = {"monthly": monthly_csv(), **{name: raw.decode("utf-8", "replace")
                                            for name, (raw, _) in REFUSED.items()}}
    items = [{"name": name, "data": text} for name, text in tables.items()]
    items += [*UNREADABLE_TEXTS.values(), *VALID_TEXTS.values(), 42, None, ["a list"]]
    names = [*tables, *(f"series {number}" for number in range(len(tables) + 1, len(items) + 1))]
    return items, names, [name == "monthly" for name in names]


def tune_items() -> tuple[list, list[bool]]:
    """Choices the model takes, choices it does not know (a key, a type, an opening it cannot read), and inputs
    that are no choice at all: (inputs, whether each is usable)."""
    usable = [{}, {"type": "jig", "key": "G", "meter": "6/8"}, {"type": "reel", "start": "DFA"}]
    refused = [{"key": "H"}, {"type": "polka"}, {"meter": "7/8"}, {"start": "<not abc>"}, {"tempo": "fast"},
               {"type": 3}, *UNREADABLE_TEXTS.values(), *VALID_TEXTS.values(), 42, None, ["a list"]]
    return usable + refused, [True] * len(usable) + [False] * len(refused)


def check_tune_results(results: list[dict]) -> None:
    items, usable = tune_items()
    assert len(results) == len(items)
    for item, ok, result in zip(items, usable, results):
        if ok:
            assert "error" not in result and result["valid"] and result["abc"].startswith("X:"), (item, result)
        else:
            assert set(result) == {"error"} and result["error"] and "\n" not in result["error"], (item, result)


def check_series_results(results: list[dict]) -> None:
    items, names, usable = series_items()
    assert [result["series"] for result in results] == names
    for name, ok, result in zip(names, usable, results):
        if ok:
            assert "error" not in result and len(result["forecast"]) == 18, (name, result)
        else:
            assert set(result) == {"series", "error"} and result["error"] and "\n" not in result["error"], (name,
                                                                                                           result)


def check_text_results(model: str, results: list[dict]) -> None:
    items, usable = text_items()
    assert len(results) == len(items)
    for item, ok, result in zip(items, usable, results):
        if ok:
            assert "error" not in result, (model, item, result)
        elif model in STARTS and isinstance(item, str):
            assert "error" not in result, (model, item, result)
        else:
            assert set(result) == {"error"} and result["error"] and "\n" not in result["error"], (model, item)


def check_image_results(results: list[dict]) -> None:
    items, names, usable = image_items()
    assert [result["image"] for result in results] == names
    for name, ok, result in zip(names, usable, results):
        assert ("caption" in result) == ok and ("error" in result) != ok, (name, result)
