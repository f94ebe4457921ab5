"""`python -m training.train MODEL [--set KEY=VALUE ...] [--out DIR] [--resume]`: train, export, score and
write models/MODEL.

MODEL is sentiment, nextword, caption, ner, translate, gradlab, music, forecast or detector (converted, not
trained). Every setting of the model's dataclass can be set
with `--set` (`--show-settings` lists them with their values); `--resume` continues an interrupted
run from its last evaluation, refusing one saved with other settings.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from serving.artifact import model_dir
from training.settings import SettingsError, describe, with_settings

MODELS = ("sentiment", "nextword", "caption", "ner", "translate", "gradlab", "detector", "music", "forecast", "cells")
DATA_PARALLEL = ("caption", "translate")  # the loops that train on several ranks (training/distributed.py)


def trainer(model: str) -> tuple[type, Callable[..., Path]]:
    """The model's settings dataclass and its training function `train(settings, out_dir, resume)`."""
    if model == "sentiment":
        from training.sentiment.train import SentimentTraining, train_sentiment
        return SentimentTraining, train_sentiment
    if model == "nextword":
        from training.nextword.train import NextWordTraining, train_nextword
        return NextWordTraining, train_nextword
    if model == "caption":
        from training.caption.settings import CaptionTraining
        from training.caption.train import train_caption
        return CaptionTraining, train_caption
    if model == "ner":
        from training.ner.train import NerTraining, train_ner
        return NerTraining, train_ner
    if model == "translate":
        from training.translate.train import TranslateTraining, train_translate
        return TranslateTraining, train_translate
    if model == "music":
        from training.music.train import MusicTraining, train_music
        return MusicTraining, train_music
    if model == "forecast":
        from training.forecast.train import ForecastTraining, train_forecast
        return ForecastTraining, train_forecast
    if model == "cells":
        from training.cells.train import CellsTraining, train_cells
        return CellsTraining, train_cells
    if model == "detector":
        from training.detect.train import DetectorConversion, train_detector
        return DetectorConversion, train_detector
    from training.gradlab.train import LabTraining, train_gradlab
    return LabTraining, train_gradlab


def train_on_ray(train: Callable[..., Path], settings, out: Path, resume: bool, workers: int,
                 address: str | None) -> Path:
    """The same training function on `workers` Ray Train workers (TorchTrainer: DDP on gloo, one process group
    that training/distributed.py joins); rank 0 writes the artifact to `out`."""
    from ray.train import RunConfig, ScalingConfig
    from ray.train.torch import TorchTrainer

    from serving.ray_session import connect
    from training.settings import RUNS_DIR

    # the workers read and write the cache this command was told to use
    connect(address, runtime_env={"env_vars": {name: os.environ[name] for name in ("RNNAPP_CACHE",)
                                               if name in os.environ}})
    out = out.resolve()
    TorchTrainer(lambda: train(settings, out, resume=resume),
                 scaling_config=ScalingConfig(num_workers=workers, resources_per_worker={"CPU": 0.5}),
                 run_config=RunConfig(storage_path=str((RUNS_DIR / "ray-train").resolve()))).fit()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.train", description=__doc__.split("\n\n")[0],
                                     epilog="example: python -m training.train sentiment --set max_epochs=3 "
                                            "--set seed=1 --out /tmp/sentiment")
    parser.add_argument("model", choices=MODELS)
    parser.add_argument("--set", dest="assignments", action="append", default=[], metavar="KEY=VALUE",
                        help="change one training setting (repeat for more)")
    parser.add_argument("--out", type=Path, help="artifact folder (default: models/MODEL)")
    parser.add_argument("--resume", action="store_true", help="continue an interrupted run from its last evaluation")
    parser.add_argument("--show-settings", action="store_true", help="print the settings and stop")
    parser.add_argument("--ray-workers", type=int, metavar="N",
                        help="train data-parallel on N Ray Train workers (caption, translate); torchrun "
                             "--nproc_per_node=N does the same without Ray")
    parser.add_argument("--address", help="with --ray-workers: the Ray cluster to train on (default: start Ray here)")
    args = parser.parse_args(argv)
    settings_class, train = trainer(args.model)
    try:
        settings = with_settings(settings_class, args.assignments)
    except SettingsError as err:
        parser.error(str(err))
    print(f"{args.model} settings:\n{describe(settings)}", flush=True)
    if args.show_settings:
        return 0
    out = args.out or model_dir(args.model)
    if int(os.environ.get("WORLD_SIZE", "1")) > 1 and args.model not in DATA_PARALLEL:
        parser.error(f"torchrun trains {' and '.join(DATA_PARALLEL)} only")
    if args.ray_workers:
        if args.model not in DATA_PARALLEL:
            parser.error(f"--ray-workers trains {' and '.join(DATA_PARALLEL)} only")
        out = train_on_ray(train, settings, out, args.resume, args.ray_workers, args.address)
    else:
        out = train(settings, out, resume=args.resume)
    if os.environ.get("RANK", "0") == "0":  # under torchrun only rank 0 writes
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
