"""Named entities page: a many-to-many tagger, one tag per word, and the per-word losses it trains on."""
from __future__ import annotations

import html
import zlib

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from app.common import (NOT_ANSWERED, entity_tagger, escape_markdown, keep_text, load_or_stop, plot_height,
                        readable, scroll_into_view, sentence, share_legend, show_warnings, small_print,
                        text_or_invitation,
                        timed, whole_result)
from serving.ner.tagger import TAGS, TYPE_NAMES, TYPES, TaggedText, bio_spans

# The lecture's examples with its right answers ("Dhaval loves baby yoda" -> 1 0 1 1): the loss view starts
# from these tags, so where the model misses a name its loss shows it.
LECTURE_TAGS = {"Dhaval loves baby yoda": ["B-PER", "O", "B-PER", "I-PER"],
                "Bob told Ahmed that pizza is delivered": ["B-PER", "O", "B-PER", "O", "O", "O", "O"]}
EXAMPLES = [
    *LECTURE_TAGS,
    "Angela Merkel met Emmanuel Macron in Paris to talk about the European Union.",
    "Mr. Darcy walked with Elizabeth to Longbourn.",
    "Apple opened a new store in Berlin next to the Brandenburg Gate.",
]
COLOURS = {"PER": "#fde2a7", "LOC": "#c6e9c3", "ORG": "#c9ddf5", "MISC": "#ead7f3"}


LIMITS = ("**Its limits.** It learnt from 120,000 sentences that spaCy's small English pipeline tagged (speeches, "
          "novels, reviews and tweets), so it shares spaCy's habits; names in lower case and names it never saw in a "
          "familiar place are hard for it, unless they are on its lists of first names, fictional characters, "
          "companies and places. "
          "docs/ner.md has its scores beside spaCy.")


def use_example() -> None:
    if st.session_state["ner_example"]:
        st.session_state["ner_text"] = st.session_state["ner_example"]
        st.session_state.pop("ner_marks", None)


def text_edited() -> None:
    if st.session_state.get("ner_example") != st.session_state["ner_text"]:
        st.session_state["ner_example"] = None
    st.session_state.pop("ner_marks", None)


def marked_html(result: TaggedText) -> str:
    """The text with each entity highlighted in its type's colour and labelled; everything escaped."""
    parts, at = [], 0
    for entity in result.entities:
        parts.append(html.escape(result.text[at:entity.start]))
        parts.append(f'<mark style="background:{COLOURS[entity.label]};padding:0.1em 0.3em;border-radius:0.3em" '
                     f'title="{TYPE_NAMES[entity.label]}, p={entity.prob:.2f}">{html.escape(entity.text)} '
                     f'<small style="font-weight:600;color:#31333f">{entity.label}</small></mark>')
        at = entity.end
    parts.append(html.escape(result.text[at:]))
    return f'<div style="font-size:1.35rem;line-height:2.1">{"".join(parts)}</div>'


def legend_html() -> str:
    return " ".join(f'<mark style="background:{COLOURS[kind]};padding:0.1em 0.4em;border-radius:0.3em">{kind}'
                    f"</mark> {TYPE_NAMES[kind]}" for kind in TYPES)


def why_no_names(result: TaggedText) -> str:
    """Said where no name was found: the words likeliest to be one, how likely, what makes names hard for
    this tagger, and the lecture's answer for the lecture's examples."""
    name_probability = 1 - result.marginals[:, TAGS.index("O")]
    likeliest = [i for i in np.argsort(-name_probability)[:2] if name_probability[i] >= 0.01]
    said = "**No names found**: no word's likeliest tag is a name's."
    if likeliest:
        said += " The likeliest to be one: " + ", ".join(
            f"“{escape_markdown(result.words[i].text)}” ({name_probability[i]:.0%})" for i in sorted(likeliest)) + "."
    said += (" It finds names mostly by their capital letters and the words around them, as they are written in "
             "the news, novels and speeches it learnt from: a name it never saw, one at the start of a sentence "
             "(capitalised anyway) or one in lower case is hard for it.")
    if result.text in LECTURE_TAGS:
        words = result.text.split()
        answer = "; ".join(f"{' '.join(words[start:end])} ({TYPE_NAMES[kind].lower()})"
                           for start, end, kind in bio_spans(LECTURE_TAGS[result.text]))
        said += f" The lecture's answer: {escape_markdown(answer)}; the loss below shows how far off the tagger is."
    return said


def word_labels(result: TaggedText) -> list[str]:
    """"1. Bob", "2. told", ...: each word numbered, so a word said twice has two rows and charts keep the order."""
    return [f"{i + 1}. {w.text}" for i, w in enumerate(result.words)]


def probability_frame(result: TaggedText) -> pd.DataFrame:
    """Each word's probability of each tag (summed over all tag sequences), B- and I- shown apart."""
    rows = [{"word": label, "tag": tag, "probability": float(result.marginals[i, t])}
            for i, label in enumerate(word_labels(result)) for t, tag in enumerate(TAGS)]
    return pd.DataFrame(rows)


def probability_heatmap(frame: pd.DataFrame, order: list[str]) -> alt.Chart:
    base = alt.Chart(frame).encode(
        x=alt.X("tag:N", sort=list(TAGS), title=None, axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("word:N", sort=order, title=None),
        tooltip=["word", "tag", alt.Tooltip("probability:Q", format=".1%")])
    height = plot_height(len(order), 26)
    cells = base.mark_rect().encode(color=alt.Color("probability:Q", scale=alt.Scale(domain=[0, 1], scheme="blues"),
                                                    legend=share_legend("P(tag)", height)))
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("probability:Q", format=".0%"),
        color=alt.condition("datum.probability > 0.5", alt.value("white"), alt.value("#31333f")))
    return readable((cells + text).properties(height=height))


def loss_chart(frame: pd.DataFrame) -> alt.Chart:
    order = list(frame["word"])
    return readable(alt.Chart(frame).mark_bar(color="#d62728").encode(
        x=alt.X("word:N", sort=order, title=None, axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("loss:Q", title="loss = -log P(right tag)"),
        tooltip=["word", "right tag", alt.Tooltip("loss:Q", format=".3f")]).properties(height=220))


def teaching_view(tagger, result: TaggedText) -> None:
    st.subheader("The loss it trains on")
    right_tags = LECTURE_TAGS.get(result.text, [w.tag for w in result.words])
    source = "the lecture's answer" if result.text in LECTURE_TAGS else "the model's own tags"
    st.markdown("Training compares every word's tag with the right one and **adds the per-word losses up** "
                f"(Total loss = Loss 1 + Loss 2 + ...). Mark the right tags below (they start as {source}) and see "
                "each word's loss, -log of the probability the model gives the right tag.")
    missed = [w.text for w, right in zip(result.words, right_tags) if w.tag != right]
    if result.text in LECTURE_TAGS and missed:
        st.warning(f"The model gets {', '.join(missed)} wrong here: the lecture's answer and the model's tags "
                   "differ, and those words carry most of the loss.")
    shown = pd.DataFrame({"word": [w.text for w in result.words], "right tag": right_tags})
    marks = st.data_editor(shown, key="ner_marks", hide_index=True, width="stretch", disabled=["word"],
                           column_config={"right tag": st.column_config.SelectboxColumn(options=list(TAGS),
                                                                                        required=True)})
    right = [tag if tag in TAGS else "O" for tag in marks["right tag"]]
    per_word, sequence = tagger.crf.losses(result, right)
    frame = pd.DataFrame({"word": word_labels(result), "right tag": right, "loss": per_word})
    st.altair_chart(loss_chart(frame), width="stretch")
    st.markdown(f"**Total loss = {' + '.join(f'{loss:.2f}' for loss in per_word[:12])}"
                f"{' + ...' if len(per_word) > 12 else ''} = {sum(per_word):.2f}**")
    st.caption(f"The CRF itself is trained on the loss of the whole sequence at once, -log P(right tag sequence) "
               f"= {sequence:.2f}; the per-word losses above are the lecture's view of the same idea.")


def page() -> None:
    st.title("Named entities")
    st.markdown("**Many-to-many, one output per word.** A bidirectional GRU reads the sentence both ways and "
                "gives every word a tag: the start (B) or inside (I) of a person, place, organisation or other "
                "name, or O for no name. A CRF on top picks the best sequence of tags.")
    keep_text("ner_text")
    st.pills("Try an example", EXAMPLES, key="ner_example", on_change=use_example)
    text = text_or_invitation("ner_text", "Type a sentence with some names in it, e.g. a line of news.",
                              "Find names", "tag", "Type a sentence above or click an example to see which words "
                              "the network tags as names.", text_edited)
    if text is None:
        return
    tagger = load_or_stop(entity_tagger)
    try:
        [answer], latency = timed(lambda: tagger.predict_batch([text], detail=True))
        result = whole_result(answer, TaggedText)
    except NOT_ANSWERED as err:
        st.warning(sentence(str(err)))
        return
    with st.container(key="ner_result"):
        show_warnings(result.warnings)
        st.html(marked_html(result))
        st.html(f'<div style="font-size:0.9rem">{legend_html()}</div>')
        if not result.entities:
            st.info(why_no_names(result))
        if result.truncated:
            st.warning(f"The text is long: the tagger read only its first {len(result.words)} words.")
        if result.entities:
            st.dataframe(pd.DataFrame([{"name": e.text, "type": f"{e.label} ({TYPE_NAMES[e.label]})",
                                        "probability": round(e.prob, 3)} for e in result.entities]),
                         hide_index=True, width="stretch")
        st.caption(LIMITS)
    scroll_into_view("ner_result", zlib.crc32(result.text.encode()))
    st.subheader("How it got there")
    st.markdown("One output per word: each row is a word, each column a tag, each cell the probability the "
                "network and its CRF give that tag (summed over every possible tag sequence).")
    probabilities, order = probability_frame(result), word_labels(result)
    st.altair_chart(probability_heatmap(probabilities, order), width="stretch")
    with st.expander("The same as a table"):
        table = probabilities.pivot(index="word", columns="tag", values="probability").loc[order, list(TAGS)]
        table.insert(0, "tag", [w.tag for w in result.words])
        st.dataframe(table, width="stretch", column_config={
            tag: st.column_config.NumberColumn(format="%.3f") for tag in TAGS})
    teaching_view(tagger, result)
    small_print(f"Latency: {latency:.1f} ms for {len(result.words)} words. Execution provider: "
                f"{tagger.artifact.provider()}.")


page()
