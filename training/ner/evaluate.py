"""Entity-level precision, recall and F1: an entity counts only when its words (and, typed, its type) match
exactly. The tagger and spaCy are scored alike on the same words."""
from __future__ import annotations

from serving.ner.tagger import TYPES, EntityTagger, bio_spans
from training.ner.data import Tagged, spacy_tags

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


def entity_scores(words: list[tuple[str, ...]], gold: list, predicted: list) -> dict:
    """Typed and untyped P/R/F1 over all sentences, per type, and the entity counts."""
    gold_sets = [entity_set(w, g) for w, g in zip(words, gold)]
    predicted_sets = [entity_set(w, p) for w, p in zip(words, predicted)]

    def score(keep, untyped: bool = False) -> dict[str, float]:
        def strip(entities):
            return {(s, e, "" if untyped else k) for s, e, k in entities if keep(k)}
        pairs = [(strip(g), strip(p)) for g, p in zip(gold_sets, predicted_sets)]
        return prf(sum(len(g & p) for g, p in pairs), sum(len(p) for _, p in pairs), sum(len(g) for g, _ in pairs))

    return {"typed": score(lambda k: True), "untyped": score(lambda k: True, untyped=True),
            "per_type": {kind: score(lambda k, kind=kind: k == kind) for kind in TYPES},
            "gold_entities": sum(map(len, gold_sets)), "sentences": len(words)}


def score_beside_spacy(tagger: EntityTagger, sentences: list[Tagged], nlp) -> dict:
    """The tagger and spaCy on the same words, per kind of text and over all."""
    words = [s.words for s in sentences]
    ours = tagger.tag_words([list(w) for w in words])
    theirs = spacy_tags(sentences, nlp)
    gold = [s.tags for s in sentences]
    scores = {}
    for kind in sorted({s.kind for s in sentences}) + ["all"]:
        keep = [i for i, s in enumerate(sentences) if kind in ("all", s.kind)]
        pick = (lambda rows, keep=keep: [rows[i] for i in keep])
        scores[kind] = {"rnn": entity_scores(pick(words), pick(gold), pick(ours)),
                        "spacy": entity_scores(pick(words), pick(gold), pick(theirs))}
    return scores


def format_scores(title: str, scores: dict) -> str:
    lines = [title, "| text | sentences | gold entities | RNN typed F1 | spaCy typed F1 | RNN untyped F1 | "
             "spaCy untyped F1 |", "|---|---:|---:|---:|---:|---:|---:|"]
    for kind, pair in scores.items():
        rnn, spacy = pair["rnn"], pair["spacy"]
        lines.append(f"| {kind} | {rnn['sentences']} | {rnn['gold_entities']} | {rnn['typed']['f1']:.3f} | "
                     f"{spacy['typed']['f1']:.3f} | {rnn['untyped']['f1']:.3f} | {spacy['untyped']['f1']:.3f} |")
    return "\n".join(lines)


def compare_on_validation(model_dirs: list) -> str:
    """Tagger variants side by side on what choices are made on: typed F1 on the everyday validation
    sentences, and agreement with spaCy's corrected tags on the next-word model's validation documents."""
    from training.ner.data import VALIDATION_FILE, read_gold, silver_tagged
    from training.ner.gazetteers import first_names
    from training.ner.sentences import document_sentences
    from training.ner.silver import clean_silver
    from training.nextword.data import load_splits

    everyday = read_gold(VALIDATION_FILE)
    documents, _ = clean_silver(silver_tagged(document_sentences(load_splits()["validation"])), first_names())
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
