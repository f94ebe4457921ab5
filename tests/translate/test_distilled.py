"""Synthetic everyday pairs: WordNet usage examples from a package the test writes, translated by Apertium."""
import pytest

from serving.translate.apertium import apertium_installed
from tests.conftest import make_deb
from training.translate.distilled import distilled_pairs, everyday_english

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
