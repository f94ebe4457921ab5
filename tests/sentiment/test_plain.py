"""Plain sentences: WordNet usage examples read out of a fake package, kept only when no lexicon marks them."""
import pytest

from tests.conftest import make_deb, make_tgz
from training.sentiment.data import Example
from training.sentiment.plain import OpinionLexicon, as_sentence, plain_examples, plain_sentences

NOUN = ('00001740 03 n 01 museum 0 000 | a building where objects are shown; "the museum opens at nine on '
        'weekdays"; "the museum was a wonderful surprise"\n'
        '  1 This is a licence header line with "quoted text that is not an example at all"\n')
VERB = '00002000 29 v 01 leave 0 000 | go away; "the train leaves the station at noon"; "leave now"\n'
ADJ = '00003000 00 a 01 dull 0 000 | not exciting; "the plot was utterly boring and slow"\n'
ADV = '00004000 02 r 01 again 0 000 | once more; "we will meet at the station again"\n'


@pytest.fixture
def packages(tmp_path):
    wordnet = tmp_path / "wordnet.deb"
    wordnet.write_bytes(make_deb({f"./usr/share/wordnet/data.{part}": text.encode("latin-1")
                                  for part, text in [("noun", NOUN), ("verb", VERB), ("adj", ADJ), ("adv", ADV)]}))
    stdlib = tmp_path / "datasets.tgz"
    stdlib.write_bytes(make_tgz({
        "package/liu-positive-opinion-words-en/data/words.txt": b"wonderful\ngood\n",
        "package/liu-negative-opinion-words-en/data/words.txt": b"boring\n",
        "package/afinn-111/data/words.csv": b"word,valence\nmeet,1\ncool stuff,3\n"}))
    return {"wordnet": wordnet, "stdlib": stdlib}


def test_keeps_long_unmarked_examples_only(packages):
    # "leave now" is too short; "wonderful" (Liu), "boring" (Liu) and "meet" (AFINN) mark the others
    assert plain_sentences(**packages) == ["the museum opens at nine on weekdays", "the train leaves the station at noon"]


def test_lexicon_finds_plain_inflections_and_phrases():
    lexicon = OpinionLexicon({"meet", "love"}, {"cool stuff"})
    assert lexicon.marks("They meets often") and lexicon.marks("She loved it") and lexicon.marks("loving")
    assert lexicon.marks("really Cool  stuff here")
    assert not lexicon.marks("The bus leaves at noon")


def test_examples_are_neutral_unrated_sentences_that_repeat_nothing(packages):
    rated = [Example("movie", "1", 2.0, "The museum opens at nine on weekdays!")]
    examples = plain_examples(rated, limit=10, **packages)
    assert [(e.domain, e.label, e.rated, e.text) for e in examples] == [
        ("plain", 1, False, "The train leaves the station at noon.")]
    assert as_sentence("is it late?") == "Is it late?"
