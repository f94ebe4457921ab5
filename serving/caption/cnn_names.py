"""Name a caption's objects by what the CNN sees where the decoder looks (serving side, numpy).

The decoder can only say the ~290 things Tux Paint photographed; the CNN's ImageNet head knows
1,000. For every object phrase of a caption ("a trumpet"), the attention the decoder paid while
saying it picks a region of the grid, and the CNN's own classifier head is applied to that
region's feature. The head is linear after the average pool, so this is its class-activation map
summed under the attention: exact, and nearly free. When the CNN is sure of the region, a name
people use replaces the decoder's phrase ("a mouse" -> "a cat").

Names come in two levels (training/caption/imagenet_names.py writes them into the artifact): each
class's own name ("tabby cat") and the general names above it, narrowest first ("cat"; ImageNet
splits a cat into five breeds and a dog into a hundred). The most specific name whose classes
together reach the threshold is said. The threshold is recorded in the manifest, with the phrases
the decoder learnt (this is how the spans are found). Models without them (Karpathy data) are
left as they are.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from serving.numeric import softmax


@dataclass(frozen=True)
class CnnName:
    """One object phrase named by the CNN: where it sits in the final caption, and why."""

    start: int  # word index in the final caption
    end: int
    label: str  # the name said in the caption, without its article ("cat")
    imagenet_class: str  # the CNN's most likely class in the region, as ImageNet labels it ("Egyptian cat")
    probability: float  # of the classes the name covers, in the attended region
    decoder_said: str  # the phrase it replaced ("a mouse")


def article(name: str) -> str:
    """The indefinite article a name takes (by its first letter)."""
    return "an" if name[:1] in "aeiou" else "a"


def say_label(label: str) -> list[str]:
    """"Egyptian cat" -> ["an", "egyptian", "cat"]: the first synonym, lower case, with its article."""
    name = label.split(",")[0].strip().lower()
    return [article(name), *name.split()]


@dataclass(frozen=True)
class ImagenetNames:
    """What to call each ImageNet class, and the general names above it (imagenet_names.json)."""

    names: list[str]  # [C]: a class's own name ("tabby cat")
    general: list[str]  # [G]: general names ("cat")
    members: np.ndarray  # bool [G, C]: the classes each general name covers
    general_of: list[list[int]]  # [C]: the general names above a class, narrowest first

    @classmethod
    def from_json(cls, data: dict) -> ImagenetNames:
        members = np.zeros((len(data["groups"]), len(data["classes"])), bool)
        for g, group in enumerate(data["groups"]):
            members[g, group["classes"]] = True
        return cls([c["name"] for c in data["classes"]], [g["name"] for g in data["groups"]], members,
                   [c["groups"] for c in data["classes"]])

    def naming(self, probabilities: np.ndarray, top: int, threshold: float) -> tuple[str, float, np.ndarray]:
        """The most specific name for class `top` whose classes together have at least `threshold` of
        `probabilities`: (name, their probability, bool mask of the classes); the class's own name
        with its probability when not even its broadest general name reaches the threshold."""
        own = np.zeros(len(probabilities), bool)
        own[top] = True
        if probabilities[top] >= threshold:
            return self.names[top], float(probabilities[top]), own
        for g in self.general_of[top]:
            mass = float(probabilities[self.members[g]].sum())
            if mass >= threshold:
                return self.general[g], mass, self.members[g]
        return self.names[top], float(probabilities[top]), own

    def most_specific(self, probabilities: np.ndarray, threshold: float) -> tuple[str, float] | None:
        """The most specific name whose classes together have at least `threshold` of `probabilities`,
        starting from the likeliest class; None when not even its broadest general name does."""
        name, mass, _ = self.naming(probabilities, int(probabilities.argmax()), threshold)
        return (name, mass) if mass >= threshold else None


@lru_cache(maxsize=8)
def _longest_first(phrases: tuple[str, ...]) -> list[list[str]]:
    """The distinct phrases as word lists, longest first, ties in word order (sorted once per list)."""
    return sorted((p.split() for p in set(phrases) if p.strip()), key=lambda words: (-len(words), words))


def object_spans(words: list[str], phrases: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) word spans of known object phrases, longest phrases first."""
    taken = np.zeros(len(words), bool)
    spans = []
    starts: dict[str, list[int]] = {}  # where each word occurs: only those places can start a phrase
    for i, word in enumerate(words):
        starts.setdefault(word, []).append(i)
    for target in _longest_first(tuple(phrases)):
        for i in starts.get(target[0], ()):
            if words[i:i + len(target)] == target and not taken[i:i + len(target)].any():
                taken[i:i + len(target)] = True
                spans.append((i, i + len(target)))
    return sorted(spans)


@dataclass
class CnnNamer:
    """The CNN's classifier head and what is needed to find and rename object phrases."""

    weight: np.ndarray  # [C, F]
    bias: np.ndarray  # [C]
    labels: list[str]  # ImageNet's own labels, for saying which class the CNN saw
    names: ImagenetNames
    phrases: list[str]
    threshold: float

    def region_probabilities(self, grid: np.ndarray, attention: np.ndarray) -> np.ndarray:
        """ImageNet probabilities of the attention-weighted region: grid [P, F], attention [P] -> [C]."""
        return softmax((attention @ grid) @ self.weight.T + self.bias)

    def name(self, words: list[str], attention: np.ndarray, grid: np.ndarray) -> tuple[list[str], np.ndarray,
                                                                                        list[CnnName]]:
        """The caption's words with sure object phrases renamed, the attention row of every final word
        (a new name keeps its phrase's mean attention), and what was renamed. A renamed phrase that
        repeats one already said is dropped with the words joining it ("a moped next to a moped"
        -> "a moped"): the decoder had taken one thing for two."""
        out_words, out_attention, named, said = [], [], [], set()
        done = 0
        for start, end in object_spans(words, self.phrases):
            joining = (words[done:start], list(attention[done:start]))
            region = attention[start:end].mean(0)
            probabilities = self.region_probabilities(grid, region)
            sure = self.names.most_specific(probabilities, self.threshold)
            if sure is None:
                phrase, rows = words[start:end], list(attention[start:end])
            else:
                phrase = say_label(sure[0])
                rows = [region] * len(phrase)
                if " ".join(phrase) in said:
                    done = end
                    continue
                at = len(out_words) + len(joining[0])
                named.append(CnnName(at, at + len(phrase), sure[0], self.labels[int(probabilities.argmax())],
                                     sure[1], " ".join(words[start:end])))
            said.add(" ".join(phrase))
            out_words += joining[0] + phrase
            out_attention += joining[1] + rows
            done = end
        out_words += words[done:]
        out_attention += list(attention[done:])
        return out_words, np.asarray(out_attention).reshape(len(out_words), -1), named
