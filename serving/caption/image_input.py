"""Turn uploaded image bytes into the encoder's input (serving side: Pillow and numpy, no torch).

EXIF orientation is applied, transparency is composited on white, animations give their first
frame, and images are refused before decoding when they declare more pixels than MAX_PIXELS or fewer
than MIN_SIDE on a side.
"""
from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_SIZE = 224
MEAN, STD = 0.5, 0.5  # the TF-Lite convention of EfficientNet-Lite: (x / 255 - 0.5) / 0.5
MAX_PIXELS = 60_000_000
MIN_SIDE = 8  # below this on either side there is nothing to recognise: a message, not a guess


class ImageInputError(ValueError):
    """The bytes are not a usable image; str(err) is a one-line message for the user."""


def load_image(data: bytes) -> Image.Image:
    """Decode `data` into an upright RGB image, or raise ImageInputError."""
    if not data:
        raise ImageInputError("the file is empty")
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise ImageInputError(f"the image is too large ({image.width} x {image.height} pixels; "
                                  f"the limit is {MAX_PIXELS // 1_000_000} megapixels)")
        if min(image.width, image.height) < MIN_SIDE:
            raise ImageInputError(f"the image is too small to see anything in ({image.width} x {image.height} "
                                  f"pixels; at least {MIN_SIDE} on each side)")
        image.draft("RGB", (IMAGE_SIZE * 2, IMAGE_SIZE * 2))  # JPEG: decode at reduced size, fast
        image.seek(0)
        image = ImageOps.exif_transpose(image)
        if image.mode in ("I", "I;16", "I;16B", "I;16L"):  # 16-bit grayscale: Pillow's convert would clip to white
            image = Image.fromarray((np.asarray(image, np.float64) / 257.0).clip(0, 255).astype(np.uint8))
        if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
            rgba = image.convert("RGBA")
            background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            image = Image.alpha_composite(background, rgba)
        return image.convert("RGB")
    except ImageInputError:
        raise
    except Image.DecompressionBombError:  # Pillow refuses the largest before their size can be read
        raise ImageInputError(f"the image is too large (the limit is {MAX_PIXELS // 1_000_000} "
                              "megapixels)") from None
    except UnidentifiedImageError:
        raise ImageInputError("this is not an image that can be read: use a JPEG, PNG, WebP or GIF "
                              "photo") from None
    except (OSError, ValueError, SyntaxError):
        raise ImageInputError("the image is damaged or cut short and cannot be read: try another copy of "
                              "it") from None


def center_crop(image: Image.Image) -> Image.Image:
    """The 224 x 224 square the encoder sees: shorter side resized to 224, centre crop.
    Attention maps are drawn over this square."""
    scale = IMAGE_SIZE / min(image.size)
    width, height = max(IMAGE_SIZE, round(image.width * scale)), max(IMAGE_SIZE, round(image.height * scale))
    resized = image.resize((width, height), Image.BICUBIC, reducing_gap=3.0)
    left, top = (width - IMAGE_SIZE) // 2, (height - IMAGE_SIZE) // 2
    return resized.crop((left, top, left + IMAGE_SIZE, top + IMAGE_SIZE))


def to_model_input(image: Image.Image) -> np.ndarray:
    """[3, 224, 224] float32: the centre crop, normalised."""
    crop = np.asarray(center_crop(image), dtype=np.float32)
    return ((crop / 255.0 - MEAN) / STD).transpose(2, 0, 1).copy()
