"""Where translation pairs come from: verse markup and UI strings cleaned, catalogues read from .mo files
the test makes, held-out books and catalogues kept out of training."""
import io
import struct
import zipfile

import pytest

from tests.conftest import make_deb
from training.near_duplicates import TwinFinder
from training.translate import data
from training.translate.data import Pair, clean_ui_string, clean_verse, everyday_pairs, everyday_sets, tidy_spaces


def mo_file(entries: dict[str, str]) -> bytes:
    """A GNU gettext .mo file holding `entries` (msgid -> msgstr) after a UTF-8 header."""
    entries = {"": "Content-Type: text/plain; charset=UTF-8\n", **entries}
    keys = sorted(entries)
    originals, translations = [k.encode() for k in keys], [entries[k].encode() for k in keys]
    start = 7 * 4 + 16 * len(keys)
    table, blob = [], b""
    for strings in (originals, translations):
        rows = []
        for text in strings:
            rows.append((len(text), start + len(blob)))
            blob += text + b"\0"
        table.append(rows)
    header = struct.pack("<7I", 0x950412DE, 0, len(keys), 28, 28 + 8 * len(keys), 0, 0)
    return header + b"".join(struct.pack("<2I", *row) for rows in table for row in rows) + blob


def test_spaces_inside_punctuation_are_taken_out():
    assert tidy_spaces(" Hola ,  ¿ qué tal ? ( bien ) ") == "Hola, ¿qué tal? (bien)"


def test_verse_markup_becomes_plain_text_with_its_spaces():
    web = ('<w lemma="strong:H0430">God</w><note placement="foot"><reference>1:1 </reference>The Hebrew word'
           '</note><w lemma="strong:H1254">created</w> <w>the</w> <w>heavens</w>, <q who="Jesus">“I am</q>” .')
    assert clean_verse(web) == 'God created the heavens, "I am".'
    rv = '<w lemma="strong:H7225">EN el principio</w> <w>crió</w> <w>Dios</w> <w>á su</w> Hijo ó hija é Isaac.'
    assert clean_verse(rv) == "En el principio crió Dios a su Hijo o hija e Isaac."
    assert clean_verse("<w>JEHOVÁ</w> es mi pastor") == "Jehová es mi pastor"  # a chapter's capitals
    assert clean_verse("Dijo JEHOVÁ: <w>OK</w>") == "Dijo JEHOVÁ: OK"  # capitals inside a verse stay
    assert clean_verse("<w>Él</w> está aquí, dijo María: á él.") == "Él está aquí, dijo María: a él."


def test_ui_strings_lose_their_mnemonics_and_line_breaks():
    assert clean_ui_string("Lo_ad Basic code") == "Load Basic code"
    assert clean_ui_string("~Save As...") == "Save As..."
    assert clean_ui_string("First line\nsecond   line") == "First line second line"
    assert clean_ui_string("file_name") == "filename"  # an underscore before a letter is a mnemonic


def test_catalogues_are_read_from_the_packages_mo_files(monkeypatch, tmp_path):
    office = mo_file({"dialog|label\x04_Columns": "_Columnas", "Save the file.": "Guarde el archivo.",
                      "OK": "OK", "%1": "%1", "42": "42"})
    deb = tmp_path / "office.deb"
    deb.write_bytes(make_deb({"./usr/lib/libreoffice/program/resource/es/LC_MESSAGES/sw.mo": office}))
    wheel = tmp_path / "django.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("django/contrib/admin/locale/es/LC_MESSAGES/django.mo",
                         mo_file({"Log out": "Terminar sesión"}))
        archive.writestr("django/contrib/admin/locale/fr/LC_MESSAGES/django.mo",
                         mo_file({"Log out": "Déconnexion"}))
    monkeypatch.setattr(data, "fetch", lambda source: deb if source is data.LIBREOFFICE_ES else wheel)
    pairs = sorted(data.catalogue_pairs(), key=lambda p: p.english)
    assert pairs == [Pair("Columns", "Columnas", "catalogues", "libreoffice/sw"),
                     Pair("Log out", "Terminar sesión", "catalogues", "django/admin/django"),
                     Pair("Save the file.", "Guarde el archivo.", "catalogues", "libreoffice/sw")]


def help_page(lang: str, paragraphs: dict[str, str]) -> bytes:
    body = "".join(f'<p id="{ident}" class="paragraph">{text}</p>' for ident, text in paragraphs.items())
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>t</title></head><body>'
            f'<div id="DisplayArea"><h1 id="hd_id1">{lang}</h1>{body}<br><img src="x.png"></div></body></html>').encode()


def test_help_pages_pair_up_paragraph_by_paragraph(monkeypatch, tmp_path):
    english = {"par_id10": 'Choose <emph>Format - <link href="x">Cells</link></emph>.', "par_id11": "SUM(Number)",
               "par_id12": "Only in English.", "par_id13": "42",
               "par_id14": 'Hold <span class="switchinline"><span hidden="true" class="MAC">Command</span>'
                           '<span hidden="true">Ctrl</span></span> down.'}
    spanish = {"par_id10": "Vaya a <emph>Formato ▸ Celdas</emph>.", "par_id11": "SUMA(Número)", "par_id13": "42",
               "par_id14": 'Mantenga <span class="MAC">⌘</span><span>Ctrl</span> pulsada.'}
    en_root, es_root = "./usr/share/libreoffice/help/en-US/text/", "./usr/share/libreoffice/help/es/text/"
    en_deb, es_deb = tmp_path / "en.deb", tmp_path / "es.deb"
    en_deb.write_bytes(make_deb({en_root + "scalc/01/sum.html": help_page("en-US", english),
                                 en_root + "simpress/01/slide.html": help_page("en-US", {"par_id1": "Slide"}),
                                 en_root + "swriter/01/only.html": help_page("en-US", {"par_id1": "Alone"})}))
    es_deb.write_bytes(make_deb({es_root + "scalc/01/sum.html": help_page("es", spanish),
                                 es_root + "simpress/01/slide.html": help_page("es", {"par_id1": "Diapositiva"})}))
    monkeypatch.setattr(data, "fetch", lambda source: en_deb if source is data.LIBREOFFICE_HELP_EN else es_deb)
    assert sorted(data.help_pairs(), key=lambda p: p.english) == [  # simpress is Impress: held out
        Pair("Choose Format - Cells.", "Vaya a Formato ▸ Celdas.", "help", "libreoffice-help/scalc"),
        Pair("Hold Ctrl down.", "Mantenga Ctrl pulsada.", "help", "libreoffice-help/scalc"),
        Pair("SUM(Number)", "SUMA(Número)", "help", "libreoffice-help/scalc"),
        Pair("en-US", "es", "help", "libreoffice-help/scalc")]  # the page headings


def test_held_out_books_and_catalogues_never_reach_training(monkeypatch, tmp_path):
    bible = [Pair("Ruth spoke.", "Rut habló.", "bible", "Ruth"), Pair("Jonah ran.", "Jonás huyó.", "bible", "Jonah"),
             Pair("God spoke.", "Dios habló.", "bible", "Genesis"),
             Pair("Jonah ran.", "Jonás corrió.", "bible", "Matthew"),  # the same English as a test verse
             Pair("word " * 61, "palabra " * 61, "bible", "Genesis")]  # too long for any set
    catalogues = [Pair("Save", "Guardar", "catalogues", "libreoffice/sd"),
                  Pair("Open", "Abrir", "catalogues", "libreoffice/sfx"),
                  Pair("save", "guardar", "catalogues", "libreoffice/sw"),  # a held-out text in other case
                  Pair("Print", "Imprimir", "catalogues", "libreoffice/sw"),
                  Pair("Print", "Imprimir otra vez", "catalogues", "libreoffice/sc")]  # said twice
    monkeypatch.setattr(data, "bible_pairs", lambda books=(): [p for p in bible if not books or p.group in books])
    monkeypatch.setattr(data, "catalogue_pairs", lambda: catalogues)
    help_pages = [Pair("Save", "Guardar", "help", "libreoffice-help/swriter"),  # a test catalogue's text
                  Pair("Choose File - Print.", "Vaya a Archivo ▸ Imprimir.", "help", "libreoffice-help/swriter")]
    monkeypatch.setattr(data, "help_pairs", lambda: help_pages)
    monkeypatch.setattr(data, "HELD_OUT_CACHE_DIR", tmp_path)
    splits = data.translation_splits()
    assert [p.english for p in splits["train"]["help"]] == ["Choose File - Print."]
    assert "help" not in splits["validation"] and "help" not in splits["test"]
    assert [p.english for p in splits["train"]["bible"]] == ["God spoke."]
    assert [(p.english, p.spanish) for p in splits["train"]["catalogues"]] == [("Print", "Imprimir")]
    assert [p.english for p in splits["validation"]["bible"]] == ["Ruth spoke."]
    assert [p.english for p in splits["test"]["bible"]] == ["Jonah ran."]
    assert [p.english for p in splits["validation"]["catalogues"]] == ["Open"]
    assert [p.english for p in splits["test"]["catalogues"]] == ["Save"]
    assert data.held_out_pairs("test") == splits["test"]


GRACE = "Grace to you and peace from God our Father and the Lord Jesus Christ."


def test_held_out_twins_of_training_pairs_leave_the_held_out_set_not_training(monkeypatch, tmp_path):
    bible = [Pair(GRACE, "Gracia y paz a vosotros.", "bible", "Philippians"),
             Pair("Jonah ran.", "Jonás huyó.", "bible", "Jonah"),  # near "Jonah ran away." in the help, not a twin
             Pair("Grace to you and peace from God the Father and our Lord Jesus Christ,", "Gracia.", "bible",
                  "Galatians")]  # a twin of the test verse: kept for training
    catalogues = [Pair("Form", "Formulario", "catalogues", "libreoffice/sd"),
                  Pair("Form:", "Formulario:", "catalogues", "libreoffice/sw"),  # a twin: kept for training
                  Pair("Tables", "Tablas", "catalogues", "libreoffice/dba"),
                  Pair("TABLES", "TABLAS", "catalogues", "libreoffice/sw"),  # the same text: training's loses it
                  Pair("Open", "Abrir", "catalogues", "libreoffice/sfx"),
                  Pair("Open...", "Abrir...", "catalogues", "libreoffice/sw")]  # a twin: kept for training
    monkeypatch.setattr(data, "bible_pairs", lambda books=(): [p for p in bible if not books or p.group in books])
    monkeypatch.setattr(data, "catalogue_pairs", lambda: catalogues)
    monkeypatch.setattr(data, "help_pairs", lambda: [Pair("Jonah ran away.", "Jonás huyó lejos.", "help", "x")])
    monkeypatch.setattr(data, "HELD_OUT_CACHE_DIR", tmp_path)
    splits, dropped = data.splits_and_twins()
    assert [p.english for p in splits["test"]["bible"]] == ["Jonah ran."]
    assert [p.english for p in splits["test"]["catalogues"]] == ["Tables"]
    assert splits["validation"] == {"bible": [], "catalogues": []}
    assert dropped == {"validation": {"bible": 0, "catalogues": 1}, "test": {"bible": 1, "catalogues": 1}}
    assert [p.english for p in splits["train"]["catalogues"]] == ["Form:", "Open..."]
    assert len(splits["train"]["bible"]) == 1 and len(splits["train"]["help"]) == 1
    assert data.held_out_pairs("test") == splits["test"] and data.held_out_twins_dropped() == dropped
    monkeypatch.setattr(data, "bible_pairs", lambda books=(): pytest.fail("the held-out sets were made again"))
    assert data.held_out_pairs("validation") == splits["validation"]  # kept from the first call


@pytest.mark.slow
def test_no_held_out_pair_of_the_real_data_has_a_training_twin():
    """Reads every source (the Bible's in minutes). The everyday sentences have no twin either: none is dropped."""
    splits, dropped = data.splits_and_twins()
    finder = TwinFinder(pair.english for pairs in splits["train"].values() for pair in pairs)
    held_out = {f"{split} {source}": pairs for split in ("validation", "test")
                for source, pairs in splits[split].items()}
    for name, pairs in {**held_out, **everyday_sets()}.items():
        assert len(pairs) >= 100, name
        assert [p.english for p in pairs if finder.has_twin(p.english)] == [], name
    assert dropped["test"]["catalogues"] > 0  # the rule finds what exact matching missed ("Form" beside "Form:")
    for split in ("validation", "test"):
        assert data.held_out_pairs(split) == splits[split]
    assert data.held_out_twins_dropped() == dropped


def test_the_everyday_set_is_read_with_its_kinds():
    pairs = everyday_pairs()
    assert len(pairs) >= 100 and all(p.english and p.spanish and p.source == "everyday" for p in pairs)
    assert ("How are you?", "greeting") in {(p.english, p.group) for p in pairs}


def test_the_second_everyday_set_is_new_and_covers_the_kinds_of_everyday_talk():
    sets = everyday_sets()
    second = sets["test everyday 2"]
    assert len(second) >= 100 and all(p.english and p.spanish and p.source == "everyday" for p in second)
    assert {p.group for p in second} == {"greeting", "shopping", "travel", "family", "weather", "work", "feeling"}
    finder = TwinFinder(p.english for p in sets["test everyday"])
    assert [p.english for p in second if finder.has_twin(p.english)] == []
    assert len({p.english for p in second}) == len(second)


def test_an_everyday_file_with_other_columns_is_refused(monkeypatch, tmp_path):
    wrong = tmp_path / "wrong.tsv"
    wrong.write_text("# a note\nenglish\tspanish\nHello\tHola\n")
    monkeypatch.setattr(data, "EVERYDAY_FILE", wrong)
    with pytest.raises(ValueError, match="expected the columns kind, english, spanish"):
        everyday_pairs()


def test_the_mo_writer_round_trips_through_gettext():
    import gettext

    catalogue = gettext.GNUTranslations(io.BytesIO(mo_file({"Yes": "Sí"})))
    assert catalogue.gettext("Yes") == "Sí"
