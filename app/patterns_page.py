"""RNN patterns: the lectures' map of what goes in and what comes out (Karpathy's five diagrams), each drawn
small and linked to the page of the app where a model of that shape works."""
from __future__ import annotations

import streamlit as st

BOX, GAP = 26, 14  # a box's side and the space between two steps, in pixels
INPUT, STATE, OUTPUT = "#f4a6a6", "#a8d5a2", "#9ec5ee"


def diagram(steps: int, reads: list[int], writes: list[int], recurrent: bool = True) -> str:
    """An SVG of `steps` RNN steps: an input box under the steps in `reads`, an output box over those in
    `writes`, arrows up through each step and, with `recurrent`, from each step's state to the next."""
    width = steps * BOX + (steps - 1) * GAP + 8
    height = 3 * BOX + 2 * GAP + 8
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}">',
             '<defs><marker id="tip" markerWidth="6" markerHeight="6" refX="5" refY="3" orient="auto">'
             '<path d="M0,0 L6,3 L0,6 z" fill="#555867"/></marker></defs>']

    def box(x: float, y: float, colour: str) -> None:
        parts.append(f'<rect x="{x}" y="{y}" width="{BOX}" height="{BOX}" rx="4" fill="{colour}" '
                     'stroke="#555867" stroke-width="1.5"/>')

    def arrow(x1: float, y1: float, x2: float, y2: float) -> None:
        parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#555867" stroke-width="1.5" '
                     'marker-end="url(#tip)"/>')

    for step in range(steps):
        x = 4 + step * (BOX + GAP)
        top, middle, bottom = 4, 4 + BOX + GAP, 4 + 2 * (BOX + GAP)
        box(x, middle, STATE)
        if step in reads:
            box(x, bottom, INPUT)
            arrow(x + BOX / 2, bottom, x + BOX / 2, middle + BOX + 1)
        if step in writes:
            box(x, top, OUTPUT)
            arrow(x + BOX / 2, middle, x + BOX / 2, top + BOX + 1)
        if recurrent and step + 1 < steps:
            arrow(x + BOX, middle + BOX / 2, x + BOX + GAP - 1, middle + BOX / 2)
    parts.append("</svg>")
    return "".join(parts)


PATTERNS = [
    ("One-to-one", "No sequence at all: one input, one output, as a plain network does. The caption page's "
     "CNN naming the objects in a photo is this, before the LSTM writes about them.",
     diagram(1, [0], [0], recurrent=False), [("app/caption_page.py", "Caption: the objects the CNN sees")]),
    ("One-to-many", "One input, a sequence out, each output fed back in: a photo becomes a sentence, a choice "
     "of key and meter becomes a tune.",
     diagram(4, [0], [0, 1, 2, 3]), [("app/caption_page.py", "Caption"), ("app/music_page.py", "Music")]),
    ("Many-to-one", "A sequence in, one answer out after the last step: a sentence's sentiment, the next "
     "values of a series from its history.",
     diagram(4, [0, 1, 2, 3], [3]), [("app/sentiment_page.py", "Sentiment"), ("app/forecast_page.py", "Forecast")]),
    ("Many-to-many, encoder-decoder", "A sequence in, another out, of another length: the encoder reads the "
     "whole English sentence before the decoder writes its Spanish.",
     diagram(5, [0, 1, 2], [3, 4]), [("app/translate_page.py", "Translate")]),
    ("Many-to-many, aligned", "One output for every input, as it reads: each word's entity tag, the next word "
     "or character after each one.",
     diagram(4, [0, 1, 2, 3], [0, 1, 2, 3]),
     [("app/ner_page.py", "Named entities"), ("app/nextword_page.py", "Next word"),
      ("app/cells_page.py", "Inside the RNN")]),
]


def page() -> None:
    st.title("RNN patterns")
    st.markdown("What goes in and what comes out. In each diagram the red boxes are inputs, the green ones the "
                "RNN's state at each step (the arrows between them carry it on) and the blue ones outputs. "
                "Every pattern links to a page where a model of that shape works.")
    for title, words, svg, links in PATTERNS:
        with st.container(border=True):
            picture, text = st.columns([1, 2], vertical_alignment="center")
            picture.image(svg)
            text.markdown(f"**{title}.** {words}")
            for path, label in links:
                text.page_link(path, label=label, icon=":material/arrow_forward:")


page()
