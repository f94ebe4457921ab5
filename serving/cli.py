"""What every subcommand of `rnnapp` shares: reading inputs, printing results, never a traceback."""
from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator

from serving.artifact import ArtifactError
from serving.text import InputError

EXIT_BAD_INPUT = 1
EXIT_NO_MODEL = 2
EXIT_INTERNAL = 70


def input_lines(texts: list[str]) -> Iterator[tuple[str, str | None]]:
    """The texts given as arguments, else one per line of stdin: yields (label, text or None).

    Lines that are not valid UTF-8 yield None, so the caller reports them and goes on.
    """
    if texts:
        for number, text in enumerate(texts, 1):
            yield f"argument {number}", text
        return
    for number, raw in enumerate(sys.stdin.buffer, 1):
        try:
            yield f"line {number}", raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            yield f"line {number}", None


def error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr, flush=True)


def for_each_input(texts: list[str], handle: Callable[[str], None]) -> int:
    """Call `handle(text)` for every input; report unusable ones in one line each and carry on."""
    status = 0
    for where, text in input_lines(texts):
        if text is None:
            error(f"{where}: not valid UTF-8, skipped")
            status = EXIT_BAD_INPUT
            continue
        try:
            handle(text)
        except InputError as err:
            error(f"{where}: {err}")
            status = EXIT_BAD_INPUT
    return status


def warned(line: str, warnings: list[str]) -> str:
    """A human-readable result with the reasons it may mean little (serving/scope.py) after it, on the same
    line, so that each input still gives one line."""
    return line + "".join(f"  (warning: {warning})" for warning in warnings)


def emit(payload: dict, human: str, as_json: bool) -> None:
    """One result: a JSON object on one line with --json, else the human-readable line."""
    print(json.dumps(payload, ensure_ascii=False) if as_json else human, flush=True)


def emit_answer(answer: dict, human_line: Callable[[dict], str], as_json: bool) -> None:
    """One answer of a model's `predict_batch`: printed, or, for an unusable input, raised as the InputError
    that `for_each_input` reports."""
    if "error" in answer:
        raise InputError(answer["error"])
    emit(answer, human_line(answer), as_json)


def run_guarded(main: Callable[[], int]) -> int:
    """Run a command; turn every failure into one line on stderr and an exit status."""
    try:
        return main()
    except ArtifactError as err:
        error(str(err))
        return EXIT_NO_MODEL
    except KeyboardInterrupt:
        error("interrupted")
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (e.g. `| head`): nothing left to say
        return 0
    except Exception as err:  # the last line of defence: a message, never a traceback
        error(f"unexpected {type(err).__name__}: {err}")
        return EXIT_INTERNAL
