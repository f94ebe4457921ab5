"""A melody played in numpy, as a WAV a browser plays: each note a plucked tone (a few harmonics under a
decaying envelope), each rest silence, the sections once as written (repeats not played twice)."""
from __future__ import annotations

import io
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
