"""Apertium's rule-based English -> Spanish (Debian `apertium` + `apertium-eng-spa`): the peer the model
is scored and timed beside, and shown beside it on the page when it is installed. Optional: nothing
here is needed to translate with the model.

Apertium at its best translates each text in a process of its own (`apertium_translate`): in one run over
many texts, a text can change the translations of those after it, in two ways. Texts on lines of their own
are one sentence to its rules ("Selectable" then "Page width:" came out as "Ancho" then "de Página
seleccionable:"); a blank line between texts ends a sentence, but Apertium 3.8's part-of-speech tagger keeps
state from text to text: after "He bore it." the "near" of a later "I am a near kinsman." is tagged as a verb
("se acerca"), in the held-out verses 14 verses later. One run with a blank line between texts
(`apertium_translate_in_one_run`) is what the benchmark times as Apertium's warm pipeline.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

PAIR = "eng-spa"
MODES = Path("/usr/share/apertium/modes")
TIMEOUT_S = 120
PARAGRAPH_BREAK = "\n\n"
WORKERS = os.cpu_count() or 1  # Apertium processes at a time


class ApertiumError(RuntimeError):
    """Apertium is missing or failed; the message says which."""


@lru_cache(maxsize=1)
def apertium_installed() -> bool:
    return shutil.which("apertium") is not None and (MODES / f"{PAIR}.mode").is_file()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _require_apertium() -> None:
    if not apertium_installed():
        raise ApertiumError(f"Apertium is not installed (Debian: apt install apertium apertium-{PAIR})")


def _run_apertium(text: str, marked: bool = False) -> str:
    """Apertium's output for `text` from a new process; with `marked`, a word it could not analyse or
    generate keeps its mark ("*", "#", "@"), else it is written bare."""
    try:
        done = subprocess.run(["apertium", *([] if marked else ["-u"]), PAIR], input=text + "\n",
                              capture_output=True, text=True, timeout=TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise ApertiumError(f"Apertium did not run: {err}") from None
    if done.returncode:
        raise ApertiumError(f"Apertium failed (exit {done.returncode}): {done.stderr.strip()[:200]}")
    return done.stdout.strip("\n")


def apertium_translate(texts: list[str]) -> list[str]:
    """Each text translated by its own Apertium process (WORKERS at a time), on one line (line breaks inside
    a text become spaces); a blank text stays blank."""
    def translate(text: str) -> str:
        return _run_apertium(text).strip() if text else ""

    _require_apertium()
    with ThreadPoolExecutor(min(WORKERS, max(1, len(texts)))) as pool:
        return list(pool.map(translate, [_one_line(text) for text in texts]))


def apertium_translate_in_one_run(texts: list[str], marked: bool = False) -> list[str]:
    """All texts through one Apertium process, each its own paragraph: the warm pipeline's speed, though a
    text's translation may depend on the texts before it (see above); `marked` as for _run_apertium."""
    _require_apertium()
    one_line = [_one_line(text) for text in texts]
    written = [text for text in one_line if text]
    if not written:
        return ["" for _ in texts]
    translated = _run_apertium(PARAGRAPH_BREAK.join(written), marked).split(PARAGRAPH_BREAK)
    if len(translated) != len(written):
        raise ApertiumError(f"Apertium failed: {len(translated)} paragraphs back for {len(written)} texts")
    by_text = iter(paragraph.strip() for paragraph in translated)
    return [next(by_text) if text else "" for text in one_line]
