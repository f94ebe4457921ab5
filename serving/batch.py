"""What every model's `predict_batch` shares: one batched call, and an unusable item answered in its place.

`predict_batch(inputs) -> results` is the one way the command line, the HTTP API, the batch jobs and the
pages (with `detail`, in process or through the API that RNNAPP_API names) ask a model for answers: each
result is the JSON object `rnnapp <model> --json` prints, or `{"error": ...}` for an item the model cannot
read, so one bad item never costs the others their answers.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from serving.caption.image_input import ImageInputError
from serving.text import InputError
from serving.wire import to_wire

UNUSABLE = (InputError, ImageInputError)


def item_error(message: str) -> dict:
    return {"error": message}


def answered(answer: dict, result: Any, detail: bool) -> dict:
    """`answer` (the --json object), and with `detail` the whole result under "detail" (serving/wire.py): what
    the pages draw beside it (attention maps, every tag's probability), the same from a remote API."""
    return {**answer, "detail": to_wire(result)} if detail else answer


def answer_each(items: Sequence[Any], run: Callable[[list], list[dict]]) -> list[dict]:
    """`run(items)` as one batch; when an item is unusable, each item alone, so the rest are still answered."""
    if not items:
        return []
    try:
        return run(list(items))
    except UNUSABLE:
        answers = []
        for item in items:
            try:
                [answer] = run([item])
            except UNUSABLE as err:
                answer = item_error(str(err))
            answers.append(answer)
        return answers
