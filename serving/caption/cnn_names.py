"""Name a caption's objects by what the CNN sees where the decoder looks (serving side, numpy).

The decoder can only say the ~290 things Tux Paint photographed; the CNN's ImageNet head knows
1,000. For every object phrase of a caption ("a trumpet"), the attention the decoder paid while
saying it picks a region of the grid, and the CNN's own classifier head is applied to that
region's feature. The head is linear after the average pool, so this is its class-activation map
summed under the attention: exact, and nearly free. When the CNN is sure of the region, its class
name replaces the decoder's phrase ("a trumpet" -> "an egyptian cat").

"Sure" counts the probability of the top class together with the classes that share a head word
with it (ImageNet splits a cat into five breeds and a dog into a hundred). The threshold is chosen
on validation scenes at training time and recorded in the manifest, with the phrases the decoder
learnt (this is how the spans are found). Models without them (Karpathy data) are left as they are.
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
    label: str  # the ImageNet class, as said in the caption ("egyptian cat")
    probability: float  # of the class and its head-word relatives, in the attended region
    decoder_said: str  # the phrase it replaced ("a trumpet")


def say_label(label: str) -> list[str]:
    """"Egyptian cat" -> ["an", "egyptian", "cat"]: the first synonym, lower case, with its article."""
    name = label.split(",")[0].strip().lower()
    return ["an" if name[0] in "aeiou" else "a", *name.split()]


def head_word_groups(labels: list[str]) -> np.ndarray:
    """[C, C] bool: do classes i and j share the last word of any of their synonyms?
    ("tiger cat" and "tabby, tabby cat" do; "hot dog" and "beagle" do not)."""
    heads = [{synonym.strip().split()[-1].lower() for synonym in label.split(",") if synonym.strip()}
             for label in labels]
    index: dict[str, list[int]] = {}
    for i, words in enumerate(heads):
        for word in words:
            index.setdefault(word, []).append(i)
    groups = np.zeros((len(labels), len(labels)), bool)
    for members in index.values():
        groups[np.ix_(members, members)] = True
    return groups


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
    labels: list[str]
    phrases: list[str]
    threshold: float

    def __post_init__(self):
        self.groups = head_word_groups(self.labels)

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
            top = int(probabilities.argmax())
            sure = float(probabilities[self.groups[top]].sum())
            if sure < self.threshold:
                phrase, rows = words[start:end], list(attention[start:end])
            else:
                phrase = say_label(self.labels[top])
                rows = [region] * len(phrase)
                if " ".join(phrase) in said:
                    done = end
                    continue
                at = len(out_words) + len(joining[0])
                named.append(CnnName(at, at + len(phrase), " ".join(phrase[1:]), sure, " ".join(words[start:end])))
            said.add(" ".join(phrase))
            out_words += joining[0] + phrase
            out_attention += joining[1] + rows
            done = end
        out_words += words[done:]
        out_attention += list(attention[done:])
        return out_words, np.asarray(out_attention).reshape(len(out_words), -1), named
