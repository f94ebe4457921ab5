"""English -> Spanish sentence pairs from registry packages: Bible verses, software catalogues, help pages.

Verses pair the World English Bible with the Reina-Valera 1909 by book, chapter and verse (both SWORD
modules, read with pysword). Catalogues pair the English strings of gettext .mo files with their
Spanish: LibreOffice's UI and help tips, Django's web-form messages. Help pairs LibreOffice's English and
Spanish help pages paragraph by paragraph (training only). Held-out sets are whole books and whole
catalogues, fixed below; the help of the held-out catalogues' applications is left out, and a training
pair whose English is also in a held-out set is dropped. A held-out pair whose English has a twin in training
(training/near_duplicates.py: "Form" beside "Form:", a verse said again with one word changed) is dropped from
its held-out set; training keeps it, as the served model was trained on it.
"""
from __future__ import annotations

import functools
import gettext
import hashlib
import io
import json
import re
import zipfile
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from pathlib import Path

from datafetch.archives import deb_members
from datafetch.registry import CACHE_DIR, fetch
from datafetch.sources import (DJANGO_WHEEL, LIBREOFFICE_ES, LIBREOFFICE_HELP_EN, LIBREOFFICE_HELP_ES, SWORD_RV1909,
                               SWORD_WEB)
from training import near_duplicates
from training.near_duplicates import TwinFinder, without_twins
from training.settings import RUNS_DIR

EVERYDAY_FILE = Path(__file__).parent / "everyday.tsv"
EVERYDAY_SECOND_FILE = Path(__file__).parent / "everyday_second.tsv"  # written after the first was scored
# Whole books and catalogues held out: validation (choices) and test (reported, never chosen on).
VALIDATION_BOOKS = ("Ruth", "Titus", "Philemon", "Jude")
TEST_BOOKS = ("Jonah", "Philippians", "James")
VALIDATION_CATALOGUES = ("libreoffice/sfx", "libreoffice/svt")
TEST_CATALOGUES = ("libreoffice/sd", "libreoffice/dba")
HELD_OUT_HELP = ("sdraw", "simpress", "sdatabase")  # the help of Draw, Impress (sd) and Base (dba)
MAX_WORDS = 60  # longer strings (a few help paragraphs) are left out of every set
HELD_OUT_CACHE_DIR = RUNS_DIR / "translate"

_NOTE = re.compile(r"<note\b.*?</note>", re.S)
_TAG = re.compile(r"<[^>]*>")
_SPACE_BEFORE = re.compile(r"\s+([,.;:!?’”)\]])")
_SPACE_AFTER = re.compile(r"([(\[“‘¿¡])\s+")
# the 1909 spelling accents the one-letter words "á", "ó", "é" (to, or, and); Spanish has not since
_OLD_ACCENTS = {"á": "a", "ó": "o", "é": "e", "Á": "A", "Ó": "O", "É": "E"}
_ONE_LETTER = re.compile(r"(?<!\w)([áóéÁÓÉ])(?!\w)")
_MNEMONIC = re.compile(r"~|_(?=\w)")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})  # as people type them


@dataclass(frozen=True)
class Pair:
    """One English sentence and its Spanish; `source` is "bible", "catalogues" or "help", `group` the book,
    catalogue or help module it came from."""

    english: str
    spanish: str
    source: str
    group: str


def tidy_spaces(text: str) -> str:
    """One space between words and none inside punctuation: "Hola , ¿ qué tal ?" -> "Hola, ¿qué tal?"."""
    return _SPACE_AFTER.sub(r"\1", _SPACE_BEFORE.sub(r"\1", " ".join(text.split())))


def clean_verse(markup: str) -> str:
    """A verse's OSIS markup as plain text: footnotes dropped, tags become spaces, spaces before
    punctuation removed, an all-capitals first word ("EN el principio") written as a word, the 1909
    accents on "á", "ó", "é" dropped, curly quotes made straight."""
    text = tidy_spaces(_TAG.sub(" ", _NOTE.sub(" ", markup)))
    first, _, rest = text.partition(" ")
    if len(first) > 1 and first.isupper() and rest[:1].islower():
        text = f"{first.capitalize()} {rest}"
    return _ONE_LETTER.sub(lambda match: _OLD_ACCENTS[match.group(1)], text).translate(_QUOTES)


def _sword_dir(source) -> Path:
    """The SWORD module tree (mods.d, modules) of a Debian package, unpacked once into the cache."""
    root = CACHE_DIR / "sword" / source.name
    done = root / ".unpacked"
    if not done.exists():
        for name, data in deb_members(fetch(source)):
            if "/share/sword/" in name:
                target = root / name.split("/share/sword/", 1)[1]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        done.touch()
    return root


def _verses(source, module: str, books: tuple[str, ...] = ()) -> dict[tuple[str, int, int], str]:
    """(book name, chapter, verse) -> markup of every verse in a SWORD Bible module (of `books` only, if given)."""
    from pysword.modules import SwordModules  # training only: serving never reads SWORD modules

    modules = SwordModules(str(_sword_dir(source)))
    modules.parse_modules()
    bible = modules.get_bible_from_module(module)
    # pysword decompresses a verse's whole block (a chapter or a book) again for every verse; remembering the
    # last few blocks reads a Bible in seconds instead of a minute, with the same text.
    bible._decompressed_text = functools.lru_cache(maxsize=8)(bible._decompressed_text)
    verses = {}
    for testament in bible.get_structure().get_books().values():
        for book in testament:
            if books and book.name not in books:
                continue
            for chapter, length in enumerate(book.chapter_lengths, 1):
                texts = bible.get_iter(books=[book.name], chapters=[chapter], verses=list(range(1, length + 1)),
                                       clean=False)
                for verse, text in enumerate(texts, 1):
                    verses[book.name, chapter, verse] = text
    return verses


def bible_pairs(books: tuple[str, ...] = ()) -> list[Pair]:
    """Every verse both Bibles have under the same reference (in `books` only, if given), grouped by book."""
    english, spanish = _verses(SWORD_WEB, "engWEB2015eb", books), _verses(SWORD_RV1909, "spaRV1909eb", books)
    pairs = []
    for reference in english.keys() & spanish.keys():
        source_text, target_text = clean_verse(english[reference]), clean_verse(spanish[reference])
        if source_text and target_text:
            pairs.append(Pair(source_text, target_text, "bible", reference[0]))
    return sorted(pairs, key=lambda pair: (pair.group, pair.english))


def clean_ui_string(text: str) -> str:
    """A UI string as a sentence: keyboard mnemonics ("~", "_" before a letter) removed, one line."""
    return " ".join(_MNEMONIC.sub("", text).split())


def _catalogue(name: str, data: bytes) -> list[Pair]:
    catalogue = gettext.GNUTranslations(io.BytesIO(data))._catalog  # the parsed .mo: {msgid: msgstr}
    pairs = []
    for key, value in catalogue.items():
        if not isinstance(key, str) or not key:  # plural forms are (msgid, n) and the header is ""
            continue
        english, spanish = clean_ui_string(key.split("\x04")[-1]), clean_ui_string(value)  # msgctxt \x04 msgid
        if english and spanish and english != spanish and re.search(r"[A-Za-z]{2}", english):
            pairs.append(Pair(english, spanish, "catalogues", name))
    return pairs


def catalogue_pairs() -> list[Pair]:
    """The Spanish catalogues of LibreOffice and Django, one group per catalogue ("libreoffice/sw")."""
    pairs = []
    for name, data in deb_members(fetch(LIBREOFFICE_ES), ".mo"):
        pairs += _catalogue("libreoffice/" + Path(name).stem, data)
    with zipfile.ZipFile(fetch(DJANGO_WHEEL)) as wheel:
        for name in wheel.namelist():
            if "/locale/es/LC_MESSAGES/" in name and name.endswith(".mo"):
                app = name.split("/locale/")[0].removeprefix("django/").replace("contrib/", "").replace("conf", "core")
                pairs += _catalogue(f"django/{app}/{Path(name).stem}", wheel.read(name))
    return pairs


def _short_enough(pair: Pair) -> bool:
    return len(pair.english.split()) <= MAX_WORDS and len(pair.spanish.split()) <= MAX_WORDS


def _unique(pairs: list[Pair]) -> list[Pair]:
    """The first pair of each English text: a catalogue repeats strings, and one text has one reference."""
    seen, kept = set(), []
    for pair in pairs:
        if pair.english not in seen:
            seen.add(pair.english)
            kept.append(pair)
    return kept


class _HelpParagraphs(HTMLParser):
    """The text of each paragraph and heading of a LibreOffice help page by its id ("par_id3150", "hd_id31"):
    a translated page keeps the ids of its English original. A key's macOS name (an element of class "MAC",
    hidden beside the default "Ctrl") is left out, as the page shows it on other systems."""

    _EMPTY_ELEMENTS = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, str | None, list[str], bool]] = []  # (tag, paragraph id, text so far, shown)
        self.paragraphs: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in self._EMPTY_ELEMENTS:
            attributes = dict(attrs)
            ident = attributes.get("id") or ""
            self.open.append((tag, ident if re.match(r"(par|hd)_id", ident) else None, [],
                              attributes.get("class") != "MAC"))

    def handle_endtag(self, tag: str) -> None:
        if tag not in (opened for opened, *_ in self.open):
            return  # a stray end tag
        while self.open:  # an unclosed element ends with its parent
            opened, ident, text, shown = self.open.pop()
            if ident:
                self.paragraphs[ident] = " ".join("".join(text).split())
            if self.open and shown:
                self.open[-1][2].extend(text)
            if opened == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.open:
            self.open[-1][2].append(data)


def help_paragraphs(page: str) -> dict[str, str]:
    """{paragraph id: text} of a LibreOffice help page (HTML)."""
    parser = _HelpParagraphs()
    parser.feed(page)
    return parser.paragraphs


def _help_pages(package: Path, language: str) -> dict[str, bytes]:
    """{page path under text/ ("scalc/01/func_sum.html"): HTML} of a LibreOffice help package."""
    marker = f"/help/{language}/text/"
    return {name.split(marker, 1)[1]: page for name, page in deb_members(package, ".html") if marker in name}


def help_pairs() -> list[Pair]:
    """LibreOffice's English and Spanish help paired paragraph by paragraph (same page, same id), grouped by
    module ("libreoffice-help/scalc"); the modules in HELD_OUT_HELP are left out."""
    return list(_paired_help(fetch(LIBREOFFICE_HELP_EN), fetch(LIBREOFFICE_HELP_ES)))


@functools.lru_cache(maxsize=2)
def _paired_help(english_package: Path, spanish_package: Path) -> tuple[Pair, ...]:
    """help_pairs() of the two packages, parsed once per process (about 20 s of HTML)."""
    english = _help_pages(english_package, "en-US")
    pairs = []
    for page, spanish_page in _help_pages(spanish_package, "es").items():
        module = page.split("/")[0]
        if module in HELD_OUT_HELP or page not in english:
            continue
        spanish = help_paragraphs(spanish_page.decode("utf-8", "replace"))
        for ident, text in help_paragraphs(english[page].decode("utf-8", "replace")).items():
            if text and spanish.get(ident) and spanish[ident] != text and re.search(r"[A-Za-z]{2}", text):
                pairs.append(Pair(text, spanish[ident], "help", f"libreoffice-help/{module}"))
    return tuple(pairs)


HELD_OUT = {"validation": VALIDATION_BOOKS + VALIDATION_CATALOGUES, "test": TEST_BOOKS + TEST_CATALOGUES}


def _in_groups(pairs: list[Pair], groups: tuple[str, ...]) -> list[Pair]:
    return _unique([pair for pair in pairs if pair.group in groups and _short_enough(pair)])


def splits_and_twins() -> tuple[dict[str, dict[str, list[Pair]]], dict[str, dict[str, int]]]:
    """translation_splits(), and how many pairs each held-out set lost as twins of training pairs
    ({"validation": {"bible": 1, "catalogues": 147}, "test": {...}})."""
    by_source = {"bible": bible_pairs(), "catalogues": catalogue_pairs()}
    held_out = {split: {source: _in_groups(pairs, groups) for source, pairs in by_source.items()}
                for split, groups in HELD_OUT.items()}
    unseen = {pair.english.lower() for sets in held_out.values() for pairs in sets.values() for pair in pairs}
    every_held_out = HELD_OUT["validation"] + HELD_OUT["test"]
    train = {source: _unique([pair for pair in pairs if pair.group not in every_held_out
                              and _short_enough(pair) and pair.english.lower() not in unseen])
             for source, pairs in {**by_source, "help": help_pairs()}.items()}
    finder = TwinFinder(pair.english for pairs in train.values() for pair in pairs)
    splits, dropped = {"train": train}, {}
    for split, sets in held_out.items():
        kept = {source: without_twins(pairs, lambda pair: pair.english, finder) for source, pairs in sets.items()}
        splits[split] = {source: pairs for source, (pairs, _) in kept.items()}
        dropped[split] = {source: count for source, (_, count) in kept.items()}
    return splits, dropped


def translation_splits() -> dict[str, dict[str, list[Pair]]]:
    """{"train": {"bible": ..., "catalogues": ..., "help": ...}, "validation": {"bible": ..., "catalogues": ...},
    "test": {...}}, by held-out book and catalogue; no English text of a held-out set is in training, nor a
    twin of one."""
    return splits_and_twins()[0]


def _held_out_record() -> dict:
    """The held-out sets and their twin counts, made once (finding twins reads all the training data, the
    Bible's in minutes) and kept under the hash of the code that makes them: a change to it makes them afresh."""
    code = Path(__file__).read_bytes() + Path(near_duplicates.__file__).read_bytes()
    cache = HELD_OUT_CACHE_DIR / f"held-out-{hashlib.sha256(code).hexdigest()[:12]}.json"
    if not cache.is_file():
        splits, dropped = splits_and_twins()
        HELD_OUT_CACHE_DIR.mkdir(parents=True, exist_ok=True)
        record = {"sets": {split: {source: [asdict(pair) for pair in pairs] for source, pairs in splits[split].items()}
                           for split in HELD_OUT}, "twins_dropped": dropped}
        cache.write_text(json.dumps(record, ensure_ascii=False))
    return json.loads(cache.read_text())


def held_out_pairs(split: str) -> dict[str, list[Pair]]:
    """The validation or test sets ({"bible": ..., "catalogues": ...}) of translation_splits(), read once."""
    return {source: [Pair(**pair) for pair in pairs]
            for source, pairs in _held_out_record()["sets"][split].items()}


def held_out_twins_dropped() -> dict[str, dict[str, int]]:
    """How many pairs each held-out set lost as twins of training pairs (see splits_and_twins)."""
    return _held_out_record()["twins_dropped"]


def everyday_pairs(path: Path | None = None) -> list[Pair]:
    """Everyday held-out sentences (written before any model was scored on them), grouped by kind; `path`:
    EVERYDAY_FILE (the default) or EVERYDAY_SECOND_FILE."""
    path = path or EVERYDAY_FILE
    rows = [line.split("\t") for line in path.read_text().splitlines() if line and not line.startswith("#")]
    header, *rows = rows
    if header != ["kind", "english", "spanish"]:
        raise ValueError(f"{path}: expected the columns kind, english, spanish, found {header}")
    return [Pair(english, spanish, "everyday", kind) for kind, english, spanish in rows]


def everyday_sets() -> dict[str, list[Pair]]:
    """Both everyday test sets by name, each committed before any model was scored on it."""
    return {"test everyday": everyday_pairs(EVERYDAY_FILE), "test everyday 2": everyday_pairs(EVERYDAY_SECOND_FILE)}


def held_out_english() -> list[str]:
    """The English of every validation, test and everyday sentence: what synthetic training pairs must not twin."""
    return [pair.english for split in ("validation", "test") for pairs in held_out_pairs(split).values()
            for pair in pairs] + [pair.english for pairs in everyday_sets().values() for pair in pairs]
