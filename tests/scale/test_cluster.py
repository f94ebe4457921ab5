"""The API on Ray Serve and the batch jobs on Ray Data, on a real 2-node Ray cluster on this machine.

One cluster serves every test of this module (starting it is most of the time); each test talks to it as a
client would: real HTTP on a loopback port, or the `rnnapp` command joining it with `--address`.
"""
import concurrent.futures
import json
import os
import socket
import subprocess
import time

import httpx
import numpy as np
import pytest
from PIL import Image

from serving.api.cli import ServeSettings, run_api
from serving.api.models import SERVED
from serving.caption.captioner import Captioner
from serving.ray_session import QUIET_RAY
from tests.conftest import REPO_ROOT, RNNAPP, encoded
from tests.api.corpus import (MALFORMED, TEXT_MODELS, check_image_results, check_series_results, check_text_results,
                              check_tune_results, image_items, series_items, text_items, tune_items)
from tests.forecast.test_forecast import monthly_csv

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def cluster():
    """Two Ray nodes of 2 logical CPUs each; the second also offers the resource "second_node"."""
    os.environ.update(QUIET_RAY)
    import ray
    from ray.cluster_utils import Cluster

    nodes = Cluster(initialize_head=True, head_node_args={"num_cpus": 2, "include_dashboard": False})
    nodes.add_node(num_cpus=2, resources={"second_node": 1})
    ray.init(address=nodes.address, log_to_driver=False, logging_level="WARNING")
    yield nodes
    from ray import serve

    serve.shutdown()
    ray.shutdown()
    nodes.shutdown()


@pytest.fixture(scope="module")
def api(cluster) -> str:
    port = free_port()
    run_api(None, ServeSettings(http={"host": "127.0.0.1", "port": port}, proxy_location="HeadOnly"))
    return f"http://127.0.0.1:{port}"


def test_every_model_answers_over_http_as_in_process(api):
    assert httpx.get(f"{api}/health").json() == {"models": list(SERVED)}
    texts = ["Maria flew from Madrid to Berlin.", "Save the file."]
    for model in TEXT_MODELS:
        served = SERVED[model]
        options = {"generate": {"seed": 5}, "cells": {"cells": ["layer 1 cell 3"]}}.get(model, {"detail": True})
        response = httpx.post(f"{api}/v1/{model}", json={"inputs": texts, "options": options}, timeout=60)
        assert response.json() == {"results": served.answer(served.load(), texts, served.options(**options))}, model
        assert httpx.get(f"{api}/v1/{model}/about").json()["manifest"]["title"]
    served, options = SERVED["forecast"], {"horizon": 6, "peers": False}
    csv = {"name": "visitors", "data": monthly_csv()}
    response = httpx.post(f"{api}/v1/forecast", json={"inputs": [csv], "options": options}, timeout=60)
    assert response.json() == {"results": served.answer(served.load(), [csv], served.options(**options))}
    served, options, choices = SERVED["music"], {"seed": 4, "bars": 4}, [{"type": "reel"}, {"key": "Ador"}]
    response = httpx.post(f"{api}/v1/music", json={"inputs": choices, "options": options}, timeout=60)
    assert response.json() == {"results": served.answer(served.load(), choices, served.options(**options))}
    assert httpx.get(f"{api}/docs").status_code == 200
    assert replica_names("nextword") and not replica_names("generate")  # one model, two routes


def test_the_bad_input_corpus_gets_4xx_or_errors_in_place_never_a_500(api):
    for name, method, path, body, content_type, status in MALFORMED:
        response = httpx.request(method, f"{api}{path}", content=body, headers={"content-type": content_type},
                                 timeout=60)
        assert response.status_code == status and set(response.json()) == {"error"}, (name, response.text[:200])
    for model in TEXT_MODELS:
        response = httpx.post(f"{api}/v1/{model}", json={"inputs": text_items()[0]}, timeout=60)
        check_text_results(model, response.json()["results"])
    response = httpx.post(f"{api}/v1/caption", json={"inputs": image_items()[0], "options": {"beam": 1}}, timeout=120)
    check_image_results(response.json()["results"])
    response = httpx.post(f"{api}/v1/forecast", json={"inputs": series_items()[0], "options": {"peers": False}},
                          timeout=120)
    check_series_results(response.json()["results"])
    response = httpx.post(f"{api}/v1/music", json={"inputs": tune_items()[0], "options": {"bars": 2}}, timeout=120)
    check_tune_results(response.json()["results"])


def test_200_concurrent_requests_are_all_answered(api):
    texts = [f"Request {n}: the food was {'great' if n % 2 else 'awful'}." for n in range(200)]

    def ask(text: str) -> httpx.Response:
        return httpx.post(f"{api}/v1/sentiment", json={"inputs": [text]}, timeout=60)

    with concurrent.futures.ThreadPoolExecutor(32) as pool:  # 32 in flight at a time
        responses = list(pool.map(ask, texts))
    assert [r.status_code for r in responses] == [200] * 200
    assert [r.json()["results"][0]["text"] for r in responses] == texts


def replica_names(deployment: str) -> list[str]:
    import ray

    return [actor["name"] for actor in ray.util.list_named_actors(all_namespaces=True)
            if actor["namespace"] == "serve" and f"#{deployment}#" in actor["name"]]


def test_a_replica_killed_under_load_loses_no_request_silently_and_comes_back(api):
    import ray

    [victim] = replica_names("ner")
    stop = time.monotonic() + 12
    statuses: list[int] = []

    def load() -> None:
        while time.monotonic() < stop:
            try:
                response = httpx.post(f"{api}/v1/ner", json={"inputs": ["Ann met Maria in Rome."]}, timeout=60)
            except httpx.HTTPError as err:  # a dropped connection would be a request lost without a status
                raise AssertionError(f"no status: {err!r}")
            statuses.append(response.status_code)
            if response.status_code == 200:
                assert response.json()["results"][0]["entities"], response.text
            else:  # a clear failure the client sees and can retry
                assert response.status_code == 503 and "send the request again" in response.json()["error"]

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        running = [pool.submit(load) for _ in range(4)]
        time.sleep(2)
        ray.kill(ray.get_actor(victim, namespace="serve"), no_restart=True)
        for future in running:
            future.result()
    assert statuses.count(200) > 10
    for _ in range(60):  # Serve starts a new replica in the old one's place
        names = replica_names("ner")
        if names and victim not in names:
            break
        time.sleep(1)
    assert names and victim not in names
    after = httpx.post(f"{api}/v1/ner", json={"inputs": ["Ann met Maria in Rome."]}, timeout=60)
    assert after.status_code == 200 and after.json()["results"][0]["entities"]


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    """Twelve photos and a file that only pretends to be one."""
    folder = tmp_path_factory.mktemp("collection")
    rng = np.random.default_rng(3)
    for number in range(12):
        pixels = rng.integers(0, 255, (48 + 4 * number, 64, 3), dtype=np.uint8)
        (folder / f"photo{number:02d}.png").write_bytes(encoded(Image.fromarray(pixels), "PNG"))
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    return folder


def test_a_collection_is_captioned_on_both_nodes_as_the_cli_does_and_a_rerun_resumes(cluster, collection, tmp_path):
    out = tmp_path / "captions.jsonl"
    command = [RNNAPP, "caption", "--ray", str(collection), "--out", str(out), "--address", cluster.address]
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stderr  # 1: the broken file, said in one line
    assert f"error: {collection / 'broken.jpg'}: the image is damaged" in done.stderr
    assert "captioned 12 images with 2 actors on 2 nodes" in done.stderr, done.stderr
    written = [json.loads(line) for line in out.read_text().splitlines()]
    paths = sorted(collection.glob("photo*.png"))
    expected = Captioner.load().predict_batch([p.read_bytes() for p in paths], [str(p) for p in paths])
    assert sorted(written, key=lambda answer: answer["image"]) == expected

    out.write_text("".join(line + "\n" for line in out.read_text().splitlines()[:5]) + '{"image": "cut sh')
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert "captioned 7 images" in done.stderr and "skipped 5 already in" in done.stderr, done.stderr
    rewritten = [json.loads(line) for line in out.read_text().splitlines()]  # the cut line is gone
    assert sorted(rewritten, key=lambda answer: answer["image"]) == expected
