"""`rnnapp caption [--json] [--beam N] [--decoder-words-only] IMAGE_OR_FOLDER ...`: caption photos
(`--ray --out captions.jsonl` for a collection on Ray Data: serving/caption/batch_job.py).

A folder is captioned whole (its images in name order, in batches, with a progress bar). An
unusable file gets one line on stderr and a non-zero exit; the other images are still captioned.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from tqdm import tqdm

from serving.caption.captioner import Captioner
from serving.cli import EXIT_BAD_INPUT, error, warned

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff"}
BATCH = 16


def image_paths(arguments: list[str]) -> Iterator[tuple[Path, str | None]]:
    """(path, None) for each image to caption, (path, message) for each argument that cannot be one."""
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
            if not found:
                yield path, f"no images ({', '.join(sorted(IMAGE_SUFFIXES))}) in this folder"
            yield from ((p, None) for p in found)
        elif not path.exists():
            yield path, "no such file"
        else:
            yield path, None


def human_line(result: dict) -> str:
    seen = ", ".join(f"{guess['label']} {guess['prob']:.0%}" for guess in result["imagenet_top5"][:3])
    named = "".join(f"; the CNN named {n['label']} {n['prob']:.0%} (its class: {n['imagenet_class']}) where the "
                    f"decoder said {n['decoder_said']}" for n in result["named_by_cnn"])
    return warned(f"{result['image']}: {result['caption']}  (score {result['score']:.2f}{named}; the CNN sees: {seen})",
                  result["warnings"])


def ray_command(args: argparse.Namespace, paths: list[tuple[Path, str | None]]) -> int:
    """`--ray`: the images on Ray Data, written to `--out`; the paths that are no images reported here."""
    from serving.caption.batch_job import OUTPUT_SUFFIXES, ClusterTooSmall, caption_collection

    if args.out is None or args.out.suffix not in OUTPUT_SUFFIXES:
        error(f"--ray writes its captions to a file: give --out NAME{' or NAME'.join(OUTPUT_SUFFIXES)}")
        return EXIT_BAD_INPUT
    for path, problem in paths:
        if problem is not None:
            error(f"{path}: {problem}")
    try:
        summary = caption_collection([path for path, problem in paths if problem is None], args.out, args.actors,
                                     args.cpus_per_actor, args.gpus_per_actor, args.beam,
                                     not args.decoder_words_only, args.address)
    except ClusterTooSmall as err:
        error(str(err))
        return EXIT_BAD_INPUT
    for problem in summary.errors:
        error(problem)
    print(summary.line(args.actors, args.out), file=sys.stderr, flush=True)
    return EXIT_BAD_INPUT if summary.errors or any(problem for _, problem in paths) else 0


def caption_command(args: argparse.Namespace) -> int:
    paths = list(image_paths(args.images))
    if args.ray:
        return ray_command(args, paths)
    captioner = Captioner.load()
    status = 0
    batch: list[tuple[Path, bytes]] = []

    def flush() -> int:
        answers = captioner.predict_batch([data for _, data in batch], [str(path) for path, _ in batch], args.beam,
                                          cnn_names=not args.decoder_words_only)
        batch.clear()
        for answer in answers:
            if "error" in answer:
                error(f"{answer['image']}: {answer['error']}")
            else:
                print(json.dumps(answer, ensure_ascii=False) if args.json else human_line(answer), flush=True)
        return EXIT_BAD_INPUT if any("error" in answer for answer in answers) else 0

    for path, problem in tqdm(paths, desc="captioning", unit="image", disable=None if len(paths) > BATCH else True,
                              file=sys.stderr):
        if problem is None:
            try:
                batch.append((path, path.read_bytes()))
            except OSError as err:
                problem = f"cannot be read ({err.strerror or type(err).__name__})"
        if problem is not None:
            if batch:  # what came before it is answered first: messages stay in the order of the inputs
                status = flush() or status
            error(f"{path}: {problem}")
            status = EXIT_BAD_INPUT
        if len(batch) == BATCH:
            status = flush() or status
    if batch:
        status = flush() or status
    return status


def add_commands(commands: argparse._SubParsersAction) -> None:
    caption = commands.add_parser("caption", help="caption photos with the attention LSTM",
                                  description="Caption each IMAGE, or every image in a folder.")
    caption.add_argument("--json", action="store_true", help="one JSON object per image")
    caption.add_argument("--beam", type=int, default=3, choices=range(1, 11), metavar="N", help="beam size (1-10)")
    caption.add_argument("--decoder-words-only", action="store_true",
                         help="keep the decoder's own words; do not let the CNN name the objects it is sure of")
    scale = caption.add_argument_group("a collection on Ray Data (installed by `make serve`)")
    scale.add_argument("--ray", action="store_true", help="caption on Ray Data actors, each loading the model once; "
                                                         "a rerun skips the images already in --out")
    scale.add_argument("--out", type=Path, help="with --ray: captions.jsonl (a line per image, as --json prints) "
                                                "or captions.parquet")
    scale.add_argument("--address", help="with --ray: join this Ray cluster instead of starting Ray here")
    scale.add_argument("--actors", type=int, default=2, choices=range(1, 257), metavar="N",
                       help="with --ray: how many captioning actors (default 2)")
    scale.add_argument("--cpus-per-actor", type=float, default=0.5, help="with --ray: CPUs each actor asks for")
    scale.add_argument("--gpus-per-actor", type=float, default=0, help="with --ray: GPUs each actor asks for")
    caption.add_argument("images", nargs="+", metavar="IMAGE", help="image files or folders of images")
    caption.set_defaults(handler=caption_command)
