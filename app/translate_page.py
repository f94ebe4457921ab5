"""Translate page: an encoder-decoder writes Spanish for English, with where it looked for each word."""
from __future__ import annotations

import html
import zlib

import altair as alt
import pandas as pd
import streamlit as st

from app.common import (NOT_ANSWERED, keep_text, load_or_stop, plot_height, readable, scroll_into_view, share_legend,
                        sentence, show_warnings, small_print, text_or_invitation, timed, whole_result)
from app.common import translator as load_translator
from serving.translate.apertium import ApertiumError, apertium_installed, apertium_translate
from serving.translate.translator import Translation

EXAMPLES = [
    "How are you?",
    "The file could not be saved because the disk is full.",
    "Select the cells that you want to delete.",
    "Love your neighbour as yourself.",
    "In the beginning God created the heavens and the earth.",
]


LIMITS = ("**Its limits.** It learnt from 30,000 Bible verses (World English Bible beside the Reina-Valera of "
          "1909), 15,000 strings of LibreOffice's and Django's menus, dialogs and messages and 26,000 paragraphs of "
          "LibreOffice's help, and 23,000 everyday sentences with Apertium's Spanish, so it writes old-fashioned "
          "Spanish for stories and software Spanish for instructions; everyday conversation is still its weak spot, "
          "where Apertium does better. docs/translate.md has its scores beside Apertium's.")


def use_example() -> None:
    if st.session_state["translate_example"]:
        st.session_state["translate_text"] = st.session_state["translate_example"]


def text_edited() -> None:
    if st.session_state.get("translate_example") != st.session_state["translate_text"]:
        st.session_state["translate_example"] = None


def attention_frame(result: Translation) -> pd.DataFrame:
    """One row per (Spanish word, English piece) with the attention the decoder paid; both numbered so
    a word said twice keeps its own row and the chart keeps the order."""
    targets = [f"{i + 1}. {word}" for i, word in enumerate(result.target_words)]
    sources = [f"{j + 1}. {piece.replace('▁', '')}" for j, piece in enumerate(result.source_pieces)]
    return pd.DataFrame([{"spanish": target, "english": source, "attention": float(result.attention[i, j])}
                         for i, target in enumerate(targets) for j, source in enumerate(sources)])


def attention_heatmap(frame: pd.DataFrame) -> alt.Chart:
    targets, sources = list(dict.fromkeys(frame["spanish"])), list(dict.fromkeys(frame["english"]))
    base = alt.Chart(frame).encode(
        # upright labels, dropped only where two would touch (a long sentence on a phone)
        x=alt.X("english:N", sort=sources, title="English pieces read",
                axis=alt.Axis(orient="top", labelAngle=-90, labelOverlap="greedy")),
        y=alt.Y("spanish:N", sort=targets, title="Spanish words written"),
        tooltip=[alt.Tooltip("spanish:N", title="Spanish word"), alt.Tooltip("english:N", title="English piece"),
                 alt.Tooltip("attention:Q", format=".1%")])
    height = plot_height(len(targets), 28)
    cells = base.mark_rect().encode(color=alt.Color("attention:Q", scale=alt.Scale(domain=[0, 1], scheme="blues"),
                                                    legend=share_legend("attention", height)))
    return readable(cells.properties(height=height))


def apertium_column(text: str) -> None:
    st.markdown("**Apertium** (rule-based, the peer)")
    if not apertium_installed():
        st.caption("Not installed on this server (Debian: `apt install apertium apertium-eng-spa`).")
        return
    try:
        [peer], latency = timed(lambda: apertium_translate([text]))
    except ApertiumError as err:
        st.caption(f"Apertium could not translate this: {err}")
        return
    st.html(f'<div style="font-size:1.3rem;line-height:1.5">{html.escape(peer)}</div>')
    st.caption(f"{latency:.0f} ms (a new Apertium process for each request)")


def page() -> None:
    st.title("Translate")
    st.markdown("**Many-to-many, encoder-decoder: the lengths differ.** A bidirectional GRU (the encoder) reads "
                "the whole English sentence; a second GRU (the decoder) then writes Spanish one piece at a time, "
                "looking back at the English through attention before each piece. Beam search keeps the best "
                "few partial translations at every step.")
    keep_text("translate_text")
    st.pills("Try an example", EXAMPLES, key="translate_example", on_change=use_example)
    text = text_or_invitation("translate_text", "Type an English sentence, e.g. How are you?", "Translate",
                              "translate", "Type an English sentence above or click an example to see it in "
                              "Spanish, with where the decoder looked for each word.", text_edited)
    beam = st.slider("Beam size", 1, 10, 4, key="translate_beam",
                     help="How many partial translations the search keeps at each step; 1 is greedy decoding.")
    if text is None:
        return
    model = load_or_stop(load_translator)
    try:
        [answer], latency = timed(lambda: model.predict_batch([text], beam, detail=True))
        result = whole_result(answer, Translation)
    except NOT_ANSWERED as err:
        st.warning(sentence(str(err)))
        return
    with st.container(key="translate_result"):
        show_warnings(result.warnings)
        ours, peer = st.columns(2)
        with ours:
            st.markdown("**This model** (encoder-decoder GRU)")
            st.html(f'<div style="font-size:1.6rem;font-weight:600;line-height:1.4">'
                    f'{html.escape(result.translation)}</div>')
            st.caption(f"Score {result.score:.2f} (mean log-probability per piece); {latency:.0f} ms at beam {beam}")
        with peer:
            apertium_column(result.source)
        if not result.translation and not result.warnings:
            st.warning("The model wrote no Spanish for this text: it knows English words, and these are not "
                       "ones it met. Try a sentence in English.")
        if result.truncated:
            st.warning("The text is long: only its first words were translated.")
        if not result.finished:
            st.warning("The decoder reached its length limit before it ended the sentence.")
        st.caption(LIMITS)
    scroll_into_view("translate_result", zlib.crc32(f"{result.source}|{beam}".encode()))
    if not result.target_words:
        return
    st.subheader("Where the decoder looked")
    st.markdown("Each row is a Spanish word the decoder wrote, each column an English piece the encoder read; "
                "a dark cell is where its attention was when it wrote that word.")
    st.altair_chart(attention_heatmap(attention_frame(result)), width="stretch")
    st.subheader("The beam's n-best list")
    st.dataframe(pd.DataFrame([{"translation": result.translation, "score": round(result.score, 3)}]
                              + [{"translation": t, "score": round(s, 3)} for t, s in result.alternatives]),
                 hide_index=True, width="stretch")
    small_print(f"Execution provider: {model.artifact.provider()}.")


page()
