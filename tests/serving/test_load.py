"""Load, bounded in time and count: many threads through the shared sessions give exactly the
serial results without leaking memory (50 concurrent browser sessions are in test_browser.py).
The figures printed here are docs/robustness.md's numbers."""
import ctypes
import gc
import resource
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from PIL import Image

from serving.caption.captioner import Captioner
from serving.nextword.predictor import NextWordPredictor
from serving.sentiment.classifier import SentimentClassifier

CALLS = 1000
THREADS = 16
TEXTS = ["The food was great and the staff were friendly.", "Worst purchase ever, it broke in a day.",
         "The meeting has been moved to Thursday.", "It is a truth universally", "We hold these truths to be",
         "Not bad at all, honestly better than I expected!", "Call me", "The United States of"]


def rss_mb() -> float:
    """Current resident memory (not the peak), from /proc."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def live_mb() -> float:
    """Resident memory after the C allocator has handed its free pages back (glibc's malloc_trim):
    what is still in use. Untrimmed RSS also counts the free memory each thread's arena keeps, which
    depends on what earlier tests in the same process allocated, and is not a leak."""
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    return rss_mb()


def inference_calls() -> list:
    """CALLS calls through the three shared models: sentiment, next word (shared prefix cache), captions."""
    classifier, predictor, captioner = SentimentClassifier.load(), NextWordPredictor.load(), Captioner.load()
    rng = np.random.default_rng(0)
    images = [Image.fromarray(rng.integers(0, 255, (96 + 8 * i, 128, 3), dtype=np.uint8)) for i in range(4)]

    def sentiment(text):
        return lambda: [(r.label, round(r.stars, 5)) for r in classifier.predict([text])]

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


@pytest.mark.slow
def test_1000_calls_from_16_threads_match_the_serial_run_and_memory_stays_flat():
    calls = inference_calls()
    serial = [call() for call in calls]
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(timed_call, calls))  # warm-up: sessions, arenas and caches reach their size
        before, before_untrimmed = live_mb(), rss_mb()
        outcomes = list(pool.map(timed_call, calls))
        after_untrimmed, after = rss_mb(), live_mb()
    errors = sum(result != expected for (result, _), expected in zip(outcomes, serial))
    latencies = sorted(ms for _, ms in outcomes)
    p95 = latencies[int(0.95 * len(latencies)) - 1]
    print(f"\nload: {CALLS} calls from {THREADS} threads, {errors} differing from the serial run, "
          f"p50 {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms, RSS in use {before:.0f} -> {after:.0f} MB "
          f"(untrimmed {before_untrimmed:.0f} -> {after_untrimmed:.0f} MB)")
    assert errors == 0
    assert after - before < 50, f"memory grew by {after - before:.0f} MB over {CALLS} calls"
