"""Entity-level precision, recall and F1: an entity counts only when its words (and, typed, its type) match
exactly. The tagger and spaCy are scored alike on the same words, only on sentences the tagger never trained on
(a sentence with a training twin under `training.near_duplicates`' rule is dropped and recorded), and each F1
difference comes with a paired bootstrap interval over sentences (`training.bootstrap`)."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from serving.artifact import Artifact
from serving.ner.tagger import TYPES, EntityTagger, bio_spans
from training.bootstrap import format_difference, paired_interval
from training.ner.data import (VALIDATION_FILE, Tagged, read_gold, read_wnut, silver_tagged, spacy_pipeline,
                               spacy_tags, wordnet_glosses)
from training.ner.sentences import document_sentences, training_texts
from training.near_duplicates import TwinFinder, without_twins

_ARTICLES = {"the", "The", "THE"}


def entity_set(words: tuple[str, ...] | list[str], tags: list[str] | tuple[str, ...]) -> set[tuple[int, int, str]]:
    """(first word, last word + 1, type) of each entity; a leading "the" is not part of a name for either
    side (annotators and spaCy disagree on it: "the United States")."""
    return {(start + 1 if words[start] in _ARTICLES and end - start > 1 else start, end, kind)
            for start, end, kind in bio_spans(tags)}


def prf(true_positives: int, predicted: int, gold: int) -> dict[str, float]:
    precision = true_positives / predicted if predicted else 0.0
    recall = true_positives / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def entity_counts(words: list[tuple[str, ...]], gold: list, predicted: list, keep=lambda kind: True,
                  untyped: bool = False) -> np.ndarray:
    """[sentences, 3]: each sentence's true-positive, predicted and gold entities (of the kinds `keep` accepts),
    which corpus P/R/F1 are sums of; untyped, an entity matches on its words alone."""
    def entities(w, tags):
        return {(s, e, "" if untyped else k) for s, e, k in entity_set(w, tags) if keep(k)}
    rows = []
    for w, g, p in zip(words, gold, predicted):
        gold_set, predicted_set = entities(w, g), entities(w, p)
        rows.append((len(gold_set & predicted_set), len(predicted_set), len(gold_set)))
    return np.array(rows, np.int64).reshape(-1, 3)


def corpus_f1(counts: np.ndarray) -> float:
    """F1 from summed counts: 2 TP / (predicted + gold), the harmonic mean of precision and recall."""
    true_positives, predicted, gold = counts.sum(0)
    return 2 * true_positives / (predicted + gold) if predicted + gold else 0.0


def entity_scores(words: list[tuple[str, ...]], gold: list, predicted: list) -> dict:
    """Typed and untyped P/R/F1 over all sentences, per type, and the entity counts."""
    def score(keep=lambda kind: True, untyped: bool = False) -> dict[str, float]:
        return prf(*map(int, entity_counts(words, gold, predicted, keep, untyped).sum(0)))

    return {"typed": score(), "untyped": score(untyped=True),
            "per_type": {kind: score(lambda k, kind=kind: k == kind) for kind in TYPES},
            "gold_entities": int(entity_counts(words, gold, gold).sum(0)[2]), "sentences": len(words)}


def f1_intervals(words: list[tuple[str, ...]], gold: list, ours: list, theirs: list) -> dict[str, dict]:
    """Typed and untyped F1, ours minus the peer's, with the 95% paired bootstrap interval over sentences (corpus
    F1 recomputed from the resampled sentences' counts) and its verdict."""
    intervals = {}
    for name, untyped in (("typed_f1", False), ("untyped_f1", True)):
        mine = entity_counts(words, gold, ours, untyped=untyped)
        peer = entity_counts(words, gold, theirs, untyped=untyped)
        interval = paired_interval(lambda sample: corpus_f1(mine[sample]), lambda sample: corpus_f1(peer[sample]),
                                   len(words))
        intervals[name] = interval.to_json()
    return intervals


def tagger_training_texts(settings: dict) -> list[str]:
    """Every text the tagger with these training settings could have read: its training pool
    (`training.ner.sentences.training_texts`) and WordNet's glosses if it read them. Training sampled,
    lower-cased and swapped names in some of these; the pool they came from is the stricter set to find
    twins in."""
    return training_texts()["train"] + (wordnet_glosses() if settings["wordnet_glosses"] else [])


@lru_cache(maxsize=2)
def _twin_finder(wordnet: bool) -> TwinFinder:
    return TwinFinder(tagger_training_texts({"wordnet_glosses": wordnet}))


def training_twin_finder(tagger: EntityTagger) -> TwinFinder:
    """The texts `tagger` was trained from (by its manifest's settings), indexed once per process (about a
    minute)."""
    return _twin_finder(bool(tagger.artifact.manifest["training"]["settings"]["wordnet_glosses"]))


def held_out(sentences: list[Tagged], finder: TwinFinder) -> tuple[list[Tagged], list[Tagged]]:
    """The sentences without a twin among the training texts, and those dropped."""
    kept, _ = without_twins(sentences, lambda sentence: sentence.text, finder)
    scored = set(kept)
    return kept, [s for s in sentences if s not in scored]


def score_beside_spacy(tagger: EntityTagger, sentences: list[Tagged], nlp) -> dict:
    """The tagger and spaCy on the same words, per kind of text and over all: sentences with a twin among the
    tagger's training texts are dropped first (each kind lists them), and each F1 difference gets its interval."""
    sentences, dropped = held_out(sentences, training_twin_finder(tagger))
    words = [s.words for s in sentences]
    ours = tagger.tag_words([list(w) for w in words])
    theirs = spacy_tags(sentences, nlp)
    gold = [s.tags for s in sentences]
    scores = {}
    for kind in sorted({s.kind for s in sentences}) + ["all"]:
        keep = [i for i, s in enumerate(sentences) if kind in ("all", s.kind)]
        pick = (lambda rows, keep=keep: [rows[i] for i in keep])
        scores[kind] = {"rnn": entity_scores(pick(words), pick(gold), pick(ours)),
                        "spacy": entity_scores(pick(words), pick(gold), pick(theirs)),
                        "intervals": f1_intervals(pick(words), pick(gold), pick(ours), pick(theirs)),
                        "twins_dropped": [s.text for s in dropped if kind in ("all", s.kind)]}
    return scores


def artifact_metrics(artifact: Artifact) -> dict:
    """What the training run records, less the ONNX-vs-torch parity: the served tagger beside spaCy on the
    held-out gold sentences and WNUT-16 tweets."""
    tagger, nlp = EntityTagger(artifact), spacy_pipeline()
    return {"gold": score_beside_spacy(tagger, read_gold(), nlp),
            "wnut16": score_beside_spacy(tagger, read_wnut(), nlp)["all"]}


def format_scores(title: str, scores: dict) -> str:
    lines = [title, "| text | sentences | twins dropped | gold entities | RNN typed F1 | spaCy typed F1 | "
             "difference [95% interval] | RNN untyped F1 | spaCy untyped F1 | difference [95% interval] |",
             "|---|---:|---:|---:|---:|---:|---|---:|---:|---|"]
    for kind, pair in scores.items():
        rnn, spacy, intervals = pair["rnn"], pair["spacy"], pair["intervals"]
        lines.append(f"| {kind} | {rnn['sentences']} | {len(pair['twins_dropped'])} | {rnn['gold_entities']} | "
                     f"{rnn['typed']['f1']:.3f} | {spacy['typed']['f1']:.3f} | "
                     f"{format_difference(intervals['typed_f1'])} | {rnn['untyped']['f1']:.3f} | "
                     f"{spacy['untyped']['f1']:.3f} | "
                     f"{format_difference(intervals['untyped_f1'])} |")
    lines.append("Intervals: 95% paired bootstrap over sentences (1,000 resamples, corpus F1 recomputed each time); "
                 "\"ahead\" or \"behind\" only where the interval excludes 0.")
    return "\n".join(lines)


def compare_on_validation(model_dirs: list) -> str:
    """Tagger variants side by side on what choices are made on: typed F1 on the everyday validation
    sentences, and agreement with spaCy's corrected tags on the next-word model's validation documents."""
    from training.ner.gazetteers import first_names
    from training.ner.silver import clean_silver
    from training.nextword.data import recorded_splits

    everyday = read_gold(VALIDATION_FILE)
    documents, _ = clean_silver(silver_tagged(document_sentences(recorded_splits()["validation"])), first_names())
    lines = ["| model | everyday validation typed F1 | untyped F1 | agreement with spaCy, validation documents |",
             "|---|---:|---:|---:|"]
    for folder in model_dirs:
        tagger = EntityTagger.load(folder)
        day = entity_scores([s.words for s in everyday], [s.tags for s in everyday],
                            tagger.tag_words([list(s.words) for s in everyday]))
        agree = entity_scores([s.words for s in documents], [s.tags for s in documents],
                              tagger.tag_words([list(s.words) for s in documents]))
        lines.append(f"| {folder} | {day['typed']['f1']:.3f} | {day['untyped']['f1']:.3f} | "
                     f"{agree['typed']['f1']:.3f} |")
    return "\n".join(lines)
