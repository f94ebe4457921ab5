"""Music page: one choice in, a tune out (one-to-many), each token the LSTM writes fed back to it."""
from __future__ import annotations

import time

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from app.common import (escape_markdown, load_or_stop, music_composer, plot_height, readable, scroll_into_view,
                        sentence)
from serving.music.composer import DEFAULT_TEMPERATURE, Choice, WrittenTune
from serving.music.grammar import BAR, LENGTH, NOTE, REST, TUPLET, kind_of
from serving.music.render import RenderError, score_svgs
from serving.music.sound import midi_bytes, wav_bytes
from serving.text import InputError

TONICS = ["D", "G", "A", "E", "C", "F", "Bb", "B"]
MODE_LABELS = {"maj": "major", "min": "minor", "dor": "dorian", "mix": "mixolydian", "lyd": "lydian",
              "phr": "phrygian"}
ANY = "the model's choice"
LIMITS = ("**Its limits.** It learnt from about 2,500 Irish, Scottish and American dance tunes and airs (O'Neill's "
          "1850 tunes, Ryan's Mammoth Collection), one melody line each, moved to C and back to your key. It "
          "writes what those tunes do, bars, phrases and repeats, without knowing a tune's form as a musician "
          "does: some tunes wander or stop early. The sound is a plain plucked tone, each section played once.")


KIND_LABELS = {BAR: "bar line", LENGTH: "length", TUPLET: "tuplet", REST: "rest", NOTE: "note"}


def probability_chart(written: WrittenTune) -> alt.Chart:
    """Each token the model wrote, in order, with how likely it found it when it chose it."""
    rows = [{"step": step, "token": token, "kind": KIND_LABELS.get(kind_of(token), "other"), "probability": prob}
            for step, (token, prob) in enumerate(zip(written.tokens[written.chosen:], written.probs[written.chosen:]),
                                                 1)]
    return readable(alt.Chart(pd.DataFrame(rows)).mark_bar().encode(
        x=alt.X("step:Q", title="token written (in order)"),
        y=alt.Y("probability:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"),
                title="how sure it was"),
        color=alt.Color("kind:N", legend=alt.Legend(orient="top", title=None, columns=3)),  # wraps on a phone
        tooltip=["step", "token", "kind", alt.Tooltip("probability:Q", format=".1%")],
    ).properties(height=plot_height(1, 160)))


def write(choice: Choice) -> None:
    composer = load_or_stop(music_composer)
    started = time.perf_counter()
    try:
        written = composer.write(choice)
    except InputError as err:
        st.session_state["music_error"] = str(err)
        st.session_state.pop("music_tune", None)
        return
    st.session_state.pop("music_error", None)
    st.session_state["music_tune"] = {"written": written, "seed": choice.seed,
                                      "ms": (time.perf_counter() - started) * 1000}


def show(tune: dict) -> None:
    written: WrittenTune = tune["written"]
    if not written.valid:
        st.warning(f"The model wrote something ABC cannot say ({escape_markdown(written.error)}). Try another "
                   "seed or a lower temperature.")
        st.code(" ".join(written.tokens))
        return
    try:
        for svg in score_svgs(written.abc):  # as an image: the page's HTML sanitiser would strip Verovio's SVG
            st.image(svg)  # its own width, shrunk to a narrower screen
    except RenderError as err:
        st.warning(f"{err}: the tune is below in ABC, and plays.")
    st.audio(wav_bytes(written.tune), format="audio/wav")
    body = written.probs[written.chosen:]
    sure = f" The model was {np.mean(body):.0%} sure of the tokens it chose, on average." if body else ""
    st.caption(f"{written.bars()} bars, {len(body)} tokens written in {tune['ms']:.0f} ms (seed {tune['seed']}: "
               f"the same seed writes the same tune again).{sure}")
    left, right = st.columns(2)
    left.download_button("Download .abc", written.abc, file_name="tune.abc", mime="text/vnd.abc")
    right.download_button("Download .mid", midi_bytes(written.tune), file_name="tune.mid", mime="audio/midi")
    st.subheader("How sure it was of each token")
    st.markdown("One bar per token the model wrote: a note, its length, a bar line. Each was sampled from the "
                "model's probabilities after everything before it; tall bars are tokens it was sure of.")
    st.altair_chart(probability_chart(written), width="stretch")
    with st.expander("The tune in ABC"):
        st.code(written.abc, language=None)


def page() -> None:
    st.title("Music")
    st.markdown("**One-to-many.** You make one choice, a tune type, a key and a meter; an LSTM then writes the "
                "tune one token at a time (a note, its length, a bar line), feeding each token back in as its "
                "next input, until it writes the end.")
    composer = load_or_stop(music_composer)
    kind_column, tonic_column, mode_column, meter_column = st.columns(4)
    kind = kind_column.selectbox("Tune type", [ANY, *composer.kinds], key="music_kind")
    tonic = tonic_column.selectbox("Key", TONICS, key="music_tonic")
    mode = mode_column.selectbox("Mode", composer.modes, key="music_mode",
                                 index=composer.modes.index("maj") if "maj" in composer.modes else 0,
                                 format_func=lambda name: MODE_LABELS.get(name, name))
    meter = meter_column.selectbox("Meter", [ANY, *composer.meters], key="music_meter")
    opening = st.text_input("Opening notes (ABC, optional)", key="music_opening", placeholder="e.g. A2F A2F",
                            help="The first notes in ABC, in the key you chose: letters A-G (a-g an octave up), a "
                                 "number after a note for its length in eighth notes, | for a bar line.")
    temperature_column, seed_column = st.columns(2)
    temperature = temperature_column.slider("Temperature", 0.0, 1.5, DEFAULT_TEMPERATURE, 0.05, key="music_temperature",
                                            help="0 always takes the likeliest token; higher is bolder")
    fixed_seed = seed_column.number_input("Seed", 0, 1_000_000, None, placeholder="new each click", key="music_seed")
    if st.button("Write a tune", key="music_write", type="primary"):
        seed = int(fixed_seed) if fixed_seed is not None else int(np.random.default_rng().integers(1_000_000))
        write(Choice(meter=None if meter == ANY else meter, key=tonic + ("" if mode == "maj" else mode),
                     kind=None if kind == ANY else kind, opening=opening, temperature=temperature, seed=seed))
    with st.container(key="music_result"):
        if "music_error" in st.session_state:
            message = st.session_state["music_error"]
            st.warning(sentence(message))
        elif "music_tune" in st.session_state:
            show(st.session_state["music_tune"])
            scroll_into_view("music_result", st.session_state["music_tune"]["seed"])
        else:
            st.info("Choose a tune type, a key and a meter (or leave them to the model) and click **Write a tune**.")
        st.caption(LIMITS)


page()
