"""A tune's ABC engraved as sheet music (SVG) and written as MIDI, by Verovio (PyPI verovio, offline)."""
from __future__ import annotations

import base64
import threading

import verovio

class RenderError(ValueError):
    """Verovio could not read the tune (ABC beyond what its reader takes)."""


_LOCK = threading.Lock()  # one toolkit holds one loaded score at a time
_TOOLKIT: verovio.toolkit | None = None


def _loaded(abc: str, width: int) -> verovio.toolkit:
    global _TOOLKIT
    if _TOOLKIT is None:
        _TOOLKIT = verovio.toolkit()
    _TOOLKIT.setOptions({"inputFrom": "abc", "pageWidth": width, "adjustPageHeight": True, "scale": 45,
                         "header": "none", "footer": "none", "breaks": "auto"})
    if not _TOOLKIT.loadData(abc):
        raise RenderError("Verovio, which draws the score, could not read this tune")
    return _TOOLKIT


def score_svgs(abc: str, width: int = 1400) -> list[str]:
    """One SVG per page of the engraved tune (usually one)."""
    with _LOCK:
        toolkit = _loaded(abc, width)
        return [toolkit.renderToSVG(page) for page in range(1, toolkit.getPageCount() + 1)]


def midi_bytes(abc: str) -> bytes:
    """The tune as a standard MIDI file."""
    with _LOCK:
        return base64.b64decode(_loaded(abc, 1400).renderToMIDI())
