"""The music model as served, on the held-out test tunes beside the Kneser-Ney 5-gram (negative
log-likelihood per token, with a paired bootstrap interval over tunes), and the tunes it writes (200, seeds
0-199, default settings) against what the corpus's own tunes do: bars of full length, an ending on the
tonic, repeated sections.
"""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np

from datafetch.registry import fetch
from datafetch.sources import MUSIC21_WHEEL
from serving.artifact import Artifact
from serving.music.abc import Tune
from serving.music.checks import ends_on_tonic, full_bars, repeats
from serving.music.composer import Choice, Composer
from training.bootstrap import format_difference, paired_interval
from training.music.data import TokenizedTune, read_collections, split_collections

WRITTEN = 200


def token_weighted(totals: np.ndarray, counts: np.ndarray) -> Callable[[np.ndarray], float]:
    """Minus the mean NLL per token of the chosen tunes (higher is better, as paired_interval compares)."""
    return lambda sample: -float(totals[sample].sum() / counts[sample].sum())


def artifact_metrics(artifact: Artifact) -> dict:
    """The manifest's metrics for a music artifact as served: its test tunes, drawn as its training drew them."""
    tunes, _ = read_collections(fetch(MUSIC21_WHEEL))
    splits = split_collections(tunes, artifact.manifest["training"]["settings"]["seed"])
    return evaluate_composer(artifact, splits["test"], checked([tune for _, tune in tunes], len(tunes)))


def evaluate_composer(artifact: Artifact, test: list[TokenizedTune], corpus: dict) -> dict:
    """`corpus`: checked() of the corpus's own tunes, to set the written tunes beside."""
    composer = Composer(artifact)
    scores = [composer.score_tokens(tune.title, tune.tokens) for tune in test]
    counts = np.array([len(s.tokens) + 1 for s in scores], np.float64)
    model = np.array([s.nll_per_token for s in scores]) * counts
    ngram = np.array([s.ngram_nll_per_token for s in scores]) * counts
    interval = paired_interval(token_weighted(model, counts), token_weighted(ngram, counts), len(scores))
    return {
        "test": {"tunes": len(scores), "tokens": int(counts.sum()),
                 "lstm_nll_per_token": round(float(model.sum() / counts.sum()), 4),
                 "ngram_nll_per_token": round(float(ngram.sum() / counts.sum()), 4),
                 "lstm_minus_ngram": interval.to_json()},
        "written": written_checks(composer, grammar=True),
        "written_without_grammar": written_checks(composer, grammar=False),
        "corpus": corpus,
    }


def written_checks(composer: Composer, grammar: bool) -> dict:
    """WRITTEN tunes at the default settings (seeds 0 to WRITTEN - 1), checked; with or without the grammar
    that masks overfull bars and endings away from the tonic (serving/music/grammar.py)."""
    written, seconds = [], []
    for seed in range(WRITTEN):
        started = time.perf_counter()
        written.append(composer.write(Choice(seed=seed, grammar=grammar)))
        seconds.append(time.perf_counter() - started)
    tunes = [w.tune for w in written if w.tune is not None]  # a tune that does not read fails every check
    return {"tunes": WRITTEN, "valid": round(len(tunes) / WRITTEN, 4), **checked(tunes, WRITTEN),
            "median_bars": statistics.median(w.bars() for w in written),
            "seconds_median": round(statistics.median(seconds), 4)}


def checked(tunes: list[Tune], out_of: int) -> dict:
    """The share of `out_of` tunes that pass each check."""
    return {name: round(sum(check(tune) for tune in tunes) / out_of, 4)
            for name, check in (("full_bars", full_bars), ("ends_on_tonic", ends_on_tonic), ("repeats", repeats))}


def format_report(report: dict) -> str:
    test = report["test"]
    lines = [f"test tunes {test['tunes']} ({test['tokens']:,} tokens): NLL per token LSTM "
             f"{test['lstm_nll_per_token']:.3f}"
             f", Kneser-Ney 5-gram {test['ngram_nll_per_token']:.3f}; LSTM - 5-gram (as -NLL) "
             f"{format_difference(test['lstm_minus_ngram'])}"]
    for key, how in (("written", "with the grammar (served)"), ("written_without_grammar", "without the grammar")):
        written = report[key]
        lines.append(f"{written['tunes']} tunes written {how}: valid {written['valid']:.1%}, full bars "
                     f"{written['full_bars']:.1%}, ending on the tonic {written['ends_on_tonic']:.1%}, with repeats "
                     f"{written['repeats']:.1%}, median {written['median_bars']} bars, "
                     f"{written['seconds_median'] * 1000:.0f} ms each (median)")
    corpus = report["corpus"]
    lines.append(f"the corpus's tunes: full bars {corpus['full_bars']:.1%}, ending on the tonic "
                 f"{corpus['ends_on_tonic']:.1%}, with repeats {corpus['repeats']:.1%}")
    return "\n".join(lines)
