"""Which words of a sentence are part of a known name: first names, characters, companies, places (numpy only).

The tagger reads one flag per kind of name for every word beside the word and its letters, so "Priya",
"Pune" or "Ryanair" can be known although training never met them. A name matches as written; in a text
typed all in lower case ("dhaval lives in pune"), it matches in any case; and a name marked "any case",
one whose words are no ordinary lower-case words ("Yoda", "Dhaval"), matches in any case in any text
("Dhaval loves baby yoda"). The lists come from registry packages (training/ner/gazetteers.py) and ship
with the model as "kind<TAB>name" lines, "kind<TAB>name<TAB>any case" for the marked ones.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from serving.ner.words import split_words


ANY_CASE = "any case"


class Gazetteer:
    def __init__(self, names: dict[str, list[str]], any_case: set[str] = frozenset()):
        """`names`: the listed names by kind; `any_case`: those of them that match in any case in any text."""
        self.kinds = list(names)
        # first word, lower-cased -> (the name's words, the same lower-cased, its kind, whether any case matches)
        self.starting: dict[str, list[tuple[tuple[str, ...], tuple[str, ...], int, bool]]] = {}
        for kind, listed in enumerate(names.values()):
            for name in listed:
                words = tuple(word.text for word in split_words(name))
                if words:
                    lowered = tuple(word.lower() for word in words)
                    self.starting.setdefault(lowered[0], []).append((words, lowered, kind, name in any_case))

    @classmethod
    def read(cls, path: Path, kinds: list[str]) -> Gazetteer:
        """The lists of `path`, with one flag for each of `kinds` in that order (the model's), listed or not."""
        names: dict[str, list[str]] = {kind: [] for kind in kinds}
        any_case = set()
        for line in path.read_text(encoding="utf-8").splitlines():
            kind, name, *marks = line.split("\t")
            names[kind].append(name)
            if ANY_CASE in marks:
                any_case.add(name)
        return cls(names, any_case)

    @staticmethod
    def lines(names: dict[str, list[str]], any_case: set[str] = frozenset()) -> str:
        """The lists as the file `read` takes."""
        return "".join("\t".join([kind, name] + ([ANY_CASE] if name in any_case else [])) + "\n"
                       for kind, listed in names.items() for name in listed)

    def flags(self, words: list[str]) -> np.ndarray:
        """[len(words), kinds] float32: 1 where the word is part of a listed name of that kind."""
        found = np.zeros((len(words), len(self.kinds)), np.float32)
        lowered = [word.lower() for word in words]
        lower_case_text = not any(ch.isupper() for word in words for ch in word)
        for i, key in enumerate(lowered):
            for name, name_lowered, kind, any_case in self.starting.get(key, ()):
                end = i + len(name)
                if tuple(lowered[i:end]) == name_lowered and (lower_case_text or any_case
                                                              or tuple(words[i:end]) == name):
                    found[i:end, kind] = 1.0
        return found
