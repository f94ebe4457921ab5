"""A model's whole result as JSON and back, so that a page asking a remote API (RNNAPP_API) draws what it
would draw from the model in its own process.

A result dataclass goes out as its fields (an array as its shape, dtype and values; tuples as lists) and comes
back as the same class, read off its type hints: no per-class code, and nothing but plain JSON on the wire.
"""
from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

import numpy as np


def to_wire(value: Any) -> Any:
    """`value` (dataclasses, arrays, lists, tuples, dicts and JSON scalars, nested) as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: to_wire(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, np.ndarray):
        return {"shape": list(value.shape), "dtype": str(value.dtype), "values": value.ravel().tolist()}
    if isinstance(value, (list, tuple)):
        return [to_wire(item) for item in value]
    if isinstance(value, dict):
        return {key: to_wire(item) for key, item in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    return value


def from_wire(kind: Any, data: Any) -> Any:
    """The value of type `kind` that `to_wire` wrote as `data`."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind is np.ndarray:
        return np.asarray(data["values"], dtype=data["dtype"]).reshape(data["shape"])
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return kind(**{field.name: from_wire(hints[field.name], data[field.name])
                       for field in dataclasses.fields(kind) if field.init and field.name in data})
    if origin in (typing.Union, types.UnionType):
        if data is None:
            return None
        inner = [arg for arg in args if arg is not type(None)]
        if len(inner) != 1:
            raise TypeError(f"from_wire reads X | None, not {kind}")
        return from_wire(inner[0], data)
    if origin is list:
        return [from_wire(args[0], item) for item in data]
    if origin is tuple:
        kinds = [args[0]] * len(data) if len(args) == 2 and args[1] is Ellipsis else args
        return tuple(from_wire(item_kind, item) for item_kind, item in zip(kinds, data))
    if origin is dict:
        return {key: from_wire(args[1], item) for key, item in data.items()}
    if kind is float:
        return float(data)
    return data
