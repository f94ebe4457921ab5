"""Apertium, the peer: many texts are translated exactly as each would be alone, one run over many texts
differs (the reason for a process per text), and every failure is an ApertiumError that says what went wrong."""
import subprocess

import pytest

from serving.translate import apertium
from serving.translate.apertium import (ApertiumError, apertium_installed, apertium_translate,
                                        apertium_translate_in_one_run)

# Short UI strings, strings ending in ":" or "..." before a lowercase or capitalised neighbour, Apertium's own
# escape characters, sentence ends of every kind, a text over two lines and blank texts.
TRICKY = ["Selectable", "Page width:", "Height", "OK", "Left margin:", "right", "Name:", "the", "Save As...",
          "Open", "File", "Print preview:", "Do you want to save the changes?", "Yes!", "No.", "Delete all?",
          "[Field]", "^a$ \\ @home {x}", "50%", "Page 1 of 2", "and", "Next >", "< Back", "Tools - Options",
          '"Quoted" text', "e.g.", ":", "...", "How are you?", "Line one\nline two", "", "   ",
          "The file could not be saved because the disk is full.", "Selectable", "Page width:"]
KINSMAN = "Now it is true that I am a near kinsman."

needs_apertium = pytest.mark.skipif(not apertium_installed(), reason="Apertium eng-spa is not installed")


@pytest.mark.slow
@needs_apertium
def test_many_texts_are_translated_as_each_alone():
    """A new process per text (about 0.2 s each): the 35 texts, twice, take seconds."""
    alone = [apertium_translate([text])[0] for text in TRICKY]
    assert apertium_translate(TRICKY) == alone
    assert alone[TRICKY.index("Page width:")] == "Ancho de página:"
    assert alone[TRICKY.index("")] == alone[TRICKY.index("   ")] == ""
    # one run with a blank line between texts keeps the rules apart: these short strings come out the same
    assert apertium_translate_in_one_run(TRICKY) == alone


@needs_apertium
def test_in_one_run_one_text_changes_the_next():
    """Why each text gets its own process: the tagger keeps state across texts, and texts on single lines
    are one sentence to the rules."""
    [alone] = apertium_translate([KINSMAN])
    assert "cercano kinsman" in alone
    assert apertium_translate_in_one_run(["He bore it.", "Open", KINSMAN])[2] == alone.replace("cercano",
                                                                                              "se acerca")
    one_line = subprocess.run(["apertium", "-u", "eng-spa"], input="Selectable\nPage width:\n", capture_output=True,
                              text=True, timeout=60).stdout.splitlines()
    assert one_line == ["Ancho", "de Página seleccionable:"]


def installed(monkeypatch, run) -> None:
    monkeypatch.setattr(apertium, "apertium_installed", lambda: True)
    monkeypatch.setattr(apertium.subprocess, "run", run)


def test_missing_apertium_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(apertium, "apertium_installed", lambda: False)
    for translate in (apertium_translate, apertium_translate_in_one_run):
        with pytest.raises(ApertiumError, match="apt install apertium apertium-eng-spa"):
            translate(["Hello"])


def test_blank_texts_need_no_run(monkeypatch):
    installed(monkeypatch, lambda *args, **kwargs: pytest.fail("Apertium was run for blank texts"))
    assert apertium_translate(["", " \n "]) == apertium_translate_in_one_run(["", " \n "]) == ["", ""]


@pytest.mark.parametrize("run, message", [
    (lambda args, **kwargs: subprocess.CompletedProcess(args, 1, "", "cannot open mode file"),
     r"Apertium failed \(exit 1\): cannot open mode file"),
    (lambda args, **kwargs: (_ for _ in ()).throw(subprocess.TimeoutExpired(args, 120)), "Apertium did not run"),
    (lambda args, **kwargs: (_ for _ in ()).throw(FileNotFoundError("apertium")), "Apertium did not run")])
def test_a_failed_run_is_an_apertium_error(monkeypatch, run, message):
    installed(monkeypatch, run)
    for translate in (apertium_translate, apertium_translate_in_one_run):
        with pytest.raises(ApertiumError, match=message):
            translate(["Hello", "Goodbye"])


def test_one_run_that_loses_a_paragraph_is_an_apertium_error(monkeypatch):
    installed(monkeypatch, lambda args, **kwargs: subprocess.CompletedProcess(args, 0, "Hola\n", ""))
    with pytest.raises(ApertiumError, match="1 paragraphs back for 2 texts"):
        apertium_translate_in_one_run(["Hello", "Goodbye"])
