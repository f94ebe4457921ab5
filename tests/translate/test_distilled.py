"""Synthetic everyday pairs: WordNet usage examples from a package the test writes, translated by Apertium."""
import pytest

from serving.translate.apertium import apertium_installed
from tests.conftest import make_deb
from training.translate import distilled
from training.translate.distilled import distilled_pairs, distilled_splits, everyday_english, in_validation

NOUN = ('00001740 03 n 01 health 0 000 | a bodily state; "her health is better now"; "health"\n'
        '  1 This is a licence header line with "quoted text that is not an example at all"\n')
VERB = ('00002000 29 v 01 work 0 000 | proceed with effort; "work one\'s way through the crowd"; '
        '"the blorpfish swims in the river"\n')
ADJ = '00003000 00 a 01 cold 0 000 | low in temperature; "a cold wind blew from the north"; "1 2 3"\n'
ADV = ('00004000 02 r 01 again 0 000 | once more; "we will meet at the station again"; '
       '"he shouted \'blorpish\' twice"\n')


@pytest.fixture
def wordnet(tmp_path):
    deb = tmp_path / "wordnet.deb"
    deb.write_bytes(make_deb({f"./usr/share/wordnet/data.{part}": text.encode("latin-1")
                              for part, text in [("noun", NOUN), ("verb", VERB), ("adj", ADJ), ("adv", ADV)]}))
    return deb


def test_usage_examples_become_sentences_but_short_ones_and_headword_patterns(wordnet):
    assert everyday_english(wordnet) == ["Her health is better now.", "The blorpfish swims in the river.",
                                         "A cold wind blew from the north.", "We will meet at the station again.",
                                         "He shouted 'blorpish' twice."]


@pytest.mark.skipif(not apertium_installed(), reason="Apertium eng-spa is not installed")
def test_apertium_translates_what_it_knows_and_twins_of_held_out_sentences_stay_out(wordnet):
    pairs = distilled_pairs(everyday_english(wordnet), held_out=["We will meet at the station again!"])
    assert [p.english for p in pairs] == ["Her health is better now.", "A cold wind blew from the north."]
    assert pairs[0].spanish == "Su salud es mejor ahora."
    assert all(p.source == "distilled" and p.group == "wordnet" and "  " not in p.spanish for p in pairs)


def test_one_pair_in_forty_is_held_out_for_choices_by_its_own_text():
    texts = [f"Sentence number {i} about the weather." for i in range(4000)]
    held = [text for text in texts if in_validation(text)]
    assert 60 <= len(held) <= 140
    assert held == [text for text in reversed(texts) if in_validation(text)][::-1]


@pytest.mark.skipif(not apertium_installed(), reason="Apertium eng-spa is not installed")
def test_distilled_splits_part_the_pairs_by_their_own_text(wordnet, monkeypatch):
    monkeypatch.setattr(distilled, "VALIDATION_EVERY", 2)
    splits = distilled_splits([], wordnet)
    everything = distilled_pairs(everyday_english(wordnet), [])
    assert splits["validation"] == [p for p in everything if in_validation(p.english)]
    assert splits["train"] == [p for p in everything if not in_validation(p.english)]
    assert splits["validation"] and splits["train"]
