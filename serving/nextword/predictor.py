"""Next-word inference on the ONNX GRU language model: suggestions, completions and sampling.

Serving side (numpy and onnxruntime, no torch). A prefix cache keeps the model states of texts seen
before, so typing one more word feeds only its own pieces; `serving.nextword.words` turns the
piece model into whole words.
"""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from serving.artifact import Artifact, load_artifact, model_dir
from serving.batch import answer_each, answered
from serving.nextword.words import PARAGRAPH, PieceVocabulary, WordCandidate, top_next_words, word_list
from serving.numeric import log_softmax
from serving.sampling import sample
from serving.scope import text_warnings
from serving.text import MAX_CHARS, InputError, prepare_text
from serving.tokenizer import load_tokenizer

MAX_CONTEXT_PIECES = 512
MAX_GENERATED_WORDS = 200
DEFAULT_TEMPERATURE = 0.7  # reads as sentences; from 0.8 the text wanders from one novel's names to another's
_PARTIAL_WORD = re.compile(r"\w+$")


class GRUPieceModel:
    """The ONNX step `(tokens [B, T], hidden [L, B, H]) -> (logits [B, T, V], hidden)`; a state is [L, H]."""

    def __init__(self, session, num_layers: int, hidden_size: int):
        self.session = session
        self.num_layers, self.hidden_size = num_layers, hidden_size

    def initial_state(self) -> np.ndarray:
        return np.zeros((self.num_layers, self.hidden_size), dtype=np.float32)

    def run_sequence(self, ids, state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Feed a sequence from `state`: (log-probs after each of its pieces [T, V], new state)."""
        logits, hidden = self.session.run(None, {"tokens": np.asarray(ids, dtype=np.int64)[None, :],
                                                 "hidden": state[:, None, :]})
        return log_softmax(logits[0]), hidden[:, 0, :]

    def run(self, ids, state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Feed a sequence from `state`: (log-probs after its last piece [V], new state)."""
        log_probs, hidden = self.run_sequence(ids, state)
        return log_probs[-1], hidden

    def advance(self, states: list, pieces: list[int]) -> tuple[list, np.ndarray]:
        logits, hidden = self.session.run(None, {"tokens": np.array(pieces, dtype=np.int64)[:, None],
                                                 "hidden": np.stack(states, axis=1)})
        return list(np.moveaxis(hidden, 1, 0)), log_softmax(logits[:, -1])


class PrefixCache:
    """Model states of texts seen before, so typing one more word feeds only the new pieces.

    Holds (ids -> state, log-probs) checkpoints; a new text resumes from the longest checkpoint
    whose ids are a prefix of its own, which also makes backspace cheap. Shared by all sessions.
    """

    def __init__(self, model: GRUPieceModel, start_ids: list[int], capacity: int = 256):
        self.model, self.capacity = model, capacity
        self._lock = threading.Lock()
        self._start = tuple(start_ids)
        log_probs, state = model.run(start_ids, model.initial_state())
        self._start_entry = (state, log_probs)
        self._entries: OrderedDict[tuple[int, ...], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self.pieces_fed = 0  # how many pieces the model has read, for tests and the page's small print

    def state_after(self, ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """(state, next-piece log-probs) after reading `ids` (which begin with the start ids)."""
        key = tuple(ids)
        with self._lock:
            best = max((k for k in self._entries if key[:len(k)] == k), key=len, default=None)
            if best is None:
                best, (state, log_probs) = self._start, self._start_entry
            else:
                state, log_probs = self._entries[best]
                self._entries.move_to_end(best)
        if len(best) < len(key):
            log_probs, state = self.model.run(list(key[len(best):]), state)
            with self._lock:
                self.pieces_fed += len(key) - len(best)
                self._entries[key] = (state, log_probs)
                if len(self._entries) > self.capacity:
                    self._entries.popitem(last=False)
        return state, log_probs


@dataclass
class Suggestions:
    context: str  # the text the words follow
    partial: str  # the half-typed word being completed ("" when predicting a new word)
    words: list[WordCandidate]
    # when the half-typed word is itself a word: the words that would follow it, as a phone keyboard offers
    after_partial: list[WordCandidate] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # why the words may mean little (serving/scope.py)

    def to_json(self, text: str) -> dict:
        def listed(words: list[WordCandidate]) -> list[dict]:
            return [{"word": w.word, "prob": round(w.prob, 5)} for w in words]

        return {"text": text, "next_words": listed(self.words),
                **({"after_typed_word": listed(self.after_partial)} if self.partial else {}), "warnings": self.warnings}


class NextWordPredictor:
    """Loads the language-model artifact once; safe to share between threads and sessions."""

    def __init__(self, artifact: Artifact):
        self.artifact = artifact
        self.tokenizer = load_tokenizer(artifact.file("tokenizer.model"))
        self.vocab = PieceVocabulary.from_tokenizer(self.tokenizer, word_list(artifact))
        config = artifact.manifest["config"]
        self.model = GRUPieceModel(artifact.session("model.onnx"), config["num_layers"], config["hidden_size"])
        self.paragraph_id = self.tokenizer.piece_to_id(PARAGRAPH)
        self.cache = PrefixCache(self.model, [self.paragraph_id])

    @classmethod
    def load(cls, path: Path | None = None) -> "NextWordPredictor":
        return cls(load_artifact(path or model_dir("nextword")))

    def encode(self, text: str) -> list[int]:
        """The paragraph mark, then the pieces of `text` (the newest MAX_CONTEXT_PIECES of them)."""
        return [self.paragraph_id] + self.tokenizer.encode(text)[-(MAX_CONTEXT_PIECES - 1):] if text else \
            [self.paragraph_id]

    @staticmethod
    def clean(text: str) -> str:
        """The text as the model reads it: its last MAX_CHARS characters, tidied; "" is a valid start."""
        if not isinstance(text, str):
            raise InputError(f"expected text, got {type(text).__name__}")
        try:
            return prepare_text(text[-MAX_CHARS:])[0]
        except InputError:  # nothing left once cleaned (whitespace, control characters): a text's start, as "" is
            return ""

    def next_words(self, text: str, k: int = 5, complete: bool = False) -> Suggestions:
        """The k most likely next words after `text` (or completions of its last word, with `complete`).

        With `complete`, letters at the very end (no space after them) are a word still being typed;
        when they already spell a known word, the words that would follow it come too.
        """
        cleaned = self.clean(text)
        match = _PARTIAL_WORD.search(cleaned) if complete and not text[-1:].isspace() else None
        context, partial = (cleaned[:match.start()], match.group()) if match else (cleaned, "")
        words = self._top_words(context, k, partial)
        after = self._top_words(cleaned, k) if partial and partial in self.vocab.known else []
        return Suggestions(context.rstrip(), partial, words, after, text_warnings(cleaned, short_is_fine=True))

    def predict_batch(self, texts: list[str], k: int = 5, complete: bool = False, detail: bool = False) -> list[dict]:
        """Each text's next words as `rnnapp nextword --json` prints them, or {"error": ...} (serving/batch.py);
        with `detail`, the whole Suggestions too."""
        def answers(chunk: list[str]) -> list[dict]:
            found = [self.next_words(text, k, complete) for text in chunk]
            return [answered(words.to_json(text), words, detail) for text, words in zip(chunk, found)]

        return answer_each(texts, answers)

    def continue_batch(self, texts: list[str], max_words: int = 20, temperature: float = DEFAULT_TEMPERATURE,
                       top_k: int = 0, top_p: float = 1.0, seed: int | None = None,
                       whole_words: bool = True) -> list[dict]:
        """Each text continued, as `rnnapp generate --json` prints it, or {"error": ...} (serving/batch.py)."""
        return answer_each(texts, lambda chunk: [
            {"text": text, "continuation": self.generate(text, max_words, temperature, top_k, top_p, seed, whole_words),
             "warnings": text_warnings(text, short_is_fine=True)} for text in chunk])

    @property
    def known_words(self) -> int:
        """How many words the suggestions come from."""
        return len(self.vocab.known)

    @property
    def pieces_fed(self) -> int | None:
        """How many pieces the prefix cache has fed the model so far (a page shows what a keystroke cost)."""
        return self.cache.pieces_fed

    def _top_words(self, context: str, k: int, partial: str = "") -> list[WordCandidate]:
        """The k likeliest words after the cleaned `context` (completions of `partial` when one is given)."""
        state, log_probs = self.cache.state_after(self.encode(context))
        return top_next_words(self.model, state, log_probs, self.vocab, k=k, partial=partial)

    def generate(self, text: str, max_words: int = 20, temperature: float = DEFAULT_TEMPERATURE, top_k: int = 0,
                 top_p: float = 1.0, seed: int | None = None, whole_words: bool = True) -> str:
        """Continue `text` by `max_words` words; temperature 0 is greedy. Returns only the continuation.
        With `whole_words` every word written is a word of the training text (or punctuation); without, the
        pieces are sampled as they come and may spell words that do not exist ("Expot")."""
        return self.tokenizer.decode(list(self.sampled_pieces(text, max_words, temperature, top_k, top_p, seed,
                                                              whole_words)))

    def written(self, text: str, max_words: int = 20, temperature: float = DEFAULT_TEMPERATURE, top_k: int = 0,
                top_p: float = 1.0, seed: int | None = None, whole_words: bool = True) -> Iterator[str]:
        """`generate` as it is written: the text each sampled piece adds, for a page to show as it comes."""
        return self._text_of(self.sampled_pieces(text, max_words, temperature, top_k, top_p, seed, whole_words))

    def _text_of(self, sampled: Iterator[int]) -> Iterator[str]:
        pieces, said = [], ""
        for piece in sampled:
            pieces.append(piece)
            so_far = self.tokenizer.decode(pieces)
            yield so_far[len(said):]
            said = so_far

    def sampled_pieces(self, text: str, max_words: int = 20, temperature: float = DEFAULT_TEMPERATURE, top_k: int = 0,
                       top_p: float = 1.0, seed: int | None = None, whole_words: bool = True) -> Iterator[int]:
        """The pieces of `generate`: sampled one at a time, each fed back, until `max_words` words."""
        if temperature < 0 or not 0 < top_p <= 1 or top_k < 0 or not 1 <= max_words <= MAX_GENERATED_WORDS:
            raise InputError(f"use temperature >= 0, 0 < top-p <= 1, top-k >= 0 and 1..{MAX_GENERATED_WORDS} words")
        return self._sample(text, max_words, temperature, top_k, top_p, seed, whole_words)

    def _sample(self, text: str, max_words: int, temperature: float, top_k: int, top_p: float,
                seed: int | None, whole_words: bool) -> Iterator[int]:
        rng = np.random.default_rng(seed)
        cleaned = self.clean(text)
        state, log_probs = self.cache.state_after(self.encode(cleaned))
        words = 0
        word = ""  # the word being written: the continuation starts a new one (callers join it with a space)
        for _ in range(8 * max_words):
            allowed = np.where(self.vocab.never, -np.inf, log_probs)
            if whole_words:
                allowed = self.vocab.on_the_way(word, allowed)
            piece = sample(allowed, rng, temperature, top_k, top_p)
            if self.vocab.starts_word[piece]:
                if words == max_words:
                    return
                words += 1
                word = self.vocab.surfaces[piece].strip()
            else:
                word += self.vocab.surfaces[piece]
            yield piece
            [state], batch_log_probs = self.model.advance([state], [piece])
            log_probs = batch_log_probs[0]


def append_word(text: str, word: str, partial: str = "") -> str:
    """`text` with a suggested word accepted: it replaces the half-typed `partial`, else follows a space.

    Punctuation attaches to the word before it. A space follows, ready for the next word.
    """
    if partial and text.rstrip().endswith(partial):
        return text.rstrip()[:-len(partial)] + word + " "
    base = text.rstrip()
    if not base:
        return word + " "
    return base + ("" if not any(ch.isalnum() for ch in word) else " ") + word + " "
