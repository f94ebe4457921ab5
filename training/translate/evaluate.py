"""Translation quality beside Apertium: corpus BLEU and chrF (sacrebleu) on the same held-out sentences, and
a paired bootstrap 95% interval on each difference (training/bootstrap.py). Needs no torch: it scores the
model as served (ONNX, beam search).

A resample's corpus score is computed from per-sentence statistics summed over the resampled sentences
(sacrebleu's own n-gram counts, as its significance tests do), so 1,000 resamples cost 1,000 sums rather
than 1,000 passes over the text; the test checks the sum gives sacrebleu's corpus score.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sacrebleu.metrics import BLEU, CHRF
from sacrebleu.metrics.base import Metric
from tqdm import tqdm

from serving.artifact import Artifact
from serving.translate.apertium import apertium_installed, apertium_translate
from serving.translate.translator import Translator
from training.bootstrap import Interval, format_difference, paired_interval
from training.translate.data import Pair, everyday_sets, held_out_pairs, held_out_twins_dropped

BATCH_SIZE = 16
BEAM = 4
METRICS = {"bleu": BLEU, "chrf": CHRF}
PEER_RULE = ("Apertium at its best: each sentence translated by an Apertium process of its own (in one run over "
             "many, one sentence can change the translation of those after it: serving/translate/apertium.py)")


def sentence_statistics(metric: Metric, hypotheses: list[str], references: list[str]) -> np.ndarray:
    """sacrebleu's per-sentence statistics (n-gram matches and totals, lengths), one row per sentence."""
    return np.asarray(metric._extract_corpus_statistics(hypotheses, [references]), dtype=np.int64)


def score_of_sample(metric: Metric, statistics: np.ndarray) -> Callable[[np.ndarray], float]:
    """The corpus score of the sentences at the given indices (repeats count again), from summed statistics."""
    return lambda sample: float(metric._compute_score_from_stats(statistics[sample].sum(0)).score)


def corpus_scores(hypotheses: list[str], references: list[str]) -> dict:
    """Corpus BLEU and chrF (0-100) of `hypotheses` against one reference each."""
    return {"bleu": round(BLEU().corpus_score(hypotheses, [references]).score, 2),
            "chrf": round(CHRF().corpus_score(hypotheses, [references]).score, 2), "sentences": len(hypotheses)}


def paired_intervals(ours: list[str], peers: list[str], references: list[str]) -> dict[str, Interval]:
    """{"bleu": ..., "chrf": ...}: ours - peer's corpus score and its paired bootstrap 95% interval."""
    intervals = {}
    for name, kind in METRICS.items():
        metric = kind()
        intervals[name] = paired_interval(score_of_sample(metric, sentence_statistics(metric, ours, references)),
                                          score_of_sample(metric, sentence_statistics(metric, peers, references)),
                                          len(references))
    return intervals


def translate_all(translator: Translator, texts: list[str], beam_size: int, label: str = "") -> list[str]:
    """The best translation of every text, in batches, with a progress bar."""
    translated = []
    for start in tqdm(range(0, len(texts), BATCH_SIZE), desc=label or "translating", leave=False, disable=None):
        translated += [t.translation for t in translator.translate(texts[start:start + BATCH_SIZE], beam_size)]
    return translated


def score_beside_apertium(translator: Translator, sets: dict[str, list[Pair]], beam_size: int = BEAM) -> dict:
    """{set name: {"model": scores, "apertium": scores, "model_minus_apertium": {"bleu": interval, "chrf":
    interval}}}; the Apertium entries are absent when Apertium is not installed."""
    results = {}
    for name, pairs in sets.items():
        english, spanish = [p.english for p in pairs], [p.spanish for p in pairs]
        ours = translate_all(translator, english, beam_size, name)
        results[name] = {"model": corpus_scores(ours, spanish)}
        if apertium_installed():
            peers = apertium_translate(english)
            results[name]["apertium"] = corpus_scores(peers, spanish)
            intervals = paired_intervals(ours, peers, spanish)
            results[name]["model_minus_apertium"] = {metric: interval.to_json(places=2)
                                                     for metric, interval in intervals.items()}
    return results


def artifact_metrics(artifact: Artifact) -> dict:
    """The manifest's metrics for a translate artifact as served: every held-out set (without training twins)
    and both sets of everyday sentences beside Apertium with intervals, and how many twins each held-out set
    lost."""
    sets = {f"{split} {source}": pairs for split in ("validation", "test")
            for source, pairs in held_out_pairs(split).items()}
    scores = score_beside_apertium(Translator(artifact), {**sets, **everyday_sets()})
    print(format_scores(f"BLEU and chrF, beam {BEAM}, the model as served beside Apertium:", scores))
    return {"beam": BEAM, **scores, "twins_dropped": held_out_twins_dropped(), "peer_rule": PEER_RULE}


def _difference(interval: dict | None) -> str:
    return "-" if interval is None else format_difference(interval, places=2)


def format_scores(title: str, results: dict) -> str:
    """A table: each set's BLEU and chrF, the model's and Apertium's, and the difference with its 95% interval."""
    lines = [title, f"{'set':<22}{'sentences':>10}{'BLEU model':>12}{'Apertium':>10}  {'difference [95%]':<30}"
                    f"{'chrF model':>12}{'Apertium':>10}  {'difference [95%]':<30}"]
    for name, scores in results.items():
        peer, differences = scores.get("apertium", {}), scores.get("model_minus_apertium", {})
        lines.append(f"{name:<22}{scores['model']['sentences']:>10}{scores['model']['bleu']:>12.2f}"
                     f"{peer.get('bleu', float('nan')):>10.2f}  {_difference(differences.get('bleu')):<30}"
                     f"{scores['model']['chrf']:>12.2f}{peer.get('chrf', float('nan')):>10.2f}  "
                     f"{_difference(differences.get('chrf'))}")
    lines.append("difference: model - Apertium, paired bootstrap 95% interval (1,000 resamples, seeded); "
                 "ahead or behind where it excludes 0, level otherwise")
    return "\n".join(lines)
