"""Gazetteer flags: which words are part of a listed name (serving/ner/gazetteer.py)."""
import numpy as np

from serving.ner.gazetteer import Gazetteer

LISTS = {"first name": ["Priya", "Will", "Abdel Aziz"], "company": ["Coca-Cola", "Ryanair"],
         "place": ["Pune", "New York", "New York City", "Paris"]}


def flagged(gazetteer: Gazetteer, words: list[str]) -> dict[str, list[str]]:
    found = gazetteer.flags(words)
    return {kind: [w for w, on in zip(words, found[:, k]) if on] for k, kind in enumerate(gazetteer.kinds)}


def test_names_are_flagged_as_written_and_by_kind():
    gazetteer = Gazetteer(LISTS)
    assert flagged(gazetteer, "Priya flew Ryanair from New York City to Pune".split()) == {
        "first name": ["Priya"], "company": ["Ryanair"], "place": ["New", "York", "City", "Pune"]}
    assert flagged(gazetteer, ["Abdel", "Aziz", "drinks", "Coca-Cola"]) == {
        "first name": ["Abdel", "Aziz"], "company": ["Coca-Cola"], "place": []}


def test_case_counts_unless_the_whole_text_is_lower_case():
    gazetteer = Gazetteer(LISTS)
    assert not gazetteer.flags("I will visit pune".split()).any()  # a capital elsewhere: names as written
    assert flagged(gazetteer, "priya will visit pune".split()) == {"first name": ["priya", "will"], "company": [],
                                                                   "place": ["pune"]}
    assert not gazetteer.flags(["PUNE"]).any()


def test_a_name_marked_any_case_matches_in_any_case_in_any_text():
    gazetteer = Gazetteer({**LISTS, "character": ["Yoda", "Hulk"]}, any_case={"Yoda", "Pune"})
    assert flagged(gazetteer, "Dhaval loves baby yoda and HULK , lives in PUNE".split()) == {
        "first name": [], "company": [], "place": ["PUNE"], "character": ["yoda"]}


def test_a_name_is_matched_only_whole():
    gazetteer = Gazetteer(LISTS)
    assert not gazetteer.flags(["New", "Delhi"]).any()
    assert gazetteer.flags([]).shape == (0, 3)
    assert gazetteer.flags(["Paris", "Hilton"]).dtype == np.float32


def test_the_lists_file_reads_back_as_written(tmp_path):
    path = tmp_path / "gazetteer.tsv"
    path.write_text(Gazetteer.lines(LISTS, any_case={"Pune"}), encoding="utf-8")
    words = "Priya flew Ryanair from New York City to pune".split()
    assert np.array_equal(Gazetteer.read(path, list(LISTS)).flags(words), Gazetteer(LISTS, {"Pune"}).flags(words))
    assert Gazetteer.read(path, list(LISTS)).flags(words)[-1].tolist() == [0, 0, 1]
    assert Gazetteer.read(path, ["place", "first name", "company", "team"]).flags(["Pune"]).tolist() == [[1, 0, 0, 0]]
