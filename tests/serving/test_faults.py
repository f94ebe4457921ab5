"""Faults in the app: a tampered or unloadable artifact names the file and the fix on its own
page while the other pages keep working; a CUDA provider that fails falls back to the CPU."""
import json
import shutil

import onnxruntime as ort
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import serving.session
from serving.artifact import model_dir, sha256_of
from serving.session import create_session, provider_in_use
from tests.conftest import REPO_ROOT


@pytest.fixture
def models(tmp_path, monkeypatch):
    """A copy of the committed sentiment and next-word models, served from a temporary folder."""
    for name in ("sentiment", "nextword"):
        shutil.copytree(model_dir(name), tmp_path / name)
    monkeypatch.setenv("RNNAPP_MODELS", str(tmp_path))
    st.cache_resource.clear()
    yield tmp_path
    st.cache_resource.clear()


def run_page(name: str, key: str, text: str) -> AppTest:
    app = AppTest.from_file(str(REPO_ROOT / "app" / f"{name}_page.py"), default_timeout=60)
    app.session_state[key] = text
    return app.run()


def test_tampered_model_names_the_file_and_the_fix_and_other_pages_work(models):
    with open(models / "sentiment" / "model.onnx", "r+b") as handle:
        handle.seek(2000)
        handle.write(b"\x00\x01\x02\x03")
    sentiment = run_page("sentiment", "sentiment_text", "A fine film.")
    assert not sentiment.exception
    [error] = sentiment.error
    assert "model.onnx does not match its sha256" in error.value
    assert "python -m training.train sentiment" in error.value
    nextword = run_page("nextword", "nextword_text", "It is a truth universally ")
    assert not nextword.exception and not nextword.error and len(nextword.get("vega_lite_chart")) == 1


def test_onnx_file_that_fails_to_load_names_the_file_and_the_fix(models):
    broken = models / "sentiment" / "model.onnx"
    broken.write_bytes(b"not an onnx model at all")
    manifest_path = models / "sentiment" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["files"]["model.onnx"]["sha256"] = sha256_of(broken)  # the checksum passes; loading fails
    manifest_path.write_text(json.dumps(manifest))
    sentiment = run_page("sentiment", "sentiment_text", "A fine film.")
    assert not sentiment.exception
    [error] = sentiment.error
    assert "could not be loaded by onnxruntime" in error.value and str(broken) in error.value
    assert "python -m training.train sentiment" in error.value


def test_failing_cuda_provider_falls_back_to_the_cpu_with_a_message(monkeypatch):
    real_session = ort.InferenceSession

    def cuda_breaks(path, sess_options=None, providers=()):
        if serving.session.CUDA in providers:
            raise RuntimeError("CUDA failure 999: unknown error")
        return real_session(path, sess_options=sess_options, providers=providers)

    monkeypatch.setattr(serving.session, "gpu_usable", lambda: True)
    monkeypatch.setattr(ort, "InferenceSession", cuda_breaks)
    path = model_dir("sentiment") / "model.onnx"
    with pytest.warns(UserWarning, match="CUDA provider failed.*RNNAPP_DEVICE=cpu") as caught:
        session = create_session(path)
    assert provider_in_use(session) == "CPU" and str(path) in str(caught[0].message)
