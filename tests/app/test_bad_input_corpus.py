"""The bad-input corpus, end to end: every kind, made here, goes through the app and the CLI.

Unusable input gets one clear message (no traceback, the rest of the page intact; in the CLI a
non-zero exit with the other inputs still processed); unusual but valid input gets a result.
"""
import io
import json
import os
import subprocess
import tomllib
import zipfile

import numpy as np
import pytest
import streamlit as st
from PIL import Image
from streamlit.testing.v1 import AppTest

from app.common import escape_markdown
from serving.caption.image_input import MAX_PIXELS
from tests.conftest import REPO_ROOT, RNNAPP, encoded


def zipped() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return buffer.getvalue()


def exif_rotated() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees on display
    return encoded(Image.new("RGB", (80, 40), (20, 120, 200)), "JPEG", exif=exif)


def animated_gif() -> bytes:
    frames = [Image.new("P", (60, 40), i * 40) for i in range(3)]
    return encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


PHOTO = Image.fromarray(np.random.default_rng(0).integers(0, 255, (48, 64, 3), dtype=np.uint8))
JPEG = encoded(PHOTO, "JPEG")
BOMB_SIDE = int(MAX_PIXELS ** 0.5) + 100

UNUSABLE_IMAGES = {  # file name -> bytes: each must be refused with one message
    "empty.jpg": lambda: b"",
    "text-renamed.jpg": lambda: b"just some notes, not a photo",
    "pdf-renamed.png": lambda: b"%PDF-1.4\n1 0 obj << >> endobj\n",
    "zip-renamed.jpg": zipped,
    "drawing-renamed.png": lambda: b"<svg xmlns='http://www.w3.org/2000/svg'><circle r='4'/></svg>",
    "truncated.jpg": lambda: JPEG[: len(JPEG) // 2],
    "bomb.png": lambda: encoded(Image.new("1", (BOMB_SIDE, BOMB_SIDE)), "PNG"),
    "twenty-thousand.png": lambda: encoded(Image.new("1", (20_000, 20_000)), "PNG"),
    "one-pixel.png": lambda: encoded(Image.new("RGB", (1, 1), (255, 0, 0)), "PNG"),
}
VALID_IMAGES = {  # file name -> bytes: each must be captioned
    "cmyk.jpg": lambda: encoded(PHOTO.convert("CMYK"), "JPEG"),
    "sixteen-bit.png": lambda: encoded(Image.fromarray(np.full((48, 64), 40000, np.uint16)), "PNG"),
    "palette.png": lambda: encoded(PHOTO.convert("P", palette=Image.ADAPTIVE), "PNG"),
    "grayscale.jpg": lambda: encoded(PHOTO.convert("L"), "JPEG"),
    "alpha.png": lambda: encoded(PHOTO.convert("RGBA"), "PNG"),
    "animated.gif": animated_gif,
    "sliver.png": lambda: encoded(Image.new("RGB", (8, 4000), (0, 90, 0)), "PNG"),
    "exif-rotated.jpg": exif_rotated,
    "photo.webp": lambda: encoded(PHOTO, "WEBP"),
    "huge.jpg": lambda: encoded(Image.new("RGB", (8000, 6000), (30, 90, 160)), "JPEG", quality=70),
}
LONG_TEXT = "The plot is thin but the music is wonderful. " * 4500  # about 200,000 characters
UNREADABLE_TEXTS = {"empty": "", "whitespace only": " \t \n ", "control and ANSI only": "\x1b[31m\x00\x07\x1b[0m"}
VALID_TEXTS = {
    "200,000 characters": LONG_TEXT,
    "control characters and ANSI escapes": "\x1b[1mGreat\x1b[0m film,\x07 loved it",
    "emoji": "Loved it \U0001F60D\U0001F44D best day ever",
    "right-to-left script": "\u05d6\u05d4 \u05e1\u05e8\u05d8 \u05d8\u05d5\u05d1 "  # Hebrew, then Arabic
                            "\u0647\u0630\u0627 \u0631\u0627\u0626\u0639",
    "script tag": "<script>alert('x')</script> what a lovely surprise",
    "markdown injection": "# Title **bold** [link](http://example.com) ![img](x.png) | table |",
}
KINDS = len(UNUSABLE_IMAGES) + len(VALID_IMAGES) + len(UNREADABLE_TEXTS) + len(VALID_TEXTS) + 1  # + invalid UTF-8


def test_the_corpus_has_at_least_25_kinds():
    assert KINDS >= 25


@pytest.fixture(scope="module")
def image_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    for name, make in {**UNUSABLE_IMAGES, **VALID_IMAGES}.items():
        (folder / name).write_bytes(make())
    return folder


def caption_page() -> AppTest:
    return AppTest.from_file(str(REPO_ROOT / "app" / "caption_page.py"), default_timeout=60).run()


@pytest.mark.parametrize("name", [*UNUSABLE_IMAGES, *VALID_IMAGES])
def test_every_image_kind_in_the_app(name, image_folder):
    app = caption_page()
    app.file_uploader(key="caption_upload_0").upload(name, (image_folder / name).read_bytes(), "image/jpeg").run()
    assert not app.exception
    captions = [m.value for m in app.markdown if m.value.startswith("## ")]
    if name in UNUSABLE_IMAGES:
        said = app.error[0].value if len(app.error) == 1 else ""
        assert said.startswith(escape_markdown(name)) and "\n" not in said
        assert not captions and [b.label for b in app.button][:1] == ["Cat"]  # the rest of the page is intact
    else:
        assert not app.error and len(captions) == 1 and len(captions[0].split()) >= 3


def test_every_image_kind_in_the_cli(image_folder):
    done = subprocess.run([RNNAPP, "caption", "--json", str(image_folder)], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    captioned = {os.path.basename(json.loads(line)["image"]) for line in done.stdout.splitlines()}
    assert captioned == set(VALID_IMAGES)
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == len(UNUSABLE_IMAGES) and all(any(n in e for e in errors) for n in UNUSABLE_IMAGES)


def text_page(name: str, text: str) -> AppTest:
    """The text page `name` run on `text` (typed into its box), with the models loaded afresh."""
    st.cache_resource.clear()
    app = AppTest.from_file(str(REPO_ROOT / "app" / f"{name}_page.py"), default_timeout=60)
    app.session_state[f"{name}_text"] = text
    return app.run()


@pytest.mark.parametrize("kind", [*UNREADABLE_TEXTS, *VALID_TEXTS])
def test_every_text_kind_in_the_app(kind):
    app = text_page("sentiment", {**UNREADABLE_TEXTS, **VALID_TEXTS}[kind])
    assert not app.exception and not app.error
    verdicts = [m.value for m in app.markdown if m.value.startswith("## ")]
    if kind in UNREADABLE_TEXTS:
        assert not verdicts and len(app.info) + len(app.warning) == 1
    else:
        assert len(verdicts) == 1 and len(app.get("vega_lite_chart")) == 2  # the probabilities, the curve
        shown = "\n".join(m.value for m in app.markdown)
        assert "<script>" not in shown and "](http" not in shown  # user text never becomes HTML or links
    if kind == "200,000 characters":
        assert "the model read only its first" in app.warning[0].value and "(202,500 characters)" in app.warning[0].value


def test_every_text_kind_in_the_cli():
    lines = [*UNREADABLE_TEXTS.values(), *VALID_TEXTS.values()]
    stdin = b"\n".join(t.replace("\n", " ").encode() for t in lines) + b"\n\xff\xfe not UTF-8\n"
    done = subprocess.run([RNNAPP, "sentiment", "--json"], input=stdin, cwd=REPO_ROOT,
                          capture_output=True, timeout=300)
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    results = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(results) == len(VALID_TEXTS) and all(r["label"] in ("negative", "neutral", "positive") for r in results)
    errors = [line for line in done.stderr.decode().splitlines() if line.startswith("error:")]
    assert len(errors) == len(UNREADABLE_TEXTS) + 1


def test_the_upload_limit_is_set_and_the_uploader_says_it():
    with open(REPO_ROOT / ".streamlit" / "config.toml", "rb") as config:
        limit = tomllib.load(config)["server"]["maxUploadSize"]
    uploader = caption_page().file_uploader(key="caption_upload_0")
    assert uploader.proto.max_upload_size_mb == limit == 20  # the browser refuses a larger file before sending it
    assert f"up to {limit} MB" in uploader.proto.help


@pytest.mark.parametrize("kind", [*UNREADABLE_TEXTS, *VALID_TEXTS])
def test_every_text_kind_in_the_ner_page(kind):
    app = text_page("ner", {**UNREADABLE_TEXTS, **VALID_TEXTS}[kind])
    assert not app.exception and not app.error
    charts = app.get("vega_lite_chart")
    if kind in UNREADABLE_TEXTS:
        assert not charts and len(app.info) + len(app.warning) == 1
    else:
        assert len(charts) == 2  # tag probabilities, per-word losses
        marked = app.get("html")[0].proto.body  # the text with its names marked
        assert "<script>" not in marked  # user text is escaped, never HTML
    if kind == "script tag":
        assert "&lt;script&gt;" in marked
    if kind == "200,000 characters":
        assert "read only its first 256 words" in app.warning[0].value


def test_every_text_kind_in_the_ner_cli():
    lines = [*UNREADABLE_TEXTS.values(), *VALID_TEXTS.values()]
    stdin = b"\n".join(t.replace("\n", " ").encode() for t in lines) + b"\n\xff\xfe not UTF-8\n"
    done = subprocess.run([RNNAPP, "ner", "--json"], input=stdin, cwd=REPO_ROOT, capture_output=True, timeout=300)
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    results = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(results) == len(VALID_TEXTS) and all(set(r) == {"text", "entities", "tokens", "truncated", "warnings"}
                                                    for r in results)
    warned = {kind for kind, result in zip(VALID_TEXTS, results) if result["warnings"]}
    assert warned == {"right-to-left script"}, warned  # Hebrew and Arabic are not English; the rest is
    errors = [line for line in done.stderr.decode().splitlines() if line.startswith("error:")]
    assert len(errors) == len(UNREADABLE_TEXTS) + 1


@pytest.mark.parametrize("kind", [*UNREADABLE_TEXTS, *VALID_TEXTS])
def test_every_text_kind_in_the_translate_page(kind):
    app = text_page("translate", {**UNREADABLE_TEXTS, **VALID_TEXTS}[kind])
    assert not app.exception and not app.error
    charts = app.get("vega_lite_chart")
    if kind in UNREADABLE_TEXTS:
        assert not charts and len(app.info) + len(app.warning) == 1
    else:
        assert len(charts) == 1 and len(app.dataframe) == 1  # the attention heatmap, the n-best list
        assert all("<script>" not in h.proto.body for h in app.get("html")[:2])  # user text is escaped
    if kind == "200,000 characters":
        assert "only its first words were translated" in app.warning[0].value


def test_every_text_kind_in_the_translate_cli():
    lines = [*UNREADABLE_TEXTS.values(), *VALID_TEXTS.values()]
    stdin = b"\n".join(t.replace("\n", " ").encode() for t in lines) + b"\n\xff\xfe not UTF-8\n"
    done = subprocess.run([RNNAPP, "translate", "--json", "--beam", "2"], input=stdin, cwd=REPO_ROOT,
                          capture_output=True, timeout=300)
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    results = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(results) == len(VALID_TEXTS) and all(isinstance(r["translation"], str) for r in results)
    errors = [line for line in done.stderr.decode().splitlines() if line.startswith("error:")]
    assert len(errors) == len(UNREADABLE_TEXTS) + 1
