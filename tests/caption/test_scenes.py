"""Scenes from photo cut-outs: names from descriptions, held-out files, captions that match the layout."""

import struct

import numpy as np
import pytest
from PIL import Image

from tests.conftest import encoded, make_deb
from training.caption.scenes import (GIMP_PATTERNS, LOMIRI, PLASMA, SCENE_SIZE, SETTING_PHOTOS, SURFACE_SIZE,
                                     Background, Stamp, head_noun, make_scenes, object_phrase, plain_backgrounds,
                                     read_gimp_pattern, read_stamps, setting_backgrounds, shape_stamps, split_stamps,
                                     surface_backgrounds)


@pytest.mark.parametrize("description,phrase", [
    ("A giraffe.", "a giraffe"),
    ("A “Fuji” apple.", "a fuji apple"),
    ("A hoverfly resembles a honeybee drone.", "a hoverfly"),
    ("A spiny lobster, from the Hawaiian islands.", "a spiny lobster"),
    ("Mars—the red planet. It’s just beyond earth.", None),
    ("A ginger 'root'.", "a ginger root"),
    ("Another tombstone.", "a tombstone"),
    ("A candy cane is a traditional Christmas treat in the United States.", "a candy cane"),
    ("Boom!!!", None),
    ("A giraffe.\nde.utf8=Eine Giraffe.", "a giraffe"),
])
def test_object_phrase(description, phrase):
    assert object_phrase(description) == phrase


@pytest.mark.parametrize("phrase,noun", [("a red kangaroo", "kangaroo"), ("a pair of cherries", "cherries"),
                                         ("a glass of water", "glass"), ("a walnut in its shell", "walnut"),
                                         ("an astronaut making a spacewalk", "astronaut")])
def test_head_noun(phrase, noun):
    assert head_noun(phrase) == noun


def png(colour: tuple[int, int, int], size=(40, 30)) -> bytes:
    image = Image.new("RGBA", (size[0] + 20, size[1] + 20), (0, 0, 0, 0))
    image.paste(Image.new("RGBA", size, colour + (255,)), (10, 10))
    return encoded(image, "PNG")


def test_read_stamps_from_a_debian_package(tmp_path):
    root = "./usr/share/tuxpaint/stamps/"
    deb = tmp_path / "stamps.deb"
    deb.write_bytes(make_deb({
        root + "animals/mammals/zebra.png": png((200, 200, 200)), root + "animals/mammals/zebra.txt": b"A zebra.\n",
        root + "food/apple.png": png((200, 0, 0)), root + "food/apple.txt": "A “Fuji” apple.".encode(),
        root + "animals/cartoon/cat.png": png((0, 0, 0)), root + "animals/cartoon/cat.txt": b"A cat.",
        root + "symbols/a.png": png((0, 0, 0)), root + "symbols/a.txt": b"A letter.",
        root + "space/mars.png": png((200, 80, 0)), root + "space/mars.txt": "Mars—the red planet.".encode(),
        root + "food/pear.png": png((0, 200, 0)),  # no description: skipped
    }))
    stamps = read_stamps(deb)
    assert [(s.key, s.phrase) for s in stamps] == [("animals/zebra", "a zebra"), ("food/apple", "a fuji apple")]
    assert stamps[0].image.mode == "RGBA" and stamps[0].image.size == (40, 30)  # transparent margin cropped


def test_split_holds_out_whole_files_whose_word_is_still_taught():
    image = Image.new("RGBA", (8, 8))
    stamps = [Stamp(f"animals/cow{i}", "a cow", image) for i in range(3)] + \
             [Stamp("animals/yak", "a yak", image), Stamp("food/pear1", "a pear", image),
              Stamp("food/pear2", "a yellow pear", image)]
    split = split_stamps(stamps, seed=0)
    keys = {name: {s.key for s in part} for name, part in split.items()}
    assert not (keys["train"] & keys["test"]) and not (keys["train"] & keys["validation"])
    assert {s.noun for s in split["test"]} == {"cow", "pear"}  # yak has one photo: it stays in training
    assert {s.noun for s in split["validation"]} == {"cow"}
    assert {s.noun for s in split["test"]} <= {s.noun for s in split["train"]}


def test_scenes_are_reproducible_and_captions_follow_the_layout():
    shapes, backgrounds = shape_stamps(), plain_backgrounds()
    first = list(make_scenes(60, shapes, backgrounds, seed=3))
    again = list(make_scenes(60, shapes, backgrounds, seed=3))
    assert [s.caption for s in first] == [s.caption for s in again]
    assert np.array_equal(np.asarray(first[5].image), np.asarray(again[5].image))
    by_phrase = {s.phrase: s for s in shapes}
    for scene in first:
        assert scene.image.size == (SCENE_SIZE, SCENE_SIZE) and scene.image.mode == "RGB"
        assert scene.caption.endswith("background")
        named = [p for p in by_phrase if p in scene.caption]
        assert len(named) == len(scene.nouns) and len(set(scene.nouns)) == len(scene.nouns)
    assert {len(s.nouns) for s in first} == {1, 2, 3}
    assert any(" above " in s.caption for s in first) and any(" next to " in s.caption for s in first)


def test_close_ups_fill_the_frame_and_leave_other_scenes_as_they_were():
    shapes, backgrounds = shape_stamps(), [b for b in plain_backgrounds() if "black" in b.phrase]
    plain = list(make_scenes(40, shapes, backgrounds, seed=3))
    mixed = list(make_scenes(40, shapes, backgrounds, seed=3, close_ups=0.0))
    assert [s.caption for s in plain] == [s.caption for s in mixed]  # no share, no extra random draws
    close_ups = [s for s in make_scenes(60, shapes, backgrounds, seed=3, close_ups=0.5)
                 if s.caption.startswith("a close-up of ")]
    assert 15 <= len(close_ups) <= 45
    covered = []  # the share of pixels that are not the black background
    for scene in close_ups:
        phrase = scene.caption.removeprefix("a close-up of ")
        assert phrase in {s.phrase for s in shapes} and len(scene.nouns) == 1
        covered.append((np.asarray(scene.image).max(axis=2) > 40).mean())
    assert min(covered) > 0.4 and np.mean(covered) > 0.6


def test_left_object_is_named_first():
    shapes = [s for s in shape_stamps() if s.phrase in ("a red circle", "a blue square")]
    for scene in make_scenes(40, shapes, plain_backgrounds()[4:5], seed=1):  # on white
        if " next to " not in scene.caption:
            continue
        pixels = np.asarray(scene.image).astype(int)
        red = np.argwhere((pixels[:, :, 0] > 120) & (pixels[:, :, 2] < 90))[:, 1].mean()
        blue = np.argwhere((pixels[:, :, 2] > 120) & (pixels[:, :, 0] < 90))[:, 1].mean()
        assert scene.caption.startswith("a red circle") == (red < blue), scene.caption


def test_novel_nouns_leave_training_and_the_other_splits_alone():
    image = Image.new("RGBA", (8, 8))
    stamps = [Stamp(f"animals/cow{i}", "a cow", image) for i in range(3)] + \
             [Stamp(f"animals/{n}", f"a {n}", image) for n in ("yak", "zebra", "tiger", "lion", "gnu")]
    plain = split_stamps(stamps, seed=0)
    split = split_stamps(stamps, seed=0, novel_nouns=2, nameable={"zebra", "tiger", "lion", "cow"})
    novel = {s.noun for s in split["novel_validation"] + split["novel_test"]}
    assert len(novel) == 2 and novel < {"zebra", "tiger", "lion"}  # single-stamp nameable nouns only
    assert len(split["novel_validation"]) == len(split["novel_test"]) == 1
    assert not novel & {s.noun for s in split["train"]}
    assert split["test"] == plain["test"] and split["validation"] == plain["validation"]
    assert split["train"] == [s for s in plain["train"] if s.noun not in novel]


@pytest.mark.parametrize("phrase,plural", [("a red kangaroo", "red kangaroos"), ("an owl", "owls"),
                                           ("a pair of cherries", "pairs of cherries"),
                                           ("a glass of water", "glasses of water"),
                                           ("a walnut in its shell", "walnuts in its shell"), ("the earth", None)])
def test_stamp_plural(phrase, plural):
    assert Stamp("x/y", phrase, Image.new("RGBA", (4, 4))).plural == plural


def test_groups_show_several_of_one_thing_and_say_how_many():
    shapes, backgrounds = shape_stamps(), [Background("on the grass", Image.new("RGB", (64, 64), (128, 128, 128)))]
    scenes = list(make_scenes(80, shapes, backgrounds, seed=4, groups=0.5))
    groups = [s for s in scenes if not s.caption.startswith("a ") or s.caption.startswith("a group of ")]
    assert 20 <= len(groups) <= 60
    for scene in groups:
        (mention,) = scene.mentions
        assert mention.count in ("two", "three", "a group of")
        assert scene.caption == f"{mention.said} on the grass" and mention.said.startswith(mention.count + " ")
        assert mention.said.endswith(("circles", "squares", "triangles")) and len(scene.nouns) == 1
        changed = np.abs(np.asarray(scene.image).astype(int) - np.median(np.asarray(scene.image), (0, 1))).max(2) > 40
        assert changed.mean() > 0.05  # the copies show
    singles = [s for s in scenes if s not in groups]
    assert all(m.count == "a" and m.said in s.caption for s in singles for m in s.mentions)


def test_photographed_settings_are_read_from_the_packages_and_cropped(tmp_path):
    def jpeg(colour: tuple[int, int, int]) -> bytes:
        return encoded(Image.new("RGB", (200, 100), colour), "JPEG")

    members = {"lomiri": {}, "plasma": {}}
    for source, name, _, _ in SETTING_PHOTOS:
        folder = LOMIRI if source == "lomiri" else PLASMA
        members[source]["./" + folder + name] = jpeg((len(name) * 7 % 255, 90, 30))
    packages = {}
    for source, files in members.items():
        packages[source] = tmp_path / f"{source}.deb"
        packages[source].write_bytes(make_deb(files))
    backgrounds = setting_backgrounds(packages)
    assert [b.phrase for b in backgrounds] == [phrase for _, _, phrase, _ in SETTING_PHOTOS]
    assert not any(b.plain for b in backgrounds) and all(b.plain for b in plain_backgrounds())
    for background, (_, _, _, (left, top, right, bottom)) in zip(backgrounds, SETTING_PHOTOS):
        assert background.image.size == (int(right * 200) - int(left * 200), int(bottom * 100) - int(top * 100))
    scene = next(make_scenes(1, shape_stamps(), backgrounds[:1], seed=0))
    assert scene.caption.endswith(" " + backgrounds[0].phrase)


def gimp_pattern(image: Image.Image, name: bytes = b"Wood") -> bytes:
    """A GIMP .pat file: a 24-byte header plus the name (NUL-terminated), then the pixels."""
    depth = {"L": 1, "RGB": 3}[image.mode]
    header = struct.pack(">5I", 24 + len(name) + 1, 1, image.width, image.height, depth) + b"GPAT" + name + b"\0"
    return header + image.tobytes()


def test_gimp_patterns_are_read_and_tiled_into_surfaces(tmp_path):
    tile = Image.new("RGB", (30, 20), (150, 90, 40))
    tile.putpixel((0, 0), (255, 255, 255))
    assert np.array_equal(np.asarray(read_gimp_pattern(gimp_pattern(tile))), np.asarray(tile))
    gray = read_gimp_pattern(gimp_pattern(Image.new("L", (4, 4), 77)))
    assert gray.mode == "RGB" and gray.getpixel((2, 2)) == (77, 77, 77)
    with pytest.raises(ValueError):
        read_gimp_pattern(b"\0" * 40)
    deb = tmp_path / "gimp-data.deb"
    deb.write_bytes(make_deb({"./" + GIMP_PATTERNS + "Wood/wood1.pat": gimp_pattern(tile),
                              "./" + GIMP_PATTERNS + "Stone/slate.pat": gimp_pattern(tile)}))
    (surface,) = surface_backgrounds(deb)
    assert surface.phrase == "on a wooden table" and not surface.plain
    assert surface.image.size == (SURFACE_SIZE, SURFACE_SIZE)
    assert surface.image.getpixel((30, 20)) == (255, 255, 255) and surface.image.getpixel((31, 20)) == (150, 90, 40)
