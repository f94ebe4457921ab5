"""`rnnapp translate [--json] [--beam N] [TEXT ...]`: English -> Spanish, one result per TEXT or stdin line."""
from __future__ import annotations

import argparse

from serving.cli import emit_answer, for_each_input, warned
from serving.translate.translator import Translator


def human_line(result: dict) -> str:
    note = " (only the first words were translated)" if result["truncated"] else ""
    return warned(f"{result['translation']}  (score {result['score']:.2f}){note}", result["warnings"])


def translate_command(args: argparse.Namespace) -> int:
    translator = Translator.load()
    return for_each_input(args.text, lambda text: emit_answer(translator.predict_batch([text], args.beam)[0],
                                                              human_line, args.json))


def add_commands(commands: argparse._SubParsersAction) -> None:
    translate = commands.add_parser("translate", help="translate English into Spanish with the encoder-decoder",
                                    description="Translate each TEXT, or each line of stdin when none is given, "
                                                "from English into Spanish (beam search over the decoder).")
    translate.add_argument("--json", action="store_true",
                           help="one JSON object per input: source, translation, score, alternatives")
    translate.add_argument("--beam", type=int, default=4, choices=range(1, 11), metavar="N",
                           help="beam size, 1-10 (default 4; 1 is greedy); the n-best list is N long")
    translate.add_argument("text", nargs="*", metavar="TEXT")
    translate.set_defaults(handler=translate_command)
