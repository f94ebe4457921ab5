"""Caption quality: BLEU-1..4 (sacrebleu), CIDEr-D and ROUGE-L (as the COCO caption evaluation
computes them), and object-word recall. Every function takes lower-cased, space-tokenised text:
one candidate per image and one or more references per image."""
from __future__ import annotations

import math
from collections import Counter

import numpy as np
from sacrebleu.metrics import BLEU

CIDER_SIGMA = 6.0


def bleu(candidates: list[str], references: list[list[str]]) -> dict[str, float]:
    """Corpus BLEU-1..4 in 0..1. Reference lists are padded by repeating their last caption, which
    changes neither the clipped counts nor the closest reference length."""
    most = max(len(refs) for refs in references)
    streams = [[refs[min(i, len(refs) - 1)] for refs in references] for i in range(most)]
    return {f"bleu{n}": BLEU(max_ngram_order=n, tokenize="none", smooth_method="none")
            .corpus_score(candidates, streams).score / 100 for n in range(1, 5)}


def _ngrams(words: list[str], most: int = 4) -> Counter:
    return Counter(tuple(words[i:i + n]) for n in range(1, most + 1) for i in range(len(words) - n + 1))


def cider_d(candidates: list[str], references: list[list[str]]) -> float:
    """CIDEr-D (Vedantam et al. 2015; the coco-caption implementation, including its clipping, its
    Gaussian length penalty with sigma 6, and its length measured in bigrams), times 10."""
    return float(np.mean(cider_d_scores(candidates, references)))


def cider_d_scores(candidates: list[str], references: list[list[str]]) -> np.ndarray:
    """Each image's CIDEr-D, its n-grams weighted by document frequencies over all the images (whose mean is
    the corpus score: what a paired bootstrap over images resamples)."""
    test_counts = [_ngrams(c.split()) for c in candidates]
    ref_counts = [[_ngrams(r.split()) for r in refs] for refs in references]
    document_frequency: Counter = Counter()
    for refs in ref_counts:
        document_frequency.update({gram for counts in refs for gram in counts})
    log_images = math.log(len(candidates))

    def vector(counts: Counter):
        vec = [dict() for _ in range(4)]
        norm = np.zeros(4)
        for gram, tf in counts.items():
            weight = tf * (log_images - math.log(max(1.0, document_frequency[gram])))
            vec[len(gram) - 1][gram] = weight
            norm[len(gram) - 1] += weight ** 2
        return vec, np.sqrt(norm), sum(tf for gram, tf in counts.items() if len(gram) == 2)

    scores = []
    for test, refs in zip(test_counts, ref_counts):
        vec, norm, length = vector(test)
        total = np.zeros(4)
        for ref in refs:
            ref_vec, ref_norm, ref_length = vector(ref)
            for n in range(4):
                value = sum(min(w, ref_vec[n].get(g, 0.0)) * ref_vec[n].get(g, 0.0) for g, w in vec[n].items())
                if norm[n] and ref_norm[n]:
                    value /= norm[n] * ref_norm[n]
                total[n] += value * math.exp(-((length - ref_length) ** 2) / (2 * CIDER_SIGMA ** 2))
        scores.append(total.mean() / len(refs) * 10.0)
    return np.array(scores)


def _lcs(a: list[str], b: list[str]) -> int:
    row = [0] * (len(b) + 1)
    for x in a:
        previous = 0
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], previous + 1 if x == y else max(row[j], row[j - 1])
    return row[-1]


def rouge_l(candidates: list[str], references: list[list[str]], beta: float = 1.2) -> float:
    """ROUGE-L F-measure with beta 1.2, best precision and recall over the references, averaged."""
    scores = []
    for candidate, refs in zip(candidates, references):
        words = candidate.split()
        common = [_lcs(words, r.split()) for r in refs]
        precision = max(n / max(len(words), 1) for n in common)
        recall = max(n / max(len(r.split()), 1) for n, r in zip(common, refs))
        scores.append((1 + beta ** 2) * precision * recall / (recall + beta ** 2 * precision)
                      if precision and recall else 0.0)
    return float(np.mean(scores))


def object_recall(candidates: list[str], objects: list[tuple[str, ...]],
                  credited: list[set[str]] | None = None) -> float:
    """Share of the objects in the images whose name (head noun) the caption says, or that a name it
    took from the CNN names (`credited`: such nouns per image)."""
    credited = credited or [set()] * len(candidates)
    said = [noun in candidate.split() or noun in extra
            for candidate, nouns, extra in zip(candidates, objects, credited) for noun in nouns]
    return float(np.mean(said)) if said else 0.0


def caption_metrics(candidates: list[str], references: list[list[str]],
                    objects: list[tuple[str, ...]] | None = None,
                    credited: list[set[str]] | None = None) -> dict[str, float]:
    scores = {**bleu(candidates, references), "cider_d": cider_d(candidates, references),
              "rouge_l": rouge_l(candidates, references)}
    if objects is not None:
        scores["object_recall"] = object_recall(candidates, objects, credited)
    return {name: round(value, 4) for name, value in scores.items()}
