"""What every page shares: models loaded once per process (or asked through the API that RNNAPP_API names),
results read from their `predict_batch` answers, and errors shown as messages."""
from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from typing import Any, TypeVar

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from serving.api.client import (ApiClient, ApiUnavailable, RemoteCaptioner, RemoteForecaster, RemoteNextWord,
                                RemoteSentiment, RemoteTagger, RemoteTranslator)
from serving.artifact import ArtifactError
from serving.caption.captioner import Captioner
from serving.cells.reader import CharModel
from serving.forecast.forecaster import Forecaster
from serving.gradlab.curves import Run, load_runs
from serving.gradlab.gates import SentimentGates
from serving.music.composer import Composer
from serving.ner.tagger import EntityTagger
from serving.nextword.predictor import NextWordPredictor
from serving.sentiment.classifier import SentimentClassifier
from serving.text import InputError
from serving.translate.translator import Translator
from serving.wire import from_wire

T = TypeVar("T")
# What a model's answer may say instead of a result: an input it cannot use, or an API that did not answer.
NOT_ANSWERED = (InputError, ApiUnavailable)


def api_url() -> str:
    """The API the pages ask (`RNNAPP_API=http://host:port`), or "" to run the models in this process."""
    return os.environ.get("RNNAPP_API", "").strip()


@st.cache_resource(show_spinner="Loading the caption model...")
def captioner() -> Captioner | RemoteCaptioner:
    """One captioner (encoder and decoder sessions) shared by every browser session."""
    return RemoteCaptioner(ApiClient(api_url())) if api_url() else Captioner.load()


@st.cache_resource(show_spinner="Loading the sentiment model...")
def sentiment_classifier() -> SentimentClassifier | RemoteSentiment:
    """One classifier (one onnxruntime session) shared by every browser session."""
    return RemoteSentiment(ApiClient(api_url())) if api_url() else SentimentClassifier.load()


@st.cache_resource(show_spinner="Loading the named-entity tagger...")
def entity_tagger() -> EntityTagger | RemoteTagger:
    """One tagger (one onnxruntime session) shared by every browser session."""
    return RemoteTagger(ApiClient(api_url())) if api_url() else EntityTagger.load()


@st.cache_resource(show_spinner="Loading the translation model...")
def translator() -> Translator | RemoteTranslator:
    """One translator (encoder and decoder-step sessions) shared by every browser session."""
    return RemoteTranslator(ApiClient(api_url())) if api_url() else Translator.load()


@st.cache_resource(show_spinner="Loading the language model...")
def nextword_predictor() -> NextWordPredictor | RemoteNextWord:
    """One predictor (one session, one shared prefix cache) for every browser session."""
    return RemoteNextWord(ApiClient(api_url())) if api_url() else NextWordPredictor.load()


def whole_result(answer: dict, kind: Any, part: str = "detail", unusable: type[Exception] = InputError) -> Any:
    """The result a page draws, from one `predict_batch` answer given with `detail` (or another `part`, such
    as the sentiment's "running"), the model's in this process or the API's alike; an input the model could
    not use is raised as `unusable`."""
    if "error" in answer:
        raise unusable(answer["error"])
    return from_wire(kind, answer[part])


@st.cache_resource(show_spinner="Loading the music model...")
def music_composer() -> Composer:
    """One composer (one onnxruntime session) for every browser session, in this app whether or not an API
    answers the other pages: the page shows how sure the model was of each token, which the API leaves out."""
    return Composer.load()


@st.cache_resource(show_spinner="Loading the forecast model...")
def forecaster() -> Forecaster | RemoteForecaster:
    """One forecaster for every browser session (the API's replica fits the peers too when RNNAPP_API is set)."""
    return RemoteForecaster(ApiClient(api_url())) if api_url() else Forecaster.load()


@st.cache_resource(show_spinner="Loading the character model...")
def char_model() -> CharModel:
    """One character model for every browser session, in this app whether or not an API answers the other pages:
    the page reads every state and backpropagates through them, which the API's answer leaves out."""
    return CharModel.load()


@st.cache_resource(show_spinner="Reading the gradient lab's training curves...")
def gradlab_runs() -> tuple[dict, list[Run]]:
    return load_runs()


@st.cache_resource(show_spinner="Reading the sentiment GRU's weights...")
def sentiment_gates() -> SentimentGates:
    """The sentiment model's GRU layers as numpy arrays, for the gradient lab's gate heatmaps: read from the
    artifact in this app even when an API answers the pages (the lab runs the layers itself)."""
    return SentimentGates(SentimentClassifier.load() if api_url() else sentiment_classifier())


def escape_markdown(text: str) -> str:
    """User text shown inside markdown stays text: no emphasis, links or headings sneak in."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", text)


def sentence(message: str) -> str:
    """A serving message (lower-case, as the CLI prints it after "error: ") as a sentence on a page, escaped: its
    first letter upper-case and the rest as it was (str.capitalize would write "english" and "mb")."""
    return escape_markdown(message[:1].upper() + message[1:])


def load_or_report(loader: Callable[[], T]) -> T | None:
    """Call a cached loader; if the model cannot be loaded, say why and return None."""
    try:
        return loader()
    except (ArtifactError, ApiUnavailable) as err:
        st.error(f"This model is not available. {err}")
        return None


def load_or_stop(loader: Callable[[], T]) -> T:
    """Call a cached loader; if the model cannot be loaded, say why and stop this page only."""
    loaded = load_or_report(loader)
    if loaded is None:
        st.stop()
    return loaded


def timed(call: Callable[[], T]) -> tuple[T, float]:
    """Run `call`, return (result, milliseconds)."""
    start = time.perf_counter()
    result = call()
    return result, (time.perf_counter() - start) * 1000


def text_or_invitation(key: str, placeholder: str, button: str, button_key: str, invitation: str,
                       on_change: Callable[[], None]) -> str | None:
    """The text box and its button; the text, or None after inviting the user to type when it is empty."""
    text = st.text_area("Your text", key=key, height=100, on_change=on_change, placeholder=placeholder)
    st.button(button, key=button_key, type="primary")
    if not text.strip():
        st.info(invitation)
        return None
    return text


# Bring a new result into view when it is drawn out of sight (on a phone it is below the inputs) or under the
# app's sticky header, and stop it just below that header; the nonce makes each new result a new script, so it
# runs again.
SCROLL_TO_RESULT = """<script>
(() => {{ // result {nonce}
  const result = document.querySelector(".st-key-{key}");
  if (!result) return;
  const header = document.querySelector("[data-testid=stHeader]");
  const below = header ? Math.max(0, header.getBoundingClientRect().bottom) : 0;
  result.style.scrollMarginTop = (below + 8) + "px";
  const top = result.getBoundingClientRect().top;
  if (top < below || top > window.innerHeight * 0.7) result.scrollIntoView({{behavior: "smooth", block: "start"}});
}})();
</script>"""


def scroll_into_view(key: str, nonce: int) -> None:
    """Scroll the container with this key into view if it is out of sight."""
    st.html(SCROLL_TO_RESULT.format(key=key, nonce=nonce), unsafe_allow_javascript=True)


def show_warnings(warnings: list[str]) -> None:
    """Why a result may mean little (serving/scope.py), said next to it, in the weight of a result; the user's
    own words they quote stay text."""
    for warning in warnings:
        st.warning(escape_markdown(warning), icon=":material/report:")


def small_print(text: str) -> None:
    st.caption(text)


def keep_text(key: str) -> None:
    """Streamlit forgets a widget's value when its page is left; a copy kept under another key brings the
    text back on return. Call before the widget is drawn."""
    kept = f"{key}_kept"
    if key not in st.session_state and kept in st.session_state:
        st.session_state[key] = st.session_state[kept]
    st.session_state[kept] = st.session_state.get(key, "")


AXIS_TEXT = "#555867"  # 7:1 against white, where the default #808495 is 3.7:1
MIN_PLOT_HEIGHT = 120  # no chart's plot area is lower than this, however few rows it has


def plot_height(rows: int, per_row: int) -> int:
    """The height of a plot area with `rows` rows of `per_row` pixels, and never below MIN_PLOT_HEIGHT."""
    return max(MIN_PLOT_HEIGHT, rows * per_row)


def share_legend(title: str, height: int) -> alt.Legend:
    """A colour bar for shares (0% to 100%) beside a plot `height` high: its title and its end labels stay
    beside the plot, where Vega-Lite's default bar of 200 px would run past a low one and cut off "0%"."""
    return alt.Legend(format="%", title=title, gradientLength=min(300, max(40, height - 30)))


def readable(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """A chart whose axis and legend text reads at 4.5:1 contrast or better, whose legend labels are never cut
    short, and whose `height` is its plot area's: it fits the page's width, and its titles, slanted labels and
    legends are drawn around the plot, not squeezed into it (Streamlit's default fits all of them into `height`,
    which left some plots 20 px high), with a few pixels to spare at the edges so no glyph touches them."""
    return chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
                            padding={side: 4 for side in ("left", "right", "top", "bottom")}).configure_axis(
        labelColor=AXIS_TEXT, titleColor=AXIS_TEXT, labelFontSize=12, titleFontSize=12, labelLimit=0,
    ).configure_legend(labelColor=AXIS_TEXT, titleColor=AXIS_TEXT, labelLimit=0, titleLimit=0)


def log_ticks(values: pd.Series) -> list[float]:
    """Tick values for a log axis: the powers of ten the data spans, with 2 and 5 between them when it
    spans less than two decades (Vega-Lite would label a single tick)."""
    low, high = np.floor(np.log10(values.min())), np.ceil(np.log10(values.max()))
    if high - low >= 2:  # at most eight decades, the first and the last among them
        return [10.0 ** e for e in np.unique(np.round(np.linspace(low, high, int(min(8, high - low + 1)))))]
    decades = [10.0 ** e for e in np.arange(low, high + 1)]
    return sorted({m * d for d in decades for m in (1, 2, 5) if values.min() / 2 <= m * d <= values.max() * 2})
