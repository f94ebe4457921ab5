"""Sentiment inference on the ONNX model (serving side: numpy and onnxruntime, no torch)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from serving.artifact import Artifact, load_artifact, model_dir
from serving.numeric import softmax
from serving.text import InputError, prepare_text
from serving.tokenizer import PAD_ID, WORD_START, load_tokenizer

MAX_TOKENS = 256
BATCH_SIZE = 128


@dataclass
class SentimentResult:
    text: str
    label: str
    probs: dict[str, float]
    rating: float  # predicted mean human rating, -4..+4
    truncated: bool = False

    @property
    def stars(self) -> float:
        """1..5 stars, a linear map of the rating (-4 -> 1, 0 -> 3, +4 -> 5)."""
        return float(np.clip(3.0 + self.rating / 2.0, 1.0, 5.0))

    @property
    def star_bar(self) -> str:
        """The stars rounded to whole ones, drawn: "★★★★☆"."""
        full = int(round(self.stars))
        return "\u2605" * full + "\u2606" * (5 - full)

    def to_json(self) -> dict:
        return {"text": self.text, "label": self.label, "stars": round(self.stars, 1),
                "probs": {k: round(v, 4) for k, v in self.probs.items()}}


@dataclass
class WordStep:
    """The prediction after reading the sentence up to and including `word`."""

    word: str
    probs: dict[str, float]
    rating: float


def pad_batch(token_lists: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Right-padded tokens [B, T] and lengths [B], int64: the model's two inputs."""
    lengths = np.array([len(t) for t in token_lists], dtype=np.int64)
    tokens = np.full((len(token_lists), int(lengths.max())), PAD_ID, dtype=np.int64)
    for row, ids in enumerate(token_lists):
        tokens[row, :len(ids)] = ids
    return tokens, lengths


class SentimentClassifier:
    """Loads the sentiment artifact once; `predict` and `running` are safe to call from many threads."""

    def __init__(self, artifact: Artifact):
        self.artifact = artifact
        self.labels: list[str] = artifact.manifest["labels"]
        self.session = artifact.session("model.onnx")
        self.tokenizer = load_tokenizer(artifact.file("tokenizer.model"))

    @classmethod
    def load(cls, path: Path | None = None) -> "SentimentClassifier":
        return cls(load_artifact(path or model_dir("sentiment")))

    def _run(self, token_lists: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """Right-pad, run the model, return (probs [B, 3], rating [B])."""
        tokens, lengths = pad_batch(token_lists)
        logits, rating = self.session.run(None, {"tokens": tokens, "lengths": lengths})
        return softmax(logits), rating

    def pieces(self, text: str) -> tuple[list, bool]:
        """sentencepiece pieces (id, piece, surface) cut to MAX_TOKENS, and whether they were cut."""
        found = self.tokenizer.encode(text, return_type="proto").pieces
        if not found:
            raise InputError("the text has nothing the model can read")
        return list(found[:MAX_TOKENS]), len(found) > MAX_TOKENS

    def encode(self, text: str) -> tuple[list[int], bool]:
        """Token ids cut to MAX_TOKENS, and whether they were cut."""
        pieces, cut = self.pieces(text)
        return [piece.id for piece in pieces], cut

    def predict(self, texts: list[str]) -> list[SentimentResult]:
        """Classify each text; raises InputError for text with nothing to read."""
        prepared = [prepare_text(text) for text in texts]
        results = []
        for start in range(0, len(prepared), BATCH_SIZE):
            chunk = prepared[start:start + BATCH_SIZE]
            encoded = [self.encode(text) for text, _ in chunk]
            probs, ratings = self._run([ids for ids, _ in encoded])
            for (text, text_cut), (_, tokens_cut), row, rating in zip(chunk, encoded, probs, ratings):
                results.append(SentimentResult(
                    text=text, label=self.labels[int(row.argmax())], rating=float(rating),
                    probs={label: float(p) for label, p in zip(self.labels, row)},
                    truncated=text_cut or tokens_cut))
        return results

    def running(self, text: str) -> list[WordStep]:
        """The prediction after each word, from one batched call over all word prefixes."""
        pieces, _ = self.pieces(prepare_text(text)[0])
        ids = [piece.id for piece in pieces]
        ends = [i for i in range(1, len(ids)) if pieces[i].piece.startswith(WORD_START)] + [len(ids)]
        probs, ratings = self._run([ids[:end] for end in ends])
        starts = [0] + ends[:-1]
        return [WordStep(word="".join(p.surface for p in pieces[start:end]).strip(),
                         probs={label: float(p) for label, p in zip(self.labels, row)}, rating=float(r))
                for start, end, row, r in zip(starts, ends, probs, ratings)]
