"""`rnnapp music`: a folk tune written for the chosen type, key and meter; or, with --score, how likely the
model and its 5-gram peer find each tune of an ABC file."""
from __future__ import annotations

import argparse
from pathlib import Path

from serving.cli import EXIT_BAD_INPUT, emit, emit_answer, error
from serving.music.abc import AbcError, read_tune, split_tunes
from serving.music.composer import DEFAULT_TEMPERATURE, Choice, Composer

MAX_FILE_BYTES = 1_000_000  # O'Neill's whole collection is 400 kB


def written_text(result: dict) -> str:
    if not result["valid"]:
        return " ".join(result["tokens"]) + f"\n% not valid ABC: {result['not_valid_because']}"
    return result["abc"].rstrip() + f"\n% {result['bars']} bars"


def music_command(args: argparse.Namespace) -> int:
    composer = Composer.load()
    if args.score:
        return score_file(composer, args.score, args.json)
    choice = Choice(meter=args.meter, key=args.key, kind=args.type, opening=args.start or "",
                    temperature=args.temperature, top_k=args.top_k, seed=args.seed, bars=args.bars)
    [answer] = composer.predict_batch([choice])
    if "error" in answer:
        error(answer["error"])
        return EXIT_BAD_INPUT
    emit_answer(answer, written_text, args.json)
    return 0


def score_file(composer: Composer, path: Path, as_json: bool) -> int:
    """One line per tune of the file; a tune the reader does not take is said on stderr and skipped."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            error(f"{path}: over {MAX_FILE_BYTES // 1_000_000} MB; an ABC file of tunes is far smaller")
            return EXIT_BAD_INPUT
        text = path.read_bytes().decode("utf-8")
    except OSError as err:
        error(f"{path}: {err.strerror or err}")
        return EXIT_BAD_INPUT
    except UnicodeDecodeError:
        error(f"{path}: not UTF-8 text")
        return EXIT_BAD_INPUT
    tunes = split_tunes(text)
    if not tunes:
        error(f"{path}: no tunes in it (an ABC tune starts with an X: line, then a K: line)")
        return EXIT_BAD_INPUT
    status = 0
    for number, tune_text in enumerate(tunes, 1):
        try:
            scored = composer.score(read_tune(tune_text))
        except AbcError as err:
            error(f"{path}: tune {number}: {err}")
            status = EXIT_BAD_INPUT
            continue
        result = scored.to_json()
        emit(result, f"{result['title'] or f'tune {number}'}: {result['nll_per_token']:.3f} nats per token "
                     f"(5-gram {result['ngram_nll_per_token']:.3f}), {len(result['tokens'])} tokens", as_json)
    return status


def add_commands(commands: argparse._SubParsersAction) -> None:
    music = commands.add_parser("music", help="write a folk tune (or score the tunes of an ABC file)",
                                description="Write a folk tune in ABC, one note at a time; or, with --score, "
                                            "how likely the model and a 5-gram find each tune of FILE.abc.")
    music.add_argument("--json", action="store_true", help="one JSON object per tune")
    music.add_argument("--type", help="reel, jig, hornpipe, ... (default: the model chooses)")
    music.add_argument("--key", default="D", help="tonic and mode: D, Gm, Ador, Amix (default D)")
    music.add_argument("--meter", help="6/8, 2/2, 2/4, 3/4, 9/8, ... (default: the model chooses)")
    music.add_argument("--start", metavar="ABC", help="the opening notes, in ABC, in the chosen key")
    music.add_argument("--temperature", type=float, default=DEFAULT_TEMPERATURE,
                       help=f"0 always takes the likeliest token (default {DEFAULT_TEMPERATURE})")
    music.add_argument("--top-k", type=int, default=0, help="sample from the K likeliest tokens (0: all)")
    music.add_argument("--seed", type=int, help="the same seed writes the same tune again")
    music.add_argument("--bars", type=int, choices=range(1, 101), metavar="N",
                       help="stop after N bar lines (1-100; default: when the model ends the tune)")
    music.add_argument("--score", type=Path, metavar="FILE.abc", help="score every tune of the file instead")
    music.set_defaults(handler=music_command)
