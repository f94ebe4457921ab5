"""Words as the tagger sees them: one tag per word, so a word must be what a name is made of.

Abbreviations with dots ("U.S.") and hyphenated or dotted words ("Coca-Cola", "3.5") stay whole;
a possessive or contraction ending ("'s", "n't" is "n" + "'t") is its own word, so "Obama's" is
the name "Obama" then "'s"; every other symbol is a word of its own. Character offsets come with
each word, so entities map back onto the text the user typed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"(?:[^\W\d_]\.){2,}|\w+(?:[-.]\w+)*|['’]\w+|\S")


@dataclass(frozen=True)
class Word:
    text: str
    start: int  # character offsets into the text: text[start:end] == self.text
    end: int


def split_words(text: str) -> list[Word]:
    return [Word(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
