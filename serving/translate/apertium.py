"""Apertium's rule-based English -> Spanish (Debian `apertium` + `apertium-eng-spa`): the peer the model
is scored and timed beside, and shown beside it on the page when it is installed. Optional: nothing
here is needed to translate with the model.
"""
from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

PAIR = "eng-spa"
MODES = Path("/usr/share/apertium/modes")
TIMEOUT_S = 120


class ApertiumError(RuntimeError):
    """Apertium is missing or failed; the message says which."""


@lru_cache(maxsize=1)
def apertium_installed() -> bool:
    return shutil.which("apertium") is not None and (MODES / f"{PAIR}.mode").is_file()


def apertium_translate(texts: list[str]) -> list[str]:
    """One Apertium run over all `texts` (one line each; line breaks inside a text become spaces), unknown
    words left as they are, without Apertium's "*" marks."""
    if not apertium_installed():
        raise ApertiumError(f"Apertium is not installed (Debian: apt install apertium apertium-{PAIR})")
    lines = "\n".join(" ".join(text.split()) for text in texts) + "\n"
    try:
        done = subprocess.run(["apertium", "-u", PAIR], input=lines, capture_output=True, text=True,
                              timeout=TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise ApertiumError(f"Apertium did not run: {err}") from None
    translated = done.stdout.rstrip("\n").split("\n")
    if done.returncode or len(translated) != len(texts):
        raise ApertiumError(f"Apertium failed (exit {done.returncode}): {done.stderr.strip()[:200]}")
    return [line.strip() for line in translated]
