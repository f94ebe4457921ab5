"""Sentiment page: a many-to-one bidirectional GRU, its verdict, and how it changed word by word."""
from __future__ import annotations

import zlib

import altair as alt
import pandas as pd
import streamlit as st

from app.common import (NOT_ANSWERED, escape_markdown, keep_text, load_or_stop, plot_height, readable,
                        scroll_into_view, sentence, sentiment_classifier, show_warnings, small_print,
                        text_or_invitation, timed,
                        whole_result)
from app.sentiment_examples import EXAMPLES, FAILURES
from serving.sentiment.classifier import SentimentResult, WordStep

LABELS = ["negative", "neutral", "positive"]
LABEL_STYLE = {"negative": (":red", ":material/sentiment_dissatisfied:"),
               "neutral": (":gray", ":material/sentiment_neutral:"),
               "positive": (":green", ":material/sentiment_satisfied:")}
COLOURS = alt.Scale(domain=LABELS, range=["#d62728", "#757575", "#2ca02c"])
STAR_METER = ('<div role="img" aria-label="{stars:.1f} of 5 stars" style="position:relative;display:inline-block;'
              'font-size:1.8rem;line-height:1;color:#c7c7c7">★★★★★<span style="position:absolute;left:0;top:0;'
              'width:{percent:.0f}%;overflow:hidden;white-space:nowrap;color:#f5a623">★★★★★</span></div>')


def use_chip(key: str) -> None:
    """Copy the chosen example into the text area, and let go of the other row's choice."""
    if st.session_state[key]:
        st.session_state["sentiment_text"] = st.session_state[key]
    other = "sentiment_failure" if key == "sentiment_example" else "sentiment_example"
    st.session_state[other] = None


def text_edited() -> None:
    """An edited text is no longer the example: its chip lets go."""
    for key in ("sentiment_example", "sentiment_failure"):
        if st.session_state.get(key) != st.session_state["sentiment_text"]:
            st.session_state[key] = None


def probability_chart(probs: dict[str, float]) -> alt.Chart:
    frame = pd.DataFrame([{"label": label, "probability": probs[label]} for label in LABELS])
    base = alt.Chart(frame).encode(
        x=alt.X("probability:Q", axis=alt.Axis(format="%", tickCount=5), scale=alt.Scale(domain=[0, 1]), title=None),
        y=alt.Y("label:N", sort=LABELS, title=None),
        tooltip=["label", alt.Tooltip("probability:Q", format=".1%")],
    )
    bars = base.mark_bar().encode(color=alt.Color("label:N", scale=COLOURS, legend=None))
    labels = base.mark_text(align="left", dx=4, color="#31333f").encode(text=alt.Text("probability:Q", format=".0%"))
    return readable((bars + labels).properties(height=plot_height(len(LABELS), 40)))


def show_verdict(result: SentimentResult, typed: str) -> None:
    """The verdict and its stars; for a text the model cannot read, no verdict, and why."""
    if result.warnings:
        st.markdown("## :gray[:material/help: No verdict]")
        show_warnings(result.warnings)
        st.markdown(f"What the network gives anyway, which means little here: {result.label}, "
                    f"{result.stars:.1f} / 5 stars.")
    else:
        colour, face = LABEL_STYLE[result.label]
        st.markdown(f"## {colour}[{face} {result.label.capitalize()}]")
        st.html(STAR_METER.format(stars=result.stars, percent=result.stars / 5 * 100))
        st.markdown(f"**{result.stars:.1f} / 5 stars**, read off the same probabilities as the verdict (negative "
                    "counts 1 star, neutral 3, positive 5, each as likely as the model says).")
    st.altair_chart(probability_chart(result.probs), width="stretch")
    if result.text in FAILURES:
        person, kind = FAILURES[result.text]
        st.warning(f"A person reads this as **{person}**: it is {kind}, a kind of sentence this model often "
                   "gets wrong.")
    if result.truncated:
        st.warning(f"The text is long ({len(typed):,} characters): the model read only its first "
                   f"{len(result.read):,} characters, up to “…{escape_markdown(result.read[-40:])}”.")
    if result.unknown and not result.warnings:  # said already, and more plainly, when there are warnings
        unknown = " ".join(result.unknown)
        unreadable = escape_markdown(unknown)
        if not result.read.replace(unknown, "").strip(" ."):
            st.info(f"The model cannot read any of this ({unreadable}): its tokenizer never saw these characters "
                    "(emoji, other scripts, some digits), so this verdict means nothing.")
        else:
            st.info(f"The model cannot read {unreadable}: its tokenizer never saw these characters (emoji, other "
                    "scripts, some digits), so the verdict comes from the rest of the text.")


def running_chart(steps: list[WordStep]) -> alt.Chart:
    rows = [{"step": i, "word": f"{i + 1}. {step.word}", "label": label, "probability": p}
            for i, step in enumerate(steps) for label, p in step.probs.items()]
    frame = pd.DataFrame(rows)
    order = [f"{i + 1}. {step.word}" for i, step in enumerate(steps)]
    return readable(alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("word:N", sort=order, title="after reading up to this word", axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("probability:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        color=alt.Color("label:N", scale=COLOURS, legend=alt.Legend(orient="top", title=None)),
        tooltip=["word", "label", alt.Tooltip("probability:Q", format=".2f")],
    ).properties(height=320))


def page() -> None:
    st.title("Sentiment")
    st.markdown("**Many-to-one.** A bidirectional GRU reads the whole sentence, both ways, and gives one "
                "verdict: negative, neutral or positive, and a 1-5 star rating.")
    keep_text("sentiment_text")
    st.pills("Try an example", list(EXAMPLES), key="sentiment_example", on_change=use_chip,
             args=("sentiment_example",))
    st.pills("Where it goes wrong", list(FAILURES), key="sentiment_failure", on_change=use_chip,
             args=("sentiment_failure",),
             help="Sentences of kinds this model misreads: plain facts come out opinionated, and a negated "
                  "complaint comes out as the complaint.")
    text = text_or_invitation("sentiment_text", "Type a sentence, e.g. a review, a tweet or a headline.", "Analyse",
                              "analyse", "Type a sentence above or click an example to see what the network makes "
                              "of it.", text_edited)
    if text is None:
        return
    classifier = load_or_stop(sentiment_classifier)
    try:
        [answer], latency = timed(lambda: classifier.predict_batch([text], detail=True, running=True))
        result, steps = whole_result(answer, SentimentResult), whole_result(answer, list[WordStep], part="running")
    except NOT_ANSWERED as err:
        st.warning(sentence(str(err)))
        return
    with st.container(key="sentiment_result"):
        show_verdict(result, text)
    scroll_into_view("sentiment_result", zlib.crc32(result.text.encode()))
    st.subheader("How it got there")
    st.markdown("The same network run on every prefix of the sentence (all prefixes in **one** batched call): "
                "watch the verdict change as each word arrives.")
    st.altair_chart(running_chart(steps), width="stretch")
    small_print(f"Latency: {latency:.1f} ms for the verdict and all {len(steps)} prefixes. Execution provider: "
                f"{classifier.artifact.provider()}.")


page()
