"""`python -m textmodels sentiment [--json] [TEXT ...]`: one result per text (or per stdin line)."""
from __future__ import annotations

import argparse
import json
import sys

from runtime.cli import EXIT_BAD_INPUT, error, input_lines, run_guarded
from textmodels.sentiment import SentimentClassifier, SentimentResult
from textmodels.text_input import InputError


def star_bar(stars: float) -> str:
    full = int(round(stars))
    return "\u2605" * full + "\u2606" * (5 - full)


def human_line(result: SentimentResult) -> str:
    confidence = result.probs[result.label]
    note = " (truncated)" if result.truncated else ""
    return f"{result.label:8s} {star_bar(result.stars)} {result.stars:.1f}  p={confidence:.2f}  {result.text}{note}"


def sentiment_command(args: argparse.Namespace) -> int:
    classifier = SentimentClassifier.load()
    status = 0
    for where, text in input_lines(args.text):
        if text is None:
            error(f"{where}: not valid UTF-8, skipped")
            status = EXIT_BAD_INPUT
            continue
        try:
            [result] = classifier.predict([text])
        except InputError as err:
            error(f"{where}: {err}")
            status = EXIT_BAD_INPUT
            continue
        print(json.dumps(result.to_json(), ensure_ascii=False) if args.json else human_line(result), flush=True)
    return status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m textmodels", description="RNN text models from the command line.")
    commands = parser.add_subparsers(dest="command", required=True)
    sentiment = commands.add_parser("sentiment", help="negative / neutral / positive, with 1-5 stars",
                                    description="Classify each TEXT, or each line of stdin when none is given.")
    sentiment.add_argument("--json", action="store_true", help="one JSON object per input")
    sentiment.add_argument("text", nargs="*", metavar="TEXT")
    sentiment.set_defaults(handler=sentiment_command)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_guarded(lambda: args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
