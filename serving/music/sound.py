"""A melody played in numpy, as a WAV a browser plays (each note a plucked tone: a few harmonics under a
decaying envelope; each rest silence), and written as a standard MIDI file; the sections once as written
(repeats not played twice)."""
from __future__ import annotations

import io
import struct
import wave

import numpy as np

from serving.music.abc import Note, Tune

RATE = 22_050
EIGHTHS_PER_SECOND = 6.0  # a lively dance: a reel's bar in 1.3 s, a jig's in 1 s
HARMONICS = (1.0, 0.5, 0.25, 0.12)


def tone(pitch: int, seconds: float) -> np.ndarray:
    times = np.arange(int(RATE * seconds)) / RATE
    frequency = 440.0 * 2 ** ((pitch - 69) / 12)
    wave_form = sum(weight * np.sin(2 * np.pi * frequency * (n + 1) * times) for n, weight in enumerate(HARMONICS))
    envelope = np.exp(-3.0 * times) * np.minimum(1.0, times / 0.005) * np.minimum(1.0, (seconds - times) / 0.01)
    return wave_form * envelope / sum(HARMONICS)


def wav_bytes(tune: Tune, eighths_per_second: float = EIGHTHS_PER_SECOND) -> bytes:
    """The tune as 16-bit mono WAV at RATE."""
    parts = []
    for event in tune.events:
        if isinstance(event, Note):
            seconds = float(event.sounding) / eighths_per_second
            parts.append(np.zeros(int(RATE * seconds)) if event.pitch is None else tone(event.pitch, seconds))
    samples = np.concatenate(parts) if parts else np.zeros(1)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes((np.clip(samples, -1, 1) * 0.8 * 32767).astype("<i2").tobytes())
    return buffer.getvalue()


TICKS_PER_EIGHTH = 240


def variable_length(value: int) -> bytes:
    """MIDI's variable-length number: 7 bits a byte, the high bit set on all but the last."""
    encoded = [value & 0x7F]
    while value := value >> 7:
        encoded.append(0x80 | (value & 0x7F))
    return bytes(reversed(encoded))


def midi_bytes(tune: Tune, eighths_per_second: float = EIGHTHS_PER_SECOND) -> bytes:
    """The tune as a format-0 standard MIDI file: one track, the tempo set, each note on and off (a fiddle,
    General MIDI program 41)."""
    microseconds_per_quarter = round(2 * 1_000_000 / eighths_per_second)
    track = b"\x00\xff\x51\x03" + microseconds_per_quarter.to_bytes(3, "big") + b"\x00\xc0\x28"
    wait = 0
    for event in tune.events:
        if not isinstance(event, Note):
            continue
        ticks = round(float(event.sounding) * TICKS_PER_EIGHTH)
        if event.pitch is None or not 0 <= event.pitch < 128:
            wait += ticks
            continue
        track += variable_length(wait) + bytes([0x90, event.pitch, 90])
        track += variable_length(ticks) + bytes([0x80, event.pitch, 0])
        wait = 0
    track += variable_length(wait) + b"\xff\x2f\x00"
    header = b"MThd" + struct.pack(">IHHH", 6, 0, 1, 2 * TICKS_PER_EIGHTH)
    return header + b"MTrk" + struct.pack(">I", len(track)) + track
