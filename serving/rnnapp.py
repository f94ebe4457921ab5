"""`rnnapp`: every model from the command line, one subcommand each (installed by `make`).

    rnnapp caption [--json] [--beam N] [--decoder-words-only] IMAGE_OR_FOLDER ...
    rnnapp sentiment [--json] [TEXT ...]
    rnnapp ner [--json] [TEXT ...]
    rnnapp translate [--json] [--beam N] [TEXT ...]
    rnnapp nextword [--json] [-k K] [--complete] [TEXT ...]
    rnnapp generate [--json] [--max-words N] [--temperature T] [--top-k K] [--top-p P] [--seed S] [--raw] [TEXT ...]
    rnnapp music [--json] [--type T] [--key K] [--meter M] [--start ABC] [--seed S] [--bars N]
    rnnapp forecast [--json] [--horizon H] [--no-peers] FILE.csv
    rnnapp cells [--json] [--cell NAME ...] [TEXT ...]
    rnnapp serve [--host H] [--port P] [--models M,...] [--config serve.yaml] [--address RAY]

Text commands take one result per TEXT, or per stdin line when none is given (cells: all of stdin as one
text). A model adds its
subcommands here through its own `serving/<model>/cli.py`.
"""
from __future__ import annotations

import argparse
import sys

from serving.api import cli as api_cli
from serving.caption import cli as caption_cli
from serving.cells import cli as cells_cli
from serving.forecast import cli as forecast_cli
from serving.cli import run_guarded
from serving.music import cli as music_cli
from serving.ner import cli as ner_cli
from serving.nextword import cli as nextword_cli
from serving.sentiment import cli as sentiment_cli
from serving.translate import cli as translate_cli

COMMANDS = (caption_cli, sentiment_cli, ner_cli, translate_cli, nextword_cli, music_cli, forecast_cli, cells_cli,
            api_cli)


def build_parser(prog: str = "rnnapp") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Recurrent networks at work, from the command line.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.add_commands(commands)
    return parser


def main(argv: list[str] | None = None, prog: str = "rnnapp") -> int:
    args = build_parser(prog).parse_args(argv)
    return run_guarded(lambda: args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
