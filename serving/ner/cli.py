"""`rnnapp ner`: the named entities of each text or stdin line, with every word's tag."""
from __future__ import annotations

import argparse

from serving.cli import emit_answer, for_each_input, warned
from serving.ner.tagger import EntityTagger


def human_line(result: dict) -> str:
    text, marked, at = result["text"], [], 0
    for entity in result["entities"]:
        marked += [text[at:entity["start"]], f"[{entity['text']}]{entity['label']}"]
        at = entity["end"]
    note = " (only the first words were read)" if result["truncated"] else ""
    found = "" if result["entities"] else "  (no names found)"
    return warned("".join(marked) + text[at:] + found + note, result["warnings"])


def ner_command(args: argparse.Namespace) -> int:
    tagger = EntityTagger.load()
    return for_each_input(args.text, lambda text: emit_answer(tagger.predict_batch([text])[0], human_line, args.json))


def add_commands(commands: argparse._SubParsersAction) -> None:
    ner = commands.add_parser("ner", help="named entities: people, places, organisations, other names",
                              description="Tag each TEXT, or each line of stdin when none is given: BIO tags per "
                                          "word over PER, LOC, ORG and MISC.")
    ner.add_argument("--json", action="store_true", help="one JSON object per input: text, entities, tokens")
    ner.add_argument("text", nargs="*", metavar="TEXT")
    ner.set_defaults(handler=ner_command)
