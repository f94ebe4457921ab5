"""Teaching the decoder when to copy what the CNN sees (no torch).

Every training scene's caption is rewritten against the CNN's own predictions for that scene: where
one of the CNN's things names an object of the scene ("zebra" for a zebra cut-out), the object's
words become a slot word pointing to it ("a zebra on the grass" -> "a <cnn0> on the grass"); where
none does, the caption keeps the decoder's own words. So the decoder learns to copy when the CNN is
right and to speak for itself when it is not, from the CNN's real mistakes on real cut-outs.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from serving.caption.cnn_names import ImagenetNames
from serving.caption.concepts import SLOT, Concept, cnn_things, plural
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


def rewrite(caption: str, mentions: tuple[Mention, ...], concepts: list[Concept], labels: list[str]) -> str:
    """The caption with each object the CNN names right replaced by a slot word (first such concept)."""
    for mention in mentions:
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
