"""What makes a written tune a tune: bars as long as the meter says, an ending on the key's tonic, and
repeated sections; measured on the model's tunes and on the corpus alike."""
from __future__ import annotations

from fractions import Fraction

from serving.music.abc import Bar, Note, Tune

SECTION_LINES = {"|:", ":|", "::", "||", "|1", "|2", ":|1", ":|2"}  # where a part or an ending starts or ends


def sections(tune: Tune) -> list[list[Fraction]]:
    """Each section's bar lengths in eighth notes (a section ends at a repeat sign, a double bar or an
    ending), empty bars left out."""
    found, bars, current = [], [], Fraction(0)
    for event in tune.events:
        if isinstance(event, Bar):
            if current:
                bars.append(current)
            current = Fraction(0)
            if event.kind in SECTION_LINES and bars:
                found.append(bars)
                bars = []
        elif isinstance(event, Note):
            current += event.sounding
    if current:
        bars.append(current)
    return found + [bars] if bars else found


def bar_lengths(tune: Tune) -> list[Fraction]:
    return [length for section in sections(tune) for length in section]


def full_bars(tune: Tune) -> bool:
    """Every bar as long as the meter says, but the first and last of each section (a pickup, and the bar
    that makes up for it), which may be shorter and never longer."""
    full = tune.bar_length
    return all(all(length == full for length in bars[1:-1]) and max(bars) <= full for bars in sections(tune))


def ends_on_tonic(tune: Tune) -> bool:
    """Whether the last note is the key's tonic, in any octave."""
    notes = [event.pitch for event in tune.events if isinstance(event, Note) and event.pitch is not None]
    return bool(notes) and notes[-1] % 12 == tune.key.pitch_class


def repeats(tune: Tune) -> bool:
    """Whether a section is marked to be played again (a repeat sign)."""
    return any(isinstance(event, Bar) and ":" in event.kind for event in tune.events)
