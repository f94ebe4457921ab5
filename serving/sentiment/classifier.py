"""Sentiment inference on the ONNX model (serving side: numpy and onnxruntime, no torch)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from serving.artifact import Artifact, load_artifact, model_dir
from serving.batch import answer_each, answered
from serving.numeric import softmax
from serving.sentiment.lexicon import LEXICON_FILE, Lexicon, pad_valences, piece_valences
from serving.scope import text_warnings
from serving.text import InputError, prepare_text
from serving.tokenizer import WORD_START, load_tokenizer, pad_batch
from serving.wire import to_wire

MAX_TOKENS = 256
BATCH_SIZE = 128


@dataclass
class SentimentResult:
    text: str
    label: str  # the likeliest of the three
    probs: dict[str, float]
    read: str = ""  # the part of the text the model read (all of it unless `truncated`)
    unknown: list[str] = field(default_factory=list)  # parts it cannot read (emoji, unseen scripts)
    truncated: bool = False
    warnings: list[str] = field(default_factory=list)  # why the verdict may mean little (serving/scope.py)

    @property
    def stars(self) -> float:
        """1..5 stars read off the same probabilities as the label: negative 1, neutral 3, positive 5,
        weighted by how likely each is. So a negative verdict is under 3 stars, a positive one over 3."""
        return 3.0 + 2.0 * (self.probs["positive"] - self.probs["negative"])

    def to_json(self) -> dict:
        return {"text": self.text, "label": self.label, "stars": round(self.stars, 2),
                "probs": {k: round(v, 4) for k, v in self.probs.items()}, "read_chars": len(self.read),
                "truncated": self.truncated, "unreadable": self.unknown, "warnings": self.warnings}


@dataclass
class WordStep:
    """The prediction after reading the sentence up to and including `word`."""

    word: str
    probs: dict[str, float]


class SentimentClassifier:
    """Loads the sentiment artifact once; `predict` and `running` are safe to call from many threads."""

    def __init__(self, artifact: Artifact):
        self.artifact = artifact
        self.labels: list[str] = artifact.manifest["labels"]
        self.session = artifact.session("model.onnx")
        self.tokenizer = load_tokenizer(artifact.file("tokenizer.model"))
        reads_valences = artifact.manifest["config"].get("valence_input", False)
        self.lexicon = Lexicon.read(artifact.file(LEXICON_FILE)) if reads_valences else None

    @classmethod
    def load(cls, path: Path | None = None) -> "SentimentClassifier":
        return cls(load_artifact(path or model_dir("sentiment")))

    def feeds(self, piece_lists: list[list]) -> dict[str, np.ndarray]:
        """The model's inputs for a batch of piece lists: right-padded tokens, lengths and, when the model
        reads them, each piece's word valence."""
        tokens, lengths = pad_batch([[piece.id for piece in pieces] for pieces in piece_lists])
        feeds = {"tokens": tokens, "lengths": lengths}
        if self.lexicon is not None:
            feeds["valences"] = pad_valences([self.valences(pieces) for pieces in piece_lists])
        return feeds

    def valences(self, pieces: list) -> list[float]:
        """Each piece's word valence in its sentence, by the artifact's lexicon and VADER's rules (for a model
        that reads them)."""
        return piece_valences(pieces, self.lexicon)

    def _run(self, piece_lists: list[list]) -> np.ndarray:
        """Run the model on a batch of piece lists, return the class probabilities [B, 3]."""
        logits, _ = self.session.run(None, self.feeds(piece_lists))  # the rating head trains only
        return softmax(logits)

    def pieces(self, text: str) -> tuple[list, bool]:
        """sentencepiece pieces (id, piece, surface) cut to MAX_TOKENS, and whether they were cut."""
        found = self.tokenizer.encode(text, return_type="proto").pieces
        if not found:
            raise InputError("the text has nothing the model can read")
        return list(found[:MAX_TOKENS]), len(found) > MAX_TOKENS

    def predict(self, texts: list[str]) -> list[SentimentResult]:
        """Classify each text; raises InputError for text with nothing to read."""
        prepared = [prepare_text(text) for text in texts]
        results = []
        for start in range(0, len(prepared), BATCH_SIZE):
            chunk = prepared[start:start + BATCH_SIZE]
            read = [self.pieces(text) for text, _ in chunk]
            probs = self._run([pieces for pieces, _ in read])
            for (text, text_cut), (pieces, tokens_cut), row in zip(chunk, read, probs):
                results.append(SentimentResult(
                    text=text, label=self.labels[int(row.argmax())],
                    probs={label: float(p) for label, p in zip(self.labels, row)},
                    read="".join(piece.surface for piece in pieces).strip(),
                    unknown=[piece.surface.strip() for piece in pieces if piece.id == self.tokenizer.unk_id()],
                    truncated=text_cut or tokens_cut, warnings=text_warnings(text)))
        return results

    def predict_batch(self, texts: list[str], detail: bool = False, running: bool = False) -> list[dict]:
        """Each text's result as `rnnapp sentiment --json` prints it, or {"error": ...} (serving/batch.py); with
        `detail`, the whole SentimentResult too, and with `running`, the verdict after each word."""
        def answers(chunk: list[str]) -> list[dict]:
            found = [answered(result.to_json(), result, detail) for result in self.predict(chunk)]
            if running:
                for text, answer in zip(chunk, found):
                    answer["running"] = to_wire(self.running(text))
            return found

        return answer_each(texts, answers)

    def running(self, text: str) -> list[WordStep]:
        """The prediction after each word, from one batched call over all word prefixes."""
        pieces, _ = self.pieces(prepare_text(text)[0])
        ends = [i for i in range(1, len(pieces)) if pieces[i].piece.startswith(WORD_START)] + [len(pieces)]
        probs = self._run([pieces[:end] for end in ends])
        starts = [0] + ends[:-1]
        return [WordStep(word="".join(p.surface for p in pieces[start:end]).strip(),
                         probs={label: float(p) for label, p in zip(self.labels, row)})
                for start, end, row in zip(starts, ends, probs)]
