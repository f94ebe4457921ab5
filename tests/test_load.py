"""Load, on 127.0.0.1 only and bounded in time and count: many threads through the shared
sessions give exactly the serial results without leaking memory, and many app sessions at once
all render. The figures printed here are the README's "Robustness" numbers."""
import resource
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import streamlit as st
from PIL import Image
from streamlit.testing.v1 import AppTest

from captioner.captioning import Captioner
from tests.conftest import REPO_ROOT
from textmodels.nextword import NextWordPredictor
from textmodels.sentiment import SentimentClassifier

CALLS = 1000
THREADS = 16
SESSIONS = 50
TEXTS = ["The food was great and the staff were friendly.", "Worst purchase ever, it broke in a day.",
         "The meeting has been moved to Thursday.", "It is a truth universally", "We hold these truths to be",
         "Not bad at all, honestly better than I expected!", "Call me", "The United States of"]


def rss_mb() -> float:
    """Current resident memory (not the peak), from /proc."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def inference_calls() -> list:
    """CALLS calls through the three shared models: sentiment, next word (shared prefix cache), captions."""
    classifier, predictor, captioner = SentimentClassifier.load(), NextWordPredictor.load(), Captioner.load()
    rng = np.random.default_rng(0)
    images = [Image.fromarray(rng.integers(0, 255, (96 + 8 * i, 128, 3), dtype=np.uint8)) for i in range(4)]

    def sentiment(text):
        return lambda: [(r.label, round(r.rating, 5)) for r in classifier.predict([text])]

    def next_words(text):
        return lambda: [(w.word, round(w.prob, 6)) for w in predictor.next_words(text, k=5).words]

    def caption(image):
        return lambda: [r.words for r in captioner.caption([image], beam_size=2)]

    makers = [sentiment, next_words, sentiment, next_words, caption]
    return [makers[i % len(makers)](images[i % len(images)] if makers[i % len(makers)] is caption
                                    else TEXTS[i % len(TEXTS)]) for i in range(CALLS)]


def timed_call(call) -> tuple[object, float]:
    start = time.perf_counter()
    result = call()
    return result, (time.perf_counter() - start) * 1000


def test_1000_calls_from_16_threads_match_the_serial_run_and_memory_stays_flat():
    calls = inference_calls()
    serial = [call() for call in calls]
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(timed_call, calls[:200]))  # warm-up: sessions, arenas and caches reach their size
        before = rss_mb()
        outcomes = list(pool.map(timed_call, calls))
        after = rss_mb()
    errors = sum(result != expected for (result, _), expected in zip(outcomes, serial))
    latencies = sorted(ms for _, ms in outcomes)
    p95 = latencies[int(0.95 * len(latencies)) - 1]
    print(f"\nload: {CALLS} calls from {THREADS} threads, {errors} differing from the serial run, "
          f"p50 {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms, RSS {before:.0f} -> {after:.0f} MB")
    assert errors == 0
    assert after - before < 50, f"memory grew by {after - before:.0f} MB over {CALLS} calls"


def app_session(index: int) -> tuple[int, list[str]]:
    """One browser session's worth of work on one page; returns (index, exceptions and errors)."""
    page, key, text = [("sentiment", "sentiment_text", TEXTS[index % 3]),
                       ("nextword", "nextword_text", TEXTS[3 + index % 3] + " "),
                       ("gradient_lab", "lab_gate_text", TEXTS[index % 3])][index % 3]
    app = AppTest.from_file(str(REPO_ROOT / "app" / f"{page}_page.py"), default_timeout=120)
    app.session_state[key] = text
    app.run()
    return index, [str(e.value) for e in app.exception] + [e.value for e in app.error]


def test_50_concurrent_app_sessions_all_render():
    st.cache_resource.clear()
    start = time.perf_counter()
    with ThreadPoolExecutor(SESSIONS) as pool:
        outcomes = list(pool.map(app_session, range(SESSIONS)))
    seconds = time.perf_counter() - start
    failures = [(i, problems) for i, problems in outcomes if problems]
    print(f"\nload: {SESSIONS} concurrent app sessions in {seconds:.1f} s, {len(failures)} with an error")
    assert not failures, failures[:3]
