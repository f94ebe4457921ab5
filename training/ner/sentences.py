"""Paragraphs cut into sentences, without cutting after "Mr." or "St.": silver labelling and the gold set
both read one sentence at a time."""
from __future__ import annotations

import re

MIN_WORDS, MAX_WORDS = 3, 80  # shorter sentences are headings, longer ones lists
_TITLES = ("Mr", "Mrs", "Ms", "Dr", "St", "Messrs", "Mme", "Col", "Gen", "Capt", "Lt", "Sgt", "Gov", "Sen",
           "Rev", "Prof", "Hon", "Jr", "Sr", "No", "vs")
# The cheap look-behind first: the titles' 21 are then tried only after a full stop, not at every character.
_SENTENCE_END = re.compile(r"(?<=[.!?])" + "".join(rf"(?<!\b{title}\.)" for title in _TITLES)
                           + r"[\"”’')\]]?\s+(?=[\"“‘'(\[]?[A-Z0-9])")


def sentences_of(paragraph: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]


def training_texts() -> dict[str, list[str]]:
    """Sentences to tag: "train" from the next-word training documents and every sentiment sentence (held-out
    twins included), "validation" from the next-word validation documents (the next-word test documents hold
    the gold set). The one place the tagger's training pool is composed: training reads it, and the evaluation
    finds twins of scored sentences in it."""
    from training.nextword.data import recorded_splits
    from training.sentiment.data import read_examples

    documents = recorded_splits()  # only train and validation are read: no need to find the test's twins
    return {"train": document_sentences(documents["train"]) + [e.text for e in read_examples()],
            "validation": document_sentences(documents["validation"])}


def document_sentences(documents) -> list[str]:
    """The sentences of documents (paragraphs one per line) of MIN_WORDS to MAX_WORDS words: what is tagged."""
    return [s for d in documents for p in d.text.split("\n") for s in sentences_of(p)
            if MIN_WORDS <= len(s.split()) <= MAX_WORDS]
