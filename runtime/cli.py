"""What every command-line entry point shares: reading inputs and never showing a traceback."""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterator

from runtime.artifact import ArtifactError

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


def run_guarded(main: Callable[[], int]) -> int:
    """Run a CLI's main; turn every failure into one line on stderr and an exit status."""
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
