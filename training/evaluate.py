"""`python -m training.evaluate MODEL`: a committed model as served (ONNX), beside its peer, on held-out data.

MODEL is sentiment (beside VADER), ner (beside spaCy, on the gold sentences and WNUT-16), translate (beside
Apertium, on held-out Bible books, held-out catalogues and the everyday sentences; on validation, also the
held-out slice of the distilled pairs), ner-validation
(tagger variants side by side on what choices are made on), nextword (beside a Kneser-Ney 5-gram), caption (beside a
nearest-neighbour captioner, on held-out scenes), caption-validation (caption models side by side on
the validation scenes of the training defaults: what a choice between models is made on) or
real-photos (the served caption, the decoder's own words and the CNN's top-1 label on the everyday
photos) or forecast (beside seasonal naive, ETS, ARIMA and Theta on every series' test horizons) or cells (the
character LSTM's bits per character beside a 5-gram, and its listed cells' correlations, on test text). Needs no
torch.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from serving.cli import run_guarded

MODELS = ("sentiment", "sentiment-everyday", "ner", "ner-validation", "translate", "nextword", "caption",
          "caption-validation", "real-photos", "forecast", "cells")


def evaluate(model: str, split: str, beam_size: int, model_dirs: list[Path]) -> None:
    if model == "sentiment":
        from serving.sentiment.classifier import SentimentClassifier
        from training.sentiment.data import load_splits
        from training.sentiment.evaluate import compare_with_vader, format_table

        examples = load_splits()[split]
        print(f"Sentiment, held-out {split} split ({len(examples)} sentences), ONNX model vs VADER:")
        print(format_table(compare_with_vader(SentimentClassifier.load(), examples)))
    elif model == "sentiment-everyday":
        from serving.artifact import model_dir
        from serving.sentiment.classifier import SentimentClassifier
        from training.sentiment.everyday import format_everyday, score_everyday

        for folder in model_dirs or [model_dir("sentiment")]:
            print(f"{folder}, everyday {split} sentences, beside VADER:")
            print(format_everyday(score_everyday(SentimentClassifier.load(folder), split)))
    elif model == "ner":
        from serving.ner.tagger import EntityTagger
        from training.ner.data import read_gold, read_wnut, spacy_pipeline
        from training.ner.evaluate import format_scores, score_beside_spacy

        tagger, nlp = EntityTagger.load(), spacy_pipeline()
        print(format_scores("Gold sentences (held out), entity F1, the tagger as served beside spaCy:",
                            score_beside_spacy(tagger, read_gold(), nlp)))
        print(format_scores("WNUT-16 tweets:", {"wnut16": score_beside_spacy(tagger, read_wnut(), nlp)["all"]}))
    elif model == "ner-validation":
        from serving.artifact import model_dir
        from training.ner.evaluate import compare_on_validation

        print(compare_on_validation(model_dirs or [model_dir("ner")]))
    elif model == "translate":
        from serving.artifact import model_dir
        from serving.translate.translator import Translator
        from training.translate.data import everyday_sets, held_out_english, held_out_pairs
        from training.translate.distilled import distilled_splits
        from training.translate.evaluate import format_scores, score_beside_apertium

        sets = {f"{split} {source}": pairs for source, pairs in held_out_pairs(split).items()}
        if split == "test":
            sets.update(everyday_sets())
        else:
            sets["validation distilled"] = distilled_splits(held_out_english())["validation"]
        for folder in model_dirs or [model_dir("translate")]:
            print(format_scores(f"{folder}: BLEU and chrF at beam {beam_size}, the model as served beside Apertium:",
                                score_beside_apertium(Translator.load(folder), sets, beam_size)))
    elif model == "nextword":
        from training.nextword.evaluate import evaluate_saved_model

        evaluate_saved_model(split)
    elif model == "caption":
        from training.caption.evaluate import evaluate_committed

        evaluate_committed()
    elif model == "forecast":
        from serving.artifact import load_artifact, model_dir
        from serving.forecast.catalogue import read_catalogue
        from training.forecast.data import split_series
        from training.forecast.evaluate import evaluate_forecaster, format_report

        for folder in model_dirs or [model_dir("forecast")]:
            artifact = load_artifact(folder)
            splits = split_series(read_catalogue())
            print(f"{folder}:\n{format_report(evaluate_forecaster(artifact, splits, split))}")
    elif model == "cells":
        import json

        from serving.artifact import load_artifact, model_dir
        from serving.cells.reader import CharModel
        from training.cells.artifact import score_on_test
        from training.cells.data import read_splits

        for folder in model_dirs or [model_dir("cells")]:
            scores = score_on_test(CharModel(load_artifact(folder)), read_splits()["test"])
            print(f"{folder}: the character LSTM as served beside the Kneser-Ney 5-gram, test text:")
            print(json.dumps(scores, indent=1))
    elif model == "caption-validation":
        from serving.artifact import model_dir
        from training.caption.evaluate import compare_on_validation

        compare_on_validation(model_dirs or [model_dir("caption")])
    else:
        from serving.artifact import load_artifact, model_dir
        from serving.caption.captioner import Captioner
        from serving.caption.detector import Detector
        from training.caption.real_photos import (CHECK_PHOTOS, CHECK_SETS, format_intervals, paired_rates, rates,
                                                  read_photos, report)

        detector = Detector(load_artifact(model_dir("detector")))
        folders = model_dirs or [model_dir("caption")]
        read = {folder: read_photos(Captioner(load_artifact(folder), detector), beam_size, CHECK_PHOTOS)
                for folder in folders}
        for folder, readings in read.items():
            print(f"{folder}:\n{report(readings)}")
            for name, photos in {**CHECK_SETS, "all": CHECK_PHOTOS}.items():
                chosen = [r for r in readings if r.photo in photos]
                print(f"\n{name} ({len(photos)} photos):\n" + rates(chosen))
                print("served caption beside the CNN's top-1 label (difference in share, 95% paired bootstrap "
                      "interval):\n" + format_intervals(paired_rates(chosen, chosen, 0, 3, ("subject named",))))
                for peer in folders[:1] if folder != folders[0] else []:
                    print(f"served caption beside {peer}'s:\n"
                          + format_intervals(paired_rates(chosen, [r for r in read[peer] if r.photo in photos])))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.evaluate", description=__doc__.split("\n\n")[0])
    parser.add_argument("model", choices=MODELS)
    parser.add_argument("--split", choices=["validation", "test"], default="test",
                        help="sentiment, sentiment-everyday, translate, nextword and forecast: the held-out split to score "
                             "(default test)")
    parser.add_argument("--beam", type=int, choices=range(1, 11), metavar="N",
                        help="real-photos (default 3) and translate (default 4): beam size (1-10)")
    parser.add_argument("--models", type=Path, nargs="+", default=[], metavar="DIR",
                        help="caption-validation, real-photos, sentiment-everyday, ner-validation, translate and forecast: "
                             "the model "
                             "folders to compare (default: the committed one; real-photos compares each with the "
                             "first)")
    args = parser.parse_args(argv)
    beam = args.beam or (4 if args.model == "translate" else 3)
    return run_guarded(lambda: evaluate(args.model, args.split, beam, args.models) or 0)


if __name__ == "__main__":
    sys.exit(main())
