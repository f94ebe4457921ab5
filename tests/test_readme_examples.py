"""README.md's command-line examples, run as a reader would run them, print what the README says they print.

An example is a line `$ COMMAND` in a fenced block of README.md; the lines after it, up to the next `$ ` line
or the end of the block, are its output (blank lines and `# ` comment lines aside). Words, labels and
punctuation must match exactly; `...` stands for text the README leaves out; a number may differ from the
README's by two units in its last printed place (onnxruntime's last bits differ between CPUs), a whole
number without a unit not at all.
"""
from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

README = REPO_ROOT / "README.md"
# Every rnnapp subcommand has an example, so a README that lost its examples (or a parser that finds
# none) fails here instead of passing with nothing checked.
SUBCOMMANDS = {"sentiment", "ner", "translate", "nextword", "generate", "caption", "music", "forecast", "cells"}
# The photos the caption examples name, as the README says: the Caption page's sample photos.
PHOTOS = {"coffee.png": "Coffee", "fruit.jpg": "Fruit", "holiday/cat.png": "Cat", "holiday/dog.png": "Dog"}
EXAMPLE_TABLE = "docs/examples/visitors.csv"  # the forecast example's made-up series, committed
NUMBER = r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?%?"
ELLIPSIS = "..."
LAST_PLACE_UNITS = 2
TIMEOUT = 120


@dataclass(frozen=True)
class Example:
    command: str
    output: tuple[str, ...]
    line: int  # where the command is in README.md, for the failure message


def readme_examples(text: str) -> list[Example]:
    """Every `$ ` command in a fenced block, with the output lines the README shows after it."""
    examples: list[Example] = []
    command, output, at, in_block = None, [], 0, False

    def close() -> None:
        if command is not None:
            examples.append(Example(command, tuple(output), at))

    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            if in_block:
                close()
                command, output = None, []
            in_block = not in_block
        elif in_block and line.startswith("$ "):
            close()
            command, output, at = line[2:], [], number
        elif in_block and command is not None and line.strip() and not line.startswith("# "):
            output.append(line)
    return examples


def line_pattern(expected: str) -> tuple[re.Pattern, list[str]]:
    """A pattern for one README output line (numbers captured, `...` matching anything) and its numbers."""
    parts, numbers = [], []
    for piece in re.split(f"({re.escape(ELLIPSIS)}|(?<![\\w.]){NUMBER}(?![\\w]))", expected):
        if piece == ELLIPSIS:
            parts.append(".*?")
        elif piece and re.fullmatch(NUMBER, piece):
            parts.append(f"({NUMBER})")
            numbers.append(piece)
        else:
            parts.append(re.escape(piece))
    return re.compile("".join(parts)), numbers


def close_enough(expected: str, actual: str) -> bool:
    """Two printed numbers agree when they are within LAST_PLACE_UNITS of the README number's last printed
    place; a whole number without a unit (a count, an offset) must be equal."""
    unit = "%" if expected.endswith("%") else ""
    if actual.endswith("%") != bool(unit):
        return False
    expected, actual = expected.rstrip("%"), actual.rstrip("%")
    mantissa, _, exponent = expected.lower().partition("e")
    if "." not in mantissa and not exponent and not unit:
        return expected == actual
    place = 10.0 ** (-len(mantissa.partition(".")[2]) + int(exponent or 0))
    return math.isclose(float(expected), float(actual), rel_tol=0, abs_tol=LAST_PLACE_UNITS * place * 1.0001)


def mismatch(expected: str, actual: str) -> str | None:
    """Why an actual output line is not the README's, or None when it is."""
    pattern, numbers = line_pattern(expected)
    found = pattern.fullmatch(actual)
    if found is None:
        return "the words differ"
    far = [(e, a) for e, a in zip(numbers, found.groups()) if not close_enough(e, a)]
    return f"numbers differ (README, printed): {far}" if far else None


@pytest.fixture(scope="module")
def photo_folder(tmp_path_factory) -> Path:
    """A folder holding the photos the README's caption examples name, read out of the fetched gallery
    packages (`python -m datafetch gallery`), and the forecast example's table."""
    from serving.caption.gallery import gallery_photos

    photos = gallery_photos()
    folder = tmp_path_factory.mktemp("readme")
    for name, title in PHOTOS.items():
        assert title in photos, f"the gallery photo {title} is not fetched: run python -m datafetch gallery"
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_bytes(photos[title])
    (folder / EXAMPLE_TABLE).parent.mkdir(parents=True)
    (folder / EXAMPLE_TABLE).write_bytes((REPO_ROOT / EXAMPLE_TABLE).read_bytes())
    return folder


EXAMPLES = readme_examples(README.read_text(encoding="utf-8"))


def test_every_subcommand_has_an_example_with_its_output():
    ran = {re.search(r"\brnnapp (\w+)", e.command).group(1) for e in EXAMPLES if "rnnapp " in e.command}
    assert ran == SUBCOMMANDS
    assert all(example.output for example in EXAMPLES), [e.command for e in EXAMPLES if not e.output]


def test_the_comparison_catches_changed_words_and_numbers():
    """The rule itself: an old README line against today's output fails, a last-digit wobble passes."""
    assert mismatch("negative ★★★☆☆ 2.8  p=0.53  Fine.", "negative 1.4 stars  p=0.85  Fine.") is not None
    assert mismatch("negative 2.8 stars  p=0.53  Fine.", "negative 1.4 stars  p=0.85  Fine.") is not None
    assert mismatch("negative 1.4 stars  p=0.85  Fine.", "negative 1.4 stars  p=0.86  Fine.") is None
    assert mismatch('{"end": 13, "prob": 7e-05}', '{"end": 14, "prob": 8e-05}') is not None  # an offset is exact
    assert mismatch("espresso 94%, cup 2%", "espresso 95%, cup 2%") is None
    assert mismatch('[{"a": 1}, ...]', '[{"a": 1}, {"a": 2}]') is None
    assert mismatch("Guarda el archivo.", "Guardar el archivo.") is not None


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.command for e in EXAMPLES])
def test_the_readme_example_prints_what_the_readme_shows(example, photo_folder):
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("RNNAPP_MODELS", None)  # the committed models, as a reader has them
    done = subprocess.run(["bash", "-o", "pipefail", "-c", example.command], cwd=photo_folder, env=env,
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    printed = done.stdout.splitlines()
    shown = "\n".join(printed)
    assert len(printed) == len(example.output), f"README.md line {example.line}: prints\n{shown}"
    for expected, actual in zip(example.output, printed):
        why = mismatch(expected, actual)
        assert why is None, f"README.md line {example.line}: {why}\nREADME: {expected}\nprints: {actual}"
