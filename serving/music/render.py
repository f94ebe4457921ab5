"""A tune's ABC engraved as sheet music (SVG) by Verovio (PyPI verovio, offline).

Verovio's default toolkit finds its fonts only on the main thread, and Streamlit runs each page in a thread of
its own: so every call makes its own toolkit (about 5 ms), gives it the wheel's font folder itself, and holds a
lock, one engraving at a time (Verovio keeps state between toolkits; its MIDI writer crashed the process when
called from a page's thread, so the MIDI file is written by serving/music/sound.py instead).
"""
from __future__ import annotations

import threading
from pathlib import Path

import verovio

FONTS = Path(verovio.__file__).parent / "data"
_ONE_AT_A_TIME = threading.Lock()
verovio.enableLog(verovio.LOG_ERROR)  # not a warning for every ABC field it does not engrave (R:, the tune type)


class RenderError(ValueError):
    """Verovio could not read the tune (ABC beyond what its reader takes)."""


def _loaded(abc: str, width: int) -> verovio.toolkit:
    toolkit = verovio.toolkit(False)
    if not toolkit.setResourcePath(str(FONTS)):
        raise RenderError(f"Verovio's fonts are missing from {FONTS}: reinstall verovio")
    toolkit.setOptions({"inputFrom": "abc", "pageWidth": width, "adjustPageHeight": True, "scale": 45,
                        "header": "none", "footer": "none", "breaks": "auto"})
    if not toolkit.loadData(abc):
        raise RenderError("Verovio, which draws the score, could not read this tune")
    return toolkit


def score_svgs(abc: str, width: int = 1400) -> list[str]:
    """One SVG per page of the engraved tune (usually one)."""
    with _ONE_AT_A_TIME:
        toolkit = _loaded(abc, width)
        return [toolkit.renderToSVG(page) for page in range(1, toolkit.getPageCount() + 1)]
