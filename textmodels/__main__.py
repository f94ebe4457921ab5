"""The text models from the command line (one result per TEXT, or per stdin line when none is given).

    python -m textmodels sentiment [--json] [TEXT ...]
    python -m textmodels nextword [--json] [-k 5] [--complete] [TEXT ...]
    python -m textmodels generate [--json] [--max-words N] [--temperature T] [--top-k K] [--top-p P] [--seed S] TEXT
"""
from __future__ import annotations

import argparse
import json
import sys

from runtime.cli import EXIT_BAD_INPUT, error, input_lines, run_guarded
from textmodels.nextword import NextWordPredictor
from textmodels.sentiment import SentimentClassifier, SentimentResult
from textmodels.text_input import InputError


def star_bar(stars: float) -> str:
    full = int(round(stars))
    return "\u2605" * full + "\u2606" * (5 - full)


def human_line(result: SentimentResult) -> str:
    confidence = result.probs[result.label]
    note = " (truncated)" if result.truncated else ""
    return f"{result.label:8s} {star_bar(result.stars)} {result.stars:.1f}  p={confidence:.2f}  {result.text}{note}"


def for_each_input(texts: list[str], handle) -> int:
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


def emit(payload: dict, human: str, as_json: bool) -> None:
    print(json.dumps(payload, ensure_ascii=False) if as_json else human, flush=True)


def sentiment_command(args: argparse.Namespace) -> int:
    classifier = SentimentClassifier.load()

    def handle(text: str) -> None:
        [result] = classifier.predict([text])
        emit(result.to_json(), human_line(result), args.json)

    return for_each_input(args.text, handle)


def nextword_command(args: argparse.Namespace) -> int:
    predictor = NextWordPredictor.load()

    def handle(text: str) -> None:
        suggestions = predictor.next_words(text, k=args.k, complete=args.complete)
        words = "  ".join(f"{w.word} ({w.prob:.1%})" for w in suggestions.words)
        emit(suggestions.to_json(text), f"{text} -> {words}", args.json)

    return for_each_input(args.text, handle)


def generate_command(args: argparse.Namespace) -> int:
    predictor = NextWordPredictor.load()

    def handle(text: str) -> None:
        continuation = predictor.generate(text, max_words=args.max_words, temperature=args.temperature,
                                          top_k=args.top_k, top_p=args.top_p, seed=args.seed)
        emit({"text": text, "continuation": continuation}, f"{text.rstrip()} {continuation.strip()}", args.json)

    return for_each_input([" ".join(args.text)] if args.text else [], handle)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m textmodels", description="RNN text models from the command line.")
    commands = parser.add_subparsers(dest="command", required=True)
    sentiment = commands.add_parser("sentiment", help="negative / neutral / positive, with 1-5 stars",
                                    description="Classify each TEXT, or each line of stdin when none is given.")
    sentiment.add_argument("--json", action="store_true", help="one JSON object per input")
    sentiment.add_argument("text", nargs="*", metavar="TEXT")
    sentiment.set_defaults(handler=sentiment_command)

    nextword = commands.add_parser("nextword", help="the most likely next words",
                                   description="Suggest the next whole words after each TEXT (or stdin line).")
    nextword.add_argument("--json", action="store_true", help="one JSON object per input")
    nextword.add_argument("-k", type=int, default=5, choices=range(1, 21), metavar="K", help="how many words (1-20)")
    nextword.add_argument("--complete", action="store_true",
                          help="treat letters at the end of the text as a word still being typed, and complete it")
    nextword.add_argument("text", nargs="*", metavar="TEXT")
    nextword.set_defaults(handler=nextword_command)

    generate = commands.add_parser("generate", help="continue a text",
                                   description="Continue TEXT (or each stdin line) word by word.")
    generate.add_argument("--json", action="store_true", help="one JSON object per input")
    generate.add_argument("--max-words", type=int, default=20, help="how many words to add (default 20)")
    generate.add_argument("--temperature", type=float, default=0.8, help="0 is greedy; higher is bolder")
    generate.add_argument("--top-k", type=int, default=40, help="sample from the K likeliest pieces (0: all)")
    generate.add_argument("--top-p", type=float, default=0.95, help="sample from the smallest set with this mass")
    generate.add_argument("--seed", type=int, help="make sampling reproducible")
    generate.add_argument("text", nargs="*", metavar="TEXT")
    generate.set_defaults(handler=generate_command)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_guarded(lambda: args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
