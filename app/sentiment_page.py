"""Sentiment page: a many-to-one bidirectional GRU, its verdict, and how it changed word by word."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app.common import load_or_stop, sentiment_classifier, small_print, timed
from serving.sentiment.classifier import SentimentResult, WordStep
from serving.text import InputError

EXAMPLES = [
    "Not only the fan was expensive, but it was broken when it arrived.",
    "The acting was superb and the story kept me hooked until the very end.",
    "The meeting has been moved to Thursday afternoon.",
    "I wanted to love this phone, but the battery dies by noon.",
    "Not bad at all, honestly better than I expected!",
]
LABEL_STYLE = {"negative": (":red", ":material/sentiment_dissatisfied:"),
               "neutral": (":gray", ":material/sentiment_neutral:"),
               "positive": (":green", ":material/sentiment_satisfied:")}
COLOURS = alt.Scale(domain=["negative", "neutral", "positive"], range=["#d62728", "#9e9e9e", "#2ca02c"])


def use_example() -> None:
    """Copy the chosen example into the text area (clicking the chosen pill again clears the choice)."""
    if st.session_state["sentiment_example"]:
        st.session_state["sentiment_text"] = st.session_state["sentiment_example"]


def show_verdict(result: SentimentResult) -> None:
    colour, face = LABEL_STYLE[result.label]
    st.markdown(f"## {colour}[{face} {result.label.capitalize()}] &nbsp; {result.star_bar}")
    st.write(f"**{result.stars:.1f} / 5 stars** (predicted mean rating {result.rating:+.2f} on the -4..+4 scale "
             f"used by the human raters)")
    for label, prob in result.probs.items():
        st.progress(prob, text=f"{label}: {prob:.0%}")
    if result.truncated:
        st.warning("The text was long, so only its beginning was read.")


def running_chart(steps: list[WordStep]) -> alt.Chart:
    rows = [{"step": i, "word": f"{i + 1}. {step.word}", "label": label, "probability": p}
            for i, step in enumerate(steps) for label, p in step.probs.items()]
    frame = pd.DataFrame(rows)
    order = [f"{i + 1}. {step.word}" for i, step in enumerate(steps)]
    return alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("word:N", sort=order, title="after reading up to this word", axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("probability:Q", scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("label:N", scale=COLOURS),
        tooltip=["word", "label", alt.Tooltip("probability:Q", format=".2f")],
    ).properties(height=320)


def page() -> None:
    st.title("Sentiment")
    st.markdown("**Many-to-one.** A bidirectional GRU reads the whole sentence, both ways, and gives one "
                "verdict: negative, neutral or positive, and a 1-5 star rating.")
    st.pills("Try an example", EXAMPLES, key="sentiment_example", on_change=use_example)
    text = st.text_area("Your text", key="sentiment_text", height=100,
                        placeholder="Type a sentence, e.g. a review, a tweet or a headline.")
    st.button("Analyse", key="analyse", type="primary")
    if not text.strip():
        st.info("Type a sentence above or click an example to see what the network makes of it.")
        return
    classifier = load_or_stop(sentiment_classifier)
    try:
        [result], latency = timed(lambda: classifier.predict([text]))
        steps, running_latency = timed(lambda: classifier.running(text))
    except InputError as err:
        st.warning(str(err).capitalize())
        return
    show_verdict(result)
    st.subheader("How it got there")
    st.markdown("The same network run on every prefix of the sentence (all prefixes in **one** batched call): "
                "watch the verdict change as each word arrives.")
    st.altair_chart(running_chart(steps), width="stretch")
    small_print(f"Latency: {latency:.1f} ms for the verdict, {running_latency:.1f} ms for all {len(steps)} "
                f"prefixes. Execution provider: {classifier.artifact.provider()}.")


page()
