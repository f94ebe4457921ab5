"""`rnnapp cells TEXT`: the character LSTM reading TEXT: every character with the chosen cells' activations
and the model's three likeliest next characters, its bits per character beside the 5-gram's, and the cells
found tracking a named feature on held-out text."""
from __future__ import annotations

import argparse
import sys

from serving.cells.reader import MAX_CHARS, CharModel
from serving.cli import EXIT_BAD_INPUT, emit_answer, error
from serving.text import InputError


BARS = " ▁▂▃▄▅▆▇█"


def shown(char: str) -> str:
    return {"\n": "\\n", "\t": "\\t", " ": "' '"}.get(char, char)


def sparkline(values: list[float]) -> str:
    """One bar per character, from -1 (empty) to +1 (full)."""
    return "".join(BARS[round((min(1.0, max(-1.0, v)) + 1) / 2 * (len(BARS) - 1))] for v in values)


def cells_text(answer: dict) -> str:
    """The text as read, then a sparkline per unit under it (Karpathy's view in a terminal), the guess after the
    last character and the bits per character beside the 5-gram's."""
    chars = answer["chars"]
    features: dict[str, list[str]] = {}
    for cell in answer["interpretable_cells"]:
        features.setdefault(cell["cell"], []).append(f"{cell['feature']} {cell['correlation']:+.2f}")
    lines = ["".join("↵" if c["char"] == "\n" else c["char"] if c["char"].isprintable() else "?" for c in chars)]
    for unit in chars[0]["cells"]:
        lines.append(f"{sparkline([c['cells'][unit] for c in chars])}  {unit}"
                     + (f" (r: {', '.join(features[unit])})" if unit in features else ""))
    guesses = ", ".join(f"{shown(g['char'])} {g['probability']:.0%}" for g in chars[-1]["next"])
    lines.append(f"next after the last character: {guesses}")
    if answer["bits_per_char"] is not None:
        lines.append(f"bits per character: LSTM {answer['bits_per_char']:.2f}, 5-gram "
                     f"{answer['ngram_bits_per_char']:.2f}")
    if answer["truncated"]:
        lines.append(f"note: only the first {MAX_CHARS} characters were read")
    return "\n".join(lines)


def cells_command(args: argparse.Namespace) -> int:
    texts = args.text or [sys.stdin.buffer.read().decode("utf-8", errors="replace")]
    model = CharModel.load()
    try:
        answers = model.predict_batch(texts, args.cell)
    except InputError as err:
        error(str(err))
        return EXIT_BAD_INPUT
    status = 0
    for answer in answers:
        try:
            emit_answer(answer, cells_text, args.json)
        except InputError as err:
            error(str(err))
            status = EXIT_BAD_INPUT
    return status


def add_commands(commands: argparse._SubParsersAction) -> None:
    cells = commands.add_parser("cells", help="watch a character LSTM read a text, cell by cell",
                                description="The character LSTM reads TEXT (or all of stdin) one character at a "
                                            "time: each character with the chosen cells' activations (a cell "
                                            "state through tanh) and the "
                                            "likeliest next characters, bits per character beside a 5-gram, "
                                            f"and the cells that track a named feature. At most {MAX_CHARS} "
                                            "characters are read.")
    cells.add_argument("--json", action="store_true", help="one JSON object per text")
    cells.add_argument("--cell", action="append", metavar="NAME",
                       help="a unit to show, such as 'layer 2 cell 37' (repeat for more; default: the cells "
                            "found tracking a feature)")
    cells.add_argument("text", nargs="*", help="the text (default: all of stdin, line breaks kept)")
    cells.set_defaults(handler=cells_command)
