"""Captioned training scenes made from real photo cut-outs (training side: Pillow and numpy).

No captioned photo collection can be fetched here, so scenes are composed: Tux Paint's photo
cut-outs (Debian `tuxpaint-stamps-default`, each PNG with a one-line English description) are
pasted onto plain, gradient and photographed-texture backgrounds at random scale, position,
rotation and colour, one to three per scene, and the caption is written from the descriptions
and the layout: "a giraffe next to a red apple on the grass". Close-ups enlarge one cut-out past
the frame's edges, as most everyday photos are framed: "a close-up of a giraffe". Procedural
shapes ("a red circle") go through the same compositor for fast tests. Stamps are split by file, so the test
scenes show photos the decoder never saw.
"""
from __future__ import annotations

import io
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageOps

from datafetch.archives import deb_members, zip_member

STAMPS_DIR = "usr/share/tuxpaint/stamps/"
# Folders of drawings, symbols, signs and scenes rather than photographed things.
SKIPPED_FOLDERS = ("symbols/", "military/", "naturalforces/", "people/")
STAMP_MAX_SIDE = 256
SCENE_SIZE = 224
# Descriptions that are a sentence rather than a name.
PHRASE_OVERRIDES = {"food/broccoli": "a head of broccoli", "household/toilet": "a toilet",
                    "household/wheelie_bin": "a wheelie bin", "seasonal/Santa": "santa claus",
                    "household/measuring_tape": "a measuring tape", "animals/edward_bear": "a teddy bear",
                    "animals/bluegroper": "a blue groper", "plants/rambutan": "a rambutan tree",
                    "food/tomato": "a ripe red tomato", "seasonal/menorah": "a menorah",
                    "sports/australian_rules_football": "an australian rules football",
                    "animals/gnu-baby": "a baby gnu", "animals/gnu-baby-stand": "a baby gnu"}
_CUT_AT = re.compile(r"—|–| - |\(|,|!|\.|:|;| is | are | means | resembles | lets | stands | carries ")
_ARTICLES = ("a ", "an ", "the ", "two ", "some ", "our ")
_QUANTITIES = {"pair", "head", "bunch", "string", "quarter", "plant", "piece"}
_PREPOSITIONS = {"in", "with", "making", "from", "at", "on", "as", "inside", "hatched", "covered", "to", "for"}


@dataclass(frozen=True)
class Stamp:
    """A cut-out (RGBA) and what to call it in a caption."""

    key: str  # e.g. "animals/zebra": top folder and file stem
    phrase: str  # e.g. "a zebra"
    image: Image.Image

    @property
    def noun(self) -> str:
        return head_noun(self.phrase)


@dataclass(frozen=True)
class Background:
    phrase: str  # e.g. "on the grass"
    image: Image.Image  # RGB, any size; scenes take random crops


@dataclass(frozen=True)
class Scene:
    image: Image.Image
    caption: str
    nouns: tuple[str, ...]  # the head noun of every object in it, for object-word recall


def object_phrase(description: str) -> str | None:
    """"A “Fuji” apple." -> "a fuji apple"; None when the text is a sentence, not a name."""
    text = re.sub(r"[“”\"]", "", description.strip().split("\n")[0])
    text = re.sub(r"'(\w+)'", r"\1", text).replace("’", "'")
    text = _CUT_AT.split(" " + text + " ", maxsplit=1)[0].strip().lower()
    text = re.sub(r"^another ", "a ", text)
    if not text.startswith(_ARTICLES) or not 2 <= len(text.split()) <= 6:
        return None
    return text


def head_noun(phrase: str) -> str:
    """The word that names the thing: "a pair of cherries" -> "cherries", "a glass of water" -> "glass"."""
    words = phrase.split()[1:]
    for index, word in enumerate(words):
        if word in _PREPOSITIONS and index:
            words = words[:index]
            break
    if "of" in words:
        at = words.index("of")
        words = words[at + 1:] if words[at - 1] in _QUANTITIES else words[:at]
    return words[-1]


def _shrunk(image: Image.Image) -> Image.Image:
    image = image.convert("RGBA")
    box = image.getbbox()  # drop fully transparent margins
    image = image.crop(box) if box else image
    image.thumbnail((STAMP_MAX_SIDE, STAMP_MAX_SIDE), Image.LANCZOS)
    return image


def read_stamps(deb: Path) -> list[Stamp]:
    """Every photo cut-out of the Tux Paint stamps package that has a usable name."""
    pictures, descriptions = {}, {}
    for name, data in deb_members(deb):
        relative = name.split(STAMPS_DIR, 1)[-1]
        if STAMPS_DIR not in name or relative.startswith(SKIPPED_FOLDERS) or "/cartoon/" in relative:
            continue
        stem, suffix = relative.rsplit(".", 1)
        if suffix == "png":
            pictures[stem] = data
        elif suffix == "txt":
            descriptions[stem] = data.decode("utf-8", "replace")
    return stamps_from(pictures, descriptions)


def stamps_from(pictures: dict[str, bytes], descriptions: dict[str, str]) -> list[Stamp]:
    """Stamps from PNG bytes and description texts keyed by their path without suffix."""
    stamps = []
    for stem in sorted(pictures):
        key = f"{stem.split('/')[0]}/{stem.rsplit('/', 1)[-1]}"
        phrase = PHRASE_OVERRIDES.get(key) or (object_phrase(descriptions[stem]) if stem in descriptions else None)
        if phrase:
            stamps.append(Stamp(key, phrase, _shrunk(Image.open(io.BytesIO(pictures[stem])))))
    return stamps


def split_stamps(stamps: list[Stamp], seed: int = 0, novel_nouns: int = 0,
                 nameable: Collection[str] = ()) -> dict[str, list[Stamp]]:
    """Hold out whole stamp files: for every noun with 2+ stamps one goes to test, with 3+ one to validation.

    So the test photos are unseen, yet their words were learnt from other photos of the same thing.
    With `novel_nouns`, that many nouns with a single stamp and a word in `nameable` (the CNN's
    class names) are taken out of training altogether, alternately into novel_validation and
    novel_test: things the decoder never learns to say, which only the CNN can name. The other
    splits stay exactly as they are without them.
    """
    rng = np.random.default_rng(seed)
    by_noun: dict[str, list[Stamp]] = {}
    for stamp in stamps:
        by_noun.setdefault(stamp.noun, []).append(stamp)
    split = {"train": [], "validation": [], "test": []}
    for noun in sorted(by_noun):
        group = [by_noun[noun][i] for i in rng.permutation(len(by_noun[noun]))]
        if len(group) >= 2:
            split["test"].append(group.pop())
        if len(group) >= 2:
            split["validation"].append(group.pop())
        split["train"] += group
    if novel_nouns:
        words = set(nameable)
        candidates = sorted(n for n, group in by_noun.items() if len(group) == 1 and n in words)
        novel = [candidates[i] for i in np.random.default_rng(seed + 1).permutation(len(candidates))[:novel_nouns]]
        split["novel_validation"] = [s for s in split["train"] if s.noun in novel[0::2]]
        split["novel_test"] = [s for s in split["train"] if s.noun in novel[1::2]]
        split["train"] = [s for s in split["train"] if s.noun not in novel]
    return split


COLOURS = {"red": (200, 30, 30), "green": (40, 150, 50), "blue": (40, 70, 200), "yellow": (235, 200, 30),
           "white": (245, 245, 245), "black": (20, 20, 20), "gray": (128, 128, 128), "brown": (120, 75, 35),
           "pink": (240, 140, 180), "orange": (240, 130, 20), "purple": (120, 50, 160)}


def shape_stamps() -> list[Stamp]:
    """Procedural circles, squares and triangles in four colours: scenes for fast tests."""
    stamps = []
    for colour in ("red", "green", "blue", "yellow"):
        for shape in ("circle", "square", "triangle"):
            image = Image.new("RGBA", (128, 128), (0, 0, 0, 0))
            draw = ImageDraw.Draw(image)
            fill = COLOURS[colour] + (255,)
            if shape == "circle":
                draw.ellipse((4, 4, 124, 124), fill=fill)
            elif shape == "square":
                draw.rectangle((12, 12, 116, 116), fill=fill)
            else:
                draw.polygon([(64, 4), (124, 124), (4, 124)], fill=fill)
            stamps.append(Stamp(f"shapes/{colour}-{shape}", f"a {colour} {shape}", image))
    return stamps


def plain_backgrounds() -> list[Background]:
    return [Background(f"on a {name} background", Image.new("RGB", (8, 8), rgb))
            for name, rgb in COLOURS.items() if name not in ("orange", "purple", "pink")]


def gradient_backgrounds() -> list[Background]:
    """Top-to-bottom fades from a colour to a lighter or darker shade of it."""
    backgrounds = []
    for name in ("blue", "green", "gray", "yellow", "red"):
        rgb = np.array(COLOURS[name], np.float32)
        for end in (np.minimum(rgb + 90, 255), rgb * 0.45):
            ramp = np.linspace(0, 1, 64, dtype=np.float32)[:, None, None]
            pixels = (rgb * (1 - ramp) + end * ramp) * np.ones((1, 64, 1), np.float32)
            backgrounds.append(Background(f"on a {name} background", Image.fromarray(pixels.astype(np.uint8))))
    return backgrounds


TEXTURES = {"grass.png": ("on the grass", (90, 150, 60)), "gravel.png": ("on gravel", (150, 140, 125)),
            "brick.png": ("in front of a brick wall", (170, 85, 60))}


def texture_backgrounds(scikit_image_wheel: Path) -> list[Background]:
    """scikit-image's photos of grass, gravel and brick (grayscale), tinted to their usual colour."""
    backgrounds = []
    for name, (phrase, rgb) in TEXTURES.items():
        gray = Image.open(io.BytesIO(zip_member(scikit_image_wheel, f"skimage/data/{name}"))).convert("L")
        backgrounds.append(Background(phrase, ImageOps.colorize(gray, (0, 0, 0), rgb, mid=tuple(c // 2 for c in rgb))))
    return backgrounds


def _background_crop(background: Background, rng: np.random.Generator) -> Image.Image:
    image = background.image
    side = int(min(image.size) * rng.uniform(0.5, 1.0))
    left, top = rng.integers(0, image.width - side + 1), rng.integers(0, image.height - side + 1)
    crop = image.crop((left, top, left + side, top + side)).resize((SCENE_SIZE, SCENE_SIZE), Image.BILINEAR)
    return ImageEnhance.Brightness(crop).enhance(rng.uniform(0.8, 1.2))


def _jittered(stamp: Stamp, longest_side: int, rng: np.random.Generator) -> Image.Image:
    image = stamp.image.transpose(Image.FLIP_LEFT_RIGHT) if rng.random() < 0.5 else stamp.image
    image = image.rotate(rng.uniform(-15, 15), resample=Image.BICUBIC, expand=True)
    scale = longest_side / max(image.size)
    image = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))), Image.BICUBIC)
    rgb, alpha = image.convert("RGB"), image.getchannel("A")
    rgb = ImageEnhance.Brightness(rgb).enhance(rng.uniform(0.8, 1.2))
    rgb = ImageEnhance.Contrast(rgb).enhance(rng.uniform(0.8, 1.2))
    rgb = ImageEnhance.Color(rgb).enhance(rng.uniform(0.8, 1.2))
    rgb.putalpha(alpha)
    return rgb


def close_up_scene(stamps: list[Stamp], backgrounds: list[Background], rng: np.random.Generator) -> Scene:
    """One cut-out enlarged until its opaque area is 0.6-1.7 times the frame's (at most three frames
    long), its centre of mass near the middle: it fills the picture and runs off its edges, long thin
    things too. The background barely shows, so the caption leaves it out."""
    stamp = stamps[rng.integers(len(stamps))]
    scene = _background_crop(backgrounds[rng.integers(len(backgrounds))], rng)
    opaque = np.count_nonzero(np.asarray(stamp.image.getchannel("A")) > 127)
    longest = SCENE_SIZE * rng.uniform(0.8, 1.3) * max(stamp.image.size) / max(opaque, 1) ** 0.5
    cutout = _jittered(stamp, int(min(longest, 3 * SCENE_SIZE)), rng)
    rows, columns = np.nonzero(np.asarray(cutout.getchannel("A")) > 127)
    middle = np.array([columns.mean(), rows.mean()]) if len(rows) else np.array(cutout.size) / 2
    x, y = SCENE_SIZE / 2 - middle + rng.uniform(-0.2, 0.2, 2) * SCENE_SIZE
    scene.paste(cutout, (int(x), int(y)), cutout)
    return Scene(scene, f"a close-up of {stamp.phrase}", (stamp.noun,))


def compose_scene(stamps: list[Stamp], backgrounds: list[Background], rng: np.random.Generator,
                  close_ups: float = 0.0) -> Scene:
    """One to three different objects in slots along a row or a column, and the caption saying so;
    a `close_ups` share of the scenes are close-ups instead."""
    if close_ups and rng.random() < close_ups:
        return close_up_scene(stamps, backgrounds, rng)
    count = min(int(rng.choice([1, 2, 3], p=[0.5, 0.3, 0.2])), len({stamp.noun for stamp in stamps}))
    chosen: list[Stamp] = []
    while len(chosen) < count:  # distinct nouns, so "a cow next to a cow" never happens
        stamp = stamps[rng.integers(len(stamps))]
        if all(stamp.noun != other.noun for other in chosen):
            chosen.append(stamp)
    background = backgrounds[rng.integers(len(backgrounds))]
    scene = _background_crop(background, rng)
    vertical = count == 2 and rng.random() < 0.4
    slot = SCENE_SIZE // count
    for index, stamp in enumerate(chosen):
        size = int(SCENE_SIZE * (rng.uniform(0.45, 0.95) if count == 1 else rng.uniform(0.7, 1.0) / count * 1.2))
        cutout = _jittered(stamp, min(size, SCENE_SIZE), rng)
        along = index * slot + (slot - min(cutout.width if not vertical else cutout.height, slot)) // 2
        across_room = SCENE_SIZE - (cutout.height if not vertical else cutout.width)
        across = int(rng.integers(0, max(across_room, 0) + 1))
        x, y = (across, along) if vertical else (along, across)
        scene.paste(cutout, (int(x), int(y)), cutout)
    phrases = [stamp.phrase for stamp in chosen]
    if count == 1:
        objects = phrases[0]
    elif count == 2:
        objects = f"{phrases[0]} {'above' if vertical else 'next to'} {phrases[1]}"
    else:
        objects = f"{phrases[0]} next to {phrases[1]} and {phrases[2]}"
    return Scene(scene, f"{objects} {background.phrase}", tuple(stamp.noun for stamp in chosen))


def make_scenes(count: int, stamps: list[Stamp], backgrounds: list[Background], seed: int,
                close_ups: float = 0.0) -> Iterator[Scene]:
    rng = np.random.default_rng(seed)
    for _ in range(count):
        yield compose_scene(stamps, backgrounds, rng, close_ups)
