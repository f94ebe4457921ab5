"""Which words of a sentence are part of a known name: first names, companies, places (numpy only).

The tagger reads one flag per kind of name for every word beside the word and its letters, so "Priya",
"Pune" or "Ryanair" can be known although training never met them. A name matches as written; in a text
typed all in lower case ("dhaval lives in pune"), it matches in any case. The lists come from registry
packages (training/ner/gazetteers.py) and ship with the model as "kind<TAB>name" lines.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from serving.ner.words import split_words


class Gazetteer:
    def __init__(self, names: dict[str, list[str]]):
        self.kinds = list(names)
        # first word, lower-cased -> (the name's words, the same lower-cased, its kind)
        self.starting: dict[str, list[tuple[tuple[str, ...], tuple[str, ...], int]]] = {}
        for kind, listed in enumerate(names.values()):
            for name in listed:
                words = tuple(word.text for word in split_words(name))
                if words:
                    lowered = tuple(word.lower() for word in words)
                    self.starting.setdefault(lowered[0], []).append((words, lowered, kind))

    @classmethod
    def read(cls, path: Path, kinds: list[str]) -> Gazetteer:
        """The lists of `path`, with one flag for each of `kinds` in that order (the model's), listed or not."""
        names: dict[str, list[str]] = {kind: [] for kind in kinds}
        for line in path.read_text(encoding="utf-8").splitlines():
            kind, name = line.split("\t")
            names[kind].append(name)
        return cls(names)

    @staticmethod
    def lines(names: dict[str, list[str]]) -> str:
        """The lists as the file `read` takes."""
        return "".join(f"{kind}\t{name}\n" for kind, listed in names.items() for name in listed)

    def flags(self, words: list[str]) -> np.ndarray:
        """[len(words), kinds] float32: 1 where the word is part of a listed name of that kind."""
        found = np.zeros((len(words), len(self.kinds)), np.float32)
        lowered = [word.lower() for word in words]
        any_case = not any(ch.isupper() for word in words for ch in word)
        for i, key in enumerate(lowered):
            for name, name_lowered, kind in self.starting.get(key, ()):
                end = i + len(name)
                if tuple(lowered[i:end]) == name_lowered and (any_case or tuple(words[i:end]) == name):
                    found[i:end, kind] = 1.0
        return found
