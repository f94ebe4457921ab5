"""`rnnapp caption --ray FOLDER... --out captions.jsonl`: a photo collection captioned on Ray Data.

Each actor loads the captioner once and captions batches of files with `Captioner.predict_batch`, so every
line is what `rnnapp caption --json` prints for that image. Resumable: images already in the output are
skipped. A `.jsonl` output grows a line per image as they finish (a crash loses nothing written); a
`.parquet` output is written whole when the job ends, its columns the same fields.
"""
from __future__ import annotations

import json
import logging
import math
import os
import sys
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from serving.caption.captioner import Captioner

BATCH = 16
ACTOR_START_S = 300  # an actor pool the cluster cannot place fails after this, instead of waiting forever
OUTPUT_SUFFIXES = (".jsonl", ".parquet")


class CaptionActor:
    """A Ray Data actor: the captioner loaded once, then batches of paths -> their JSON answers."""

    def __init__(self, beam_size: int, cnn_names: bool):
        import ray

        self.captioner = Captioner.load()
        self.beam_size, self.cnn_names = beam_size, cnn_names
        self.node = ray.get_runtime_context().get_node_id()

    def __call__(self, batch: dict) -> dict:
        paths = [str(path) for path in batch["path"]]
        files, unreadable = [], {}
        for path in paths:
            try:
                files.append(Path(path).read_bytes())
            except OSError as err:
                files.append(b"")
                unreadable[path] = f"cannot be read ({err.strerror or type(err).__name__})"
        answers = self.captioner.predict_batch(files, paths, self.beam_size, self.cnn_names)
        answers = [{"image": path, "error": unreadable[path]} if path in unreadable else answer
                   for path, answer in zip(paths, answers)]
        return {"answer": [json.dumps(answer, ensure_ascii=False) for answer in answers],
                "node": [self.node] * len(paths)}


@dataclass
class JobSummary:
    captioned: int = 0
    skipped: int = 0  # already in the output
    errors: list[str] = field(default_factory=list)  # "path: message", one per unusable image
    per_node: Counter = field(default_factory=Counter)  # node id -> images captioned there

    def line(self, actors: int, out: Path) -> str:
        nodes = len(self.per_node)
        return (f"captioned {self.captioned} images with {actors} actors on {nodes} node{'s' * (nodes != 1)}"
                f"{f', skipped {self.skipped} already in {out}' if self.skipped else ''}"
                f"{f', {len(self.errors)} could not be used' if self.errors else ''}; wrote {out}")


def already_written(out: Path) -> list[dict]:
    """The answers a previous run wrote to `out` (none if it does not exist); a cut-off last line is removed."""
    if not out.exists():
        return []
    if out.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(out).to_pylist()
    text = out.read_text(encoding="utf-8")
    if text and not text.endswith("\n"):  # a run stopped mid-line: the cut line goes, new lines start clean
        text = text[:text.rfind("\n") + 1]
        out.write_text(text, encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


class ClusterTooSmall(RuntimeError):
    """The cluster could not start the actors asked for; str(err) says what to change."""


def rows_or_clear_error(answers, actors: int, cpus: float, gpus: float):
    import ray

    try:
        yield from answers.iter_rows()
    except ray.exceptions.GetTimeoutError:
        raise ClusterTooSmall(f"the cluster could not start {actors} actors of {cpus:g} CPUs and {gpus:g} GPUs "
                              f"in {ACTOR_START_S} s: ask for fewer (--actors, --cpus-per-actor, --gpus-per-actor)")


def caption_collection(paths: list[Path], out: Path, actors: int = 2, cpus_per_actor: float = 0.5,
                       gpus_per_actor: float = 0, beam_size: int = 3, cnn_names: bool = True,
                       address: str | None = None) -> JobSummary:
    """Caption `paths` with `actors` Ray Data actors (spread over the cluster's nodes), adding to `out`."""
    import ray

    from serving.ray_session import connect

    written = already_written(out)
    done = {Path(answer["image"]).resolve() for answer in written}
    todo = [str(path) for path in paths if path.resolve() not in done]
    summary = JobSummary(skipped=len(paths) - len(todo))
    if not todo:
        return summary
    connect(address, log_to_driver=False)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    context.wait_for_min_actors_s = ACTOR_START_S  # every actor loaded before work is handed out, or a clear error
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    # batches of up to BATCH images, but small enough that every actor gets some (Ray Data joins blocks into
    # a task until it holds a batch)
    batch = max(1, min(BATCH, math.ceil(len(todo) / (2 * actors))))
    blocks = math.ceil(len(todo) / batch)
    with warnings.catch_warnings():  # Ray 2.60 has no named parameter for an actor pool's placement yet
        warnings.simplefilter("ignore", DeprecationWarning)
        answers = ray.data.from_items([{"path": path} for path in todo], override_num_blocks=blocks).map_batches(
            CaptionActor, fn_constructor_args=(beam_size, cnn_names), batch_size=batch,
            compute=ray.data.ActorPoolStrategy(size=actors, max_tasks_in_flight_per_actor=1),
            num_cpus=cpus_per_actor, num_gpus=gpus_per_actor, scheduling_strategy="SPREAD")  # a node each first
    fresh: list[dict] = []
    with tqdm(total=len(todo), desc="captioning", unit="image", file=sys.stderr, disable=None) as progress, \
            (out.open("a", encoding="utf-8") if out.suffix == ".jsonl" else open(os.devnull, "w")) as lines:
        for row in rows_or_clear_error(answers, actors, cpus_per_actor, gpus_per_actor):
            answer = json.loads(row["answer"])
            if "error" in answer:
                summary.errors.append(f"{answer['image']}: {answer['error']}")
            else:
                lines.write(row["answer"] + "\n")
                lines.flush()
                fresh.append(answer)
                summary.captioned += 1
                summary.per_node[row["node"]] += 1
            progress.update()
    if out.suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(written + fresh), out)
    return summary
