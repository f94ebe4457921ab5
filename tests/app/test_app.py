"""The pages, driven by Streamlit's AppTest (no browser)."""
import io
import json
import re
from html.parser import HTMLParser

import pytest
import streamlit as st
from markdown_it import MarkdownIt  # streamlit's own dependency (through rich)
from PIL import Image
from streamlit.testing.v1 import AppTest

from app.common import sentence
from tests.conftest import REPO_ROOT

TIMEOUT = 60


def page(name: str) -> AppTest:
    return AppTest.from_file(str(REPO_ROOT / "app" / f"{name}_page.py"), default_timeout=TIMEOUT)


@pytest.fixture(autouse=True)
def fresh_cache():
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def markdown_text(app: AppTest) -> str:
    return "\n".join(element.value for element in app.markdown)


INJECTION = ("<script>alert(1)</script> <img src=x onerror=alert(1)> **bold** [link](javascript:alert(1)) "
             "[site](https://example.com)")
DANGEROUS_ELEMENTS = {"script", "img", "a", "iframe", "svg", "style"}


class Rendered(HTMLParser):
    """An HTML fragment read back as a browser would: its elements (tag, attributes) and its visible text."""

    def __init__(self, fragment: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.chunks: list[str] = []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.chunks.append(data)

    @property
    def tags(self) -> set[str]:
        return {tag for tag, _ in self.elements}

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    def has_event_handlers(self) -> bool:
        return any(name.startswith("on") for _, attrs in self.elements for name in attrs)


def rendered_markdown(body: str, allow_html: bool = False) -> Rendered:
    """What a CommonMark renderer makes of a Streamlit text body. Raw HTML passes only where the element
    allows it, as in Streamlit: st.markdown with unsafe_allow_html, never an alert or an image caption."""
    return Rendered(MarkdownIt("commonmark", {"html": allow_html}).render(body))


def assert_shown_literally(body: str, user_text: str, allow_html: bool = False) -> None:
    """The user's text reads on the page exactly as typed: no emphasis, link, image or script made of it."""
    shown = rendered_markdown(body, allow_html)
    assert user_text in shown.text, (body, shown.text)
    assert not shown.tags & DANGEROUS_ELEMENTS and not shown.has_event_handlers(), body


def test_empty_state_invites_input():
    app = page("sentiment").run()
    assert not app.exception
    assert "Type a sentence" in app.info[0].value
    assert len(app.get("vega_lite_chart")) == 0


def test_example_fills_the_text_and_shows_a_verdict():
    app = page("sentiment").run()
    examples = app.button_group[0]
    examples.set_value(examples.options[0]).run()
    assert not app.exception
    assert app.text_area(key="sentiment_text").value.startswith("Not only the fan was expensive")
    assert "Negative" in markdown_text(app)
    assert len(app.get("vega_lite_chart")) == 2  # the three probabilities, and the word-by-word curve
    assert "Execution provider: CPU" in app.caption[-1].value


def test_the_examples_show_what_the_model_does_and_its_failures_are_said():
    """Each example is read as a person reads it; each sentence under "Where it goes wrong" is misread by
    the model, and the page says how a person reads it."""
    from app.sentiment_examples import EXAMPLES, FAILURES
    from serving.sentiment.classifier import SentimentClassifier

    classifier = SentimentClassifier.load()
    for result, person in zip(classifier.predict(list(EXAMPLES)), EXAMPLES.values()):
        assert result.label == person, (result.text, result.label)
    for result, (person, _) in zip(classifier.predict(list(FAILURES)), FAILURES.values()):
        assert result.label != person, (result.text, "the model reads it right now: move it to EXAMPLES")
    app = page("sentiment").run()
    failures = app.button_group[1]
    failures.set_value(failures.options[0]).run()
    assert not app.exception
    assert "A person reads this as **neutral**" in app.warning[0].value


def test_stars_and_label_agree_and_the_bars_have_the_label_colours():
    app = page("sentiment").run()
    for text in ["Not only the fan was expensive, but it was broken when it arrived.", "It was fine.",
                 "The package arrived on Tuesday."]:
        app.text_area(key="sentiment_text").input(text).run()
        shown = markdown_text(app)
        stars = float(shown.split(" / 5 stars")[0].split("**")[-1])
        if "Negative" in shown:
            assert stars < 3
        elif "Positive" in shown:
            assert stars > 3
        bars = app.get("vega_lite_chart")[0].proto.spec
        assert "#d62728" in bars and "#2ca02c" in bars  # red and green, as in the curve below


def test_an_edited_example_lets_go_of_its_chip():
    app = page("sentiment").run()
    examples = app.button_group[0]
    examples.set_value(examples.options[1]).run()
    assert app.button_group[0].value == examples.options[1]
    app.text_area(key="sentiment_text").input(examples.options[1] + " Or so I thought.").run()
    assert app.button_group[0].value is None


def test_the_text_is_still_there_after_visiting_another_page():
    app = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=TIMEOUT).run()
    app.switch_page("app/sentiment_page.py").run()
    app.text_area(key="sentiment_text").input("The soup was cold and the waiter rude.").run()
    app.switch_page("app/nextword_page.py").run()
    app.text_input(key="nextword_text").input("We the people").run()
    app.switch_page("app/sentiment_page.py").run()
    assert app.text_area(key="sentiment_text").value == "The soup was cold and the waiter rude."
    app.switch_page("app/nextword_page.py").run()
    assert app.text_input(key="nextword_text").value == "We the people"


def test_a_message_becomes_a_sentence_with_its_names_and_units_kept():
    for message, shown in (("nothing to translate: type an English sentence",
                            "Nothing to translate: type an English sentence"),
                           ("the file is over 20 MB: keep the date and value columns", "The file is over 20 MB: keep "
                                                                                        "the date and value columns"),
                           ("'*bold*' is not a unit", "'*bold*' is not a unit")):
        assert rendered_markdown(sentence(message)).text.strip() == shown


def test_what_the_model_cannot_read_is_said_on_the_page():
    app = page("sentiment").run()
    app.text_area(key="sentiment_text").input("Loved it \U0001F60D best day ever").run()
    assert not app.exception and "the verdict comes from the rest" in app.info[0].value


@pytest.mark.parametrize("text,said", [("\U0001F600\U0001F600\U0001F600", "There are no words here"),
                                       ("这部电影很好看", "This is not English"),
                                       ("Je suis allé au marché avec mon frère", "does not read as English")])
def test_out_of_scope_text_gets_no_verdict_and_says_why(text, said):
    app = page("sentiment").run()
    app.text_area(key="sentiment_text").input(text).run()
    assert not app.exception and said in app.warning[0].value
    assert "No verdict" in markdown_text(app) and not {"Negative", "Neutral", "Positive"} & set(markdown_text(app).split())


def test_typed_text_is_classified():
    app = page("sentiment").run()
    app.text_area(key="sentiment_text").input("An absolute joy, the best film I have seen this year.").run()
    app.button(key="analyse").click().run()
    assert not app.exception
    assert "Positive" in markdown_text(app)


@pytest.mark.parametrize("text", ["   \n  ", "\x1b[31m\x1b[0m"])
def test_text_with_nothing_to_read_gets_a_message(text):
    app = page("sentiment").run()
    app.text_area(key="sentiment_text").input(text).run()
    assert not app.exception and not app.error
    assert app.info or app.warning


@pytest.mark.parametrize("payload", ["**bold** [a](https://example.com)", "<img src=x onerror=alert(1)>"])
def test_the_long_text_warning_quotes_the_users_words_literally(payload):
    """The Sentiment page quotes the user's text where the model stopped reading (the last 40 characters it
    read): that quote is user text inside markdown, so it must read as typed."""
    from serving.text import MAX_CHARS

    filler = "wonderful "
    typed = filler * ((MAX_CHARS - 40) // len(filler)) + payload + " and more words after the cut" * 10
    app = page("sentiment")
    app.session_state["sentiment_text"] = typed
    app.run()
    assert not app.exception
    [quote] = [warning for warning in app.warning if "the model read only its first" in warning.value]
    assert_shown_literally(quote.value, payload)


def test_names_are_marked_in_the_users_text_escaped_never_as_html():
    """The Named entities page writes the user's own text into st.html to mark the names in place: every
    character of it must arrive as text, the page adding only its own marks."""
    app = page("ner")
    app.session_state["ner_text"] = f"Angela Merkel met {INJECTION} in Paris."
    app.run()
    assert not app.exception
    marked = Rendered(app.get("html")[0].value)
    assert marked.tags == {"div", "mark", "small"} and not marked.has_event_handlers()
    assert [tag for tag, _ in marked.elements].count("mark") == 2  # Angela Merkel, Paris: the marking path ran
    assert INJECTION in marked.text


def test_an_unusable_uploads_file_name_is_shown_literally():
    """The Caption page names a refused upload in its error message; the file name is the user's text."""
    app = page("caption").run()
    app.file_uploader(key="caption_upload_0").upload(f"{INJECTION}.txt", b"not a photo", "text/plain").run()
    assert not app.exception
    [error] = app.error
    assert_shown_literally(error.value, f"{INJECTION}.txt")


def test_an_uploaded_photos_file_name_is_shown_literally_under_its_pictures():
    """The Caption page names the uploaded photo under the pictures it draws of it (image captions are
    markdown in Streamlit); the file name is the user's text."""
    app = page("caption").run()
    app.file_uploader(key="caption_upload_0").upload(f"{INJECTION}.png", photo_bytes("chelsea.png"), "image/png").run()
    assert not app.exception and not app.error
    named = [caption for image in app.get("image") for caption in image.captions if "onerror" in caption]
    assert len(named) == 2  # the photo with the detector's boxes, the square the CNN sees
    for caption in named:
        assert_shown_literally(caption, f"{INJECTION}.png")


def test_the_gate_lab_quotes_the_users_pieces_literally():
    """The gradient lab names the pieces of the user's sentence where the GRU kept and rewrote its state; a
    piece such as "_" must not pair up with another into emphasis."""
    app = page("gradient_lab")
    app.session_state["lab_gate_text"] = "_ _ _ _ _ _ _ _"
    app.run()
    assert not app.exception
    [sentence] = [m for m in app.markdown if "keeps most of its state" in m.value]
    shown = rendered_markdown(sentence.value, sentence.proto.allow_html)
    assert not shown.tags - {"p"}, sentence.value
    assert "“_”" in shown.text


@pytest.mark.parametrize("text", ["Great movie!", "Great"])
def test_the_gate_lab_never_says_a_layer_keeps_and_rewrites_at_the_same_word(text):
    app = page("gradient_lab")
    app.session_state["lab_gate_text"] = text
    app.run()
    [sentence] = [m.value for m in app.markdown if "keeps most of its state" in m.value or "read one piece" in m.value]
    if "rewrites" in sentence:
        kept, rewritten = sentence.split(" and rewrites it at ")
        quoted = re.compile(r"“([^”]+)”")
        assert not set(quoted.findall(kept)) & set(quoted.findall(rewritten)), sentence


def test_missing_models_give_a_message_not_a_crash(tmp_path, monkeypatch):
    monkeypatch.setenv("RNNAPP_MODELS", str(tmp_path))
    app = page("sentiment")
    app.session_state["sentiment_text"] = "Fine."
    app.run()
    assert not app.exception
    assert "not available" in app.error[0].value and "git checkout" in app.error[0].value
    models = page("models").run()
    assert not models.exception and "No model at" in models.error[0].value


def test_models_page_shows_the_card_with_metrics_and_latency():
    app = page("models").run()
    assert not app.exception and not app.error
    assert [s.value for s in app.subheader] == ["Caption: CNN encoder + attention LSTM decoder",
                                                "Sentiment: bidirectional GRU",
                                                "Named entities: bidirectional GRU + CRF",
                                                "Translate: encoder-decoder GRU with attention, English -> Spanish",
                                                "Next word: GRU language model",
                                                "Music: an LSTM that writes folk tunes",
                                                "Forecast: a GRU that reads a window of a series and writes its horizon",
                                                "Inside the RNN: a character LSTM"]
    for card in range(8):
        labels = {metric.label: metric.value for metric in app.metric[3 * card:3 * card + 3]}
        assert labels["Execution provider"] == "CPU" and labels["Latency (median of 20)"].endswith(" ms")
        assert int(labels["Parameters"].replace(",", "")) > 100_000
    (caption_table, _, sentiment_table, sentiment_beside, _, ner_table, ner_beside, _, translate_table,
     translate_beside, _, nextword_table, nextword_beside, _, music_table, music_beside, _, forecast_table,
     forecast_beside, _, cells_table, cells_beside, _) = (
        frame.value for frame in app.dataframe)
    assert list(caption_table.columns) == ["beam 3 + CNN names", "beam 3", "greedy", "nearest neighbour"]
    assert caption_table.loc["CIDEr-D", "beam 3 + CNN names"] > 0
    assert list(sentiment_table.index) == ["movie", "tweets", "amazon", "nyt", "crowd_tweets", "average"]
    assert list(ner_table.index) == ["gold: everyday", "gold: novel", "gold: speech", "gold: all", "WNUT-16 tweets"]
    assert ner_beside.loc["gold: all", "typed F1, GRU - spaCy"].endswith(" level")  # within the uncertainty
    assert list(translate_table.index) == ["bible", "catalogues", "everyday", "everyday 2"]
    assert list(translate_table.columns) == ["sentences", "BLEU (GRU)", "BLEU (Apertium)", "chrF (GRU)",
                                             "chrF (Apertium)"]
    assert translate_table.loc["catalogues", "sentences"] == 1600 and translate_table["chrF (Apertium)"].notna().all()
    assert list(translate_beside.columns) == ["BLEU, GRU - Apertium", "chrF, GRU - Apertium"]
    assert translate_beside.loc["everyday", "chrF, GRU - Apertium"].endswith(" behind")
    assert list(sentiment_beside.index) == list(sentiment_table.index)
    assert list(nextword_table.columns) == ["GRU", "Kneser-Ney 5-gram"]
    assert nextword_beside.columns.tolist() == ["GRU better by"]
    assert nextword_table.index[0].startswith("perplexity per word")
    assert list(music_table.columns) == ["LSTM", "Kneser-Ney 5-gram", "the corpus's tunes"]
    assert music_table.iloc[0]["LSTM"] < music_table.iloc[0]["Kneser-Ney 5-gram"]  # NLL: lower is better
    assert music_beside.iloc[0]["LSTM better by"].endswith(" ahead")
    assert list(forecast_table.columns) == ["GRU", "seasonal naive", "ETS", "ARIMA", "Theta"]
    assert forecast_table.index[-2].startswith("all (") and forecast_table.index[-1] == "all: 80% interval coverage"
    assert list(forecast_beside.columns) == [f"MASE, {peer} - GRU" for peer in ("seasonal naive", "ETS", "ARIMA", "Theta")]
    assert list(cells_table.columns) == ["LSTM", "Kneser-Ney 5-gram"]
    assert cells_table.index[-1].startswith("all (") and (cells_table["LSTM"] < cells_table["Kneser-Ney 5-gram"]).all()
    assert cells_beside.iloc[-1]["bits saved"].endswith(" ahead")
    # every card says how its differences are judged
    assert sum("95% paired bootstrap interval" in c.value for c in app.caption) == 8
    models = ("caption", "sentiment", "ner", "translate", "nextword", "music", "forecast", "cells")
    for name in models:  # drawn once its expander is opened
        app.session_state[f"models_doc_{name}"] = True
    app.run()
    docs = {e.label: "\n".join(m.value for m in e.markdown) for e in app.expander if e.label.startswith("Results")}
    assert list(docs) == [f"Results, tuning and limits (docs/{name}.md)" for name in models]
    assert all(text.startswith("# ") and "|---|" in text for text in docs.values())  # the results, tables included
    cards = markdown_text(app)
    for section in ("**Intended use.**", "**What it learnt from.**", "**Limits.**", "**What it cannot know.**"):
        assert cards.count(section) == 8, section


def test_model_tables_show_counts_as_counts_and_whole_labels():
    app = page("models").run()
    sentiment = next(frame for frame in app.dataframe if "sentences" in frame.value.columns)
    assert sentiment.value["sentences"].notna().all()  # the average row counts every sentence, no "None"
    config = json.loads(sentiment.proto.columns)
    assert config["sentences"]["type_config"]["format"] == "%d"  # not "1060.000"
    assert config["_index"]["width"] == "medium"  # its row names read whole, the peer's columns stay in view
    nextword = next(frame for frame in app.dataframe if "Kneser-Ney 5-gram" in frame.value.columns)
    assert json.loads(nextword.proto.columns)["_index"]["width"] == "large"  # "perplexity per word (lower is ...)"


def test_models_are_timed_once_per_server_not_on_every_visit():
    first = page("models").run()
    again = page("models").run()
    assert not again.exception
    latencies = [[m.value for m in app.metric if m.label.startswith("Latency")] for app in (first, again)]
    assert len(latencies[0]) == 8 and latencies[0] == latencies[1]  # the same measurement, not a new one


def test_the_app_navigation_opens_on_caption():
    app = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=TIMEOUT).run()
    assert not app.exception
    assert app.title[0].value == "Caption"


def suggestion_buttons(app: AppTest, row: str = "next") -> list:
    """The buttons of one row of the bar: "next" words, or words that "complete" the typed one."""
    return [b for b in app.button if b.key and b.key.startswith(f"{row}_")]


def test_nextword_page_offers_words_from_the_start():
    app = page("nextword").run()
    assert not app.exception
    assert "begin" in markdown_text(app) and len(suggestion_buttons(app)) == 5


def test_clicking_a_suggestion_appends_it():
    from serving.nextword.predictor import append_word

    app = page("nextword").run()
    app.text_input(key="nextword_text").input("It is a truth universally ").run()
    buttons = suggestion_buttons(app)
    assert len(buttons) == 5 and len(app.get("vega_lite_chart")) == 1
    word = buttons[0].label
    buttons[0].click().run()
    assert not app.exception
    assert app.text_input(key="nextword_text").value == append_word("It is a truth universally ", word)
    assert "Execution provider: CPU" in app.caption[0].value


def test_the_probability_chart_is_scaled_to_its_likeliest_word_and_labelled():
    app = page("nextword").run()
    app.text_input(key="nextword_text").input("The United Sta").run()
    from serving.nextword.predictor import NextWordPredictor

    spec = json.loads(app.get("vega_lite_chart")[0].proto.spec)
    bars, labels = spec["layer"]
    top = NextWordPredictor.load().next_words("The United Sta", k=5, complete=True).words[0].prob
    assert bars["encoding"]["x"]["scale"]["domain"] == pytest.approx([0, top * 1.2])  # the bars fill the chart
    assert labels["mark"]["type"] == "text"


def test_half_typed_word_is_completed():
    app = page("nextword").run()
    app.text_input(key="nextword_text").input("The United Sta").run()
    assert "Completing" in markdown_text(app)
    labels = [b.label for b in suggestion_buttons(app, "complete")]
    assert labels and all(label.startswith("Sta") for label in labels)


@pytest.mark.parametrize("typed", ["We must", "I know that", "xqzt", "Call me Ishm"])
def test_a_typed_word_is_completed_to_real_words_and_a_whole_word_gets_the_next_words(typed):
    """After every word a person types the bar offers words of the word list only (never "mustward"),
    and when the typed word is complete, the words that would follow it too, like a phone keyboard."""
    from serving.nextword.predictor import NextWordPredictor, append_word

    known = NextWordPredictor.load().vocab.known
    app = page("nextword").run()
    app.text_input(key="nextword_text").input(typed).run()
    assert not app.exception
    last = typed.split()[-1]
    labels = [b.label for b in suggestion_buttons(app, "complete")]
    assert all(label.startswith(last) and known.offers(label) for label in labels), labels
    after = suggestion_buttons(app, "next")
    if last in known:
        assert after and all(known.offers(b.label) for b in after)
        first_row = next(m.value for m in app.markdown if "next word could be" in m.value or "Completing" in m.value)
        assert "next word could be" in first_row or labels[0] != last  # a whole word that is likeliest: go on
        word = after[0].label
        after[0].click().run()
        assert app.text_input(key="nextword_text").value == append_word(typed, word)
    else:
        assert not after
    if not labels and last not in known:
        assert "No word the model knows starts like that" in app.info[0].value


def test_continue_writing_streams_a_new_text_each_click_and_forgets_it_when_the_prompt_changes():
    app = page("nextword").run()
    app.text_input(key="nextword_text").input("We the people").run()
    app.button(key="generate").click().run()
    assert not app.exception
    first = app.session_state["nextword_generation"]
    assert first["prompt"] == "We the people" and first["continuation"]
    texts = {first["continuation"]}
    for _ in range(3):
        app.button(key="generate").click().run()
        texts.add(app.session_state["nextword_generation"]["continuation"])
    assert len(texts) > 1  # a new seed each click
    last = app.session_state["nextword_generation"]["continuation"]
    app.button(key="use_generation").click().run()
    assert app.text_input(key="nextword_text").value == f"We the people {last} "
    app.button(key="generate").click().run()
    app.text_input(key="nextword_text").input("Something else entirely").run()
    assert "nextword_generation" not in app.session_state
    assert not [b for b in app.button if b.key == "use_generation"]


def test_a_fixed_seed_writes_the_same_text_again():
    app = page("nextword").run()
    app.text_input(key="nextword_text").input("We the people").run()
    app.number_input[0].set_value(7).run()
    app.button(key="generate").click().run()
    first = app.session_state["nextword_generation"]["continuation"]
    app.button(key="generate").click().run()
    assert app.session_state["nextword_generation"]["continuation"] == first
    assert app.session_state["nextword_generation"]["seed"] == 7


def test_nextword_injection_is_shown_as_text():
    app = page("nextword").run()
    app.text_input(key="nextword_text").input("**bold** <script>x</script> [a](b) Sta").run()
    assert not app.exception
    app.button(key="generate").click().run()
    assert not app.exception
    assert "<script>" not in markdown_text(app) and "**bold**" not in markdown_text(app)


def photo_bytes(name: str) -> bytes:
    from datafetch.archives import zip_member
    from datafetch.registry import fetch
    from datafetch.sources import SCIKIT_IMAGE

    return zip_member(fetch(SCIKIT_IMAGE), f"skimage/data/{name}")


def test_caption_page_invites_a_photo():
    app = page("caption").run()
    assert not app.exception and not app.error
    assert "Pick a sample photo or upload one" in app.info[0].value
    assert [b.label for b in app.button][:8] == ["Cat", "Dog", "Squirrel", "Fruit", "Coffee", "Car", "Motorcycle",
                                                 "Rocket"]


def test_uploaded_photo_gets_a_caption_attention_maps_and_imagenet_classes():
    app = page("caption").run()
    app.file_uploader(key="caption_upload_0").upload("cat.png", photo_bytes("chelsea.png"), "image/png").run()
    assert not app.exception and not app.error
    caption = next(m.value for m in app.markdown if m.value.startswith("## "))
    assert len(caption.split()) >= 3
    assert len(app.get("vega_lite_chart")) == 1
    words = len(caption.split()) - 1  # "## " is not a word
    gallery = 8
    # the photo with the detector's boxes, the square the CNN saw, one attention map per word
    assert len(app.get("image")) == gallery + 2 + words
    assert any("Execution provider: CPU" in c.value for c in app.caption)
    seen = next(m.value for m in app.markdown if m.value.startswith("**Seen in the photo:**"))
    assert "cat" in seen and "**people:** no people" in seen
    app.toggle(key="caption_boxes").set_value(False).run()
    assert not app.exception and len(app.get("image")) == gallery + 1 + words


def test_the_caption_page_says_what_the_model_cannot_know():
    app = page("caption").run()
    limits = next(c.value for c in app.caption if c.value.startswith("**What it knows.**"))
    assert "Tux Paint" in limits and "knows no people" in limits and "how many" in limits


def test_the_cnn_names_the_cat_and_the_toggle_gives_the_decoders_words_back():
    app = page("caption").run()
    app.button(key="gallery_Cat").click().run()
    assert not app.exception and not app.error
    caption = next(m.value for m in app.markdown if m.value.startswith("## "))
    named = next(m.value for m in app.markdown if m.value.startswith("Named by the CNN"))
    assert "cat" in caption.lower().split() and "The decoder alone wrote" in named
    app.toggle(key="caption_cnn_names").set_value(False).run()
    assert not app.exception
    plain = next(m.value for m in app.markdown if m.value.startswith("## "))
    assert plain != caption and not any(m.value.startswith("Named by the CNN") for m in app.markdown)


def test_the_other_captions_leave_out_the_chosen_one_and_say_what_their_score_means():
    app = page("caption").run()
    app.button(key="gallery_Coffee").click().run()
    assert not app.exception
    caption = next(m.value for m in app.markdown if m.value.startswith("## "))[3:]
    [table] = app.dataframe
    assert list(table.value.columns) == ["caption", "sure per word"]
    assert caption.lower() not in [text.lower() for text in table.value["caption"]]
    assert all(0 < p < 1 for p in table.value["sure per word"])
    explained = next(m.value for m in app.markdown if m.value.startswith("**Other captions"))
    assert "how sure the decoder was of each word" in explained


def test_a_refused_upload_takes_the_previous_caption_away():
    app = page("caption").run()
    app.button(key="gallery_Cat").click().run()
    assert any(m.value.startswith("## ") for m in app.markdown)
    app.file_uploader(key="caption_upload_1").upload("notes.txt", b"not a photo at all", "text/plain").run()
    assert not app.exception
    assert not any(m.value.startswith("## ") for m in app.markdown)
    shown = rendered_markdown(app.error[0].value).text  # what the user reads, the file name escaped or not
    assert shown.startswith("notes.txt: this is not an image that can be read")
    assert "Error" not in shown


def test_a_tiny_photo_is_captioned_greyed_with_its_warning_right_under_the_caption():
    tiny = io.BytesIO()
    Image.open(io.BytesIO(photo_bytes("chelsea.png"))).resize((40, 30)).save(tiny, "PNG")
    app = page("caption").run()
    app.file_uploader(key="caption_upload_0").upload("tiny.png", tiny.getvalue(), "image/png").run()
    assert not app.exception and not app.error
    caption = next(m.value for m in app.markdown if m.value.startswith("## "))
    assert caption.startswith("## :gray[")
    assert "very small (40 x 30 pixels)" in rendered_markdown(app.warning[0].value).text


def test_a_sample_photo_empties_the_uploader_so_the_same_file_can_be_chosen_again():
    app = page("caption").run()
    app.file_uploader(key="caption_upload_0").upload("cat.png", photo_bytes("chelsea.png"), "image/png").run()
    app.button(key="gallery_Coffee").click().run()
    uploaders = [element.key for element in app.get("file_uploader")]
    assert uploaders == ["caption_upload_1"] and not app.file_uploader(key="caption_upload_1").value
    app.file_uploader(key="caption_upload_1").upload("cat.png", photo_bytes("chelsea.png"), "image/png").run()
    caption = next(m.value for m in app.markdown if m.value.startswith("## "))
    assert not app.exception and "cat" in caption.lower(), caption  # the upload's caption, not the coffee's


def test_gallery_photo_and_beam_slider():
    app = page("caption").run()
    app.button(key="gallery_Coffee").click().run()
    assert not app.exception
    first = next(m.value for m in app.markdown if m.value.startswith("## "))
    app.slider(key="caption_beam").set_value(1).run()
    assert not app.exception
    assert next(m.value for m in app.markdown if m.value.startswith("## "))
    assert len(app.dataframe) == 0  # beam 1 keeps no alternatives
    assert first


@pytest.mark.parametrize("name,data", [("empty.png", b""), ("notes.jpg", b"just some text, not a photo"),
                                       ("cut.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 40)])
def test_unusable_upload_gets_one_clear_message(name, data):
    app = page("caption").run()
    app.file_uploader(key="caption_upload_0").upload(name, data, "image/jpeg").run()
    assert not app.exception
    assert len(app.error) == 1 and rendered_markdown(app.error[0].value).text.startswith(name)
