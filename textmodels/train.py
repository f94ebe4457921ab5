"""`python -m textmodels.train {sentiment,nextword}`: train, export, evaluate and write models/<name>/."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from runtime.artifact import model_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m textmodels.train", description=__doc__)
    parser.add_argument("model", choices=["sentiment", "nextword"])
    parser.add_argument("--out", type=Path, help="artifact folder (default: models/<model>)")
    parser.add_argument("--epochs", type=int, help="sentiment: maximum number of epochs")
    parser.add_argument("--steps", type=int, help="nextword: number of training steps")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--resume", action="store_true", help="continue an interrupted run from its last evaluation")
    args = parser.parse_args(argv)
    out = args.out or model_dir(args.model)
    if args.model == "sentiment":
        from textmodels.sentiment_train import SentimentTraining, train_sentiment
        settings = SentimentTraining(seed=args.seed)
        train = train_sentiment
    else:
        from textmodels.nextword_train import NextWordTraining, train_nextword
        settings = NextWordTraining(seed=args.seed)
        train = train_nextword
    if args.epochs and args.model == "sentiment":
        settings.max_epochs = args.epochs
    if args.steps and args.model == "nextword":
        settings.max_steps = args.steps
    print(f"wrote {train(settings, out, resume=args.resume)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
