"""English -> Spanish with the exported encoder-decoder: encoder ONNX once per batch, then the shared
beam search (serving/beam_search.py) over the decoder-step ONNX.

Serving side: numpy, sentencepiece and onnxruntime. One Translator holds the artifact's two shared
sessions and is safe to call from many threads.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from serving.artifact import Artifact, load_artifact, model_dir
from serving.batch import answer_each, answered
from serving.beam_search import beam_search
from serving.scope import text_warnings
from serving.text import InputError, prepare_text
from serving.tokenizer import PAD_ID, UNK_ID, WORD_START, load_tokenizer, pad_batch

MAX_SOURCE_PIECES = 120  # about 80 words: the longest training sentences are 60
START, END = "<start>", "<end>"


def max_target_pieces(source_pieces: int) -> int:
    """The decoder's length cap: Spanish runs a little longer than English, never this much longer."""
    return min(2 * source_pieces + 10, 250)


@dataclass
class Translation:
    source: str  # what was translated (cleaned; cut at MAX_SOURCE_PIECES when `truncated`)
    translation: str
    score: float  # mean log-probability per piece of the best translation
    alternatives: list[tuple[str, float]]  # the rest of the n-best list, best first
    source_pieces: list[str]
    target_words: list[str]
    attention: np.ndarray  # [len(target_words), len(source_pieces)]: where the decoder looked for each word
    finished: bool  # False when the length cap ended it
    truncated: bool = False
    warnings: list[str] = field(default_factory=list)  # why the translation may mean little (serving/scope.py)

    def to_json(self) -> dict:
        return {"source": self.source, "translation": self.translation, "score": round(self.score, 4),
                "alternatives": [{"translation": t, "score": round(s, 4)} for t, s in self.alternatives],
                "truncated": self.truncated, "warnings": self.warnings}


def words_of_pieces(pieces: list[str]) -> list[list[int]]:
    """The piece indices of each word: a word starts at a piece marked with sentencepiece's "▁"."""
    words: list[list[int]] = []
    for index, piece in enumerate(pieces):
        if piece.startswith(WORD_START) or not words:
            words.append([])
        words[-1].append(index)
    return words


class Translator:
    def __init__(self, artifact: Artifact):
        self.artifact = artifact
        self.tokenizer = load_tokenizer(artifact.file(artifact.manifest["tokenizer"]["file"]))
        self.start_id, self.end_id = self.tokenizer.piece_to_id(START), self.tokenizer.piece_to_id(END)

    @classmethod
    def load(cls, folder: Path | None = None) -> Translator:
        return cls(load_artifact(folder or model_dir("translate")))

    def _source(self, text: str) -> tuple[str, list[int], bool]:
        """The cleaned text, its piece ids and whether it was cut to MAX_SOURCE_PIECES."""
        text, cut = prepare_text(text)
        ids = self.tokenizer.encode(text)
        if not ids:
            raise InputError("nothing to translate: type an English sentence")
        if len(ids) > MAX_SOURCE_PIECES:
            ids, cut = ids[:MAX_SOURCE_PIECES], True
            text = self.tokenizer.decode(ids)
        return text, ids, cut

    def predict_batch(self, texts: list[str], beam_size: int = 4, detail: bool = False) -> list[dict]:
        """Each text's translation as `rnnapp translate --json` prints it, or {"error": ...} (serving/batch.py);
        with `detail`, the whole Translation too (pieces and attention)."""
        return answer_each(texts, lambda chunk: [answered(found.to_json(), found, detail)
                                                 for found in self.translate(chunk, beam_size)])

    def translate(self, texts: list[str], beam_size: int = 4) -> list[Translation]:
        """The best translation and the n-best list of each text, in one batched search."""
        sources = [self._source(text) for text in texts]
        tokens, lengths = pad_batch([ids for _, ids, _ in sources])
        state = tuple(self.artifact.session("encoder.onnx").run(None, {"tokens": tokens, "lengths": lengths}))
        step_session = self.artifact.session("decoder_step.onnx")

        def step(last: np.ndarray, state: tuple[np.ndarray, ...]):
            h, memory, keys, mask = state
            log_probs, h, weights = step_session.run(None, {"tokens": last, "h": h, "memory": memory, "keys": keys,
                                                            "mask": mask})
            return log_probs, (h, memory, keys, mask), weights

        searched = beam_search(step, state, self.start_id, self.end_id, beam_size,
                               max_target_pieces(int(lengths.max())),
                               banned=(PAD_ID, UNK_ID, self.start_id))
        return [self._result(text, ids, cut, hypotheses) for (text, ids, cut), hypotheses in zip(sources, searched)]

    def _result(self, text: str, ids: list[int], cut: bool, hypotheses) -> Translation:
        best = hypotheses[0]
        pieces = [self.tokenizer.id_to_piece(i) for i in best.tokens]
        words = words_of_pieces(pieces)
        attention = best.attention[:, :len(ids)]
        return Translation(
            source=text, translation=self.tokenizer.decode(best.tokens), score=best.score,
            alternatives=[(self.tokenizer.decode(h.tokens), h.score) for h in hypotheses[1:]],
            source_pieces=[self.tokenizer.id_to_piece(i) for i in ids],
            target_words=["".join(pieces[i] for i in word).lstrip(WORD_START) for word in words],
            attention=np.stack([attention[word].mean(0) for word in words]) if words else attention[:0],
            finished=best.finished, truncated=cut, warnings=text_warnings(text))
