"""The committed tagger as served: its output, its probabilities, the teaching losses and a quality guard."""
import numpy as np
import pytest

from serving.ner.tagger import TAGS, TYPES, EntityTagger, entities_of
from serving.ner.words import split_words
from serving.text import InputError
from training.ner.data import read_gold
from training.ner.evaluate import entity_scores

TYPED_F1_AT_LEAST = 0.80  # the committed model: 0.821 on the 308 held-out gold sentences (spaCy small: 0.794)


@pytest.fixture(scope="module")
def tagger() -> EntityTagger:
    return EntityTagger.load()


def test_one_output_per_word(tagger):
    dhaval, ann = tagger.tag(["Dhaval loves baby yoda", "Ann told Maria that the pizza is in Rome."])
    assert [w.text for w in dhaval.words] == ["Dhaval", "loves", "baby", "yoda"] and len(dhaval.marginals) == 4
    assert [(e.text, e.label) for e in ann.entities][-2:] == [("Maria", "PER"), ("Rome", "LOC")]


def test_entities_point_back_into_the_text_and_probabilities_are_probabilities(tagger):
    text = "Angela Merkel met Emmanuel Macron in Paris to talk about the European Union."
    [result] = tagger.tag([text])
    assert {(e.text, e.label) for e in result.entities} >= {("Angela Merkel", "PER"), ("Paris", "LOC")}
    for entity in result.entities:
        assert result.text[entity.start:entity.end] == entity.text and entity.label in TYPES
        assert 0 < entity.prob <= 1
    assert all(w.tag in TAGS and 0 < w.prob <= 1 for w in result.words)
    np.testing.assert_allclose(result.marginals.sum(axis=1), 1.0, atol=1e-5)
    payload = result.to_json()
    assert set(payload) == {"text", "entities", "tokens", "truncated", "warnings"}
    assert set(payload["entities"][0]) == {"text", "label", "start", "end", "prob"}
    assert set(payload["tokens"][0]) == {"text", "tag", "prob"}


def test_names_on_the_lists_are_known_though_training_never_met_them(tagger):
    """The name-list flags (serving/ner/gazetteer.py): the lecture's "Ahmed", and a place typed in lower case."""
    told, typed = tagger.tag(["Bob told Ahmed that pizza is delivered", "dhaval loves baby yoda and lives in pune"])
    assert [(e.text, e.label) for e in told.entities] == [("Bob", "PER"), ("Ahmed", "PER")]
    assert ("pune", "LOC") in [(e.text, e.label) for e in typed.entities]
    assert tagger.gazetteer is not None and tagger.gazetteer.kinds == ["first name", "company", "place", "character"]


def test_the_lectures_unusual_names_are_people(tagger):
    """Names on the Indian-name and character lists, one of them typed in lower case in a mixed-case text."""
    dhaval, ironman = tagger.tag(["Dhaval loves baby yoda", "Ironman punched on hulk's face"])
    assert ("Dhaval", "PER") in [(e.text, e.label) for e in dhaval.entities]
    assert [(e.text, e.label) for e in ironman.entities] == [("Ironman", "PER"), ("hulk", "PER")]


def test_bio_tags_become_entities_leniently():
    words = split_words("Ann Lee saw New York")
    tags = ["B-PER", "I-PER", "O", "I-LOC", "I-LOC"]
    found = entities_of(words, tags, [0.9, 0.8, 1.0, 0.7, 0.6], "Ann Lee saw New York")
    assert [(e.text, e.label, e.prob) for e in found] == [("Ann Lee", "PER", 0.8), ("New York", "LOC", 0.6)]


def test_teaching_losses_add_up_and_a_wrong_mark_costs_more(tagger):
    [result] = tagger.tag(["Bob told Ahmed that pizza is delivered"])
    own = [w.tag for w in result.words]
    per_word, sequence = tagger.crf.losses(result, own)
    np.testing.assert_allclose(per_word, [-np.log(w.prob) for w in result.words], rtol=1e-5)
    assert sequence >= 0
    wrong = ["B-ORG"] + own[1:]
    wrong_per_word, wrong_sequence = tagger.crf.losses(result, wrong)
    assert wrong_per_word[0] > per_word[0] and wrong_per_word[1:] == per_word[1:] and wrong_sequence > sequence


def test_long_text_is_cut_and_said_and_empty_text_is_refused(tagger):
    [long] = tagger.tag(["Paris is lovely. " * 200])
    assert long.truncated and len(long.words) == 256
    with pytest.raises(InputError):
        tagger.tag(["  \x00 "])


def test_quality_guard_gold_scores_are_reproduced(tagger):
    """The served model scores on the held-out gold sentences (less the training twins the manifest lists, checked
    in test_evaluate.py) exactly what its manifest says, and stays at the level the committed model reached
    (docs/ner.md)."""
    recorded = tagger.artifact.manifest["metrics"]["gold"]["all"]
    gold = [s for s in read_gold() if s.text not in recorded["twins_dropped"]]
    predicted = tagger.tag_words([list(s.words) for s in gold])
    scores = entity_scores([s.words for s in gold], [s.tags for s in gold], predicted)
    assert scores["typed"] == recorded["rnn"]["typed"] and scores["untyped"] == recorded["rnn"]["untyped"]
    assert scores["typed"]["f1"] >= TYPED_F1_AT_LEAST
