"""Past one process (`python -m bench --scale`): the HTTP API on Ray Serve with batching on and off beside the
same models called in process, and a photo collection captioned on Ray Data with 1 and 2 actors beside one
process captioning it in batches.

The API rows time whole requests from concurrent clients on loopback (one text each), so they include
HTTP, the proxy and the hop to the replica; their peer is the same sentences through `predict_batch` in
this process, one call per sentence from as many threads. The Ray Data rows time the whole job as a user
runs it (actors start, load the model, caption, write), so few images favour the one process.
"""
from __future__ import annotations

import concurrent.futures
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.cases import ERRAND, REVIEW, Result
from serving.caption.captioner import Captioner
from serving.caption.gallery import gallery_photos
from serving.sentiment.classifier import SentimentClassifier
from serving.translate.translator import Translator

CLIENTS = 16  # requests in flight at once


def concurrently(call, items: list, clients: int = CLIENTS) -> tuple[np.ndarray, float]:
    """Milliseconds per call (each from the moment it was sent) and calls per second, `clients` at a time."""
    def timed(item) -> float:
        start = time.perf_counter()
        call(item)
        return (time.perf_counter() - start) * 1000

    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        list(pool.map(timed, items[:clients]))  # warm: connections, replicas, caches
        start = time.perf_counter()
        samples = list(pool.map(timed, items))
    return np.array(samples), len(items) / (time.perf_counter() - start)


def api_cases(requests: int) -> list[Result]:
    """Sentiment (1.5 ms of model per text: the HTTP path dominates) and translation (about 20 ms: the model
    dominates), each with batching on and off, beside the same calls in process."""
    import socket

    import httpx
    import ray

    from serving.api.cli import ServeSettings, run_api
    from serving.ray_session import connect

    work = {"sentiment": (SentimentClassifier.load(), [f"{REVIEW} (review {n})" for n in range(requests)]),
            "translate": (Translator.load(), [f"{ERRAND} ({n})" for n in range(requests // 4)])}
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    connect(log_to_driver=False)
    results = []
    try:
        with httpx.Client(timeout=120, limits=httpx.Limits(max_connections=CLIENTS)) as client:
            for model, (local, texts) in work.items():
                local_ms, local_rate = concurrently(lambda text: local.predict_batch([text]), texts)
                for batching, size in (("on", 16), ("off", 1)):
                    run_api([model], ServeSettings(
                        http={"host": "127.0.0.1", "port": port},
                        deployments={model: {"user_config": {"max_batch_size": size, "batch_wait_timeout_s": 0.005}}}))
                    ms, rate = concurrently(
                        lambda text: client.post(f"http://127.0.0.1:{port}/v1/{model}", json={"inputs": [text]}).json(),
                        texts)
                    results.append(Result(
                        f"api_{model}_batching_{batching}",
                        f"POST /v1/{model}, one text each, {CLIENTS} clients, batching {batching} (max batch {size}); "
                        f"peer: predict_batch in process from {CLIENTS} threads", ms, peer=("in process", local_ms),
                        extra={"requests_per_s": round(rate, 1), "peer_requests_per_s": round(local_rate, 1)}))
    finally:
        from ray import serve
        serve.shutdown()
        ray.shutdown()
    return results


def ray_data_cases(images: int) -> list[Result]:
    from serving.caption.batch_job import caption_collection

    photos = list(gallery_photos().values())
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for number in range(images):
            path = Path(folder) / f"photo{number:03d}.jpg"
            path.write_bytes(photos[number % len(photos)])
            paths.append(path)
        start = time.perf_counter()
        captioner = Captioner.load()
        for first in range(0, images, 16):
            captioner.predict_batch([p.read_bytes() for p in paths[first:first + 16]])
        one_process = time.perf_counter() - start
        import ray

        from serving.ray_session import connect

        connect(log_to_driver=False)  # started before the clock
        results = []
        try:
            for actors in (1, 2):
                start = time.perf_counter()
                caption_collection(paths, Path(folder) / f"captions-{actors}.jsonl", actors=actors)
                seconds = time.perf_counter() - start
                results.append(Result(
                    f"ray_data_caption_{actors}_actor{'s' * (actors > 1)}",
                    f"{images} photos captioned by rnnapp caption --ray ({actors} actor{'s' * (actors > 1)}; actors "
                    f"started and models loaded in the time, Ray already up); peer: one process, batches of 16, model "
                    f"load included", np.array([seconds * 1000]), items=images,
                    peer=("one process", np.array([one_process * 1000])),
                    extra={"peer_items_per_s": round(images / one_process, 1)}))
        finally:
            ray.shutdown()
    return results
