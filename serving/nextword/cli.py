"""`rnnapp nextword` (the likeliest next words) and `rnnapp generate` (continue a text)."""
from __future__ import annotations

import argparse

from serving.cli import emit_answer, for_each_input, warned
from serving.nextword.predictor import DEFAULT_TEMPERATURE, NextWordPredictor


def human_line(result: dict) -> str:
    def listed(words: list[dict]) -> str:
        return "  ".join(f"{w['word']} ({w['prob']:.1%})" for w in words)

    after = listed(result.get("after_typed_word", []))
    return warned(f"{result['text']} -> {listed(result['next_words']) or '(no word the model knows)'}"
                  + (f"  | then: {after}" if after else ""), result["warnings"])


def generated_line(result: dict) -> str:
    return warned(f"{result['text'].rstrip()} {result['continuation'].strip()}", result["warnings"])


def nextword_command(args: argparse.Namespace) -> int:
    predictor = NextWordPredictor.load()
    return for_each_input(args.text, lambda text: emit_answer(predictor.predict_batch([text], args.k, args.complete)[0],
                                                              human_line, args.json))


def generate_command(args: argparse.Namespace) -> int:
    predictor = NextWordPredictor.load()

    def handle(text: str) -> None:
        [answer] = predictor.continue_batch([text], max_words=args.max_words, temperature=args.temperature,
                                            top_k=args.top_k, top_p=args.top_p, seed=args.seed,
                                            whole_words=not args.raw)
        emit_answer(answer, generated_line, args.json)

    return for_each_input([" ".join(args.text)] if args.text else [], handle)


def add_commands(commands: argparse._SubParsersAction) -> None:
    nextword = commands.add_parser("nextword", help="the most likely next words",
                                   description="Suggest the next whole words after each TEXT (or stdin line).")
    nextword.add_argument("--json", action="store_true", help="one JSON object per input")
    nextword.add_argument("-k", type=int, default=5, choices=range(1, 21), metavar="K", help="how many words (1-20)")
    nextword.add_argument("--complete", action="store_true",
                          help="treat letters at the end of the text as a word still being typed, and complete it "
                               "(and when it is a word already, give the words after it too)")
    nextword.add_argument("text", nargs="*", metavar="TEXT")
    nextword.set_defaults(handler=nextword_command)

    generate = commands.add_parser("generate", help="continue a text",
                                   description="Continue TEXT (or each stdin line) word by word.")
    generate.add_argument("--json", action="store_true", help="one JSON object per input")
    generate.add_argument("--max-words", type=int, default=20, help="how many words to add (default 20)")
    generate.add_argument("--temperature", type=float, default=DEFAULT_TEMPERATURE,
                          help=f"0 is greedy; higher is bolder (default {DEFAULT_TEMPERATURE})")
    generate.add_argument("--top-k", type=int, default=40, help="sample from the K likeliest pieces (0: all)")
    generate.add_argument("--top-p", type=float, default=0.95, help="sample from the smallest set with this mass")
    generate.add_argument("--seed", type=int, help="make sampling reproducible")
    generate.add_argument("--raw", action="store_true",
                          help="sample the pieces as they come, which may spell words that do not exist (by default "
                               "every word written is a word of the training text)")
    generate.add_argument("text", nargs="*", metavar="TEXT")
    generate.set_defaults(handler=generate_command)
