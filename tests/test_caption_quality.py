"""A guard on the committed caption model with real photos it never saw (scikit-image's samples).

The vocabulary is what Tux Paint photographed (README: Caption, limits): of the gallery photos only
the coffee cup has a look-alike among the cut-outs, so that is the one whose object must be named;
every caption must be well-formed."""
import pytest
from PIL import Image

from captioner.captioning import Captioner
from captioner.image_input import load_image
from datafetch.archives import zip_member
from datafetch.registry import fetch
from datafetch.sources import SCIKIT_IMAGE

GALLERY = ["chelsea.png", "coffee.png", "rocket.jpg", "astronaut.png", "motorcycle_left.png"]
VESSELS = {"mug", "cup", "glass", "teapot", "kettle", "pitcher"}


@pytest.fixture(scope="module")
def captions() -> dict:
    wheel = fetch(SCIKIT_IMAGE)
    photos: list[Image.Image] = [load_image(zip_member(wheel, f"skimage/data/{name}")) for name in GALLERY]
    return dict(zip(GALLERY, Captioner.load().caption(photos, beam_size=3)))


def test_the_coffee_cup_is_named(captions):
    assert VESSELS & set(captions["coffee.png"].words), captions["coffee.png"].caption


@pytest.mark.parametrize("photo", GALLERY)
def test_captions_are_well_formed(captions, photo):
    result = captions[photo]
    assert 3 <= len(result.words) <= 20 and "<unk>" not in result.words and "<end>" not in result.words
    assert result.words[0] in {"a", "an", "the", "two", "some", "our", "santa"}
    assert result.caption.split()[-1] in {"background", "grass", "gravel", "wall"}
