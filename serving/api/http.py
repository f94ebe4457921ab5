"""The API's HTTP face (FastAPI): routes, limits and errors, whatever answers the models.

`build_api(answer, about, models)` takes `answer(model, inputs, options) -> results` and `about(model)`
(awaitable): Ray Serve's deployments answer them in `rnnapp serve` (serving/api/deployments.py), the models
in this process in tests and benchmarks (`in_process`). A request malformed as a whole gets 400 (not JSON),
413 (too large) or 422 (wrong fields, too many inputs), each as `{"error": "..."}`; an unusable item in a
good request gets `{"error": "..."}` as its result and the others are answered.
"""
from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from serving.api.models import SERVED
from serving.text import MAX_CHARS

MAX_INPUTS = 64  # items per request
MAX_BODY_BYTES = 32 * 1024 * 1024  # a request's body: about 24 MB of images once base64-encoded
LIMITS = (f"At most {MAX_INPUTS} inputs and {MAX_BODY_BYTES // 2 ** 20} MiB per request; a text is read up to "
          f"{MAX_CHARS:,} characters (the result says when it was cut); an image up to the CLI's pixel limit.")

Answer = Callable[[str, list[Any], BaseModel], Awaitable[list[dict]]]  # (model, inputs, options) -> results
About = Callable[[str], Awaitable[dict]]  # model -> its manifest, provider and facts


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class Results(BaseModel):
    results: list[dict[str, Any]] = Field(description="one per input, in order: the object `rnnapp <model> --json` "
                                                      "prints, or {\"error\": ...} for an input that cannot be used")


def request_model(name: str, options: type[BaseModel]) -> type[BaseModel]:
    return create_model(f"{name.capitalize()}Request",
                        __config__=ConfigDict(extra="forbid"),
                        inputs=(list[Any], Field(min_length=1, max_length=MAX_INPUTS)),
                        options=(options, Field(default_factory=options)))


REQUESTS = {name: request_model(name, served.options) for name, served in SERVED.items()}


def validation_message(err: ValidationError | RequestValidationError) -> str:
    """Pydantic's errors as one line a person can act on: where, then what."""
    parts = []
    for problem in err.errors():
        where = ".".join(str(part) for part in problem["loc"] if part != "body") or "the body"
        parts.append(f"{where}: {problem['msg']}")
    return "; ".join(parts)


async def parse_request(request: Request, model: str) -> tuple[list[Any], BaseModel]:
    """The request's inputs and options, or ApiError: JSON for every model; a multipart upload of files (with
    options as form fields) for the captioner."""
    served = SERVED[model]
    if request.headers.get("content-type", "").startswith("multipart/form-data") and model == "caption":
        async with request.form(max_files=MAX_INPUTS, max_fields=20) as form:
            files = [item for _, item in form.multi_items() if isinstance(item, UploadFile)]
            fields = {key: value for key, value in form.multi_items() if isinstance(value, str)}
            payload = {"inputs": [{"name": upload.filename or f"image {number}", "data": await upload.read()}
                                  for number, upload in enumerate(files, 1)], "options": fields}
    else:
        try:
            payload = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise ApiError(400, 'the body is not JSON: send {"inputs": [...]}' +
                           (" or a multipart upload of files" if model == "caption" else ""))
    try:
        parsed = REQUESTS[model].model_validate(payload)
    except ValidationError as err:
        raise ApiError(422, validation_message(err))
    return served.prepare(parsed.inputs), parsed.options


class BodyLimit:
    """ASGI middleware: a body over `limit` bytes gets 413 before it is read whole (by its Content-Length, or
    by counting what arrives)."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope["headers"]).get(b"content-length", b"0")
        if length.isdigit() and int(length) > self.limit:
            return await too_large(self.limit)(scope, receive, send)
        seen = 0

        async def counted():  # a body sent in chunks: the route's reading stops at the limit
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise ApiError(413, too_large_message(self.limit))
            return message

        await self.app(scope, counted, send)


def too_large_message(limit: int) -> str:
    return f"the request is over {limit // 2 ** 20} MiB: send fewer or smaller inputs"


def too_large(limit: int) -> JSONResponse:
    return JSONResponse({"error": too_large_message(limit)}, 413)


def build_api(answer: Answer, about: About, models: list[str]) -> FastAPI:
    api = FastAPI(title="rnnapp", version="1", description="Recurrent networks at work, over HTTP. " + LIMITS)

    @api.exception_handler(ApiError)
    async def api_error(request: Request, err: ApiError) -> JSONResponse:
        return JSONResponse({"error": err.message}, err.status)

    @api.exception_handler(HTTPException)
    async def http_error(request: Request, err: HTTPException) -> JSONResponse:
        message = f"no such route: {request.url.path} (see /docs)" if err.status_code == 404 else str(err.detail)
        return JSONResponse({"error": message}, err.status_code)

    @api.exception_handler(RequestValidationError)
    async def invalid(request: Request, err: RequestValidationError) -> JSONResponse:
        return JSONResponse({"error": validation_message(err)}, 422)

    @api.get("/health", summary="the models this server answers")
    async def health() -> dict:
        return {"models": models}

    for name in models:
        add_model_routes(api, name, answer, about)
    api.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)
    return api


def add_model_routes(api: FastAPI, name: str, answer: Answer, about: About) -> None:
    served = SERVED[name]
    body = {"content": {"application/json": {"schema": REQUESTS[name].model_json_schema()}}, "required": True}
    if name == "caption":
        body["content"]["multipart/form-data"] = {"schema": {"type": "object", "properties": {
            "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
            **{option: {"type": "string"} for option in served.options.model_fields}}}}

    async def predict(request: Request) -> Results:
        inputs, options = await parse_request(request, name)
        return Results(results=await answer(name, inputs, options))

    api.add_api_route(f"/v1/{name}", predict, methods=["POST"], response_model=Results, summary=served.summary,
                      description=f"inputs: {served.inputs}. {LIMITS}", openapi_extra={"requestBody": body})

    async def describe() -> dict:
        return await about(name)

    api.add_api_route(f"/v1/{name}/about", describe, methods=["GET"],
                      summary=f"the {name} model's manifest (data, metrics, licence), where it runs, what it reads")


def in_process(models: list[str]) -> FastAPI:
    """The API answered by the models loaded in this process (no Ray): for tests, benchmarks and one-machine
    use."""
    loaded = {replica: SERVED[replica].load() for replica in dict.fromkeys(SERVED[name].replica for name in models)}

    async def answer(name: str, inputs: list[Any], options: BaseModel) -> list[dict]:
        return await asyncio.to_thread(SERVED[name].answer, loaded[SERVED[name].replica], inputs, options)

    async def about(name: str) -> dict:
        return SERVED[name].about(loaded[SERVED[name].replica])

    return build_api(answer, about, models)
