"""`rnnapp sentiment`: negative / neutral / positive with 1-5 stars, for each text or stdin line."""
from __future__ import annotations

import argparse

from serving.cli import emit_answer, for_each_input, warned
from serving.sentiment.classifier import SentimentClassifier


def human_line(result: dict) -> str:
    confidence = result["probs"][result["label"]]
    note = f" (only the first {result['read_chars']:,} characters were read)" if result["truncated"] else ""
    if result["unreadable"]:
        note += f" (cannot read: {' '.join(result['unreadable'])})"
    return warned(f"{result['label']:8s} {result['stars']:.1f} stars  p={confidence:.2f}  {result['text']}{note}",
                  result["warnings"])


def sentiment_command(args: argparse.Namespace) -> int:
    classifier = SentimentClassifier.load()
    return for_each_input(args.text, lambda text: emit_answer(classifier.predict_batch([text])[0], human_line,
                                                              args.json))


def add_commands(commands: argparse._SubParsersAction) -> None:
    sentiment = commands.add_parser("sentiment", help="negative / neutral / positive, with 1-5 stars",
                                    description="Classify each TEXT, or each line of stdin when none is given.")
    sentiment.add_argument("--json", action="store_true", help="one JSON object per input")
    sentiment.add_argument("text", nargs="*", metavar="TEXT")
    sentiment.set_defaults(handler=sentiment_command)
