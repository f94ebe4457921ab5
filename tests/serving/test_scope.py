"""Can this model read this: the warnings every page and command shows beside an out-of-scope result."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image, ImageDraw

from serving.caption.gallery import photo_bytes
from serving.caption.image_input import load_image
from serving.scope import FLAT_SHARE, flat_share, image_warnings, text_warnings
from tests.conftest import REPO_ROOT
from training.caption.real_photos import CHECK_PHOTOS

ENGLISH = ["Dhaval loves baby yoda", "Bob told Ahmed that pizza is delivered", "How are you?", "ok",
           "Angela Merkel met Emmanuel Macron in Paris to talk about the European Union.",
           "gr8 movie, 10/10", "omg this is sooo gud", "The file could not be saved because the disk is full.",
           "I couldn't be happier with the result.", "Mr. Darcy walked with Elizabeth to Longbourn.", "   "]


@pytest.mark.parametrize("text", ENGLISH)
def test_english_of_every_kind_gets_no_warning(text):
    assert text_warnings(text) == []


@pytest.mark.parametrize("text,reason", [
    ("这部电影很好看", "Chinese or Japanese characters"),
    ("Привет, как дела?", "Cyrillic"),
    ("😀😀😀 🎉", "no words"),
    ("#$%^&* 123 abc", "mostly symbols"),
    ("Je suis allé au marché avec mon frère", "does not read as English"),
    ("Das ist nicht gut, aber schnell", "does not read as English"),
    ("a", "too short"),
])
def test_what_is_not_english_says_why(text, reason):
    warnings = text_warnings(text)
    assert warnings and reason in " ".join(warnings), warnings


def test_the_words_it_does_not_know_are_named_six_at_most():
    [warning] = text_warnings("Hola, ¿cómo estás?")
    assert "Hola, cómo, estás)" in warning
    [warning] = text_warnings("Je suis allé au marché avec mon frère et ma sœur hier soir")
    assert "Je, suis, allé, marché, avec, mon, ...)" in warning


def test_a_first_keystroke_is_not_too_short_for_a_keyboard():
    assert text_warnings("I") and text_warnings("I", short_is_fine=True) == []
    assert text_warnings("这", short_is_fine=True)  # another script is still said


def photo(width: int, height: int) -> Image.Image:
    return Image.fromarray(np.random.default_rng(0).integers(0, 256, (height, width, 3), dtype=np.uint8))


def test_a_tiny_picture_says_so():
    assert image_warnings(photo(40, 30)) == [
        "The picture is very small (40 x 30 pixels): what is seen in it may be wrong."]
    assert image_warnings(photo(64, 64)) == []


def test_a_drawing_is_not_a_photo():
    drawing = Image.new("RGB", (400, 300), "white")
    pen = ImageDraw.Draw(drawing)
    pen.ellipse((50, 50, 200, 200), fill="red")
    pen.rectangle((220, 100, 380, 280), fill="blue")
    assert "not a photo" in " ".join(image_warnings(drawing))


@pytest.mark.slow  # decodes the 157 photos of the photo check
def test_no_photo_of_the_photo_check_is_taken_for_a_drawing():
    flat = {title: flat_share(load_image(data)) for title, data in photo_bytes(CHECK_PHOTOS).items()}
    assert len(flat) == len(CHECK_PHOTOS) and max(flat.values()) < FLAT_SHARE, max(flat.items(), key=lambda i: i[1])


@pytest.mark.parametrize("command", [["sentiment"], ["ner"], ["translate"], ["nextword"]])
def test_every_text_command_carries_the_warnings(command):
    done = subprocess.run([sys.executable, "-m", "serving.rnnapp", *command, "--json", "这部电影很好看"],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Chinese" in json.loads(done.stdout)["warnings"][0]
    plain = subprocess.run([sys.executable, "-m", "serving.rnnapp", *command, "😀😀😀"], cwd=REPO_ROOT,
                           capture_output=True, text=True, timeout=120)
    assert "(warning: There are no words here" in plain.stdout and len(plain.stdout.splitlines()) == 1, plain
