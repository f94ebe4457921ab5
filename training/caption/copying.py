"""Teaching the decoder when to copy what the CNN and the detector see (no torch).

Every training scene's caption is rewritten against the recognisers' own findings for that scene: where
the detector found a kind of thing that names an object of the scene and counted it as the caption does,
the object's words become an object slot ("three zebras on the grass" -> "<obj0> on the grass"); else,
where one of the CNN's things names it ("zebra" for a zebra cut-out), a slot word pointing to that
("a zebra on the grass" -> "a <cnn0> on the grass"); where neither does, the caption keeps the decoder's
own words. So the decoder learns to copy when a recogniser is right and to speak for itself when it is
not, from their real mistakes on real cut-outs.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from serving.caption.cnn_names import ImagenetNames
from serving.caption.concepts import OBJECT_SLOT, SLOT, Concept, cnn_things, plural
from serving.caption.recognition import Thing, count_words
from training.caption.scenes import Mention

CHUNK = 1024


@lru_cache(maxsize=4096)
def _class_words(label: str) -> frozenset[str]:
    """An ImageNet label's synonyms and their last words: "tabby, tabby cat" -> tabby, tabby cat, cat."""
    synonyms = [s.strip().lower() for s in label.split(",") if s.strip()]
    return frozenset(synonyms + [s.split()[-1] for s in synonyms])


def covers(concept: Concept, noun: str, labels: list[str]) -> bool:
    """Does the CNN's thing name an object whose head noun is `noun`? True when the noun (or its
    plural) is the concept's name, its last word, or one of the synonyms of its classes or their last words."""
    words = {concept.name.lower(), concept.name.lower().split()[-1]}
    for c in concept.classes:
        words |= _class_words(labels[c])
    return noun in words or any(plural(word) == noun for word in words)


def credited_nouns(copied: list[Concept], nouns: tuple[str, ...], labels: list[str]) -> set[str]:
    """The nouns of an image that a name copied from the CNN names."""
    return {noun for noun in nouns if any(covers(concept, noun, labels) for concept in copied)}


def names_object(thing: Thing, noun: str, kinds: np.ndarray, labels: list[str]) -> bool:
    """Does the detector's thing name an object whose head noun is `noun`? Its name, its COCO label and the
    ImageNet classes that are kinds of that label (`kinds`, bool [C]) are tried as `covers` tries a concept's."""
    return covers(Concept(thing.label, thing.score, tuple(np.flatnonzero(kinds).tolist()), 0), noun, labels) or \
        covers(Concept(thing.coco_label or thing.label, thing.score, (), 0), noun, labels)


def rewrite(caption: str, mentions: tuple[Mention, ...], concepts: list[Concept], labels: list[str],
            objects: list[Thing] = (), kinds: dict[str, np.ndarray] | None = None) -> str:
    """The caption with each object a recogniser names right replaced: by an object slot where the detector
    named it and counted it as the caption does (first such object), else by a slot word (first such
    concept of the CNN's). `kinds`: the ImageNet classes of each COCO label (Recogniser.kinds)."""
    for mention in mentions:
        j = next((j for j, thing in enumerate(objects) if count_words(thing.count) == mention.count
                  and names_object(thing, mention.noun, (kinds or {}).get(thing.coco_label, np.zeros(0, bool)),
                                   labels)), None)
        if j is not None:
            caption = caption.replace(mention.said, OBJECT_SLOT.format(j), 1)
            continue
        k = next((k for k, concept in enumerate(concepts) if covers(concept, mention.noun, labels)), None)
        if k is not None:
            caption = caption.replace(mention.said, f"{'a' if mention.count == 'a' else mention.count} "
                                                    f"{SLOT.format(k)}", 1)
    return caption


def concepts_of(features: np.ndarray, head_weight: np.ndarray, head_bias: np.ndarray, names: ImagenetNames,
                count: int, threshold: float) -> tuple[list[list[Concept]], np.ndarray]:
    """The CNN's things for every image of a feature array [N, P, F] (read in chunks: it is memory-mapped),
    and their features [N, K, F + 2] float32."""
    concepts, rows = [], []
    for first in range(0, len(features), CHUNK):
        things, chunk_rows = cnn_things(features[first:first + CHUNK], head_weight, head_bias, names, count, threshold)
        concepts += things
        rows.append(chunk_rows)
    return concepts, np.concatenate(rows)
