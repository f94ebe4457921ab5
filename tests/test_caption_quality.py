"""A guard on the committed caption model with real photos it never saw (scikit-image's samples).

The decoder's vocabulary is what Tux Paint photographed (README: Caption, limits); where the CNN is
sure of what the decoder looked at, it names it (captioner/grounding.py). Of the gallery photos the
coffee, the cat and the motorcycle are named that way (measured, README); the rocket and the
astronaut are not, so for them only a well-formed caption is asked."""
import pytest
from PIL import Image

from captioner.captioning import Captioner
from captioner.image_input import load_image
from datafetch.sources import SAMPLE_PHOTOS, sample_photos

NAMES = {"Coffee": {"mug", "cup", "glass", "teapot", "kettle", "pitcher", "espresso"}, "Cat": {"cat"},
         "Motorcycle": {"moped", "motorcycle", "scooter"}}


@pytest.fixture(scope="module")
def captions() -> dict:
    by_title = sample_photos()
    photos: list[Image.Image] = [load_image(data) for data in by_title.values()]
    return dict(zip(by_title, Captioner.load().caption(photos, beam_size=3)))


@pytest.mark.parametrize("photo", NAMES)
def test_what_is_in_the_photo_is_named(captions, photo):
    assert NAMES[photo] & set(captions[photo].words), captions[photo].caption


@pytest.mark.parametrize("photo", SAMPLE_PHOTOS)
def test_captions_are_well_formed(captions, photo):
    result = captions[photo]
    assert 3 <= len(result.words) <= 20 and "<unk>" not in result.words and "<end>" not in result.words
    assert result.words[0] in {"a", "an", "the", "two", "some", "our", "santa"}
    assert result.caption.split()[-1] in {"background", "grass", "gravel", "wall"}
