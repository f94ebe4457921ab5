"""Named-entity tagging on the ONNX model (serving side: numpy and onnxruntime, no torch).

Many-to-many, one output per word: the network scores every tag for every word (emissions), a CRF
picks the best tag sequence (Viterbi, `serving.ner.crf`) and gives each word the probability of
its tag summed over all sequences (forward-backward). Words are cut by `serving.ner.words`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from serving.artifact import Artifact, load_artifact, model_dir
from serving.batch import answer_each, answered
from serving.ner.crf import log_partition, marginals, sequence_score, viterbi
from serving.ner.gazetteer import Gazetteer
from serving.ner.words import Word, split_words
from serving.scope import text_warnings
from serving.text import InputError, prepare_text
from serving.tokenizer import PAD_ID, UNK_ID, load_tokenizer

TYPES = ("PER", "LOC", "ORG", "MISC")
TAGS = ("O", *(f"{prefix}-{kind}" for kind in TYPES for prefix in "BI"))
TYPE_NAMES = {"PER": "person", "LOC": "place", "ORG": "organisation", "MISC": "other name"}
MAX_WORDS = 256
MAX_WORD_CHARS = 20  # longer words are read by their first 20 characters
BATCH_SIZE = 64


@dataclass
class WordTag:
    text: str
    start: int
    end: int
    tag: str  # the CRF's best sequence
    prob: float  # P(this word has this tag), summed over all tag sequences


@dataclass
class Entity:
    text: str
    label: str  # PER, LOC, ORG or MISC
    start: int  # character offsets into the cleaned text
    end: int
    prob: float  # the least sure of its words


@dataclass
class TaggedText:
    text: str  # the text as read (control characters and runs of whitespace cleaned)
    words: list[WordTag]
    entities: list[Entity]
    marginals: np.ndarray = field(repr=False)  # [words, tags]: every word's probability of every tag
    emissions: np.ndarray = field(repr=False)  # [words, tags]: the network's scores, before the CRF
    truncated: bool = False
    warnings: list[str] = field(default_factory=list)  # why the tags may mean little (serving/scope.py)

    def to_json(self) -> dict:
        return {"text": self.text,
                "entities": [{"text": e.text, "label": e.label, "start": e.start, "end": e.end,
                              "prob": round(e.prob, 4)} for e in self.entities],
                "tokens": [{"text": w.text, "tag": w.tag, "prob": round(w.prob, 4)} for w in self.words],
                "truncated": self.truncated, "warnings": self.warnings}


def bio_spans(tags: list[str] | tuple[str, ...]) -> list[tuple[int, int, str]]:
    """(first word, last word + 1, type) of each entity in BIO tags: B-X starts one, I-X continues an X
    right before it (and starts one after anything else)."""
    spans: list[tuple[int, int, str]] = []
    for i, tag in enumerate(tags):
        if tag == "O":
            continue
        prefix, kind = tag.split("-", 1)
        if prefix == "I" and spans and spans[-1][1] == i and spans[-1][2] == kind:
            spans[-1] = (spans[-1][0], i + 1, kind)
        else:
            spans.append((i, i + 1, kind))
    return spans


def entities_of(words: list[Word], tags: list[str], probs: list[float], text: str) -> list[Entity]:
    """The entities of BIO tags, with their text, character offsets and least sure word's probability."""
    return [Entity(text[words[start].start:words[end - 1].end], kind, words[start].start, words[end - 1].end,
                   min(probs[start:end])) for start, end, kind in bio_spans(tags)]


def encode_batch(tokenizer, char_ids: dict[str, int], sentences: list[list[str]],
                 gazetteer: Gazetteer | None = None) -> dict[str, np.ndarray]:
    """The network's inputs for sentences of words: word ids [B, T] (a word the word tokenizer cuts into
    several pieces is unknown), character ids [B, T, MAX_WORD_CHARS] and lengths [B], right-padded; with a
    gazetteer, also each word's flags for the kinds of name it is part of [B, T, kinds]."""
    lengths = np.array([len(words) for words in sentences], dtype=np.int64)
    word_ids = np.full((len(sentences), lengths.max()), PAD_ID, dtype=np.int64)
    chars = np.full((len(sentences), lengths.max(), MAX_WORD_CHARS), PAD_ID, dtype=np.int64)
    pieces = iter(tokenizer.encode([word for words in sentences for word in words]))
    for row, words in enumerate(sentences):
        word_ids[row, :len(words)] = [ids[0] if len(ids) == 1 else UNK_ID for _, ids in zip(words, pieces)]
        for column, word in enumerate(words):
            spelled = [char_ids.get(ch, UNK_ID) for ch in word[:MAX_WORD_CHARS]]
            chars[row, column, :len(spelled)] = spelled
    feeds = {"words": word_ids, "chars": chars, "lengths": lengths}
    if gazetteer is not None:
        feeds["gazetteer"] = np.zeros((*word_ids.shape, len(gazetteer.kinds)), np.float32)
        for row, words in enumerate(sentences):
            feeds["gazetteer"][row, :len(words)] = gazetteer.flags(words)
    return feeds


@dataclass(frozen=True)
class Crf:
    """The CRF on top of the network, as the manifest holds it: the tagger decodes with it, and a page reads
    it to explain the loss of tags a person marks as right (also beside a remote API)."""

    tags: list[str]
    transitions: np.ndarray  # [tags, tags]: the score of one tag following another
    start: np.ndarray  # [tags]: the score of a sentence starting with each tag
    end: np.ndarray

    @classmethod
    def read(cls, manifest: dict) -> "Crf":
        crf = manifest["crf"]
        return cls(manifest["tags"], *(np.array(crf[part], np.float32) for part in ("transitions", "start", "end")))

    def best(self, emissions: np.ndarray) -> list[int]:
        return viterbi(emissions, self.transitions, self.start, self.end)

    def marginals(self, emissions: np.ndarray) -> np.ndarray:
        return marginals(emissions, self.transitions, self.start, self.end)

    def losses(self, tagged: TaggedText, right_tags: list[str]) -> tuple[list[float], float]:
        """The teaching view of the loss for tags a person marked as right: each word's cross-entropy
        -log P(right tag) from its marginal, and the CRF's own sequence loss, -log P(right sequence)."""
        ids = [self.tags.index(tag) for tag in right_tags]
        per_word = [float(-np.log(max(tagged.marginals[t, i], 1e-12))) for t, i in enumerate(ids)]
        sequence = (log_partition(tagged.emissions, self.transitions, self.start, self.end)
                    - sequence_score(ids, tagged.emissions, self.transitions, self.start, self.end))
        return per_word, float(sequence)


class EntityTagger:
    """Loads the tagger artifact once; `tag` is safe to call from many threads."""

    def __init__(self, artifact: Artifact):
        self.artifact = artifact
        self.crf = Crf.read(artifact.manifest)
        self.char_ids = {ch: i for i, ch in enumerate(artifact.manifest["characters"], 2)}  # 0 pad, 1 unknown
        self.session = artifact.session("model.onnx")
        self.tokenizer = load_tokenizer(artifact.file("words.model"))
        listed = artifact.manifest.get("gazetteer")
        self.gazetteer = Gazetteer.read(artifact.file(listed["file"]), listed["kinds"]) if listed else None

    @classmethod
    def load(cls, path: Path | None = None) -> "EntityTagger":
        return cls(load_artifact(path or model_dir("ner")))

    def emissions(self, sentences: list[list[str]]) -> list[np.ndarray]:
        """The network's tag scores [words, tags] for each sentence (lists of words), batched."""
        scores = []
        for first in range(0, len(sentences), BATCH_SIZE):
            feeds = encode_batch(self.tokenizer, self.char_ids, sentences[first:first + BATCH_SIZE], self.gazetteer)
            [out] = self.session.run(None, feeds)
            scores += [out[row, :length] for row, length in enumerate(feeds["lengths"])]
        return scores

    def decode(self, emissions: np.ndarray) -> tuple[list[int], np.ndarray]:
        """The CRF's best tag ids and every word's tag probabilities."""
        return self.crf.best(emissions), self.crf.marginals(emissions)

    def tag_words(self, sentences: list[list[str]]) -> list[list[str]]:
        """Tags for sentences already cut into words (what the evaluation scores)."""
        return [[self.crf.tags[i] for i in self.crf.best(e)] for e in self.emissions(sentences)]

    def tag(self, texts: list[str]) -> list[TaggedText]:
        """Tag each text; raises InputError for text with no word in it."""
        prepared = []
        for raw in texts:
            text, cut = prepare_text(raw)
            words = split_words(text)
            if not words:
                raise InputError("the text has no words to tag")
            prepared.append((text, words[:MAX_WORDS], cut or len(words) > MAX_WORDS))
        results = []
        scored = self.emissions([[w.text for w in words] for _, words, _ in prepared])
        for (text, words, cut), scores in zip(prepared, scored):
            best, probs = self.decode(scores)
            tags = [self.crf.tags[i] for i in best]
            word_probs = [float(probs[t, i]) for t, i in enumerate(best)]
            results.append(TaggedText(
                text=text,
                words=[WordTag(w.text, w.start, w.end, tag, p) for w, tag, p in zip(words, tags, word_probs)],
                entities=entities_of(words, tags, word_probs, text), marginals=probs, emissions=scores,
                truncated=cut, warnings=text_warnings(text)))
        return results

    def predict_batch(self, texts: list[str], detail: bool = False) -> list[dict]:
        """Each text's tags as `rnnapp ner --json` prints them, or {"error": ...} (serving/batch.py); with
        `detail`, the whole TaggedText too."""
        return answer_each(texts, lambda chunk: [answered(tagged.to_json(), tagged, detail)
                                                 for tagged in self.tag(chunk)])
