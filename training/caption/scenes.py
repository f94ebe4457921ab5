"""Captioned training scenes made from real photo cut-outs (training side: Pillow and numpy).

No captioned photo collection can be fetched here, so scenes are composed: Tux Paint's photo
cut-outs (Debian `tuxpaint-stamps-default`, each PNG with a one-line English description) are
pasted onto plain and gradient backgrounds or photographed settings (crops of desktop photos:
meadows, sky, water, sand, forest, leaves; GIMP's wood and parquet for tables and floors) at
random scale, position, rotation and colour, one to three per scene, and the caption is written
from the descriptions and the layout: "a giraffe next to a red apple on the grass". "On a gray
background" is said only where the background is plain. Close-ups enlarge one cut-out past the
frame's edges, as most everyday photos are framed: "a close-up of a giraffe"; groups repeat one
cut-out: "three giraffes in a forest". Procedural
shapes ("a red circle") go through the same compositor for fast tests. Stamps are split by file,
so the test scenes show photos the decoder never saw.
"""
from __future__ import annotations

import io
import re
import struct
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageOps

from datafetch.archives import deb_members, zip_member
from serving.caption.concepts import plural

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


    @property
    def plural(self) -> str | None:
        """"a pair of cherries" -> "pairs of cherries"; None for one-of-a-kind things ("the earth")."""
        words = self.phrase.split()
        if words[0] not in ("a", "an"):
            return None
        words = words[1:]
        head = words.index("of") - 1 if "of" in words[1:] else len(words) - 1
        for index, word in enumerate(words):
            if word in _PREPOSITIONS and index:
                head = min(head, index - 1)
                break
        return " ".join(words[:head] + [plural(words[head])] + words[head + 1:])


@dataclass(frozen=True)
class Background:
    phrase: str  # e.g. "on the grass"
    image: Image.Image  # RGB, any size; scenes take random crops
    plain: bool = False  # a plain or gradient colour, not a photographed setting


@dataclass(frozen=True)
class Mention:
    """How a caption speaks of one kind of thing in a scene: what it says, the noun, the count word."""

    said: str  # "a zebra", "three zebras", "a close-up of a zebra" leaves out "a close-up of"
    noun: str  # "zebra"
    count: str  # "a" for one thing, else the count words: "two", "a group of"


@dataclass(frozen=True)
class Scene:
    image: Image.Image
    caption: str
    nouns: tuple[str, ...]  # the head noun of every object in it, for object-word recall
    mentions: tuple[Mention, ...] = ()


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
    return [Background(f"on a {name} background", Image.new("RGB", (8, 8), rgb), plain=True)
            for name, rgb in COLOURS.items() if name not in ("orange", "purple", "pink")]


def gradient_backgrounds() -> list[Background]:
    """Top-to-bottom fades from a colour to a lighter or darker shade of it."""
    backgrounds = []
    for name in ("blue", "green", "gray", "yellow", "red"):
        rgb = np.array(COLOURS[name], np.float32)
        for end in (np.minimum(rgb + 90, 255), rgb * 0.45):
            ramp = np.linspace(0, 1, 64, dtype=np.float32)[:, None, None]
            pixels = (rgb * (1 - ramp) + end * ramp) * np.ones((1, 64, 1), np.float32)
            backgrounds.append(Background(f"on a {name} background", Image.fromarray(pixels.astype(np.uint8)),
                                          plain=True))
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


# Photographed settings: (package, file in it, what a caption says, the crop box that shows only that
# setting as fractions left, top, right, bottom), chosen by looking at each photo.
LOMIRI = "usr/share/backgrounds/"
PLASMA = "usr/share/wallpapers/"
SETTING_PHOTOS = (
    ("lomiri", "aitzgorri_by_Aitzol_Berasategi.jpg", "on the grass", (0.0, 0.72, 1.0, 1.0)),
    ("lomiri", "picosdeeuropa_by_Aitzol_Berasategi.jpg", "on the grass", (0.45, 0.6, 1.0, 1.0)),
    ("lomiri", "picosdeeuropa_by_Aitzol_Berasategi.jpg", "in the mountains", (0.0, 0.05, 0.7, 0.5)),
    ("lomiri", "aitzgorri_by_Aitzol_Berasategi.jpg", "in the mountains", (0.0, 0.1, 1.0, 0.55)),
    ("lomiri", "Bridge_by_Sander_Klootwijk.jpg", "on the beach", (0.0, 0.72, 1.0, 1.0)),
    ("lomiri", "sunset_by_Aitzol_Berasategi.jpg", "against the sky", (0.0, 0.0, 0.45, 0.45)),
    ("lomiri", "life_by_Aitzol_Berasategi.jpg", "in a forest", (0.0, 0.0, 1.0, 0.65)),
    ("lomiri", "Dragonfly_by_Bolly.jpg", "among leaves", (0.0, 0.2, 1.0, 1.0)),
    ("lomiri", "Wine_by_Jakkub_Mede.jpg", "in a room", (0.0, 0.0, 1.0, 1.0)),
    ("plasma", "Kite/contents/images/2560x1600.jpg", "against the sky", (0.0, 0.0, 0.55, 1.0)),
    ("plasma", "summer_1am/contents/images/2560x1600.jpg", "against the sky", (0.0, 0.0, 1.0, 0.5)),
    ("plasma", "summer_1am/contents/images/2560x1600.jpg", "in the water", (0.0, 0.58, 1.0, 1.0)),
    ("plasma", "DarkestHour/contents/images/2560x1600.jpg", "in the water", (0.0, 0.55, 1.0, 1.0)),
    ("plasma", "BytheWater/contents/images/2560x1600.jpg", "in the water", (0.0, 0.0, 1.0, 0.35)),
    ("plasma", "Volna/contents/images/5120x2880.jpg", "in the water", (0.62, 0.0, 1.0, 0.6)),
    ("plasma", "Volna/contents/images/5120x2880.jpg", "on the beach", (0.0, 0.3, 0.42, 1.0)),
    ("plasma", "Path/contents/images/2560x1600.jpg", "in a forest", (0.0, 0.0, 1.0, 1.0)),
    ("plasma", "FallenLeaf/contents/images/2560x1600.jpg", "among leaves", (0.0, 0.0, 1.0, 1.0)),
    ("plasma", "BytheWater/contents/images/2560x1600.jpg", "on wooden planks", (0.0, 0.55, 1.0, 1.0)),
    ("plasma", "ColdRipple/contents/images/2560x1600.jpg", "on wooden planks", (0.2, 0.55, 0.8, 1.0)),
)


# GIMP's photographed surfaces, tiled: what a thing stands on indoors.
GIMP_PATTERNS = "usr/share/gimp/2.0/patterns/"
SURFACE_PATTERNS = {"Wood/wood1.pat": "on a wooden table", "Wood/wood3.pat": "on a wooden table",
                    "Wood/wood4.pat": "on a wooden table", "Wood/wood5.pat": "on a wooden table",
                    "Wood/walnut.pat": "on a wooden table", "Wood/burlwood.pat": "on a wooden table",
                    "Wood/parque1.pat": "on a wooden floor", "Wood/parque2.pat": "on a wooden floor",
                    "Wood/parque3.pat": "on a wooden floor"}
SURFACE_SIZE = 448  # patterns are 50-128 pixels: tiled to this, scenes crop half of it to all of it


def read_gimp_pattern(data: bytes) -> Image.Image:
    """A GIMP .pat file (big-endian header size, version, width, height, bytes per pixel, "GPAT", name;
    then the pixels) as an RGB image."""
    header_size, _, width, height, depth = struct.unpack(">5I", data[:20])
    if data[20:24] != b"GPAT" or depth not in (1, 2, 3, 4) or len(data) < header_size + width * height * depth:
        raise ValueError("not a GIMP pattern")
    pixels = data[header_size:header_size + width * height * depth]
    return Image.frombytes({1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}[depth], (width, height), pixels).convert("RGB")


def surface_backgrounds(gimp_data: Path) -> list[Background]:
    """GIMP's wood and parquet patterns (SURFACE_PATTERNS), each tiled to SURFACE_SIZE pixels square."""
    backgrounds = []
    for member, data in sorted(deb_members(gimp_data, ".pat")):
        name = member.split(GIMP_PATTERNS, 1)[-1]
        if name in SURFACE_PATTERNS:
            tile = read_gimp_pattern(data)
            surface = Image.new("RGB", (SURFACE_SIZE, SURFACE_SIZE))
            for x in range(0, SURFACE_SIZE, tile.width):
                for y in range(0, SURFACE_SIZE, tile.height):
                    surface.paste(tile, (x, y))
            backgrounds.append(Background(SURFACE_PATTERNS[name], surface))
    return backgrounds


def setting_backgrounds(packages: dict[str, Path]) -> list[Background]:
    """Crops of desktop photos that show one setting each (SETTING_PHOTOS), read from the packages
    {"lomiri": .deb, "plasma": .deb}, shrunk to at most 1024 pixels a side."""
    wanted = {(LOMIRI if source == "lomiri" else PLASMA) + name: (source, name)
              for source, name, _, _ in SETTING_PHOTOS}
    photos: dict[tuple[str, str], Image.Image] = {}
    for source in ("lomiri", "plasma"):
        for member, data in deb_members(packages[source], ".jpg"):
            key = next((wanted[w] for w in wanted if member.endswith(w) and wanted[w][0] == source), None)
            if key:
                photos[key] = Image.open(io.BytesIO(data)).convert("RGB")
    backgrounds = []
    for source, name, phrase, (left, top, right, bottom) in SETTING_PHOTOS:
        photo = photos[(source, name)]
        crop = photo.crop((int(left * photo.width), int(top * photo.height),
                           int(right * photo.width), int(bottom * photo.height)))
        crop.thumbnail((1024, 1024), Image.LANCZOS)
        backgrounds.append(Background(phrase, crop))
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
    return Scene(scene, f"a close-up of {stamp.phrase}", (stamp.noun,), (Mention(stamp.phrase, stamp.noun, "a"),))


GROUP_WORDS = {2: "two", 3: "three", 4: "a group of", 5: "a group of"}


def group_scene(stamps: list[Stamp], background: Background, rng: np.random.Generator) -> Scene:
    """Two to five copies of one cut-out, each jittered, scattered over the frame: "three zebras on the grass"."""
    stamp = stamps[rng.integers(len(stamps))]
    while stamp.plural is None:
        stamp = stamps[rng.integers(len(stamps))]
    count = int(rng.choice([2, 3, 4, 5], p=[0.4, 0.3, 0.2, 0.1]))
    scene = _background_crop(background, rng)
    columns = min(count, 3)
    cell = SCENE_SIZE // columns
    rows = (count + columns - 1) // columns
    for index in range(count):
        cutout = _jittered(stamp, int(min(cell * rng.uniform(0.8, 1.1), SCENE_SIZE / rows)), rng)
        x = (index % columns) * cell + (cell - cutout.width) // 2 + int(rng.integers(-cell // 8, cell // 8 + 1))
        room = max(SCENE_SIZE // rows - cutout.height, 0)
        y = (index // columns) * (SCENE_SIZE // rows) + int(rng.integers(0, room + 1))
        scene.paste(cutout, (int(x), int(y)), cutout)
    count_words = GROUP_WORDS[count]
    said = f"{count_words} {stamp.plural}"
    return Scene(scene, f"{said} {background.phrase}", (stamp.noun,), (Mention(said, stamp.noun, count_words),))


def compose_scene(stamps: list[Stamp], backgrounds: list[Background], rng: np.random.Generator,
                  close_ups: float = 0.0, groups: float = 0.0) -> Scene:
    """One to three different objects in slots along a row or a column, and the caption saying so;
    a `close_ups` share of the scenes are close-ups instead, a `groups` share groups of one thing."""
    if close_ups and rng.random() < close_ups:
        return close_up_scene(stamps, backgrounds, rng)
    background = backgrounds[rng.integers(len(backgrounds))]
    if groups and rng.random() < groups:
        return group_scene(stamps, background, rng)
    count = min(int(rng.choice([1, 2, 3], p=[0.5, 0.3, 0.2])), len({stamp.noun for stamp in stamps}))
    chosen: list[Stamp] = []
    while len(chosen) < count:  # distinct nouns, so "a cow next to a cow" never happens
        stamp = stamps[rng.integers(len(stamps))]
        if all(stamp.noun != other.noun for other in chosen):
            chosen.append(stamp)
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
    return Scene(scene, f"{objects} {background.phrase}", tuple(stamp.noun for stamp in chosen),
                 tuple(Mention(stamp.phrase, stamp.noun, "a") for stamp in chosen))


def make_scenes(count: int, stamps: list[Stamp], backgrounds: list[Background], seed: int,
                close_ups: float = 0.0, groups: float = 0.0) -> Iterator[Scene]:
    rng = np.random.default_rng(seed)
    for _ in range(count):
        yield compose_scene(stamps, backgrounds, rng, close_ups, groups)
