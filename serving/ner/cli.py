"""`rnnapp ner`: the named entities of each text or stdin line, with every word's tag."""
from __future__ import annotations

import argparse

from serving.cli import emit, for_each_input, warned
from serving.ner.tagger import EntityTagger, TaggedText


def human_line(result: TaggedText) -> str:
    marked, at = [], 0
    for entity in result.entities:
        marked += [result.text[at:entity.start], f"[{entity.text}]{entity.label}"]
        at = entity.end
    note = " (only the first words were read)" if result.truncated else ""
    found = "" if result.entities else "  (no names found)"
    return warned("".join(marked) + result.text[at:] + found + note, result.warnings)


def ner_command(args: argparse.Namespace) -> int:
    tagger = EntityTagger.load()

    def handle(text: str) -> None:
        [result] = tagger.tag([text])
        emit(result.to_json(), human_line(result), args.json)

    return for_each_input(args.text, handle)


def add_commands(commands: argparse._SubParsersAction) -> None:
    ner = commands.add_parser("ner", help="named entities: people, places, organisations, other names",
                              description="Tag each TEXT, or each line of stdin when none is given: BIO tags per "
                                          "word over PER, LOC, ORG and MISC.")
    ner.add_argument("--json", action="store_true", help="one JSON object per input: text, entities, tokens")
    ner.add_argument("text", nargs="*", metavar="TEXT")
    ner.set_defaults(handler=ner_command)
