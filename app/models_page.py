"""Models page: a card per artifact, read from its manifest, with a latency measured live."""
from __future__ import annotations

import io
import statistics

import numpy as np
import pandas as pd
import streamlit as st
from PIL import Image

from app.common import (captioner, char_model, entity_tagger, forecaster, load_or_report, load_or_stop,
                        music_composer, nextword_predictor, sentiment_classifier, timed, translator)
from app.model_cards import CARD_TEXT
from serving.api.client import ApiUnavailable, RemoteModel
from serving.forecast.forecaster import ForecastRequest
from serving.forecast.series import BY_NAME, Series
from serving.music.composer import Choice
from serving.artifact import REPO_ROOT

SENTIMENT_PROBE = "Not only the fan was expensive, but it was broken when it arrived."
NEXTWORD_PROBE = "It is a truth universally acknowledged that"
NER_PROBE = "Angela Merkel met Emmanuel Macron in Paris to talk about the European Union."
TRANSLATE_PROBE = "Could you please send me the report before the meeting on Friday morning?"
DOCS = REPO_ROOT / "docs"  # docs/<name>.md: each model's results, tuning story and limits
INTERVAL = " [95%]"  # ends the name of a column of differences from the peer with their intervals


def interval_text(interval: dict | None) -> str | None:
    """"+0.125 [+0.098, +0.158] ahead": the difference from the peer, its 95% paired bootstrap interval, and
    the verdict (ahead or behind only where the interval excludes 0, level otherwise)."""
    if not interval:
        return None
    places = 3 if max(abs(interval["low"]), abs(interval["high"])) < 1 else 2
    return (f"{interval['difference']:+.{places}f} [{interval['low']:+.{places}f}, {interval['high']:+.{places}f}] "
            f"{interval['verdict']}")


def sentiment_metrics(manifest: dict) -> tuple[pd.DataFrame, str]:
    test = manifest["metrics"]["test"]
    rows = []
    for domain, n in [*test["sentences"].items(), ("average", sum(test["sentences"].values()))]:
        model, peer, interval = test["model"][domain], test["vader"][domain], test["intervals"][domain]
        rows.append({"domain": domain, "sentences": n,
                     "binary acc. (GRU)": model["binary_accuracy"], "binary acc. (VADER)": peer["binary_accuracy"],
                     "binary acc., GRU - VADER [95%]": interval_text(interval["binary_accuracy"]),
                     "macro-F1 (GRU)": model["macro_f1"], "macro-F1 (VADER)": peer["macro_f1"],
                     "macro-F1, GRU - VADER [95%]": interval_text(interval["macro_f1"])})
    return pd.DataFrame(rows).set_index("domain"), f"VADER's rule, chosen on validation: {test['vader_rule']['rule']}."


def nextword_metrics(manifest: dict) -> tuple[pd.DataFrame, str]:
    test = manifest["metrics"]["test"]
    names = {"perplexity_per_word": "perplexity per word (lower is better)", "top1": "top-1 next word",
             "top3": "top-3 next word", "top5": "top-5 next word", "keystroke_savings": "keystrokes saved (3-word bar)"}
    table = pd.DataFrame([{"metric": label, "GRU": test["gru"][key], "Kneser-Ney 5-gram": test["kneser_ney_5gram"][key],
                           "GRU better by [95%]": interval_text(test["intervals"][key])}
                          for key, label in names.items()]).set_index("metric")
    return table, f"Intervals resample {test['resampled']}; shares are fractions (0.390 = 39.0%)."


def music_metrics(manifest: dict) -> tuple[pd.DataFrame, str]:
    metrics = manifest["metrics"]
    test, written, corpus = metrics["test"], metrics["written"], metrics["corpus"]
    rows = [{"metric": "test NLL per token (lower is better)", "LSTM": test["lstm_nll_per_token"],
             "Kneser-Ney 5-gram": test["ngram_nll_per_token"], "the corpus's tunes": None,
             "LSTM better by [95%]": interval_text(test["lstm_minus_ngram"])}]
    rows += [{"metric": f"written tunes: {label}", "LSTM": written[key], "Kneser-Ney 5-gram": None,
              "the corpus's tunes": corpus[key], "LSTM better by [95%]": None}
             for key, label in (("full_bars", "every bar full"), ("ends_on_tonic", "ending on the tonic"),
                                ("repeats", "with a repeat"))]
    return (pd.DataFrame(rows).set_index("metric"),
            f"{test['tunes']} test tunes ({test['tokens']:,} tokens), resampled by tune; {written['tunes']} tunes "
            "written with seeds 0-199 at the default settings; shares are fractions.")


FORECASTERS = {"gru": "GRU", "naive": "seasonal naive", "ets": "ETS", "arima": "ARIMA", "theta": "Theta"}


def forecast_metrics(manifest: dict) -> tuple[pd.DataFrame, str]:
    metrics = manifest["metrics"]
    rows = [{"test series": f"{name} ({block['series']})", **{label: block[key]["mase"]
                                                               for key, label in FORECASTERS.items()}}
            for name, block in [*metrics["per_frequency"].items(), ("all", {"series": metrics["series"],
                                                                            **metrics["all"]})]]
    rows.append({"test series": "all: 80% interval coverage",
                 **{label: metrics["all"][key]["coverage"] for key, label in FORECASTERS.items()}})
    table = pd.DataFrame(rows).set_index("test series")
    for key, label in list(FORECASTERS.items())[1:]:
        table[f"MASE, {label} - GRU{INTERVAL}"] = [None] * (len(table) - 2) + [
            interval_text(metrics["vs_peers_mase"][key]), None]
    return table, (f"MASE (lower is better) on every series' last horizon(s), {metrics['origins']} forecasts; "
                   f"intervals resample series. The GRU is {metrics['below_best_peer']:.1%} below the best peer "
                   f"({FORECASTERS[metrics['best_peer']]}).")


def cells_metrics(manifest: dict) -> tuple[pd.DataFrame, str]:
    metrics = manifest["metrics"]
    rows = [{"test text": f"{name} ({block['characters']:,} characters)", "LSTM": block["bits_per_char"],
             "Kneser-Ney 5-gram": block["ngram_bits_per_char"], f"bits saved{INTERVAL}": None}
            for name, block in metrics["by_collection"].items()]
    rows.append({"test text": f"all ({metrics['test_characters']:,} characters)", "LSTM": metrics["bits_per_char"],
                 "Kneser-Ney 5-gram": metrics["ngram_bits_per_char"],
                 f"bits saved{INTERVAL}": interval_text(metrics["bits_saved_interval"])})
    cells = ", ".join(f"{c['cell']} ({c['feature']}, r = {c['correlation']:+.2f})"
                      for c in metrics["interpretable_cells"] if abs(c["correlation"]) >= 0.7)
    return (pd.DataFrame(rows).set_index("test text"),
            f"Bits per character (lower is better) on held-out pieces of {metrics['piece_characters']:,} characters, "
            f"each read from a fresh state; intervals resample pieces. Units at |r| >= 0.7 with a named feature on "
            f"the test text ({metrics['lstm_units_at_0_7']} LSTM units): {cells}.")


BESIDE_PEER = "as served beside nearest neighbour"  # the split's entry holding the intervals, not a captioner


def caption_metrics(manifest: dict) -> tuple[pd.DataFrame, str]:
    """Test-scene scores per captioner, and object-word recall on things never in training when measured."""
    metrics = manifest["metrics"]
    names = {"bleu1": "BLEU-1", "bleu2": "BLEU-2", "bleu3": "BLEU-3", "bleu4": "BLEU-4", "cider_d": "CIDEr-D",
             "rouge_l": "ROUGE-L", "object_recall": "object-word recall (held-out cut-outs)"}
    captioners = {decoder: scores for decoder, scores in metrics["test"].items() if decoder != BESIDE_PEER}
    rows = [{"metric": label, **{decoder: scores.get(key) for decoder, scores in captioners.items()}}
            for key, label in names.items()]
    if "novel_test" in metrics:
        rows.append({"metric": "object-word recall (things never in training)",
                     **{decoder: scores.get("object_recall") for decoder, scores in metrics["novel_test"].items()
                        if decoder != BESIDE_PEER}})
    interval = metrics["test"].get(BESIDE_PEER, {}).get("cider_d")
    note = (f"CIDEr-D as served minus the nearest neighbour's, intervals over images: {interval_text(interval)}."
            if interval else "")
    return pd.DataFrame(rows).set_index("metric"), note


def ner_metrics(manifest: dict) -> tuple[pd.DataFrame, str]:
    """Entity F1 on the gold sentences per kind of text and on WNUT-16 tweets, the tagger beside spaCy."""
    metrics = manifest["metrics"]
    rows = []
    for kind, pair in [*metrics["gold"].items(), ("WNUT-16 tweets", metrics["wnut16"])]:
        rnn, spacy = pair["rnn"], pair["spacy"]
        rows.append({"text": f"gold: {kind}" if kind != "WNUT-16 tweets" else kind, "sentences": rnn["sentences"],
                     "entities": rnn["gold_entities"], "typed F1 (GRU)": rnn["typed"]["f1"],
                     "typed F1 (spaCy)": spacy["typed"]["f1"],
                     "typed F1, GRU - spaCy [95%]": interval_text(pair["intervals"]["typed_f1"]),
                     "untyped F1 (GRU)": rnn["untyped"]["f1"], "untyped F1 (spaCy)": spacy["untyped"]["f1"],
                     "untyped F1, GRU - spaCy [95%]": interval_text(pair["intervals"]["untyped_f1"])})
    return (pd.DataFrame(rows).set_index("text"),
            "spaCy reads the same sentences as written; intervals resample sentences.")


def translate_metrics(manifest: dict) -> tuple[pd.DataFrame, str]:
    """BLEU and chrF on each held-out test set (books, catalogues, everyday sentences), beside Apertium."""
    rows = []
    for name, scores in manifest["metrics"].items():
        if name.startswith("test "):
            model, peer, beside = scores["model"], scores.get("apertium", {}), scores.get("model_minus_apertium", {})
            rows.append({"test set": name.removeprefix("test "), "sentences": model["sentences"],
                         "BLEU (GRU)": model["bleu"], "BLEU (Apertium)": peer.get("bleu"),
                         "BLEU, GRU - Apertium [95%]": interval_text(beside.get("bleu")),
                         "chrF (GRU)": model["chrf"], "chrF (Apertium)": peer.get("chrf"),
                         "chrF, GRU - Apertium [95%]": interval_text(beside.get("chrf"))})
    return pd.DataFrame(rows).set_index("test set"), f"{manifest['metrics'].get('peer_rule', '')}."


def median_latency_ms(call) -> float:
    call()  # warm-up
    return statistics.median(timed(call)[1] for _ in range(20))


@st.cache_resource(show_spinner="Timing the model (20 runs, once per server)...")
def measured_latency_ms(name: str) -> float:
    """Each model is timed once per server process: a visit to this page should not cost seconds."""
    return CARDS[name][1]()


def sentiment_latency_ms() -> float:
    classifier = load_or_stop(sentiment_classifier)
    return median_latency_ms(lambda: classifier.predict_batch([SENTIMENT_PROBE]))


def nextword_latency_ms() -> float:
    """Top-5 words after a prompt already in the prefix cache: the cost of one keystroke."""
    predictor = load_or_stop(nextword_predictor)
    return median_latency_ms(lambda: predictor.predict_batch([NEXTWORD_PROBE], k=5))


def ner_latency_ms() -> float:
    tagger = load_or_stop(entity_tagger)
    return median_latency_ms(lambda: tagger.predict_batch([NER_PROBE]))


def translate_latency_ms() -> float:
    """A 12-word sentence at beam 4."""
    model = load_or_stop(translator)
    return median_latency_ms(lambda: model.predict_batch([TRANSLATE_PROBE], beam_size=4))


def caption_latency_ms() -> float:
    """Reading the file, detector, encoder and beam search (beam 3) for one 640 x 480 photo."""
    model = load_or_stop(captioner)
    photo = io.BytesIO()
    Image.fromarray((np.indices((480, 640)).sum(0) % 256).astype(np.uint8)).convert("RGB").save(photo, "PNG")
    return median_latency_ms(lambda: model.predict_batch([photo.getvalue()], beam_size=3))


def music_latency_ms() -> float:
    """A 16-bar reel, written one token at a time."""
    composer = load_or_stop(music_composer)
    return median_latency_ms(lambda: composer.write(Choice(meter="2/2", key="D", kind="reel", seed=1, bars=16)))


def cells_latency_ms() -> float:
    """A 500-character text read character by character, every state kept."""
    model = load_or_stop(char_model)
    return median_latency_ms(lambda: model.read(["It was the best of times, it was the worst of times.\n" * 10]))


def forecast_latency_ms() -> float:
    """48 half-hours ahead from a week of half-hourly demand, the GRU alone (no peers, no check)."""
    model = load_or_stop(forecaster)
    t = np.arange(48 * 14)
    series = Series("probe", 100 + 20 * np.sin(2 * np.pi * t / 48), pd.Timestamp("2024-01-01"), BY_NAME["half-hourly"])
    return median_latency_ms(lambda: model.forecast(ForecastRequest(series, 48, peers=False, check=False)))


CARDS = {"caption": (caption_metrics, caption_latency_ms, captioner),
         "sentiment": (sentiment_metrics, sentiment_latency_ms, sentiment_classifier),
         "ner": (ner_metrics, ner_latency_ms, entity_tagger),
         "translate": (translate_metrics, translate_latency_ms, translator),
         "nextword": (nextword_metrics, nextword_latency_ms, nextword_predictor),
         "music": (music_metrics, music_latency_ms, music_composer),
         "forecast": (forecast_metrics, forecast_latency_ms, forecaster),
         "cells": (cells_metrics, cells_latency_ms, char_model)}


def model_card(name: str) -> None:
    metrics_table, _, loader = CARDS[name]
    model = load_or_report(loader)  # loaded and checked once per server, not re-hashed on every visit
    if model is None:
        return
    manifest = model.artifact.manifest
    card = CARD_TEXT[name]
    with st.container(border=True):
        st.subheader(manifest["title"])
        st.markdown(f"**Pattern:** {manifest['pattern']}  \n**Architecture:** {manifest['architecture']}")
        try:
            latency, unmeasured = f"{measured_latency_ms(name):.1f} ms", None
        except ApiUnavailable as err:  # the API answered the card but not the timing runs
            latency, unmeasured = "not measured", err
        with st.container(horizontal=True, wrap=True):
            st.metric("Parameters", f"{manifest['parameters']:,}")
            st.metric("Latency (median of 20" + (", through the API)" if isinstance(model, RemoteModel) else ")"),
                      latency)
            st.metric("Execution provider", model.artifact.provider())
        if unmeasured:
            st.warning(f"Latency not measured: {unmeasured}")
        st.markdown(f"**Intended use.** {card['use']}  \n**What it learnt from.** {card['learnt_from']}  \n"
                    f"**Limits.** {card['limits']}  \n**What it cannot know.** {card['cannot_know']}")
        st.markdown(f"**Held-out test split**, beside the peer ({manifest['peer']}):")
        table, peer_note = metrics_table(manifest)
        beside = [column for column in table.columns if column.endswith(INTERVAL)]  # a table of their own, so
        scores = table.drop(columns=beside)  # that neither is too wide to show the peer's columns
        st.dataframe(scores, width="stretch", column_config=metric_columns(scores))
        if beside:
            differences = table[beside].rename(columns=lambda column: column.removesuffix(INTERVAL))
            st.dataframe(differences, width="stretch", column_config=metric_columns(differences))
        st.caption(f"Differences from the peer with their 95% paired bootstrap interval: ahead or behind only where "
                   f"the interval excludes 0, level otherwise. {peer_note}")
        data = manifest["data"]
        sources = "; ".join(f"{source['source']} ({source['licence']}): {source['description']}"
                            for source in data.get("sources", [data]))  # one source or several
        st.markdown(f"**Data:** {sources}. Split: `{data['split']}`.  \n**Model licence:** {manifest['licence']}.  \n"
                    f"**Rebuild:** `{manifest['rebuild']}`")
        files = pd.DataFrame([{"file": f, "size (MB)": e["bytes"] / 1e6, "sha256": e["sha256"][:16] + "..."}
                              for f, e in manifest["files"].items()])
        st.dataframe(files, hide_index=True, width="stretch",
                     column_config={"size (MB)": st.column_config.NumberColumn(format="%.2f")})
        st.caption(f"Built {manifest['created']} with " +
                   ", ".join(f"{k} {v}" for k, v in manifest["versions"].items()))
        doc = DOCS / f"{name}.md"
        if doc.is_file():
            results = st.expander(f"Results, tuning and limits (docs/{doc.name})", key=f"models_doc_{name}",
                                  on_change="rerun")
            if results.open:  # drawn when opened: three long documents made every visit slow
                results.markdown(doc.read_text())


MEDIUM_LABEL = 24  # characters a row name may have to be read whole in a medium-width first column


def metric_columns(table: pd.DataFrame) -> dict:
    """Counts as whole numbers, scores with three decimals, the row names as wide as the longest one needs
    (a wider first column pushed the peer's columns out of view)."""
    longest = max((len(str(name)) for name in table.index), default=0)
    columns = {"_index": st.column_config.TextColumn(width="medium" if longest <= MEDIUM_LABEL else "large")}
    for column in table.columns:
        kind = table[column].dtype.kind
        columns[column] = st.column_config.TextColumn() if kind == "O" else \
            st.column_config.NumberColumn(format="%d" if kind in "iu" else "%.3f")
    return columns


def page() -> None:
    st.title("Models")
    st.markdown("Every model is trained in PyTorch, exported to ONNX and served here by onnxruntime. "
                "Each card is read from the model's `manifest.json`; every file was checked against its sha256.")
    for name in CARDS:
        model_card(name)


page()
