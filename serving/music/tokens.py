"""A melody as the tokens the music model reads and writes, and tokens back as ABC a person can read.

A tune is moved to C, keeping its mode (folk-rnn's choice: the model learns one key per mode and the key
the listener wants is a transposition afterwards). Its tokens: the meter ("M:6/8"), the mode ("K:maj"),
the tune type ("R:reel", "R:-" when unknown), then the body in ABC's own spelling: a note ("^c", "A,",
"e'") with its length in eighth notes after it when not 1 ("2", "/2", "3/2"), rests ("z"), tuplets ("(3")
and bar lines ("|", "|:", ":|", "|1", "||"). An accidental is written only where ABC needs one: where it
differs from the key signature or from an earlier one in the same bar.
"""
from __future__ import annotations

import re
from fractions import Fraction

from serving.music.abc import LETTERS, NATURAL, AbcError, Bar, Event, Key, Note, Tune, Tuplet, read_key, read_tune

ACCIDENTAL_MARKS = {-2: "__", -1: "_", 0: "=", 1: "^", 2: "^^"}
UNKNOWN_KIND = "-"


def transposed(tune: Tune, key: Key) -> Tune:
    """The tune moved to `key` (the nearest way, up to 5 semitones up or 6 down); its mode is `key`'s."""
    shift = (key.pitch_class - tune.key.pitch_class + 6) % 12 - 6
    events = [Note(None if e.pitch is None else e.pitch + shift, e.written, e.sounding) if isinstance(e, Note)
              else e for e in tune.events]
    return Tune(tune.title, tune.meter, key, tune.kind, events)


def spell(pitch: int, key: Key) -> tuple[str, int, int]:
    """(letter, accidental, octave) for a MIDI pitch in `key`: its scale's letter when the pitch is in the
    scale, a natural when it is a white key, else a sharp or flat as the key leans (the flat seventh and
    third flat in any key). Octave 0 is middle C's."""
    signature = key.signature()
    pitch_class = pitch % 12
    choices = [letter for letter in LETTERS if (NATURAL[letter] + signature[letter]) % 12 == pitch_class]
    if choices:
        letter, accidental = choices[0], signature[choices[0]]
    elif pitch_class in NATURAL.values():
        letter, accidental = LETTERS[list(NATURAL.values()).index(pitch_class)], 0
    else:
        interval = (pitch_class - key.pitch_class) % 12
        leans_flat = interval in (3, 10) or any(value < 0 for value in signature.values())
        accidental = -1 if leans_flat else 1
        letter = next(name for name in LETTERS if (NATURAL[name] + accidental) % 12 == pitch_class)
    octave = (pitch - accidental - NATURAL[letter] - 60) // 12
    return letter, accidental, octave


def note_text(letter: str, octave: int) -> str:
    """ABC's letter for an octave: C..B from middle C, c..b above, c' higher, C, lower."""
    if octave >= 1:
        return letter.lower() + "'" * (octave - 1)
    return letter + "," * -octave


def length_text(length: Fraction) -> str:
    if length == 1:
        return ""
    if length.denominator == 1:
        return str(length.numerator)
    return f"{'' if length.numerator == 1 else length.numerator}/{length.denominator}"


def body_tokens(events: list[Event], key: Key) -> list[str]:
    """The body's tokens, spelt in `key` (accidentals only where ABC needs them)."""
    signature = key.signature()
    in_bar: dict[tuple[str, int], int] = {}
    tokens: list[str] = []
    for event in events:
        if isinstance(event, Bar):
            tokens.append(event.kind)
            in_bar.clear()
        elif isinstance(event, Tuplet):
            tokens.append(f"({event.notes}")
        elif event.pitch is None:
            tokens.append("z")
        else:
            letter, accidental, octave = spell(event.pitch, key)
            mark = ""
            if in_bar.get((letter, octave), signature[letter]) != accidental:
                mark = ACCIDENTAL_MARKS[accidental]
                in_bar[letter, octave] = accidental
            tokens.append(mark + note_text(letter, octave))
        if isinstance(event, Note) and event.written != 1:
            tokens.append(length_text(event.written))
    return tokens


def tune_tokens(tune: Tune) -> list[str]:
    """The model's tokens for a tune: moved to C in its mode, header tokens first."""
    in_c = transposed(tune, Key("C", tune.key.mode))
    return [f"M:{tune.meter}", f"K:{tune.key.mode}", f"R:{tune.kind or UNKNOWN_KIND}",
            *body_tokens(in_c.events, in_c.key)]


def is_length(token: str) -> bool:
    return bool(re.fullmatch(r"\d*/?\d*", token)) and token not in ("", "/")


def abc_text(tokens: list[str], title: str = "Written by the music RNN", tonic: str = "C") -> str:
    """An ABC tune from the model's tokens (header tokens first), moved from C to `tonic`; AbcError when
    the tokens are not a tune this project reads."""
    if len(tokens) < 3 or not (tokens[0].startswith("M:") and tokens[1].startswith("K:")
                               and tokens[2].startswith("R:")):
        raise AbcError("a tune's tokens start with its meter, mode and type")
    meter, mode, kind = tokens[0][2:], tokens[1][2:], tokens[2][2:]
    header = ["X:1", f"T:{title}", f"M:{meter}", "L:1/8", *([f"R:{kind}"] if kind != UNKNOWN_KIND else [])]
    body = join_tokens(tokens[3:])
    tune = read_tune("\n".join([*header, f"K:{Key('C', mode)}", body]))
    if tonic != "C":
        tune = transposed(tune, read_key(str(Key(tonic, mode))))
        body = join_tokens(body_tokens(tune.events, tune.key))
    return "\n".join([*header, f"K:{tune.key}", body]) + "\n"


def join_tokens(tokens: list[str]) -> str:
    """Body tokens as ABC text: a length joined to its note, the rest spaced; AbcError for a length that
    follows no note."""
    text = ""
    for token in tokens:
        if is_length(token):
            if not re.search(r"[A-Ga-gz][',]*$", text):
                raise AbcError(f"the length {token} follows no note")
            text += token
        else:
            text += token if re.search(r"\(\d$", text) else " " + token  # a tuplet mark joins its first note
    return text.strip()
