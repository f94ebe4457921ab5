"""`rnnapp sentiment`: negative / neutral / positive with 1-5 stars, for each text or stdin line."""
from __future__ import annotations

import argparse

from serving.cli import emit, for_each_input, warned
from serving.sentiment.classifier import SentimentClassifier, SentimentResult


def human_line(result: SentimentResult) -> str:
    confidence = result.probs[result.label]
    note = f" (only the first {len(result.read):,} characters were read)" if result.truncated else ""
    if result.unknown:
        note += f" (cannot read: {' '.join(result.unknown)})"
    return warned(f"{result.label:8s} {result.stars:.1f} stars  p={confidence:.2f}  {result.text}{note}",
                  result.warnings)


def sentiment_command(args: argparse.Namespace) -> int:
    classifier = SentimentClassifier.load()

    def handle(text: str) -> None:
        [result] = classifier.predict([text])
        emit(result.to_json(), human_line(result), args.json)

    return for_each_input(args.text, handle)


def add_commands(commands: argparse._SubParsersAction) -> None:
    sentiment = commands.add_parser("sentiment", help="negative / neutral / positive, with 1-5 stars",
                                    description="Classify each TEXT, or each line of stdin when none is given.")
    sentiment.add_argument("--json", action="store_true", help="one JSON object per input")
    sentiment.add_argument("text", nargs="*", metavar="TEXT")
    sentiment.set_defaults(handler=sentiment_command)
