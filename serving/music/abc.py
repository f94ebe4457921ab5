"""ABC notation read into a melody: its notes (MIDI pitch and length), bar lines and repeats, with the meter,
key and tune type; and a melody written back as ABC.

One melody line of a folk tune, as O'Neill's and Ryan's collections write them: decorations, slurs, grace
notes, chord symbols and ties are read past (they do not change the notes), a chord keeps its first note, a
broken rhythm (`>`, `<`) becomes the two lengths it stands for. A tune that changes key or meter inside its
body, or has several voices, is refused with the reason (AbcError).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

LETTERS = "CDEFGAB"
NATURAL = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
# semitones from a mode's relative major tonic up to its own tonic, and its name's letter steps
MODES = {"maj": (0, 0), "ion": (0, 0), "dor": (2, 1), "phr": (4, 2), "lyd": (5, 3), "mix": (7, 4), "min": (9, 5),
         "aeo": (9, 5), "loc": (11, 6)}
MODE_NAMES = {"ion": "maj", "aeo": "min"}  # one name per mode
FIFTHS = {"C": 0, "D": 2, "E": 4, "F": -1, "G": 1, "A": 3, "B": 5}  # a major key's sharps (minus: flats)
SHARP_ORDER, FLAT_ORDER = "FCGDAEB", "BEADGCF"
BAR_LINES = {"|": "|", "||": "||", "|]": "||", "[|]": "||", "[|": "|", "|:": "|:", "||:": "|:", ":|": ":|",
             "::": "::", ":|:": "::",
             "|1": "|1", "|2": "|2", "[1": "|1", "[2": "|2", ":|1": ":|1", ":|2": ":|2"}
UNIT = Fraction(1, 8)  # every length is counted in eighth notes
TUPLETS = {2: Fraction(3, 2), 3: Fraction(2, 3), 4: Fraction(3, 4)}  # (p: p notes in the time of 3, 2 and 3

_BODY_TOKEN = re.compile(r"""
    (?P<skip>"[^"]*"|![^!]*!|\+[^+\s]*\+|\{[^}]*\}|[~.HLMOPSTuvy]|[()](?!\d)|-|\\|\s|`)
  | (?P<bar>\[\|\]|\|\|:|:\|:|:\|[12]?|::|\|\]|\|\||\[\||\|[:12]?|\[[12])
  | (?P<tuplet>\((?P<p>\d))
  | (?P<field>\[[A-Za-z]:[^\]]*\])
  | (?P<chord>\[(?=[_^=A-Ga-g]))
  | (?P<chord_end>\](?P<chord_length>\d*/*\d*))
  | (?P<note>(?P<accidental>\^\^|\^|__|_|=)?(?P<letter>[A-Ga-g])(?P<octave>[',]*)|(?P<rest>[zx]))
    (?P<length>\d*/*\d*)
  | (?P<broken>[<>]{1,2})
""", re.VERBOSE)


class AbcError(ValueError):
    """Text that is not a tune this reader takes: the message says what and where."""


@dataclass(frozen=True)
class Key:
    tonic: str  # "D", "Bb", "F#"
    mode: str  # "maj", "min", "dor", "mix", "lyd", "phr", "loc"

    @property
    def pitch_class(self) -> int:
        return (NATURAL[self.tonic[0]] + accidental_of(self.tonic[1:])) % 12

    def signature(self) -> dict[str, int]:
        """Each letter's accidental in this key (-1 flat, 1 sharp, 0 natural)."""
        semitones, steps = MODES[self.mode]
        letter = LETTERS[(LETTERS.index(self.tonic[0]) - steps) % 7]  # the relative major's letter
        major_pitch = (self.pitch_class - semitones) % 12
        shift = (major_pitch - NATURAL[letter] + 6) % 12 - 6
        fifths = FIFTHS[letter] + 7 * shift
        if not -7 <= fifths <= 7:
            raise AbcError(f"the key {self} has more than seven sharps or flats")
        marked = SHARP_ORDER[:fifths] if fifths > 0 else FLAT_ORDER[:-fifths]
        return {name: (1 if fifths > 0 else -1) if name in marked else 0 for name in LETTERS}

    def __str__(self) -> str:
        return self.tonic + ("" if self.mode == "maj" else "m" if self.mode == "min" else self.mode)


def accidental_of(mark: str) -> int:
    return {"": 0, "#": 1, "b": -1, "^": 1, "^^": 2, "_": -1, "__": -2, "=": 0}[mark]


def read_key(text: str) -> Key:
    """A K: field ("D", "Gm", "Ador", "A mixolydian", "Bb", "F#min") as a Key."""
    match = re.fullmatch(r"\s*([A-G])([#b]?)\s*([A-Za-z]*)[^%]*?(%.*)?", text)
    mode_word = (match[3] if match else "").lower()
    mode = "maj" if not mode_word else "min" if mode_word in ("m", "mi", "min", "minor") else mode_word[:3]
    if not match or mode not in MODES:
        raise AbcError(f"K:{text.strip()} is not a key this reader knows (a tonic A-G, # or b, and a mode)")
    return Key(match[1] + match[2], MODE_NAMES.get(mode, mode))


def read_length(text: str) -> Fraction:
    """An ABC length multiplier: "" 1, "2", "/2", "/", "//", "3/2"; AbcError for one that is no length ("/0")."""
    if not re.fullmatch(r"\d*/*\d*", text):
        raise AbcError(f"{text!r} is not a note length")
    top, _, bottom = text.partition("/")
    slashes = text.count("/")
    if not slashes:
        value = Fraction(int(text or 1))
    elif slashes > 1 and not bottom.strip("/"):
        value = Fraction(int(top or 1), 2 ** slashes)
    elif bottom.strip("/") == "0" or set(bottom.strip("/")) == {"0"}:
        raise AbcError(f"{text!r} divides by nothing")
    else:
        value = Fraction(int(top or 1), int(bottom.strip("/") or 2))
    if value <= 0:
        raise AbcError(f"{text!r} is no length")
    return value


def bar_eighths(meter: str) -> Fraction:
    """A full bar of `meter` ("6/8") in eighth notes."""
    top, bottom = meter.split("/")
    return Fraction(int(top), int(bottom)) / UNIT


@dataclass(frozen=True)
class Note:
    pitch: int | None  # MIDI number (middle C, "C", is 60); None for a rest
    written: Fraction  # in eighth notes, as written (before a tuplet's factor)
    sounding: Fraction  # in eighth notes, as played


@dataclass(frozen=True)
class Bar:
    kind: str  # one of BAR_LINES' values


@dataclass(frozen=True)
class Tuplet:
    notes: int  # (3: three notes in the time of two


Event = Note | Bar | Tuplet


@dataclass
class Tune:
    title: str
    meter: str  # "6/8", "4/4" (C), "2/2" (C|)
    key: Key
    kind: str  # "reel", "jig", ... ("" when the tune does not say)
    events: list[Event] = field(default_factory=list)

    @property
    def bar_length(self) -> Fraction:
        """A full bar in eighth notes."""
        return bar_eighths(self.meter)


def split_tunes(text: str) -> list[str]:
    """The tunes of an ABC file: each starts at an X: line."""
    return [chunk for chunk in re.split(r"(?m)^(?=X:)", text) if chunk.lstrip().startswith("X:")]


def read_tune(text: str) -> Tune:
    """One tune (from its X: line to the next) as a Tune; AbcError for what this reader does not take."""
    headers: dict[str, str] = {}
    body: list[str] = []
    for line in text.splitlines():
        line = line.split("%", 1)[0].rstrip()
        field_match = re.match(r"([A-Za-z]):(.*)", line)
        if field_match and not body and "K" not in headers:
            headers.setdefault(field_match[1], field_match[2].strip())
        elif field_match and field_match[1] in "KML" and body:
            raise AbcError(f"{headers.get('T', 'the tune')} changes {field_match[1]}: inside its body")
        elif field_match and field_match[1] == "V":
            raise AbcError(f"{headers.get('T', 'the tune')} has several voices")
        elif field_match:
            continue  # lyrics, parts, notes between lines
        elif "K" in headers and line.strip():
            body.append(line)
    if "K" not in headers:
        raise AbcError("no K: (key) line: an ABC tune's header ends with one")
    meter = {"C": "4/4", "C|": "2/2", "": "4/4", "none": "4/4"}.get(headers.get("M", ""), headers.get("M", ""))
    if not re.fullmatch(r"\d{1,2}/\d{1,2}", meter) or meter.startswith("0") or meter.endswith("/0"):
        raise AbcError(f"M:{meter} is not a meter this reader knows")
    unit = read_length(headers.get("L", "1/8"))
    title = headers.get("T", "")
    tune = Tune(title, meter, read_key(headers["K"]), tune_kind(headers.get("R", ""), title))
    tune.events = read_body(" ".join(body), tune.key, unit / UNIT, title)
    if not any(isinstance(event, Note) and event.pitch is not None for event in tune.events):
        raise AbcError(f"{title or 'the tune'} has no notes")
    return tune


KINDS = ("reel", "jig", "slip jig", "hornpipe", "polka", "waltz", "strathspey", "march", "slide", "set dance",
         "air", "schottische", "mazurka", "clog", "quickstep")


def tune_kind(rhythm: str, title: str) -> str:
    """The tune type its R: field or its title names ("Rakish Paddy -- Reel"), "" when neither does."""
    for text in (rhythm.lower(), title.lower()):
        for kind in KINDS:
            if re.search(rf"\b{kind}s?\b", text):
                return kind
    return ""


def read_body(text: str, key: Key, scale: Fraction, title: str) -> list[Event]:
    """The notes, bars and tuplets of a tune's body. `scale`: its unit length in eighth notes."""
    signature = key.signature()
    in_bar: dict[tuple[str, int], int] = {}  # accidentals set earlier in this bar, by letter and octave
    events: list[Event] = []
    pending_tuplet, tuplet_left, in_chord, chord_has_note, broken = 0, 0, False, False, ""
    position = 0
    while position < len(text):
        match = _BODY_TOKEN.match(text, position)
        if not match or match.end() == position:
            raise AbcError(f"{title or 'the tune'}: cannot read {text[position:position + 12]!r}")
        position = match.end()
        if match["bar"]:
            kind = BAR_LINES[match["bar"]]
            if not (kind == "|" and events and isinstance(events[-1], Bar)):  # ":||" is one bar line
                events.append(Bar(kind))
            in_bar.clear()
        elif match["tuplet"]:
            pending_tuplet = int(match["p"])
            if pending_tuplet not in TUPLETS:
                raise AbcError(f"{title or 'the tune'}: a ({pending_tuplet} tuplet")
            events.append(Tuplet(pending_tuplet))
            tuplet_left = pending_tuplet
        elif match["chord"]:
            in_chord, chord_has_note = True, False
        elif match["chord_end"]:
            if not in_chord:
                raise AbcError(f"{title or 'the tune'}: a ] without its [")
            in_chord = False
            if match["chord_length"] and events and isinstance(events[-1], Note):
                factor = read_length(match["chord_length"])
                last = events[-1]
                events[-1] = Note(last.pitch, last.written * factor, last.sounding * factor)
        elif match["field"]:
            if match["field"][1] in "KMLV":
                raise AbcError(f"{title or 'the tune'} changes {match['field'][1]}: inside its body")
        elif match["broken"]:
            broken = match["broken"]
        elif match["note"]:
            if in_chord and chord_has_note:
                continue  # a chord keeps its first note
            chord_has_note = in_chord
            written = read_length(match["length"]) * scale
            pitch = None if match["rest"] else note_pitch(match, signature, in_bar)
            factor = TUPLETS[pending_tuplet] if pending_tuplet else Fraction(1)
            note = Note(pitch, written, written * factor)
            if broken:
                note = apply_broken(events, note, broken)
                broken = ""
            events.append(note)
            if pending_tuplet:
                tuplet_left -= 1
                if tuplet_left == 0:
                    pending_tuplet = 0
    return events


def note_pitch(match: re.Match, signature: dict[str, int], in_bar: dict[tuple[str, int], int]) -> int:
    letter = match["letter"]
    octave = (1 if letter.islower() else 0) + match["octave"].count("'") - match["octave"].count(",")
    name = letter.upper()
    if match["accidental"]:
        in_bar[name, octave] = accidental_of(match["accidental"])
    shift = in_bar.get((name, octave), signature[name])
    return 60 + 12 * octave + NATURAL[name] + shift


def apply_broken(events: list[Event], note: Note, broken: str) -> Note:
    """a>b: the first a dot longer, the second as much shorter (>> twice as much); a<b the other way."""
    if not events or not isinstance(events[-1], Note):
        return note
    dotted = Fraction(3, 2) if len(broken) == 1 else Fraction(7, 4)
    first, second = (dotted, 2 - dotted) if broken[0] == ">" else (2 - dotted, dotted)
    last = events[-1]
    events[-1] = Note(last.pitch, last.written * first, last.sounding * first)
    return Note(note.pitch, note.written * second, note.sounding * second)
