"""The ABC reader and the model's tokens: keys, lengths, accidentals, transposition, and back to ABC."""
from fractions import Fraction

import pytest

from serving.music.abc import AbcError, Bar, Key, Note, Tuplet, read_key, read_tune, split_tunes
from serving.music.checks import bar_lengths, ends_on_tonic, full_bars, repeats
from serving.music.tokens import abc_text, spell, transposed, tune_tokens

REEL = """X:1
T:The Test Reel
R:reel
M:C|
L:1/8
K:D
|:A2FA dAFA|B2GB dBGB|(3ABc d>e f2 ^ga|[df]2 fe d2 z2:|
"""


def pitches(tune):
    return [event.pitch for event in tune.events if isinstance(event, Note) and event.pitch is not None]


@pytest.mark.parametrize("field,tonic,mode,sharps", [
    ("D", "D", "maj", {"F": 1, "C": 1}), ("Gm", "G", "min", {"B": -1, "E": -1}), ("Ador", "A", "dor", {"F": 1}),
    ("A mixolydian", "A", "mix", {"F": 1, "C": 1}), ("Bb", "Bb", "maj", {"B": -1, "E": -1}),
    ("F#min", "F#", "min", {"F": 1, "C": 1, "G": 1}), ("Glyd", "G", "lyd", {"F": 1, "C": 1})])
def test_keys_and_their_signatures(field, tonic, mode, sharps):
    key = read_key(field)
    assert (key.tonic, key.mode) == (tonic, mode)
    assert {letter: shift for letter, shift in key.signature().items() if shift} == sharps


def test_a_reel_is_read_with_its_lengths_accidentals_tuplet_chord_and_broken_rhythm():
    tune = read_tune(REEL)
    assert (tune.title, tune.meter, str(tune.key), tune.kind, tune.bar_length) == ("The Test Reel", "2/2", "D",
                                                                                    "reel", 8)
    assert pitches(tune)[:4] == [69, 66, 69, 74]  # A2 F# A d: F is sharp in D
    assert Tuplet(3) in tune.events and tune.events[0] == Bar("|:") and tune.events[-1] == Bar(":|")
    assert bar_lengths(tune) == [8, 8, 8, 8]  # (3ABc in the time of two, d>e dotted, ^g sharpened in its bar
    assert full_bars(tune) and repeats(tune) and ends_on_tonic(tune)  # its last note is d, before the rest
    third = [e for e in tune.events if isinstance(e, Note)][14:22]  # bars of 7 notes each before it
    assert [n.sounding for n in third[:5]] == [Fraction(2, 3)] * 3 + [Fraction(3, 2), Fraction(1, 2)]
    assert third[-2].pitch == 80 and third[-1].pitch == 81  # ^g, then a


def test_tokens_move_the_tune_to_c_and_come_back_as_the_same_notes():
    tune = read_tune(REEL)
    tokens = tune_tokens(tune)
    assert tokens[:6] == ["M:2/2", "K:maj", "R:reel", "|:", "G", "2"]
    in_c = read_tune(abc_text(tokens))
    assert pitches(in_c) == [p - 2 for p in pitches(tune)]
    in_d = read_tune(abc_text(tokens, tonic="D"))
    assert pitches(in_d) == pitches(tune) and str(in_d.key) == "D"


def test_spelling_follows_the_key():
    assert spell(66, Key("D", "maj")) == ("F", 1, 0)
    assert spell(70, Key("C", "mix")) == ("B", -1, 0)
    assert spell(70, Key("C", "maj")) == ("B", -1, 0)  # the flat seventh, not A#
    assert spell(61, Key("C", "maj")) == ("C", 1, 0)
    assert spell(59, Key("C", "maj")) == ("B", 0, -1)


def test_transposing_keeps_the_mode_and_moves_the_nearest_way():
    tune = read_tune(REEL)
    moved = transposed(tune, Key("G", "maj"))
    assert pitches(moved) == [p + 5 for p in pitches(tune)]
    assert pitches(transposed(tune, Key("A", "maj"))) == [p - 5 for p in pitches(tune)]


@pytest.mark.parametrize("text,said", [
    ("X:1\nT:No key\nM:6/8\nABC|", "no K:"),
    ("X:1\nM:6/8\nK:Zmaj\nABC|", "not a key"),
    ("X:1\nM:6/8\nK:D\nAB [K:G] c|", "changes K"),
    ("X:1\nM:6/8\nK:D\nAB ? c|", "cannot read"),
    ("X:1\nM:seven\nK:D\nABC|", "not a meter"),
    ("X:1\nM:6/8\nK:D\nz6|", "no notes"),
])
def test_what_the_reader_does_not_take_is_said(text, said):
    with pytest.raises(AbcError, match=said):
        read_tune(text)


def test_a_file_splits_into_its_tunes_and_tokens_need_their_header():
    assert len(split_tunes("%comment\n" + REEL + "\n" + REEL.replace("X:1", "X:2"))) == 2
    with pytest.raises(AbcError, match="meter, mode and type"):
        abc_text(["A", "2"])
    with pytest.raises(AbcError, match="follows no note"):
        abc_text(["M:6/8", "K:maj", "R:jig", "|", "2"])


def test_the_sound_and_the_midi_file_hold_every_note():
    import io
    import wave

    from serving.music.sound import RATE, midi_bytes, wav_bytes

    tune = read_tune(REEL)
    with wave.open(io.BytesIO(wav_bytes(tune, eighths_per_second=8))) as sound:
        assert sound.getframerate() == RATE and abs(sound.getnframes() / RATE - 32 / 8) < 0.01  # four bars of 8
    midi = midi_bytes(tune)
    assert midi[:4] == b"MThd" and midi[14:18] == b"MTrk"
    assert int.from_bytes(midi[18:22], "big") == len(midi) - 22 and midi.endswith(b"\xff\x2f\x00")
    assert midi.count(b"\x90") == len(pitches(tune))  # one note-on per note (no other byte 0x90 in this tune)


def test_the_grammar_keeps_room_for_a_tuplet_and_ends_only_on_a_natural_c():
    from serving.music.grammar import Grammar

    vocabulary = ["<end>", "|", "C", "^C", "D", "E", "(3", "2", "3", "/2", "/4"]
    ids = {token: i for i, token in enumerate(vocabulary)}
    grammar = Grammar(vocabulary, Fraction(8))
    for token in ["C", "2", "D", "2", "E", "2", "(3", "C"]:
        grammar.advance(ids[token])
    allowed = {vocabulary[i] for i in range(len(vocabulary)) if grammar.allowed()[i]}
    assert "3" not in allowed and "/2" in allowed  # a tuplet's last two notes still need room in the bar
    sharp = Grammar(vocabulary, Fraction(2))
    for token in ["^C", "C"]:  # the sharp carries to the second C of the bar
        sharp.advance(ids[token])
    assert not sharp.allowed()[ids["<end>"]]
    natural = Grammar(vocabulary, Fraction(2))
    for token in ["D", "C"]:
        natural.advance(ids[token])
    assert natural.allowed()[ids["<end>"]] and natural.allowed()[ids["|"]]
