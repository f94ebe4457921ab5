"""The API's HTTP face with the models in this process (no Ray): routes, limits, the bad-input corpus."""
import pytest
from fastapi.testclient import TestClient

from serving.api.http import MAX_BODY_BYTES, in_process
from serving.api.models import SERVED
from serving.artifact import load_artifact, model_dir
from serving.nextword.predictor import NextWordPredictor
from serving.translate.translator import Translation
from serving.wire import from_wire
from tests.api.corpus import (MALFORMED, TEXT_MODELS, check_image_results, check_series_results, check_text_results,
                              check_tune_results, image_items, series_items, text_items, tune_items)
from tests.app.test_bad_input_corpus import JPEG


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(in_process(list(SERVED)), raise_server_exceptions=False)


def test_health_lists_the_models_and_the_docs_describe_each_route(client):
    assert client.get("/health").json() == {"models": list(SERVED)}
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths) == {"/health", *(f"/v1/{name}" for name in SERVED), *(f"/v1/{name}/about" for name in SERVED)}
    assert "multipart/form-data" in paths["/v1/caption"]["post"]["requestBody"]["content"]
    assert client.get("/docs").status_code == 200


@pytest.mark.parametrize("name,method,path,body,content_type,status", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_request_malformed_as_a_whole_gets_a_clear_4xx(client, name, method, path, body, content_type, status):
    response = client.request(method, path, content=body, headers={"content-type": content_type})
    assert response.status_code == status and set(response.json()) == {"error"}
    assert response.json()["error"] and "\n" not in response.json()["error"] and "Traceback" not in response.text


@pytest.mark.parametrize("model", TEXT_MODELS)
def test_every_text_kind_gets_a_result_or_its_error_in_place(client, model):
    response = client.post(f"/v1/{model}", json={"inputs": text_items()[0]})
    assert response.status_code == 200
    check_text_results(model, response.json()["results"])


def test_every_image_kind_gets_a_caption_or_its_error_in_place(client):
    response = client.post("/v1/caption", json={"inputs": image_items()[0], "options": {"beam": 1}})
    assert response.status_code == 200
    check_image_results(response.json()["results"])


def test_every_table_and_text_kind_gets_a_forecast_or_its_error_in_place(client):
    response = client.post("/v1/forecast", json={"inputs": series_items()[0], "options": {"peers": False}})
    assert response.status_code == 200
    check_series_results(response.json()["results"])


def test_every_choice_kind_gets_a_tune_or_its_error_in_place(client):
    response = client.post("/v1/music", json={"inputs": tune_items()[0], "options": {"seed": 2, "bars": 4}})
    assert response.status_code == 200
    check_tune_results(response.json()["results"])


def test_a_tune_over_http_is_the_clis_answer(client):
    from serving.music.composer import Choice, Composer

    [expected] = Composer.load().predict_batch([Choice(kind="jig", key="G", seed=1, bars=4)])
    answer = client.post("/v1/music", json={"inputs": [{"type": "jig", "key": "G"}],
                                            "options": {"seed": 1, "bars": 4}}).json()
    assert answer == {"results": [expected]} and expected["valid"] and expected["bars"] == 4


def test_cells_over_http_follow_the_units_asked_for_and_refuse_one_the_model_lacks(client):
    texts = ['She said "hi"', "def f(x):"]
    answer = client.post("/v1/cells", json={"inputs": texts, "options": {"cells": ["layer 2 cell 176"]}}).json()
    assert answer == {"results": SERVED["cells"].load().predict_batch(texts, ["layer 2 cell 176"])}
    assert [list(c["cells"]) for c in answer["results"][0]["chars"]] == [["layer 2 cell 176"]] * len(texts[0])
    refused = client.post("/v1/cells", json={"inputs": texts, "options": {"cells": ["layer 9 cell 1"]}}).json()
    assert [set(r) for r in refused["results"]] == [{"error"}] * 2 and "not a unit" in refused["results"][0]["error"]


def test_a_forecast_over_http_is_the_clis_answer(client):
    from serving.forecast.forecaster import ForecastRequest, Forecaster
    from serving.forecast.table import read_table
    from tests.forecast.test_forecast import monthly_csv

    request = ForecastRequest(read_table(monthly_csv().encode(), "visitors").series, 6, check=False)
    [expected] = Forecaster.load().predict_batch([request])
    answer = client.post("/v1/forecast", json={"inputs": [{"name": "visitors", "data": monthly_csv()}],
                                               "options": {"horizon": 6, "check": False}}).json()
    assert answer == {"results": [expected]} and set(expected["peers"]) == {"naive", "ets", "arima", "theta"}
    bare = client.post("/v1/forecast", json={"inputs": [monthly_csv()], "options": {"horizon": 6, "check": False}})
    assert bare.json()["results"][0] == {**expected, "series": "series 1"}


def test_a_multipart_upload_is_captioned_with_its_file_names(client):
    response = client.post("/v1/caption", files=[("files", ("photo.jpg", JPEG, "image/jpeg")),
                                                 ("files", ("notes.txt", b"not an image", "text/plain"))],
                           data={"beam": "2"})
    assert response.status_code == 200
    photo, notes = response.json()["results"]
    assert photo["image"] == "photo.jpg" and len(photo["caption"].split()) >= 2
    assert notes["image"] == "notes.txt" and "not an image" in notes["error"]
    refused = client.post("/v1/caption", files=[("files", ("a.jpg", JPEG, "image/jpeg"))], data={"beam": "zero"})
    assert refused.status_code == 422 and "options.beam" in refused.json()["error"]


def test_results_are_what_the_model_answers_in_process(client):
    texts = ["Maria flew from Madrid to Berlin.", "Save the file."]
    for model in ("sentiment", "ner", "translate", "nextword", "cells"):
        expected = SERVED[model].load().predict_batch(texts)  # each model's own batch function, default options
        assert client.post(f"/v1/{model}", json={"inputs": texts}).json() == {"results": expected}
    written = NextWordPredictor.load().continue_batch(texts, max_words=8, top_k=40, top_p=0.95, seed=3)
    options = {"max_words": 8, "seed": 3}
    assert client.post("/v1/generate", json={"inputs": texts, "options": options}).json() == {"results": written}


def test_each_model_says_what_it_is_and_where_it_runs(client):
    for name in SERVED:
        about = client.get(f"/v1/{name}/about").json()
        assert about["manifest"] == load_artifact(model_dir(SERVED[name].replica)).manifest
        assert about["provider"] in ("CPU", "CUDA")
    assert client.get("/v1/caption/about").json()["has_detector"] is True
    assert client.get("/v1/nextword/about").json()["known_words"] == NextWordPredictor.load().known_words


def test_detail_adds_the_whole_result_beside_the_same_answer(client):
    plain = client.post("/v1/translate", json={"inputs": ["The cat sleeps.", ""]}).json()["results"]
    detailed = client.post("/v1/translate", json={"inputs": ["The cat sleeps.", ""],
                                                  "options": {"detail": True}}).json()["results"]
    assert {key: value for key, value in detailed[0].items() if key != "detail"} == plain[0]
    assert detailed[1] == plain[1] and set(plain[1]) == {"error"}
    found = from_wire(Translation, detailed[0]["detail"])
    assert found.translation == plain[0]["translation"]
    assert found.attention.shape == (len(found.target_words), len(found.source_pieces))
    running = client.post("/v1/sentiment", json={"inputs": ["I loved it but the end was bad"],
                                                 "options": {"running": True}}).json()["results"][0]["running"]
    assert [step["word"] for step in running] == "I loved it but the end was bad".split()


def test_a_body_over_the_limit_sent_in_chunks_gets_413(client):
    chunks = (b"x" * 2 ** 20 for _ in range(MAX_BODY_BYTES // 2 ** 20 + 2))  # no Content-Length
    response = client.post("/v1/sentiment", content=chunks, headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.json()["error"].startswith("the request is over 32 MiB")


def test_deeply_nested_json_and_half_an_emoji_are_handled(client):
    nested = client.post("/v1/ner", content=b'{"inputs": ' + b"[" * 100_000,
                         headers={"content-type": "application/json"})
    assert nested.status_code == 400 and "not JSON" in nested.json()["error"]
    half = client.post("/v1/sentiment", content=b'{"inputs": ["I loved it \\ud83d", "fine"]}',
                       headers={"content-type": "application/json"})
    assert half.status_code == 200
    assert all(result["label"] in ("negative", "neutral", "positive") for result in half.json()["results"])


def test_a_tiny_temperature_writes_the_likeliest_text_instead_of_failing(client):
    greedy, tiny = (client.post("/v1/generate", json={"inputs": ["It was a dark"], "options": {
        "temperature": temperature, "max_words": 6, "seed": 1}}) for temperature in (0, 1e-40))
    assert tiny.status_code == 200 and tiny.json() == greedy.json()
