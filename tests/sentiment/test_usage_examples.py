"""WordNet usage examples read out of a fake package and labelled by fake lexicons."""
import pytest

from tests.conftest import make_deb, make_tgz
from training.sentiment.data import Example
from training.sentiment.usage_examples import OpinionLexicons, as_sentence, labelled_usage_examples, usage_example_set

NOUN = ('00001740 03 n 01 museum 0 000 | a building where objects are shown; "the museum opens at nine on '
        'weekdays"; "the museum was a wonderful surprise"\n'
        '  1 This is a licence header line with "quoted text that is not an example at all"\n')
VERB = '00002000 29 v 01 leave 0 000 | go away; "the train leaves the station at noon"; "leave now"\n'
ADJ = '00003000 00 a 01 dull 0 000 | not exciting; "the plot was utterly boring and dull"; "it was not boring at all"\n'
ADV = '00004000 02 r 01 again 0 000 | once more; "we will meet at the station again"\n'


@pytest.fixture
def packages(tmp_path):
    wordnet = tmp_path / "wordnet.deb"
    wordnet.write_bytes(make_deb({f"./usr/share/wordnet/data.{part}": text.encode("latin-1")
                                  for part, text in [("noun", NOUN), ("verb", VERB), ("adj", ADJ), ("adv", ADV)]}))
    stdlib = tmp_path / "datasets.tgz"
    stdlib.write_bytes(make_tgz({
        "package/liu-positive-opinion-words-en/data/words.txt": b"wonderful\ngood\n",
        "package/liu-negative-opinion-words-en/data/words.txt": b"boring\ndull\n",
        "package/afinn-111/data/words.csv": b"word,valence\nwonderful,4\nboring,-2\ndull,-1\nmeet,1\ncool stuff,3\n"}))
    return {"wordnet": wordnet, "stdlib": stdlib}


def test_labels_long_examples_neutral_or_clearly_polar(packages):
    # "leave now" is too short; "meet" (AFINN +1 alone) is too weak and "not boring" negated: both left out
    assert labelled_usage_examples(**packages) == [("the museum opens at nine on weekdays", 1),
                                                   ("the museum was a wonderful surprise", 2),
                                                   ("the train leaves the station at noon", 1),
                                                   ("the plot was utterly boring and dull", 0)]


def test_lexicons_find_plain_inflections_and_phrases():
    lexicons = OpinionLexicons({"love": 1, "hate": -1}, {"love": 3, "hate": -3, "cool stuff": 3})
    assert lexicons.label("She loved the loving cat") == 2 and lexicons.label("He hates it") == 0
    assert lexicons.label("I did not love it") is None and lexicons.label("I love and hate it") is None
    assert lexicons.label("really Cool  stuff here") is None  # AFINN alone, no Liu word to agree
    assert lexicons.label("The bus leaves at noon") == 1


def test_examples_are_unrated_sentences_that_repeat_nothing(packages):
    rated = [Example("movie", "1", 2.0, "The museum opens at nine on weekdays!")]
    examples = usage_example_set(rated, neutral=10, polar=1, **packages)
    assert [(e.domain, e.rated) for e in examples] == [("wordnet", False)] * 2
    assert examples[0].text == "The train leaves the station at noon." and examples[0].label == 1
    assert examples[1].label in (0, 2)  # one polar example of the two
    assert as_sentence("is it late?") == "Is it late?"
