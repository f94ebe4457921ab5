"""Can this model read this? The reasons an input lies outside what a model learnt, said the same way by the
pages, the `rnnapp` commands (`--json` carries them as "warnings") and every batch caller.

The text models learnt English only, and the caption model learnt from photos; where an input is something
else, their answer is a guess, and the user should read that next to it rather than a confident verdict.
The checks are cheap and conservative: they fire on what is plainly out of scope (another script, no words,
few English words, a tiny image, a drawing), not on every odd sentence.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache

import numpy as np
from PIL import Image

from serving.artifact import ArtifactError, load_artifact, model_dir
from serving.nextword.words import word_list

ENGLISH_SHARE = 0.4  # below this share of English words among its ordinary words, a text is not English
SHOWN_WORDS = 6  # the unknown words a warning names, at most
SMALL_SIDE = 64  # a photo smaller than this on a side shows too little to recognise reliably
FLAT_SHARE = 0.97  # a picture whose 16 commonest colours cover this share of it is drawn, not photographed
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_SCRIPTS = {"CJK": "Chinese or Japanese characters", "HIRAGANA": "Japanese", "KATAKANA": "Japanese",
            "HANGUL": "Korean", "CYRILLIC": "the Cyrillic alphabet", "GREEK": "the Greek alphabet",
            "ARABIC": "Arabic script", "HEBREW": "Hebrew script", "DEVANAGARI": "Devanagari script",
            "THAI": "Thai script", "BENGALI": "Bengali script", "TAMIL": "Tamil script",
            "ARMENIAN": "the Armenian alphabet", "GEORGIAN": "the Georgian alphabet"}


@cache
def english_words() -> frozenset[str]:
    """The words of the next-word model's English training text (names, old and everyday words), the widest
    English word list the app ships; empty when that model is not installed, so the check is skipped."""
    try:
        return word_list(load_artifact(model_dir("nextword"))).words
    except (ArtifactError, KeyError, OSError):
        return frozenset()


def script_of(letter: str) -> str:
    """The first word of a letter's Unicode name: LATIN, CJK, CYRILLIC, ..."""
    return unicodedata.name(letter, "UNKNOWN").split()[0]


def text_warnings(text: str, short_is_fine: bool = False) -> list[str]:
    """Why a model of English text cannot read `text` well: each reason a sentence; [] when it can.
    An empty text has nothing to warn about (the next-word model begins a paragraph from it), and with
    `short_is_fine` neither has a single letter (a keyboard's first keystroke)."""
    visible = [ch for ch in text if not ch.isspace()]
    if not visible:
        return []
    letters = [ch for ch in visible if ch.isalpha()]
    if not letters:
        return ["There are no words here, only symbols, digits or emoji: the model reads English words, so "
                "what it says about this means nothing."]
    foreign = [script for script in map(script_of, letters) if script != "LATIN"]
    if len(foreign) > len(letters) / 2:
        script = Counter(foreign).most_common(1)[0][0]  # a tie goes to the script met first
        return [f"This is not English (it is written in {_SCRIPTS.get(script, 'another script')}): the model "
                "learnt English only, so what it says about this means nothing."]
    said = []
    if len(letters) < len(visible) / 2:
        said.append(f"This is mostly symbols, digits or emoji ({len(letters)} of {len(visible)} characters are "
                    "letters): the model reads English words, so it has little to go on.")
    words = [word for token in text.split() if not any(ch.isdigit() for ch in token)  # "gr8", "10/10"
             for word in _WORD.findall(token)]
    if not any(len(word) > 1 for word in words):
        if not short_is_fine:
            said.append("This is too short to read: type a sentence.")
        return said
    known = english_words()
    # names are anyone's: judge the words written in lower case (and the first, which is capitalised anyway)
    ordinary = [w for i, w in enumerate(words) if i == 0 or not w[0].isupper()]
    if known and len(ordinary) >= 2:
        english = [w for w in ordinary if w in known or w.lower() in known]
        if len(english) < ENGLISH_SHARE * len(ordinary):
            unknown = list(dict.fromkeys(w for w in ordinary if w not in known and w.lower() not in known))
            strange = ", ".join(unknown[:SHOWN_WORDS]) + (", ..." if len(unknown) > SHOWN_WORDS else "")
            said.append(f"This does not read as English (words it does not know: {strange}): the model learnt "
                        "English only, so it may well be wrong here.")
    return said


def image_warnings(image: Image.Image) -> list[str]:
    """Why the caption model cannot read this picture well: too small to see, or not a photo."""
    said = []
    width, height = image.size
    if min(width, height) < SMALL_SIDE:
        said.append(f"The picture is very small ({width} x {height} pixels): what is seen in it may be wrong.")
    elif flat_share(image) >= FLAT_SHARE:
        said.append("This is made of a few flat colours (a drawing, a diagram or a screenshot), not a photo: the "
                    "models learnt from photos, so what they see here may be wrong.")
    return said


def flat_share(image: Image.Image) -> float:
    """The share of a picture (read at 128 x 128) that its 16 commonest colours cover. A photo spreads over
    many shades, even on a plain background (at most 0.95 on the 157 photos of the photo check: playing
    cards on a table); a drawing saved as PNG, a diagram or a screenshot sits on a few exact colours."""
    pixels = np.asarray(image.convert("RGB").resize((128, 128), Image.NEAREST), dtype=np.uint32)
    codes = (pixels[..., 0] << 16) | (pixels[..., 1] << 8) | pixels[..., 2]
    counts = np.unique(codes, return_counts=True)[1]
    return float(np.sort(counts)[-16:].sum() / codes.size)
