"""Inside the RNN: a character LSTM reads your text; colour it by one cell, see its guess after any character
and which earlier characters that guess depends on, find where else the same cells fire, and replay the
lectures' "hello" RNN learning."""
from __future__ import annotations

import html

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from app.common import (char_model, escape_markdown, load_or_stop, plot_height, readable, scroll_into_view, sentence,
                        timed)
from serving.cells.features import FEATURES, Correlation, feature_matrix
from serving.cells.reader import MAX_CHARS, CharModel, Reading
from serving.cells.search import build_index, default_stretch, find_similar, held_out_pieces
from serving.cells.toy import LETTERS, WORD, train_hello
from serving.text import InputError, prepare_text

EXAMPLE = ('"I am sure," said Emma, "that he will come back before\nthe end of the week; he always does."\n\n'
           "def area(width, height=2.5):\n    # the size of (width x height)\n    return max(0, width * height)\n\n"
           "It was 1851 when the ship left, with 30 men aboard.\n")
LIMITS = ("**Its limits.** The LSTM learnt from Jane Austen's novels, Moby Dick and Django's Python source "
          "(about 9 million characters); other kinds of text, other languages and characters outside ASCII "
          "(read as one unknown character) get worse guesses. A cell's correlation was measured on held-out "
          "text; on yours it may differ. At most {max_chars:,} characters are read.")


def shade(value: float) -> str:
    """Karpathy's colours: red for a unit near +1, blue near -1, white at 0."""
    strength = min(1.0, abs(value))
    hue = (214, 39, 40) if value > 0 else (31, 119, 180)
    return f"rgba({hue[0]},{hue[1]},{hue[2]},{strength * 0.85:.2f})"


def coloured_text(text: str, values: np.ndarray, colour, titles: list[str], kind: str) -> str:
    """The text as spans, each character's background set by `colour(value)`, its tooltip from `titles`, in a
    block of class `kind`."""
    spans = []
    for char, value, title in zip(text, values, titles):
        shown = "↵" if char == "\n" else html.escape(char)
        spans.append(f'<span style="background:{colour(value)}" title="{html.escape(title)}">{shown}</span>'
                     + ("<br>" if char == "\n" else ""))
    return (f'<div class="{kind}" style="font-family:monospace;font-size:0.95rem;line-height:1.6;white-space:pre-wrap;'
            f'word-break:break-all">{"".join(spans)}</div>')


def unit_choices(model: CharModel) -> dict[str, int]:
    found = {f"{c['cell']}: {c['feature']} (r = {c['correlation']:+.2f})": model.unit_of(c["cell"])
             for c in model.interpretable}
    return found or {model.unit_name(0): 0}


def activation_chart(reading: Reading, features: np.ndarray, values: np.ndarray, feature: str | None) -> alt.Chart:
    """The chosen unit along the text, and the feature it tracks beside it on its own scale."""
    rows = pd.DataFrame({"character": np.arange(len(values)), "activation": values,
                         "char": [repr(c)[1:-1] for c in reading.text]})
    base = alt.Chart(rows).encode(x=alt.X("character:Q", title="character of your text"))
    line = base.mark_line(color="#d62728").encode(
        y=alt.Y("activation:Q", title="the unit", scale=alt.Scale(domain=[-1, 1])),
        tooltip=["character", "char", alt.Tooltip("activation:Q", format=".2f")])
    if feature is None:
        return readable(line.properties(height=plot_height(1, 160)))
    rows[feature] = features[:, list(FEATURES).index(feature)]
    shaded = alt.Chart(rows).mark_area(opacity=0.25, color="#555867", interpolate="step-after").encode(
        x="character:Q", y=alt.Y(f"{feature}:Q", title=feature))
    return readable(alt.layer(shaded, line).resolve_scale(y="independent").properties(height=plot_height(1, 160)))


def guess_chart(reading: Reading, at: int) -> alt.Chart:
    rows = pd.DataFrame([{"next": repr(char), "probability": p} for char, p in reading.top_next(at, 5)])
    return readable(alt.Chart(rows).mark_bar(color="#1f77b4").encode(  # every character quoted, as Python writes it
        y=alt.Y("next:N", sort="-x", title=None), x=alt.X("probability:Q", axis=alt.Axis(format="%"),
                                                          title="probability"),
        tooltip=["next", alt.Tooltip("probability:Q", format=".1%")]).properties(height=plot_height(5, 24)))


def memory_chart(memory: np.ndarray) -> alt.Chart:
    rows = pd.DataFrame({"characters back": np.arange(len(memory))[::-1], "influence": memory / memory.max()})
    return readable(alt.Chart(rows).mark_bar(color="#2ca02c").encode(
        x=alt.X("characters back:Q", scale=alt.Scale(domain=[len(memory) - 1, 0], nice=False)),
        y=alt.Y("influence:Q", title="influence"),
        tooltip=["characters back", alt.Tooltip("influence:Q", format=".2f")]).properties(height=plot_height(1, 140)))


def read_text(model: CharModel, text: str, clicked: bool) -> None:
    try:
        prepared, truncated = prepare_text(text, MAX_CHARS, keep_lines=True)
    except InputError as err:
        st.session_state["cells_error"] = str(err)
        st.session_state.pop("cells_result", None)
        return
    (reading,), ms = timed(lambda: model.read([prepared]))
    enough = len(reading.ids) > 1  # bits and features once per reading, not on every rerun of the page
    st.session_state.pop("cells_error", None)
    st.session_state["cells_result"] = {"reading": reading, "truncated": truncated, "ms": ms, "scroll": clicked,
                                        "bits": reading.surprisals().mean() if enough else float("nan"),
                                        "ngram_bits": model.peer_surprisals(reading.ids).mean() if enough
                                        else float("nan"),
                                        "features": feature_matrix(reading.text),
                                        "nonce": st.session_state.get("cells_result", {}).get("nonce", 0) + 1}


def show_reading(model: CharModel, result: dict) -> None:
    reading: Reading = result["reading"]
    choices = unit_choices(model)
    label = st.selectbox("Colour the text by", list(choices), key="cells_unit",
                         help="Units the project found tracking a named feature on held-out text, with their "
                              "correlation there (a cell state is shown through tanh, as the hidden state sees "
                              "it). Red is near +1, blue near -1.")
    unit = choices[label]
    feature = next((c["feature"] for c in model.interpretable if model.unit_of(c["cell"]) == unit), None)
    values = reading.units()[:, unit]
    titles = [f"{v:+.2f}; next: " + ", ".join(f"{repr(c)[1:-1]} {p:.0%}" for c, p in reading.top_next(at))
              for at, v in enumerate(values)]
    st.html(coloured_text(reading.text, values, shade, titles, "cells-reading"))
    bits, ngram = result["bits"], result["ngram_bits"]
    left, right = st.columns(2)
    left.metric("Bits per character, LSTM", f"{bits:.2f}", help="How surprised the model was by each next "
                "character of your text, on average: fewer bits, better guesses.")
    right.metric("Bits per character, 5-gram", f"{ngram:.2f}", help="A Kneser-Ney 5-gram over characters, "
                 "counted on the same training text: the peer the LSTM must beat.")
    held_out = model.artifact.manifest["metrics"]
    st.caption(f"{len(reading.ids)} characters read in {result['ms']:.0f} ms"
               + (f" (only the first {MAX_CHARS:,})" if result["truncated"] else "") + ". "
               f"Over {held_out['test_characters']:,} characters of held-out text the LSTM needs "
               f"{held_out['bits_per_char']:.2f} bits per character and the 5-gram "
               f"{held_out['ngram_bits_per_char']:.2f}; "
               "on one short text of your own either can come out ahead.")
    st.altair_chart(activation_chart(reading, result["features"], values, feature), width="stretch")
    st.caption(f"The red line is the unit after each character (right axis, -1 to 1); the grey area is the feature "
               f"it tracks, *{feature}* (left axis)." if feature else "The red line is the unit after each character.")

    st.subheader("Its guess, and what it remembered")
    at = st.slider("After character", 0, len(reading.ids) - 1, len(reading.ids) - 1, key="cells_at",
                   help="The model's guess at the next character after this one, and how much each earlier "
                        "character moves that guess")
    shown = reading.text[max(0, at - 40):at + 1].replace("\n", "↵")
    st.html(f"<p>After <code>…{html.escape(shown)}</code> it guesses:</p>")
    st.altair_chart(guess_chart(reading, at), width="stretch")
    memory = model.memory(reading, at)
    scaled = memory / max(memory.max(), 1e-12)
    st.markdown("**Which characters the guess depends on**: the size of the gradient of the guess's "
                f"log-probability with respect to each of the {len(memory)} characters up to it (green: more).")
    st.html(coloured_text(reading.text[at + 1 - len(memory):at + 1], scaled, lambda v: f"rgba(44,160,44,{v * 0.85:.2f})",
                          [f"influence {v:.2f}" for v in scaled], "cells-memory"))
    st.altair_chart(memory_chart(memory), width="stretch")
    show_cells_table(model, reading, result["features"])


def show_cells_table(model: CharModel, reading: Reading, features: np.ndarray) -> None:
    st.subheader("Cells that track something")
    if not model.interpretable:
        st.info("No unit tracked a named feature closely on held-out text.")
        return
    units = [model.unit_of(c["cell"]) for c in model.interpretable]
    correlation = Correlation(len(units))
    correlation.add(reading.units()[:, units], features)
    r = correlation.r()
    rows = [{"unit": c["cell"], "tracks": c["feature"], "r held-out": f"{c['correlation']:.2f}",
             "r yours": f"{r[i, list(FEATURES).index(c['feature'])]:.2f}"} for i, c in enumerate(model.interpretable)]
    st.table(pd.DataFrame(rows), hide_index=True, border="horizontal")  # four columns that wrap: a phone's width
    measured_on = {"prose": "the novels", "code": "Django's modules", "any": "both"}
    tracked = dict.fromkeys(c["feature"] for c in model.interpretable)
    st.markdown("\n".join(f"- **{name}**: {escape_markdown(FEATURES[name].meaning)} (measured on "
                          f"{measured_on[FEATURES[name].text]})" for name in tracked))
    st.caption("r is Pearson's correlation of the unit with the feature over every character: \"r held-out\" of "
               "the held-out text the feature is measured on, \"r yours\" of your text; 0 where the feature never "
               "changes there (your text is not known to be Python or not).")


@st.cache_resource(show_spinner="Reading the held-out chapters and modules once...")
def search_index(_model: CharModel):
    return build_index(_model, [text for _, text in held_out_pieces(_model)])


def show_search(model: CharModel, reading: Reading) -> None:
    st.markdown("Choose a stretch of your text; the units on across all of it are looked for in held-out text "
                "the model never trained on (Moby Dick chapters and Django modules), as LSTMVis does.")
    last = len(reading.ids)
    start, end = st.slider("Stretch (characters)", 0, last, default_stretch(reading), key="cells_stretch")
    if end - start < 1:
        st.info("Choose at least one character.")
        return
    st.html(f"<p>Selected: <code>{html.escape(reading.text[start:end].replace(chr(10), '↵'))}</code></p>")
    if not st.button("Find similar", key="cells_find", type="primary"):
        return
    try:
        index = search_index(model)
        names, matches = find_similar(model, index, reading, start, end)
    except InputError as err:
        message = str(err)
        st.warning(sentence(message))
        return
    except OSError as err:
        st.warning(f"The held-out text is not in the data cache ({err}): run `python -m datafetch cells`.")
        return
    st.caption(f"{len(names)} hidden units on across the stretch: {', '.join(names[:12])}"
               + (" ..." if len(names) > 12 else ""))
    if not matches:
        st.info("No stretch of the held-out text has those units on together.")
    for match in matches:
        st.html('<div style="font-family:monospace;white-space:pre-wrap;word-break:break-all">'
                f'{html.escape(match.before)}<mark>{html.escape(match.text)}</mark>{html.escape(match.after)}'
                f'</div><div style="font-size:0.8rem;color:#555867">match {match.score:.0%}</div>')


@st.cache_data
def hello_run(seed: int) -> list:
    return train_hello(seed=seed)


def heatmap(matrix: np.ndarray, columns: list[str], title: str, scheme: str, domain: list[float]) -> alt.Chart:
    rows = [{"step": f"{i + 1}: {WORD[i]}", "unit": column, "value": float(matrix[i, j])}
            for i in range(matrix.shape[0]) for j, column in enumerate(columns)]
    chart = alt.Chart(pd.DataFrame(rows)).mark_rect().encode(
        x=alt.X("unit:N", sort=columns, title=title), y=alt.Y("step:N", title="reads"),
        color=alt.Color("value:Q", scale=alt.Scale(scheme=scheme, domain=domain), legend=None),
        tooltip=["step", "unit", alt.Tooltip("value:Q", format=".2f")])
    text = chart.mark_text(fontSize=11).encode(  # white on the dark ends of each scale
        text=alt.Text("value:Q", format=".2f"),
        color=alt.condition("abs(datum.value) > 0.6", alt.value("white"), alt.value("black")))
    return (chart + text).properties(height=plot_height(4, 30))


def show_toy() -> None:
    st.markdown("The lectures' example: four letters, **h e l o**, each read as a one-hot vector; a hidden state "
                "of three numbers carried from step to step; after each letter, probabilities for the next. "
                "After *h e l* it must say *l*, after *h e l l* it must say *o*: the same input, **l**, and "
                "only the hidden state can tell the two apart. Trained here in numpy (300 steps of Adagrad).")
    seed = st.number_input("Starting weights (seed)", 0, 999, 0, key="cells_toy_seed")
    snapshots = hello_run(int(seed))
    steps = [s.step for s in snapshots]
    step = st.select_slider("After training steps", steps, value=steps[-1], key="cells_toy_step")
    snapshot = snapshots[steps.index(step)]
    st.caption(f"Loss {snapshot.loss:.3f} (nats per letter) after {step} steps.")
    letters = list(LETTERS)
    charts = [heatmap(snapshot.inputs, letters, "input (one-hot)", "greys", [0, 1]),
              heatmap(snapshot.hidden, ["h1", "h2", "h3"], "hidden state", "redblue", [1, -1]),
              heatmap(snapshot.probs, letters, "next letter", "blues", [0, 1])]
    for column, chart in zip(st.columns(3), charts):
        column.altair_chart(readable(chart), width="stretch")
    curve = pd.DataFrame({"step": steps, "loss": [s.loss for s in snapshots]})
    st.altair_chart(readable(alt.Chart(curve).mark_line().encode(x="step:Q", y=alt.Y("loss:Q", title="loss"))
                             .properties(height=plot_height(1, 120))), width="stretch")


def page() -> None:
    st.title("Inside the RNN")
    st.markdown("**Many-to-many, aligned.** A two-layer LSTM reads your text one character at a time and, after "
                "each, guesses the next. Its hidden and cell states are numbers you can watch: some track "
                "quotes, line length or brackets on their own.")
    model = load_or_stop(char_model)
    watch, search, toy = st.tabs(["Watch it read", "Find the same pattern", "The hello RNN"])
    with watch:
        if "cells_text" not in st.session_state:
            st.session_state["cells_text"] = EXAMPLE
        text = st.text_area("Your text", key="cells_text", height=180,
                            help=f"Line breaks count: the model reads every character (at most {MAX_CHARS:,}).")
        clicked = st.button("Read", key="cells_read", type="primary")
        if clicked or "cells_result" not in st.session_state:  # the example is read on the first visit
            read_text(model, text, clicked)
        with st.container(key="cells_result_box"):
            if "cells_error" in st.session_state:
                message = st.session_state["cells_error"]
                st.warning(sentence(message))
            elif "cells_result" in st.session_state:
                result = st.session_state["cells_result"]
                show_reading(model, result)
                if result["scroll"]:
                    scroll_into_view("cells_result_box", result["nonce"])
            st.caption(LIMITS.format(max_chars=MAX_CHARS))
    with search:
        if "cells_result" in st.session_state:
            show_search(model, st.session_state["cells_result"]["reading"])
        else:
            st.info("Read a text first (on **Watch it read**).")
    with toy:
        show_toy()


page()
