"""The pages with RNNAPP_API set: they ask a real API over HTTP (on a loopback port) and show what they show
with the models in their own process; an API that does not answer is a message, not a crash."""
import re
from collections.abc import Iterator
from contextlib import contextmanager
import socket
import threading
import time

import pytest
import streamlit as st
import uvicorn
from streamlit.testing.v1 import AppTest

from serving.api.http import in_process
from serving.api.models import SERVED
from tests.app.test_app import photo_bytes
from tests.conftest import REPO_ROOT

# What differs between two runs of the same page anyway: times, and where the model runs.
VARYING = re.compile(r"Latency|Execution provider|\d ms\b")


@contextmanager
def api_served() -> Iterator[str]:
    """The API, answered by the models in this process, served over HTTP on a free loopback port."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(in_process(list(SERVED)), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def api() -> Iterator[str]:
    with api_served() as url:
        yield url


def shown(app: AppTest) -> dict:
    """What a person reads on the page: its text, its tables, its buttons, how many charts and pictures."""
    def texts(elements) -> list[str]:
        return [element.value for element in elements if not VARYING.search(str(element.value))]

    return {"markdown": texts(app.markdown), "captions": texts(app.caption), "warnings": texts(app.warning),
            "info": texts(app.info), "errors": texts(app.error), "subheaders": texts(app.subheader),
            "html": [element.proto.body for element in app.get("html")],
            "tables": [frame.value.to_json() for frame in app.dataframe],
            "buttons": [button.label for button in app.button],
            "charts": len(app.get("vega_lite_chart")), "images": len(app.get("image"))}


def run_page(name: str, act) -> AppTest:
    st.cache_resource.clear()
    app = AppTest.from_file(str(REPO_ROOT / "app" / f"{name}_page.py"), default_timeout=120).run()
    act(app)
    assert not app.exception, app.exception
    return app


def same_locally_and_through_the_api(name: str, act, monkeypatch, api: str) -> AppTest:
    monkeypatch.delenv("RNNAPP_API", raising=False)
    local = shown(run_page(name, act))
    monkeypatch.setenv("RNNAPP_API", api)
    remote_app = run_page(name, act)
    assert shown(remote_app) == local
    return remote_app


def type_and_click(text_key: str, button_key: str, text: str):
    def act(app: AppTest) -> None:
        app.text_area(key=text_key).input(text).run()
        app.button(key=button_key).click().run()
    return act


def said_where_it_runs(app: AppTest, api: str) -> bool:
    return any(f"on the API at {api}" in caption.value for caption in app.caption)


def test_sentiment_through_the_api(monkeypatch, api):
    app = same_locally_and_through_the_api(
        "sentiment", type_and_click("sentiment_text", "analyse", "The food was great but the service was slow 😡"),
        monkeypatch, api)
    assert said_where_it_runs(app, api) and app.get("vega_lite_chart")


def test_named_entities_through_the_api(monkeypatch, api):
    app = same_locally_and_through_the_api(
        "ner", type_and_click("ner_text", "tag", "Dhaval loves baby yoda and lives in Pune"), monkeypatch, api)
    assert said_where_it_runs(app, api)


def test_translation_through_the_api(monkeypatch, api):
    def act(app: AppTest) -> None:
        app.slider(key="translate_beam").set_value(3).run()
        type_and_click("translate_text", "translate", "The weather is nice today.")(app)

    app = same_locally_and_through_the_api("translate", act, monkeypatch, api)
    assert said_where_it_runs(app, api)


def test_next_words_and_a_seeded_continuation_through_the_api(monkeypatch, api):
    def act(app: AppTest) -> None:
        app.text_input(key="nextword_text").input("It is a truth universally acknow").run()
        app.number_input[0].set_value(11).run()
        app.button(key="generate").click().run()

    app = same_locally_and_through_the_api("nextword", act, monkeypatch, api)
    assert app.session_state["nextword_generation"]["continuation"]
    assert said_where_it_runs(app, api)


def test_a_caption_through_the_api(monkeypatch, api):
    def act(app: AppTest) -> None:
        app.file_uploader(key="caption_upload_0").upload("cat.png", photo_bytes("chelsea.png"), "image/png").run()

    app = same_locally_and_through_the_api("caption", act, monkeypatch, api)
    assert said_where_it_runs(app, api) and any(m.value.startswith("## ") for m in app.markdown)


def test_a_forecast_through_the_api(monkeypatch, api):
    def act(app: AppTest) -> None:
        app.checkbox(key="forecast_peers").uncheck().run()
        app.button(key="forecast_run").click().run()

    app = same_locally_and_through_the_api("forecast", act, monkeypatch, api)
    result = app.session_state["forecast_result"]["result"]
    assert len(result.dates) == 18 and result.states.shape[1] == 128 and set(result.check) == {"gru"}
    assert said_where_it_runs(app, api) and len(app.get("vega_lite_chart")) == 3


# What makes each page ask for its model (the text pages ask once there is text).
ASKING = {"caption": lambda app: None, "models": lambda app: None, "forecast": lambda app: None,
          "sentiment": type_and_click("sentiment_text", "analyse", "Lovely."),
          "ner": type_and_click("ner_text", "tag", "Maria lives in Rome."),
          "translate": type_and_click("translate_text", "translate", "Hello."),
          "nextword": lambda app: app.text_input(key="nextword_text").input("Once upon").run()}


@pytest.mark.parametrize("name", list(ASKING))
def test_an_api_that_does_not_answer_is_said_on_every_page(monkeypatch, name):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
    monkeypatch.setenv("RNNAPP_API", f"http://127.0.0.1:{closed.getsockname()[1]}")
    try:
        app = run_page(name, ASKING[name])
    finally:
        closed.close()
    assert app.error and all("did not answer" in error.value and "rnnapp serve" in error.value
                             for error in app.error)


def test_an_api_that_stops_answering_after_the_page_loaded_is_said_beside_the_result(monkeypatch):
    with api_served() as url:
        monkeypatch.setenv("RNNAPP_API", url)
        app = run_page("sentiment", type_and_click("sentiment_text", "analyse", "Lovely."))
        assert said_where_it_runs(app, url)
    app.text_area(key="sentiment_text").input("Still lovely?").run()
    assert not app.exception
    assert any("did not answer" in warning.value for warning in app.warning)


def test_the_model_cards_time_the_api_and_the_gradient_lab_reads_its_own_weights(monkeypatch, api):
    monkeypatch.setenv("RNNAPP_API", api)
    cards = run_page("models", lambda app: None)
    assert [metric.label for metric in cards.metric].count("Latency (median of 20, through the API)") == 6  # all but
    # music and the character model, which the API does not serve
    assert not cards.error and not cards.warning
    lab = run_page("gradient_lab", lambda app: None)
    assert not lab.error


@contextmanager
def answering(reply: bytes) -> Iterator[str]:
    """A loopback server that answers every connection with `reply`, whatever was asked."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)
                connection.sendall(reply)

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


@pytest.mark.parametrize("reply,said", [
    (b"SSH-2.0-OpenSSH\r\n", "did not answer"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"res", "did not answer"),
    (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}", "another version"),
    (b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n", "answered 502"),
], ids=["not HTTP", "cut short", "not the API's answer", "a proxy's error"])
def test_a_server_that_is_not_the_api_is_said_on_the_page(monkeypatch, reply, said):
    with answering(reply) as url:
        monkeypatch.setenv("RNNAPP_API", url)
        app = run_page("ner", ASKING["ner"])
    assert app.error and said in app.error[0].value
