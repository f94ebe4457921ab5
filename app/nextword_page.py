"""Next word page: a GRU language model as a predictive keyboard, and as a writer."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app.common import escape_markdown, load_or_stop, nextword_predictor, small_print, timed
from serving.nextword.predictor import Suggestions, append_word
from serving.text import InputError

EXAMPLES = [
    "It is a truth universally acknowledged that",
    "The state of the Union is",
    "Call me",
    "We must work together to",
    "She was the youngest of the two",
]
SUGGESTIONS = 5


def use_example() -> None:
    if st.session_state["nextword_example"]:
        st.session_state["nextword_text"] = st.session_state["nextword_example"] + " "


def accept(word: str, partial: str) -> None:
    st.session_state["nextword_text"] = append_word(st.session_state.get("nextword_text", ""), word, partial)


def use_continuation() -> None:
    st.session_state["nextword_text"] = st.session_state["nextword_full_text"] + " "
    st.session_state.pop("nextword_full_text", None)


def probability_chart(suggestions: Suggestions) -> alt.Chart:
    frame = pd.DataFrame([{"word": w.word, "probability": w.prob} for w in suggestions.words])
    return alt.Chart(frame).mark_bar(color="#4c78a8").encode(
        x=alt.X("probability:Q", axis=alt.Axis(format="%")),
        y=alt.Y("word:N", sort="-x", title=None),
        tooltip=["word", alt.Tooltip("probability:Q", format=".2%")],
    ).properties(height=36 * max(1, len(frame)))


def suggestion_bar(text: str) -> None:
    predictor = load_or_stop(nextword_predictor)
    fed_before = predictor.cache.pieces_fed
    try:
        suggestions, latency = timed(lambda: predictor.next_words(text, k=SUGGESTIONS, complete=True))
    except InputError as err:
        st.warning(str(err).capitalize())
        return
    if suggestions.partial:
        st.markdown(f"Completing **{escape_markdown(suggestions.partial)}**...")
    elif not text.strip():
        st.markdown("How texts in the training data often **begin**:")
    else:
        st.markdown("The next word could be:")
    if not suggestions.words:
        st.info("No word the model knows starts like that. Keep typing, or add a space.")
        return
    for index, (column, word) in enumerate(zip(st.columns(SUGGESTIONS), suggestions.words)):
        column.button(word.word, key=f"suggestion_{index}", on_click=accept, args=(word.word, suggestions.partial),
                      width="stretch", help=f"{word.prob:.1%}")
    st.altair_chart(probability_chart(suggestions), width="stretch")
    small_print(f"Latency: {latency:.1f} ms. The prefix cache fed the model {predictor.cache.pieces_fed - fed_before}"
                f" new piece(s) for this keystroke. Execution provider: {predictor.artifact.provider()}.")


def continue_writing(text: str) -> None:
    st.subheader("Continue writing")
    st.markdown("The same network, now sampling one piece at a time and feeding each back in.")
    left, middle, right, last = st.columns(4)
    temperature = left.slider("Temperature", 0.0, 1.5, 0.8, 0.05, help="0 always takes the likeliest piece")
    top_k = middle.slider("Top-k", 0, 200, 40, help="sample only from the k likeliest pieces (0: no limit)")
    words = right.slider("Words", 5, 100, 30)
    seed = last.number_input("Seed", 0, 1_000_000, 0, help="the same seed gives the same text")
    if st.button("Continue writing", key="generate", type="primary"):
        predictor = load_or_stop(nextword_predictor)
        try:
            continuation, latency = timed(lambda: predictor.generate(
                text, max_words=words, temperature=temperature, top_k=top_k, seed=int(seed)))
        except InputError as err:
            st.warning(str(err).capitalize())
            return
        st.session_state["nextword_full_text"] = (text.rstrip() + " " + continuation.strip()).strip()
        st.session_state["nextword_generation"] = (text.rstrip(), continuation.strip(), latency)
    if "nextword_full_text" in st.session_state and "nextword_generation" in st.session_state:
        prompt, continuation, latency = st.session_state["nextword_generation"]
        with st.container(border=True):
            st.markdown(f"{escape_markdown(prompt)} :blue[**{escape_markdown(continuation)}**]")
        st.button("Use this text", key="use_generation", on_click=use_continuation)
        small_print(f"{latency:.0f} ms for {words} words.")


def page() -> None:
    st.title("Next word")
    st.markdown("**Many-to-many, one step at a time.** A 2-layer GRU reads your text piece by piece and, after "
                "each piece, predicts the next. Whole-word suggestions come from a small beam search over pieces.")
    st.pills("Try a beginning", EXAMPLES, key="nextword_example", on_change=use_example)
    text = st.text_input("Your text", key="nextword_text", live=True,
                         placeholder="Start typing: suggestions follow every keystroke") or ""
    suggestion_bar(text)
    st.divider()
    continue_writing(text)


page()
