"""Next word page: a GRU language model as a predictive keyboard, and as a writer."""
from __future__ import annotations

import time

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from app.common import (NOT_ANSWERED, api_url, escape_markdown, keep_text, load_or_stop, nextword_predictor,
                        plot_height, readable, sentence, show_warnings, small_print, timed, whole_result)
from serving.nextword.predictor import DEFAULT_TEMPERATURE, Suggestions, append_word
from serving.nextword.words import WordCandidate

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
    written = st.session_state.pop("nextword_generation")
    st.session_state["nextword_text"] = f"{written['prompt']} {written['continuation']} ".lstrip()


def probability_chart(words: list[WordCandidate]) -> alt.Chart:
    """Bars scaled to the likeliest word, each labelled with its probability, so small ones are seen too."""
    frame = pd.DataFrame([{"word": w.word, "probability": w.prob} for w in words])
    top = float(frame["probability"].max())
    base = alt.Chart(frame).encode(
        x=alt.X("probability:Q", axis=alt.Axis(format="%", tickCount=4), scale=alt.Scale(domain=[0, top * 1.2])),
        y=alt.Y("word:N", sort="-x", title=None, axis=alt.Axis(labelOverlap=False)),
        tooltip=["word", alt.Tooltip("probability:Q", format=".2%")],
    )
    bars = base.mark_bar(color="#4c78a8", minBandSize=2)
    labels = base.mark_text(align="left", dx=4, color="#31333f").encode(text=alt.Text("probability:Q", format=".1%"))
    return readable((bars + labels).properties(height=plot_height(len(frame), 36)))


def word_buttons(words: list[WordCandidate], partial: str, key: str) -> None:
    """One button per word, in rows that wrap (compact on a phone); a click puts the word in the text."""
    with st.container(horizontal=True, wrap=True, gap="small"):
        for index, word in enumerate(words):
            st.button(word.word, key=f"{key}_{index}", on_click=accept, args=(word.word, partial),
                      help=f"{word.prob:.1%}")


def suggestion_bar(text: str) -> None:
    predictor = load_or_stop(nextword_predictor)
    fed_before = predictor.pieces_fed
    try:
        [answer], latency = timed(lambda: predictor.predict_batch([text], k=SUGGESTIONS, complete=True, detail=True))
        suggestions = whole_result(answer, Suggestions)
    except NOT_ANSWERED as err:
        st.warning(sentence(str(err)))
        return
    show_warnings(suggestions.warnings)
    typed = escape_markdown(suggestions.partial)
    if suggestions.partial and not suggestions.words:
        st.info(f"No word the model knows starts like that (**{typed}**). Keep typing, or add a space.")
        return
    completions, following = suggestions.words, suggestions.after_partial
    if not suggestions.partial:
        opening = "How texts in the training data often **begin**:" if not text.strip() else "The next word could be:"
        rows = [(opening, completions, "", "next")]
    elif following and completions[0].word == suggestions.partial:  # the typed word is likeliest whole: go on
        rows = [(f"After **{typed}**, the next word could be:", following, "", "next"),
                (f"Or complete **{typed}**:", [w for w in completions if w.word != suggestions.partial],
                 suggestions.partial, "complete")]
    else:
        rows = [(f"Completing **{typed}**:", completions, suggestions.partial, "complete"),
                (f"Or, if **{typed}** is the whole word, next:", following, "", "next")]
    rows = [row for row in rows if row[1]]
    for heading, words, partial, key in rows:
        st.markdown(heading)
        word_buttons(words, partial, key)
    if rows:
        st.altair_chart(probability_chart(rows[0][1]), width="stretch")  # the first row's words, as bars
    cache = (f" The prefix cache fed the model {predictor.pieces_fed - fed_before} new piece(s) for this keystroke."
             if fed_before is not None else "")  # the API's cache is on its server
    small_print(f"Latency: {latency:.1f} ms.{cache} Suggestions are words of the training text "
                f"({predictor.known_words:,} of them) or punctuation. "
                f"Execution provider: {predictor.artifact.provider()}.")


def continue_writing(text: str) -> None:
    st.subheader("Continue writing")
    st.markdown("The same network, now sampling one piece at a time and feeding each back in; every word it "
                "writes is a word of its training text unless you let it invent words.")
    left, middle, right, last = st.columns(4)
    temperature = left.slider("Temperature", 0.0, 1.5, DEFAULT_TEMPERATURE, 0.05,
                              help="0 always takes the likeliest piece")
    top_k = middle.slider("Top-k", 0, 200, 40, help="sample only from the k likeliest pieces (0: no limit)")
    words = right.slider("Words", 5, 100, 30)
    fixed_seed = last.number_input("Seed", 0, 1_000_000, None, placeholder="new each click",
                                   help="leave empty for a new text each click; a seed gives the same text again")
    raw = st.toggle("Raw pieces: let it invent words", value=False, key="nextword_raw",
                    help="Off: every word it writes is a word of its training text (or punctuation). On: the pieces "
                         "are sampled as they come, as the network alone would write, so some words do not exist.")
    prompt = text.rstrip()
    if st.session_state.get("nextword_generation", {}).get("prompt") != prompt:
        st.session_state.pop("nextword_generation", None)  # written after another text: not this one's
    if st.button("Continue writing", key="generate", type="primary"):
        predictor = load_or_stop(nextword_predictor)
        seed = int(fixed_seed) if fixed_seed is not None else int(np.random.default_rng().integers(1_000_000))
        started = time.perf_counter()  # the API writes it all before answering; in process, as it streams
        try:
            chunks = predictor.written(text, max_words=words, temperature=temperature, top_k=top_k, seed=seed,
                                       whole_words=not raw)
        except NOT_ANSWERED as err:
            st.warning(sentence(str(err)))
            return
        with st.container(border=True):
            st.markdown(escape_markdown(prompt) or "*(an empty text: the model begins a paragraph)*")
            continuation = st.write_stream(chunks).strip()
        st.session_state["nextword_generation"] = {"prompt": prompt, "continuation": continuation, "seed": seed,
                                                   "words": words, "ms": (time.perf_counter() - started) * 1000}
    elif "nextword_generation" in st.session_state:
        with st.container(border=True):
            continuation = escape_markdown(st.session_state["nextword_generation"]["continuation"])
            st.markdown(f"{escape_markdown(prompt)} :blue[**{continuation}**]")
    if "nextword_generation" in st.session_state:
        written = st.session_state["nextword_generation"]
        st.button("Use this text", key="use_generation", on_click=use_continuation)
        how = "through the API, shown when written whole" if api_url() else "written as they were sampled"
        small_print(f"{written['ms']:.0f} ms for {written['words']} words, {how}; "
                    f"seed {written['seed']} writes the same text again.")

def page() -> None:
    st.title("Next word")
    st.markdown("**Many-to-many, one step at a time.** A 2-layer GRU reads your text piece by piece and, after "
                "each piece, predicts the next. Whole-word suggestions come from a small beam search over pieces.")
    keep_text("nextword_text")
    st.pills("Try a beginning", EXAMPLES, key="nextword_example", on_change=use_example)
    text = st.text_input("Your text", key="nextword_text", live=True,
                         placeholder="Start typing: suggestions follow every keystroke") or ""
    with st.container(key="nextword_result"):
        suggestion_bar(text)
    st.divider()
    continue_writing(text)


page()
