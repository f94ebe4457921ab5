"""Image bytes -> encoder input: orientation, transparency, frames, and refusals with a message."""
import io
import re

import numpy as np
import pytest
from PIL import Image

from serving.caption.image_input import MAX_PIXELS, ImageInputError, load_image, to_model_input
from tests.conftest import encoded


def test_model_input_shape_and_range():
    x = to_model_input(load_image(encoded(Image.new("RGB", (640, 480), (255, 0, 0)), "JPEG")))
    assert x.shape == (3, 224, 224) and x.dtype == np.float32
    assert x[0].mean() == pytest.approx(1.0, abs=0.02) and x[1].mean() == pytest.approx(-1.0, abs=0.02)


def test_transparency_is_composited_on_white():
    image = load_image(encoded(Image.new("RGBA", (10, 10), (0, 0, 0, 0)), "PNG"))
    assert image.mode == "RGB" and image.getpixel((5, 5)) == (255, 255, 255)


def test_exif_orientation_is_applied():
    wide = Image.new("RGB", (40, 20), (0, 0, 255))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees
    assert load_image(encoded(wide, "JPEG", exif=exif)).size == (20, 40)


@pytest.mark.parametrize("size", [(8, 8), (8, 4000)])
def test_small_and_extreme_shapes_still_give_model_input(size):
    assert to_model_input(load_image(encoded(Image.new("L", size, 128), "PNG"))).shape == (3, 224, 224)


@pytest.mark.parametrize("size", [(1, 1), (7, 300), (300, 2)])
def test_images_too_small_to_see_anything_are_refused(size):
    with pytest.raises(ImageInputError, match=f"too small to see anything in \\({size[0]} x {size[1]} pixels"):
        load_image(encoded(Image.new("RGB", size, (255, 0, 0)), "PNG"))


def test_a_twenty_thousand_pixel_square_is_refused_before_decoding():
    with pytest.raises(ImageInputError, match="too large \\(the limit is 60 megapixels\\)"):
        load_image(encoded(Image.new("1", (20_000, 20_000)), "PNG"))


def test_animated_gif_gives_its_first_frame():
    frames = [Image.new("P", (16, 16), colour) for colour in (1, 2)]
    data = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:])
    assert load_image(data).size == (16, 16)


@pytest.mark.parametrize("data,message", [
    (b"", "empty"), (b"hello, this is text", "not an image"), (b"%PDF-1.4\n", "not an image"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not an image"),
])
def test_unusable_bytes_are_refused_with_a_message(data, message):
    with pytest.raises(ImageInputError, match=message) as refused:
        load_image(data)
    assert not re.search(r"Error|\(\w+\)", str(refused.value))  # words for people, no Python class names


def test_truncated_jpeg_is_refused():
    data = encoded(Image.new("RGB", (200, 200), (10, 200, 30)), "JPEG")
    with pytest.raises(ImageInputError, match="damaged or cut short") as refused:
        to_model_input(load_image(data[: len(data) // 2]))
    assert "Error" not in str(refused.value)


def test_decompression_bomb_is_refused_before_decoding():
    side = int(MAX_PIXELS ** 0.5) + 100
    data = encoded(Image.new("1", (side, side)), "PNG")  # a few kB that claim ~60 megapixels
    assert len(data) < 200_000
    with pytest.raises(ImageInputError, match="too large"):
        load_image(data)


def test_zip_renamed_as_an_image_is_refused():
    buffer = io.BytesIO()
    import zipfile
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "hello")
    with pytest.raises(ImageInputError, match="not an image"):
        load_image(buffer.getvalue())


@pytest.mark.parametrize("kind", ["cmyk-jpeg", "16-bit-png", "palette-png", "grayscale-jpeg", "webp", "bmp"])
def test_unusual_but_valid_images_become_rgb_model_input(kind):
    base = Image.new("RGB", (64, 48), (200, 40, 40))
    data = {
        "cmyk-jpeg": lambda: encoded(base.convert("CMYK"), "JPEG"),
        "16-bit-png": lambda: encoded(Image.fromarray(np.full((48, 64), 40000, np.uint16)), "PNG"),
        "palette-png": lambda: encoded(base.convert("P", palette=Image.ADAPTIVE), "PNG"),
        "grayscale-jpeg": lambda: encoded(base.convert("L"), "JPEG"),
        "webp": lambda: encoded(base, "WEBP"),
        "bmp": lambda: encoded(base, "BMP"),
    }[kind]()
    image = load_image(data)
    assert image.mode == "RGB" and image.size == (64, 48)
    if kind == "16-bit-png":
        assert image.getpixel((5, 5)) == (155, 155, 155)  # 40000 / 65535 of full scale, not clipped to white
    x = to_model_input(image)
    assert x.shape == (3, 224, 224) and np.isfinite(x).all() and -1.0 <= x.min() <= x.max() <= 1.0


def test_very_large_jpeg_is_decoded_reduced():
    data = encoded(Image.new("RGB", (8000, 6000), (30, 90, 160)), "JPEG", quality=70)
    image = load_image(data)
    assert max(image.size) <= 2000  # JPEG draft mode decodes at a fraction of the size
    assert image.size[0] * 3 == image.size[1] * 4  # the aspect ratio is kept
