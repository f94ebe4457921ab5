"""Translation quality beside Apertium: corpus BLEU and chrF (sacrebleu) on the same held-out sentences.
Needs no torch: it scores the model as served (ONNX, beam search)."""
from __future__ import annotations

from sacrebleu.metrics import BLEU, CHRF
from tqdm import tqdm

from serving.translate.apertium import apertium_installed, apertium_translate
from serving.translate.translator import Translator
from training.translate.data import Pair

BATCH_SIZE = 16


def corpus_scores(hypotheses: list[str], references: list[str]) -> dict:
    """Corpus BLEU and chrF (0-100) of `hypotheses` against one reference each."""
    return {"bleu": round(BLEU().corpus_score(hypotheses, [references]).score, 2),
            "chrf": round(CHRF().corpus_score(hypotheses, [references]).score, 2), "sentences": len(hypotheses)}


def translate_all(translator: Translator, texts: list[str], beam_size: int, label: str = "") -> list[str]:
    """The best translation of every text, in batches, with a progress bar."""
    translated = []
    for start in tqdm(range(0, len(texts), BATCH_SIZE), desc=label or "translating", leave=False, disable=None):
        translated += [t.translation for t in translator.translate(texts[start:start + BATCH_SIZE], beam_size)]
    return translated


def score_beside_apertium(translator: Translator, sets: dict[str, list[Pair]], beam_size: int = 4) -> dict:
    """{set name: {"model": scores, "apertium": scores (absent when Apertium is not installed)}}."""
    results = {}
    for name, pairs in sets.items():
        english, spanish = [p.english for p in pairs], [p.spanish for p in pairs]
        results[name] = {"model": corpus_scores(translate_all(translator, english, beam_size, name), spanish)}
        if apertium_installed():
            results[name]["apertium"] = corpus_scores(apertium_translate(english), spanish)
    return results


def format_scores(title: str, results: dict) -> str:
    lines = [title, f"{'set':<22}{'sentences':>10}{'BLEU model':>12}{'Apertium':>10}{'chrF model':>12}{'Apertium':>10}"]
    for name, scores in results.items():
        peer = scores.get("apertium", {})
        lines.append(f"{name:<22}{scores['model']['sentences']:>10}{scores['model']['bleu']:>12.2f}"
                     f"{peer.get('bleu', float('nan')):>10.2f}{scores['model']['chrf']:>12.2f}"
                     f"{peer.get('chrf', float('nan')):>10.2f}")
    return "\n".join(lines)
