"""Inside the RNN: the committed character LSTM read as served (every character, its states, its guesses), its
numpy backward pass against finite differences, the named features, the held-out numbers its manifest claims,
the LSTMVis search, the "hello" toy, `rnnapp cells` and the pages, with the bad-input corpus."""
import json
import subprocess

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from serving.cells.alphabet import SYMBOLS, UNKNOWN, encode
from serving.cells.features import FEATURES, Correlation, features_of
from serving.cells.numpy_lstm import forward, input_gradients
from serving.cells.reader import MAX_CHARS, MEMORY_SPAN, CharModel
from serving.cells.search import build_index, default_stretch, find_similar, held_out_pieces
from serving.cells.toy import train_hello
from serving.kneser_ney import KneserNey
from training.cells.artifact import CorrelationByText
from tests.app.test_bad_input_corpus import RNNAPP, UNREADABLE_TEXTS, VALID_TEXTS
from tests.conftest import REPO_ROOT

TEXT = '"Yes," said he.\ndef f(x):\n    return (x + 12)\n'


@pytest.fixture(scope="module")
def model() -> CharModel:
    return CharModel.load()


def test_every_character_is_one_id_and_typographic_ones_read_as_ascii():
    assert len(SYMBOLS) == 97 and SYMBOLS[1] == "\n"
    assert encode("\u201cCaf\u00e9\u201d\t\u2014").tolist() == encode('"Cafe" -').tolist()
    assert encode("\U0001F600\u4e2d").tolist() == [UNKNOWN, UNKNOWN]


def test_features_mark_quotes_lines_strings_brackets_words_numbers_and_comments():
    text = 'He said "hi (x[1] + 2.5)" # it\'s\n  ok = \'a#b\' # c\n'
    values = features_of(text)
    as_text = {name: "".join(str(int(v))[-1] for v in column) for name, column in values.items()}
    assert as_text["inside quotes"] == "00000000111111111111111110000000000000000000000000"
    assert as_text["position in line"] == "01234567890123456789012345678901201234567890123456"
    assert as_text["characters to the line's end"] == "21098765432109876543210987654321065432109876543210"
    assert as_text["inside a string"] == "00000000111111111111111110000000000000001111100000"
    assert as_text["bracket depth"] == "00000000000011222111111100000000000000000000000000"
    assert as_text["indentation"] == "00000000000000000000000000000000022222222222222222"
    assert as_text["inside a comment"] == "00000000000000000000000000111111000000000000001110"
    assert as_text["position in a word"] == "12012340012001000000000000001201000120000101000010"
    assert as_text["inside a number"] == "00000000000000010000111000000000000000000000000000"
    assert features_of("\u201cHi,\u201d he said")["inside quotes"].tolist()[:5] == [1, 1, 1, 1, 1]  # read as "
    assert set(FEATURES) == set(values) and not values["reading Python"].any()
    assert features_of("x = 1", python=True)["reading Python"].all()


def test_streamed_correlation_is_pearsons_r():
    rng = np.random.default_rng(0)
    activations, features = rng.normal(size=(500, 3)), rng.normal(size=(500, len(FEATURES)))
    activations[:, 1] += features[:, 2]
    correlation = Correlation(3)
    correlation.add(activations[:200], features[:200])
    correlation.add(activations[200:], features[200:])
    assert correlation.r()[1, 2] == pytest.approx(np.corrcoef(activations[:, 1], features[:, 2])[0, 1])


def test_the_5gram_reads_back_from_its_saved_tables(tmp_path):
    stream = np.random.default_rng(1).integers(0, 20, 3000)
    counted = KneserNey(stream, 20, 5)
    counted.save(tmp_path / "peer.npz")
    probe = np.random.default_rng(2).integers(0, 20, 100)
    assert np.array_equal(KneserNey.load(tmp_path / "peer.npz").log_probs_of(probe), counted.log_probs_of(probe))


def test_reading_gives_every_state_and_the_numpy_lstm_is_the_onnx_graph(model):
    [reading] = model.read([TEXT])
    assert reading.states.shape == (len(TEXT), model.layers, 2, model.hidden_size)
    _, log_probs = forward(model.weights, reading.ids)
    assert np.abs(log_probs - reading.log_probs).max() < 1e-3
    [alone] = model.read([TEXT[:10]])  # a shorter text beside a longer one reads the same as alone
    both = model.read([TEXT[:10], TEXT])
    assert np.allclose(both[0].states, alone.states, atol=1e-5)


def test_the_backward_pass_matches_finite_differences(model):
    ids = encode("(a, b)")
    target, at = int(encode(")")[0]), 4
    gradient = input_gradients(model.weights, ids[:at + 1], target)
    weights = model.weights
    for position, dim in ((0, 3), (2, 7), (4, 0)):
        original = weights.embedding.copy()
        changed = []
        for step in (1e-5, -1e-5):
            weights.embedding = original.copy()
            weights.embedding = np.vstack([original, original[ids[position]]])
            weights.embedding[-1, dim] += step
            moved = ids.copy()
            moved[position] = len(original)
            changed.append(forward(weights, moved[:at + 1])[1][at, target])
        weights.embedding = original
        assert gradient[position, dim] == pytest.approx((changed[0] - changed[1]) / 2e-5, rel=1e-3, abs=1e-7)


def test_the_memory_window_starts_from_the_models_own_state(model):
    """The gradient over the last MEMORY_SPAN characters, backpropagated from the state before them, is the
    gradient over the whole text restricted to them: nothing after the window's start depends on what came before
    it except through that state."""
    text = ("It was the best of times, it was the worst of times; (a, [b, c]) = 12.5\n" * 10)[:MEMORY_SPAN + 60]
    [reading] = model.read([text])
    at = len(text) - 1
    whole = input_gradients(model.weights, reading.ids, int(np.argmax(reading.log_probs[at])))
    window = model.memory(reading, at)
    assert len(window) == MEMORY_SPAN
    assert np.allclose(window, np.linalg.norm(whole, axis=1)[-MEMORY_SPAN:], rtol=1e-3, atol=1e-6)


def test_the_manifest_says_the_lstm_beats_the_5gram_with_five_cells_at_0_7(model):
    metrics = model.artifact.manifest["metrics"]
    assert metrics["bits_per_char"] < metrics["ngram_bits_per_char"]
    assert metrics["bits_saved_interval"]["verdict"] == "ahead"
    strong = {c["cell"] for c in metrics["interpretable_cells"] if abs(c["correlation"]) >= 0.7}
    assert metrics["cells_at_0_7"] == len(strong)
    assert metrics["lstm_units_at_0_7"] == len({name.replace("hidden", "cell") for name in strong}) >= 5
    assert all(abs(c["validation_correlation"]) >= 0.7 for c in metrics["interpretable_cells"])  # chosen there


def test_the_listed_cells_track_their_features_on_held_out_text(model):
    """Recomputed on the held-out Moby Dick chapters and Django modules the search reads (60,000 characters):
    at least five LSTM units of the list at |r| >= 0.6 there, and fewer bits per character than the 5-gram."""
    pieces = held_out_pieces(model)
    units = [model.unit_of(c["cell"]) for c in model.interpretable]
    correlation = CorrelationByText(len(units))
    readings = model.read([text for _, text in pieces])
    for (collection, _), reading in zip(pieces, readings):
        correlation.add(collection, reading.units()[:, units], reading.text)
    r = correlation.r()
    strongest: dict[str, float] = {}  # per LSTM unit (its h and c count once), its strongest |r|
    for i, c in enumerate(model.interpretable):
        unit = c["cell"].replace("hidden", "cell")
        strongest[unit] = max(strongest.get(unit, 0.0), abs(r[i, list(FEATURES).index(c["feature"])]))
    assert sum(value >= 0.6 for value in strongest.values()) >= 5, strongest
    model_bits = sum(r.surprisals().sum() for r in readings)
    peer_bits = sum(model.peer_surprisals(r.ids).sum() for r in readings)
    assert model_bits < peer_bits


def test_predict_batch_answers_each_character_and_refuses_what_it_cannot_read(model):
    answer, empty = model.predict_batch([TEXT, " \n "])
    assert [c["char"] for c in answer["chars"]] == list(TEXT)
    listed = {c["cell"] for c in model.interpretable}
    assert all(len(c["next"]) == 3 and set(c["cells"]) == listed for c in answer["chars"])
    [reading] = model.read([TEXT])
    assert answer["bits_per_char"] == round(float(reading.surprisals().mean()), 4) > 0
    assert answer["ngram_bits_per_char"] == round(float(model.peer_surprisals(reading.ids).mean()), 4) > 0
    assert empty == {"error": "the text is empty: type a sentence"}
    [long] = model.predict_batch(["word " * 2000])
    assert long["truncated"] and len(long["chars"]) == MAX_CHARS


def test_find_similar_finds_a_held_out_stretch_itself(model):
    texts = [text for _, text in held_out_pieces(model)[:6]]
    index = build_index(model, texts)
    [reading] = model.read([texts[1]])
    names, matches = find_similar(model, index, reading, 100, 112, top=50)
    assert names and matches[0].score == 1.0
    at = len(texts[0]) + 100  # where the stretch is in the index: it, or a neighbour with the same units, is found
    assert any(abs(m.start - at) < 12 and m.score == 1.0 for m in matches), [(m.start, m.score) for m in matches]


def test_the_stretch_offered_first_has_units_on_across_it_and_ends_the_text(model):
    """A first click on Find similar never answers "no hidden unit stays on" (the page's example's last 12
    characters had none)."""
    from app.cells_page import EXAMPLE

    texts = [text for _, text in held_out_pieces(model)[:2]]
    index = build_index(model, texts)
    for text in (EXAMPLE, TEXT, "a", "ab"):
        [reading] = model.read([text])
        start, end = default_stretch(reading)
        assert end == len(reading.ids) and 1 <= end - start <= 12
        names, _ = find_similar(model, index, reading, start, end)
        assert names


def test_the_hello_rnn_learns_to_say_hello():
    first, *_, last = train_hello()
    assert first.loss > 1.0 > 0.05 > last.loss
    assert "".join("helo"[i] for i in last.probs.argmax(1)) == "ello"


def rnnapp(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([RNNAPP, "cells", *args], input=stdin, cwd=REPO_ROOT, capture_output=True, timeout=120)


def test_rnnapp_cells_json_and_every_text_kind():
    done = rnnapp("--json", "ab\ncd")
    answer = json.loads(done.stdout)
    assert done.returncode == 0 and [c["char"] for c in answer["chars"]] == list("ab\ncd")
    assert {"bits_per_char", "ngram_bits_per_char", "interpretable_cells"} <= set(answer)
    assert all({"cell", "feature", "correlation"} == set(c) for c in answer["interpretable_cells"])
    long = VALID_TEXTS["200,000 characters"]
    texts = [text.replace("\x00", "\x01") for text in [*UNREADABLE_TEXTS.values(), *VALID_TEXTS.values()]
             if text != long]  # an argument cannot carry NUL (another control character stands in) or 200 kB
    done = rnnapp("--json", *texts)
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    assert len(done.stdout.decode().splitlines()) == len(VALID_TEXTS) - 1
    assert done.stderr.decode().count("error:") == len(UNREADABLE_TEXTS)
    done = rnnapp("--json", stdin=long.encode())
    assert done.returncode == 0 and json.loads(done.stdout)["truncated"]
    done = rnnapp(stdin=b"\xff\xfe not UTF-8")
    assert done.returncode == 0 and b"characters" in done.stdout  # undecodable bytes read as unknown characters
    done = rnnapp("--cell", "layer 9 cell 1", "text")
    assert done.returncode == 1 and done.stderr.startswith(b"error: 'layer 9 cell 1' is not a unit")


def cells_page(text: str | None = None) -> AppTest:
    st.cache_resource.clear()
    app = AppTest.from_file(str(REPO_ROOT / "app" / "cells_page.py"), default_timeout=60)
    if text is not None:
        app.session_state["cells_text"] = text
    return app.run()


def test_the_page_reads_the_example_on_arrival_and_colours_every_character():
    app = cells_page()
    assert not app.exception and not app.error
    spans = app.get("html")[0].proto.body.count("<span")
    assert spans == len(app.session_state["cells_text"])
    assert len(app.metric) == 2 and len(app.get("vega_lite_chart")) >= 4  # cell, guess, memory, toy charts
    app.slider(key="cells_at").set_value(5).run()
    assert not app.exception
    app.button(key="cells_find").click().run()
    assert not app.exception and (app.get("html") and len(app.warning) <= 1)


@pytest.mark.parametrize("kind", [*UNREADABLE_TEXTS, *VALID_TEXTS])
def test_every_text_kind_in_the_page(kind):
    app = cells_page({**UNREADABLE_TEXTS, **VALID_TEXTS}[kind])
    assert not app.exception and not app.error
    if kind in UNREADABLE_TEXTS:
        assert len(app.warning) == 1 and not app.metric
    else:
        assert len(app.metric) == 2
        assert all("<script>" not in h.proto.body for h in app.get("html"))  # the text stays text


def test_the_patterns_map_links_every_pattern_to_a_page_of_the_app():
    st.cache_resource.clear()
    app = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=60)
    app.run()
    app.switch_page("app/patterns_page.py").run()
    assert not app.exception
    links = [link.proto.page for link in app.get("page_link")]
    assert len(app.get("image")) == 5 and len(links) >= 9
    registered = (REPO_ROOT / "streamlit_app.py").read_text()
    assert all(link.split("/")[-1].replace(".py", "") in registered for link in links)
