"""A guard on the committed caption model with real photos it never saw (scikit-image's samples).

The vocabulary is what Tux Paint photographed (README: Caption, limits): of the gallery photos only
the coffee cup has a look-alike among the cut-outs, so that is the one whose object must be named;
every caption must be well-formed."""
import pytest
from PIL import Image

from captioner.captioning import Captioner
from captioner.image_input import load_image
from datafetch.sources import SAMPLE_PHOTOS, sample_photos

VESSELS = {"mug", "cup", "glass", "teapot", "kettle", "pitcher"}


@pytest.fixture(scope="module")
def captions() -> dict:
    by_title = sample_photos()
    photos: list[Image.Image] = [load_image(data) for data in by_title.values()]
    return dict(zip(by_title, Captioner.load().caption(photos, beam_size=3)))


def test_the_coffee_cup_is_named(captions):
    assert VESSELS & set(captions["Coffee"].words), captions["Coffee"].caption


@pytest.mark.parametrize("photo", SAMPLE_PHOTOS)
def test_captions_are_well_formed(captions, photo):
    result = captions[photo]
    assert 3 <= len(result.words) <= 20 and "<unk>" not in result.words and "<end>" not in result.words
    assert result.words[0] in {"a", "an", "the", "two", "some", "our", "santa"}
    assert result.caption.split()[-1] in {"background", "grass", "gravel", "wall"}
