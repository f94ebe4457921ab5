"""Scoring beside spaCy: corpus F1 from per-sentence counts, intervals on the differences, the same input for
both taggers, and no scored sentence with a training twin."""
import pytest

from serving.ner.tagger import EntityTagger
from serving.ner.words import split_words
from serving.text import prepare_text
from training.ner.data import read_gold, read_wnut, spacy_tags
from training.ner.evaluate import (corpus_f1, entity_counts, entity_scores, f1_intervals, held_out,
                                   training_twin_finder)

WORDS = ("Ann", "met", "Bob", "in", "Paris")
GOLD = ("B-PER", "O", "B-PER", "O", "B-LOC")


def test_corpus_f1_from_sentence_counts_is_the_reported_f1():
    words, gold = [WORDS, WORDS[:3]], [GOLD, GOLD[:3]]
    predicted = [("B-PER", "O", "B-LOC", "O", "B-LOC"), ("B-ORG", "O", "O")]
    counts = entity_counts(words, gold, predicted)
    assert counts.tolist() == [[2, 3, 3], [0, 1, 2]]
    f1 = entity_scores(words, gold, predicted)["typed"]["f1"]
    assert round(corpus_f1(counts), 4) == f1 == 0.4444  # 2 x 2 / (4 + 5)
    assert entity_counts(words, gold, predicted, untyped=True).tolist() == [[3, 3, 3], [1, 1, 2]]


def test_intervals_call_a_clear_lead_ahead_and_a_tie_level():
    words, gold = [WORDS] * 60, [GOLD] * 60
    missing = [("B-PER", "O", "O", "O", "O")] * 60
    better = f1_intervals(words, gold, gold, missing)["typed_f1"]
    assert better["verdict"] == "ahead" and better["low"] > 0 and better["difference"] == 0.5
    assert f1_intervals(words, gold, missing, gold)["untyped_f1"]["verdict"] == "behind"
    mixed = [GOLD if i % 2 else missing[0] for i in range(60)]
    tie = f1_intervals(words, gold, mixed, mixed[1:] + mixed[:1])["typed_f1"]
    assert tie["verdict"] == "level" and tie["low"] < 0 < tie["high"]


class RecordingPipeline:
    """Stands in for spaCy: records the texts it is given and finds no entity."""

    def __init__(self):
        self.texts = []

    def pipe(self, texts, batch_size):
        for text in texts:
            self.texts.append(text)
            yield type("Doc", (), {"ents": ()})()


def test_spacy_reads_the_text_whose_words_the_tagger_reads():
    """Gold: spaCy reads each sentence as written, which is what the served tagger would be typed (unchanged by
    `prepare_text`) and cut into exactly the words the tagger is scored on. WNUT-16: no text exists beyond its
    tokens, so spaCy reads them joined by single spaces and the tagger reads the tokens."""
    for sentences, joined in ((read_gold(), False), (read_wnut(), True)):
        nlp = RecordingPipeline()
        spacy_tags(sentences, nlp)
        assert nlp.texts == [s.text for s in sentences]
        for s in sentences:
            if joined:
                assert s.text == " ".join(s.words)
            else:
                assert prepare_text(s.text) == (s.text, False)
                assert tuple(w.text for w in split_words(s.text)) == s.words
            assert [s.text[w.start:w.end] for w in s.word_spans()] == list(s.words)


@pytest.mark.slow
def test_no_scored_sentence_has_a_training_twin():
    """The manifest's numbers are on the gold sentences and WNUT-16 tweets less the twins it lists, and none of
    those has a twin among the texts the tagger was trained from (about a minute to index them)."""
    tagger = EntityTagger.load()
    metrics, finder = tagger.artifact.manifest["metrics"], training_twin_finder(tagger)
    for sentences, recorded in ((read_gold(), metrics["gold"]["all"]), (read_wnut(), metrics["wnut16"])):
        kept, dropped = held_out(sentences, finder)
        assert [s.text for s in dropped] == recorded["twins_dropped"]
        scored = [s for s in sentences if s.text not in recorded["twins_dropped"]]
        assert len(scored) == recorded["rnn"]["sentences"] == recorded["spacy"]["sentences"]
        assert not any(finder.has_twin(s.text) for s in scored)
