"""One real browser: Debian chromium, driven by Playwright, against `streamlit run` on 127.0.0.1."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from datafetch.archives import zip_member
from datafetch.registry import fetch
from datafetch.sources import SCIKIT_IMAGE
from serving.nextword.predictor import append_word
from tests.conftest import REPO_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
IN_CI = os.environ.get("CI", "").lower() == "true"
SESSIONS = 50

pytestmark = pytest.mark.browser
if not IN_CI and not Path(CHROMIUM).exists():
    pytestmark = [pytest.mark.browser, pytest.mark.skip(reason="Debian chromium not installed (.ci/run installs it)")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def app_url():
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true"],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if time.time() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail(f"streamlit did not start: {server.stdout.read().decode()[-2000:]}")
            time.sleep(0.5)
    yield url
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    assert shutil.which(CHROMIUM) or Path(CHROMIUM).exists(), "Debian chromium is required (apt-get install chromium)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def wait_until_idle(page) -> None:
    """Wait until the script has finished running: clicks during a rerun can land on a widget about to be redrawn."""
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.wait_for_timeout(300)


def screenshot_path(tmp_path: Path, name: str) -> Path:
    """docs/<name> when UPDATE_SCREENSHOTS=1 (`make screenshots`), else a temporary file."""
    return (REPO_ROOT / "docs" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path) / name


def test_upload_a_photo_and_see_its_caption_with_attention_maps(app_url, browser, tmp_path):
    photo = tmp_path / "coffee.png"
    photo.write_bytes(zip_member(fetch(SCIKIT_IMAGE), "skimage/data/coffee.png"))
    page = browser.new_page(viewport={"width": 1400, "height": 2250})
    page.goto(app_url)
    page.get_by_role("heading", name="Caption").wait_for(timeout=30_000)
    page.locator("input[type=file]").first.set_input_files(str(photo))
    page.get_by_text("Where the decoder looked for each word").wait_for(timeout=60_000)
    caption = page.locator("h2").first.inner_text().strip()
    assert len(caption.split()) >= 2
    assert page.get_by_text("the 224 x 224 square the CNN sees").count() == 1
    assert page.locator(".stException").count() == 0
    page.locator(".stVegaLiteChart").first.wait_for(timeout=30_000)
    page.mouse.move(0, 0)
    page.wait_for_timeout(1500)
    shot = screenshot_path(tmp_path, "caption.png")
    page.screenshot(path=str(shot), full_page=True)
    page.close()


def test_type_a_sentence_and_see_the_label(app_url, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1500})
    page.goto(f"{app_url}/sentiment")
    page.get_by_role("heading", name="Sentiment").wait_for(timeout=30_000)
    page.locator("textarea").fill("What a wonderful, heartwarming film. I loved every minute.")
    page.get_by_role("button", name="Analyse").click()
    page.get_by_role("heading", name=re.compile("Positive")).wait_for(timeout=30_000)
    page.get_by_text("How it got there").wait_for()
    assert page.locator(".stException").count() == 0
    page.locator(".stVegaLiteChart").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)  # let the chart finish drawing
    shot = screenshot_path(tmp_path, "sentiment.png")
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes().startswith(b"\x89PNG")
    page.close()


def test_type_a_prompt_and_click_a_suggestion(app_url, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1300})
    page.goto(f"{app_url}/next-word")
    page.get_by_role("heading", name="Next word").wait_for(timeout=30_000)
    box = page.get_by_label("Your text")
    box.fill("It is a truth universally ")
    box.press("Enter")
    page.get_by_text("The next word could be").wait_for(timeout=30_000)
    wait_until_idle(page)
    suggestion = page.locator(".st-key-suggestion_0 button").first
    word = suggestion.inner_text().strip()
    suggestion.click()
    page.wait_for_function("(expected) => document.querySelector('input[aria-label=\"Your text\"]').value === expected",
                           arg=append_word("It is a truth universally ", word), timeout=30_000)
    assert page.locator(".stException").count() == 0
    page.mouse.move(0, 0)  # no tooltip over the page in the screenshot
    page.wait_for_timeout(1000)
    shot = screenshot_path(tmp_path, "nextword.png")
    page.screenshot(path=str(shot), full_page=True)
    page.close()


def test_gradient_lab_shows_its_three_panels(app_url, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 3300})
    page.goto(f"{app_url}/gradient-lab")
    page.get_by_role("heading", name="3. Inside the gates").wait_for(timeout=60_000)
    wait_until_idle(page)
    page.locator(".stVegaLiteChart").nth(8).wait_for(timeout=30_000)
    assert page.locator(".stException").count() == 0 and page.locator(".stAlert").count() == 0
    page.mouse.move(0, 0)
    page.wait_for_timeout(1500)
    shot = screenshot_path(tmp_path, "gradient_lab.png")
    page.screenshot(path=str(shot), full_page=True)
    page.close()


def test_50_concurrent_sessions_each_get_their_own_verdict(app_url, browser):
    """50 browser sessions open at once on one server, all asking at the same time: each shows the
    verdict for its own text (the one the classifier gives it alone), none shows an error."""
    from serving.sentiment.classifier import SentimentClassifier

    texts = [f"{opening} (review {i})" for i, opening in enumerate(
        ["What a wonderful, heartwarming film.", "The battery died after a day, useless.",
         "The meeting has been moved to Thursday.", "Not bad at all, better than I expected!",
         "I wanted to love this phone, but it broke."] * (SESSIONS // 5))]
    expected = [result.label.capitalize() for result in SentimentClassifier.load().predict(texts)]
    context = browser.new_context()
    start = time.perf_counter()
    pages = [context.new_page() for _ in texts]
    for page in pages:
        page.goto(f"{app_url}/sentiment", wait_until="commit")
    for page, text in zip(pages, texts):
        page.get_by_role("heading", name="Sentiment").wait_for(timeout=180_000)
        page.locator("textarea").fill(text)
        page.get_by_role("button", name="Analyse").click()
    shown = []
    for page in pages:
        page.get_by_text("How it got there").wait_for(timeout=180_000)
        shown.append(page.locator("h2").first.inner_text())
        assert page.locator(".stException").count() == 0 and page.locator(".stAlert").count() == 0
    seconds = time.perf_counter() - start
    context.close()
    mismatched = [(text, label, heading) for text, label, heading in zip(texts, expected, shown) if label not in heading]
    print(f"\nload: {SESSIONS} concurrent browser sessions answered in {seconds:.1f} s, {len(mismatched)} wrong")
    assert not mismatched, mismatched[:3]


def test_models_page_loads_in_the_browser(app_url, browser):
    page = browser.new_page()
    page.goto(f"{app_url}/models")
    page.get_by_text("Execution provider").first.wait_for(timeout=30_000)
    assert page.locator(".stException").count() == 0
    page.close()
