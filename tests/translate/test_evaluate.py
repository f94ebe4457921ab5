"""Scoring beside Apertium: a resample's corpus BLEU and chrF from summed sentence statistics are sacrebleu's own
corpus scores, intervals are seeded and say ahead only when they exclude 0, and the manifest's metrics keep
their shape."""
import numpy as np
import pytest
from sacrebleu.metrics import BLEU, CHRF

from serving.translate.apertium import apertium_installed, apertium_translate_in_one_run
from serving.translate.translator import Translator
from training.translate import evaluate
from training.translate.data import TEST_CATALOGUES, Pair, catalogue_pairs, everyday_pairs
from training.translate.evaluate import (format_scores, paired_intervals, score_of_sample, sentence_statistics,
                                         translate_all)

needs_apertium = pytest.mark.skipif(not apertium_installed(), reason="Apertium eng-spa is not installed")


@pytest.fixture(scope="module")
def translator() -> Translator:
    return Translator.load()


def assert_sums_give_sacrebleu(hypotheses: list[str], references: list[str]) -> None:
    resample = np.random.default_rng(0).integers(0, len(references), len(references))
    for kind in (BLEU, CHRF):
        statistics = sentence_statistics(kind(), hypotheses, references)
        score = score_of_sample(kind(), statistics)
        assert score(np.arange(len(references))) == pytest.approx(
            kind().corpus_score(hypotheses, [references]).score, abs=1e-9)
        assert score(resample) == pytest.approx(kind().corpus_score(
            [hypotheses[i] for i in resample], [[references[i] for i in resample]]).score, abs=1e-9)


@needs_apertium
def test_summed_statistics_give_sacrebleus_corpus_scores_on_full_sets(translator):
    """The model's and Apertium's everyday translations, and Apertium's of a whole test catalogue (one run: the
    scores only need real translations)."""
    everyday = everyday_pairs()
    english, spanish = [p.english for p in everyday], [p.spanish for p in everyday]
    assert_sums_give_sacrebleu(translate_all(translator, english, 4), spanish)
    assert_sums_give_sacrebleu(apertium_translate_in_one_run(english), spanish)
    catalogues = [p for p in catalogue_pairs() if p.group in TEST_CATALOGUES]
    assert len(catalogues) > 1000
    assert_sums_give_sacrebleu(apertium_translate_in_one_run([p.english for p in catalogues]),
                               [p.spanish for p in catalogues])


def test_intervals_are_seeded_and_ahead_only_when_they_exclude_zero():
    references = [f"el archivo {n} no se pudo guardar" for n in range(40)]
    peers = [f"archivo {n} no guardado" for n in range(40)]
    intervals = paired_intervals(references, peers, references)
    assert {name: interval.verdict for name, interval in intervals.items()} == {"bleu": "ahead", "chrf": "ahead"}
    assert intervals == paired_intervals(references, peers, references)
    same = paired_intervals(peers, peers, references)
    assert all((i.difference, i.low, i.high, i.verdict) == (0, 0, 0, "level") for i in same.values())


@needs_apertium
def test_metrics_keep_their_shape_with_intervals_and_twin_counts(monkeypatch, translator):
    pairs = [Pair("Save the file.", "Guarde el archivo.", "catalogues", "libreoffice/sd"),
             Pair("How are you?", "¿Cómo estás?", "everyday", "greeting")]
    monkeypatch.setattr(evaluate, "held_out_pairs", lambda split: {"bible": pairs[:1], "catalogues": pairs})
    monkeypatch.setattr(evaluate, "everyday_sets", lambda: {"test everyday": pairs[1:], "test everyday 2": pairs[1:]})
    twins = {"validation": {"bible": 1, "catalogues": 147}, "test": {"bible": 1, "catalogues": 188}}
    monkeypatch.setattr(evaluate, "held_out_twins_dropped", lambda: twins)
    metrics = evaluate.artifact_metrics(translator.artifact)
    assert list(metrics) == ["beam", "validation bible", "validation catalogues", "test bible", "test catalogues",
                             "test everyday", "test everyday 2", "twins_dropped", "peer_rule"]
    assert metrics["twins_dropped"] == twins and metrics["test catalogues"]["model"]["sentences"] == 2
    for name in ("validation bible", "test catalogues", "test everyday", "test everyday 2"):
        assert set(metrics[name]) == {"model", "apertium", "model_minus_apertium"}
        for interval in metrics[name]["model_minus_apertium"].values():
            assert interval["low"] <= interval["difference"] <= interval["high"]
            assert interval["verdict"] in ("ahead", "level", "behind")
    table = format_scores("title", {name: metrics[name] for name in ("test catalogues", "test everyday")})
    interval = metrics["test everyday"]["model_minus_apertium"]["chrf"]
    assert f"[{interval['low']:+.2f}, {interval['high']:+.2f}] {interval['verdict']}" in table
