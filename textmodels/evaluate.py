"""`python -m textmodels.evaluate {sentiment,nextword}`: the served ONNX model beside its peer, held out."""
from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m textmodels.evaluate", description=__doc__)
    parser.add_argument("model", choices=["sentiment", "nextword"])
    parser.add_argument("--split", choices=["validation", "test"], default="test")
    args = parser.parse_args(argv)
    if args.model == "sentiment":
        from textmodels.sentiment import SentimentClassifier
        from textmodels.sentiment_data import load_splits
        from textmodels.sentiment_eval import compare_with_vader, format_table

        examples = load_splits()[args.split]
        print(f"Sentiment, held-out {args.split} split ({len(examples)} sentences), ONNX model vs VADER:")
        print(format_table(compare_with_vader(SentimentClassifier.load(), examples)))
    else:
        from textmodels.nextword_eval import evaluate_saved_model

        evaluate_saved_model(args.split)
    return 0


if __name__ == "__main__":
    sys.exit(main())
