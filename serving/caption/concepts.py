"""What the CNN sees, as things the caption decoder can copy into its caption (serving side, numpy).

The decoder learnt its own words from ~290 Tux Paint cut-outs; the CNN's ImageNet head knows 1,000
things. So the decoder is also given the CNN's likeliest things in the whole photo, each named as
a person would (ImagenetNames.naming: "a cat" when the cat breeds together are sure, "a tabby cat"
when one breed is), and it may write a slot word <cnn0> .. <cnnK-1> where a name belongs: a
pointer to the k-th thing (pointer-generator / LSTM-C style copying). It learnt when to copy from
the CNN's own predictions on its training scenes, right and wrong. Each thing enters the decoder
as a vector: the head's class weights averaged by probability (a prototype of what the CNN saw,
in the space of the grid features the decoder attends to) and its probability.

A decoder trained with the recognition layer (serving/caption/recognition.py) also reads the things
the object detector found, each with its count, and copies one by an object slot <obj0> .. <objD-1>:
that slot is filled with the whole phrase, count and all ("three zebras", "a group of people").

Filling the slots is text work: the article before a copied name ("an owl"), the plural after a
count ("two owls").
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from serving.caption.cnn_names import ImagenetNames, article
from serving.numeric import softmax

SLOT = "<cnn{}>"
OBJECT_SLOT = "<obj{}>"
# Words after which a copied name is plural ("two owls", "a group of owls").
COUNT_WORDS = ("two", "three", "four", "five", "several", "many", "of")
_IRREGULAR = {"mouse": "mice", "goose": "geese", "man": "men", "woman": "women", "child": "children",
              "foot": "feet", "tooth": "teeth", "person": "people", "ox": "oxen", "louse": "lice",
              "leaf": "leaves", "knife": "knives", "wolf": "wolves", "calf": "calves", "loaf": "loaves",
              "shelf": "shelves", "half": "halves", "thief": "thieves", "potato": "potatoes",
              "tomato": "tomatoes", "mango": "mangoes", "hero": "heroes", "cactus": "cacti"}
_SAME_IN_PLURAL = {"sheep", "deer", "fish", "moose", "bison", "salmon", "trout", "swine", "aircraft", "series",
                   "species", "shrimp", "cattle", "grouse", "squid", "pants", "scissors", "glasses", "jeans"}


def plural(word: str) -> str:
    """English plural of one noun: "fox" -> "foxes", "lily" -> "lilies", "mouse" -> "mice"."""
    if word in _SAME_IN_PLURAL or not word[-1:].isalpha():
        return word
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def plural_name(name: str) -> str:
    """"polar bear" -> "polar bears", "bunch of grapes" -> "bunches of grapes"."""
    words = name.split()
    head = words.index("of") - 1 if "of" in words[1:] else len(words) - 1
    return " ".join(words[:head] + [plural(words[head])] + words[head + 1:])


@dataclass(frozen=True)
class Concept:
    """One thing the CNN sees in the whole image, named."""

    name: str  # "cat": what the caption says when it copies it
    probability: float  # of the classes the name covers
    classes: tuple[int, ...]  # those classes
    top_class: int  # the likeliest of them


def image_concepts(probabilities: np.ndarray, names: ImagenetNames, count: int, threshold: float) -> list[Concept]:
    """The `count` likeliest distinct things in an image's ImageNet probabilities [C], likeliest first,
    each by the most specific name whose classes reach `threshold` (its own class name otherwise);
    classes a likelier thing covers add nothing to a later one's general names."""
    concepts: list[Concept] = []
    covered = np.zeros(len(probabilities), bool)
    for top in np.argsort(-probabilities, kind="stable"):
        if len(concepts) == count:
            break
        if covered[top]:
            continue
        name, mass, members = names.naming(np.where(covered, 0.0, probabilities), int(top), threshold)
        members = members & ~covered
        if any(concept.name == name for concept in concepts):
            continue
        covered |= members
        concepts.append(Concept(name, mass, tuple(np.flatnonzero(members).tolist()), int(top)))
    return concepts


def concept_features(concepts: list[Concept], probabilities: np.ndarray, head_weight: np.ndarray) -> np.ndarray:
    """[K, F + 2]: each concept's prototype (its classes' head weights averaged by probability), its
    probability and log-probability: what the decoder reads of it."""
    rows = []
    for concept in concepts:
        classes = list(concept.classes)
        weights = probabilities[classes] / max(float(probabilities[classes].sum()), 1e-12)
        rows.append(np.concatenate([weights @ head_weight[classes],
                                    [concept.probability, np.log(max(concept.probability, 1e-6))]]))
    return np.asarray(rows, np.float32)


def cnn_things(grid: np.ndarray, head_weight: np.ndarray, head_bias: np.ndarray, names: ImagenetNames, count: int,
               threshold: float) -> tuple[list[list[Concept]], np.ndarray]:
    """The CNN's `count` likeliest things in each image of a grid batch [B, P, F] (its logits are the head
    applied to the mean of the grid, exactly as the encoder computes them) and their features [B, K, F + 2]."""
    things, features = [], []
    for probabilities in softmax(np.asarray(grid, np.float32).mean(1) @ head_weight.T + head_bias):
        image = image_concepts(probabilities, names, count, threshold)
        things.append(image)
        features.append(concept_features(image, probabilities, head_weight))
    return things, np.stack(features)


def slot_index(word: str, prefix: str = "<cnn") -> int | None:
    """"<cnn2>" -> 2 (with prefix "<obj": "<obj2>" -> 2); None for any other word."""
    if word.startswith(prefix) and word.endswith(">") and word[len(prefix):-1].isdigit():
        return int(word[len(prefix):-1])
    return None


@dataclass(frozen=True)
class Filled:
    """A caption with its slots filled."""

    words: list[str]
    copied: list[tuple[int, int, int]]  # (start, end, slot) of each copied name in `words`: a concept's index,
    # or for an object slot the number of concepts before it plus the object's index
    origin: list[int]  # for each word, the index of the decoder's word it comes from (a name: its slot)


def count_said_before(words: list[str]) -> int:
    """How many of the last words are an article or a count ("a", "two", "a group of"): the decoder's, which
    an object's phrase replaces with the detector's count ("a group of <obj0>" -> "three people")."""
    if words[-3:] == ["a", "group", "of"]:
        return 3
    return 1 if words and (words[-1] in ("a", "an") or words[-1] in COUNT_WORDS[:-1]) else 0


def fill_slots(words: list[str], concepts: list[Concept], objects: list[str] = ()) -> Filled:
    """The caption's words with every slot replaced by its concept's name (the article before it made
    to fit, plural after a count word), and every object slot by its object's phrase (`objects`: "two
    zebras"; an article or count the decoder put before it is dropped). A slot that repeats one already copied is
    dropped with the words joining it to the one before ("a moped next to a moped" -> "a moped"): the
    decoder had taken one thing for two."""
    out: list[str] = []
    origin: list[int] = []
    copied: list[tuple[int, int, int]] = []
    joined_at = 0  # where the words after the last name begin, in `out`
    for index, word in enumerate(words):
        k, j = slot_index(word), slot_index(word, "<obj")
        if j is not None:
            if j >= len(objects):  # a slot with no object behind it (fewer were found) says nothing
                continue
            k = len(concepts) + j
        if k is None:
            out.append(word)
            origin.append(index)
            continue
        if any(k == other for _, _, other in copied):
            del out[joined_at:], origin[joined_at:]
            continue
        if j is not None:  # an object's phrase says its count and article itself: "two zebras"
            name = objects[j]
            said = count_said_before(out)
            del out[len(out) - said:], origin[len(origin) - said:]
        else:
            name = concepts[k].name.lower()
            if out and out[-1] in ("a", "an"):
                out[-1] = article(name)
            elif out and out[-1] in COUNT_WORDS:
                name = plural_name(name)
        start = len(out)
        out += name.split()
        origin += [index] * (len(out) - start)
        copied.append((start, len(out), k))
        joined_at = len(out)
    return Filled(out, copied, origin)
