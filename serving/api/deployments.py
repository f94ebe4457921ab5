"""The API on Ray Serve: one deployment per model, batching across requests with `@serve.batch`, behind the
FastAPI ingress of serving/api/http.py.

The ingress sends every input of a request as its own call, so a model's replica batches inputs from many
requests together (up to `max_batch_size`, waiting at most `batch_wait_timeout_s` for a batch to fill).
Replicas, CPUs or GPUs per replica and batch sizes come from a Serve config file (serve.yaml), which
`serve deploy` accepts on a cluster as it is and `rnnapp serve --config` reads on one machine.
"""
from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import BaseModel
from ray import serve
from ray.exceptions import RayError
from ray.serve.exceptions import RayServeException
from ray.serve.handle import DeploymentHandle

from serving.api.http import ApiError, build_api
from serving.api.models import SERVED

BATCHING = {"max_batch_size": 16, "batch_wait_timeout_s": 0.005}  # a replica's user_config unless serve.yaml says


@serve.deployment(max_ongoing_requests=64, ray_actor_options={"num_cpus": 0.25}, user_config=BATCHING)
class ModelReplica:
    """One model, loaded once per replica; answers batches of (route, input, options) from any number of
    requests, for every route it serves (the next-word model answers /v1/nextword and /v1/generate)."""

    def __init__(self, name: str):
        self.model = SERVED[name].load()

    def reconfigure(self, config: dict) -> None:
        """Batch settings from the deployment's user_config, changeable on a running cluster."""
        settings = {**BATCHING, **config}
        self.predict.set_max_batch_size(int(settings["max_batch_size"]))
        self.predict.set_batch_wait_timeout_s(float(settings["batch_wait_timeout_s"]))

    def about(self, route: str) -> dict:
        return SERVED[route].about(self.model)

    @serve.batch(**BATCHING)
    async def predict(self, calls: list[tuple[str, Any, dict]]) -> list[dict]:
        """Each call's answer: the calls to one route with the same options go to the model together."""
        answers: list[dict] = [{}] * len(calls)
        together: dict[tuple[str, str], list[int]] = defaultdict(list)
        for index, (route, _, options) in enumerate(calls):
            together[route, json.dumps(options, sort_keys=True)].append(index)
        for (route, options), indices in together.items():
            served = SERVED[route]
            found = await asyncio.to_thread(served.answer, self.model, [calls[i][1] for i in indices],
                                            served.options(**json.loads(options)))
            for index, answer in zip(indices, found):
                answers[index] = answer
        return answers


@serve.deployment(max_ongoing_requests=256, ray_actor_options={"num_cpus": 0})
@serve.ingress()
class Api:
    """The HTTP ingress: validates requests and fans their inputs out to the models' replicas."""

    def __init__(self, routes: list[str], **replicas: DeploymentHandle):
        self.routes, self.replicas = routes, replicas

    def __serve_build_asgi_app__(self):
        async def answer(name: str, inputs: list[Any], options: BaseModel) -> list[dict]:
            handle, settings = self.replicas[SERVED[name].replica], options.model_dump()
            with replica_failures_said(name):
                return list(await asyncio.gather(*(handle.predict.remote((name, item, settings)) for item in inputs)))

        async def about(name: str) -> dict:
            with replica_failures_said(name):
                return await self.replicas[SERVED[name].replica].about.remote(name)

        return build_api(answer, about, self.routes)


@contextmanager
def replica_failures_said(name: str) -> Iterator[None]:
    """A replica that died or is gone: the client gets 503 and may send the request again."""
    try:
        yield
    except (RayError, RayServeException) as err:
        raise ApiError(503, f"the {name} model could not answer ({type(err).__name__}); send the request again in "
                            "a few seconds")


def application(models: list[str] | None = None, deployments: dict[str, dict] | None = None) -> serve.Application:
    """The Serve application answering the routes of `models` (all by default), one deployment per model loaded
    (/v1/generate is answered by the nextword deployment); `deployments` maps a deployment's name ("Api" or a
    model's) to its options (num_replicas, ray_actor_options, user_config, ...), as a Serve config's entries."""
    settings, routes = deployments or {}, models or list(SERVED)
    replicas = {name: ModelReplica.options(name=name, **settings.get(name, {})).bind(name)
                for name in dict.fromkeys(SERVED[route].replica for route in routes)}
    return Api.options(**settings.get("Api", {})).bind(routes, **replicas)


def build(args: dict) -> serve.Application:
    """The application builder named by serve.yaml (`import_path: serving.api.deployments:build`); its `args`
    may list `models`."""
    models = args.get("models")
    return application(models.split(",") if isinstance(models, str) else models)
