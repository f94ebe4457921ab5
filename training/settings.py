"""Every training command's settings: a plain dataclass per model, any field settable as `--set KEY=VALUE`.

Values are read by the field's type: int, float, str, bool (true/false), a path, a tuple of ints
(comma-separated) and, where a field may be None, `none`. The dataclass checks its own values, so
a setting is validated the same way from the command line, a test or a manifest.
"""
from __future__ import annotations

import dataclasses
import types
import typing
from pathlib import Path

from datafetch.registry import CACHE_DIR

RUNS_DIR = CACHE_DIR.parent / "runs"  # checkpoints, tokenizers, feature caches and staged artifacts of runs
_TRUE, _FALSE = {"true", "yes", "1", "on"}, {"false", "no", "0", "off"}


class SettingsError(ValueError):
    """A --set that names no setting or holds a value of the wrong kind; the message says which."""


def _parse(kind: object, text: str) -> object:
    """`text` read as a value of the annotated type `kind`."""
    options = typing.get_args(kind)
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        if text.lower() == "none" and type(None) in options:
            return None
        return _parse(next(option for option in options if option is not type(None)), text)
    if typing.get_origin(kind) is tuple:
        return tuple(_parse(options[0], part.strip()) for part in text.split(",") if part.strip())
    if kind is bool:
        if text.lower() not in _TRUE | _FALSE:
            raise ValueError("not true or false")
        return text.lower() in _TRUE
    if kind in (int, float, str, Path):
        return kind(text)
    raise TypeError(f"settings of type {kind} cannot be set from the command line")


def describe(settings: object) -> str:
    """One line per setting: its name, type and current value."""
    hints = typing.get_type_hints(type(settings))
    return "\n".join(f"  {field.name} = {getattr(settings, field.name)!r}  ({_type_name(hints[field.name])})"
                     for field in dataclasses.fields(settings))


def _type_name(kind: object) -> str:
    """"int", "float | None", "tuple[int, ...]": the annotation as written."""
    return str(kind).replace("pathlib.", "") if typing.get_args(kind) else kind.__name__


def with_settings(cls: type, assignments: list[str]) -> object:
    """An instance of the dataclass `cls` with each "KEY=VALUE" of `assignments` applied to its defaults."""
    hints = typing.get_type_hints(cls)
    names = {field.name for field in dataclasses.fields(cls) if field.init}
    values = {}
    for assignment in assignments:
        key, equals, text = assignment.partition("=")
        key = key.strip().replace("-", "_")
        if not equals or key not in names:
            raise SettingsError(f"{assignment!r} is not KEY=VALUE with one of these keys:\n{describe(cls())}")
        try:
            values[key] = _parse(hints[key], text.strip())
        except ValueError as err:
            raise SettingsError(f"{key}={text!r}: not a {_type_name(hints[key])} ({err})") from None
    try:
        return cls(**values)
    except ValueError as err:
        raise SettingsError(str(err)) from None
