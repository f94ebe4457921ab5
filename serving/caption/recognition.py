"""What is in a photo, read once: things with boxes, counts and names, people, and the setting (numpy).

Two recognisers see the photo. The COCO detector (serving/caption/detector.py) finds people and 79 kinds
of thing with boxes, so it can count them; the ImageNet CNN of the caption encoder knows 1,000 finer
classes but neither people, counts nor places beyond a few scene classes. Each fills the other's gaps:
- a detected thing takes ImageNet's fine name ("tabby cat", "golden retriever") where the CNN is sure of a
  class that is a kind of it, else its everyday COCO name ("cat");
- where the CNN is sure of a kind of thing the detector also found, another class's box on the same spot
  is the detector's confusion and is dropped (NanoDet takes a close-up cat for a person);
- what the CNN is sure of and the detector cannot see (a rocket, a butterfly) is a thing without a box;
- the setting comes from ImageNet's scene classes ("seashore", "alp", "stage") and from what is detected
  (cars and traffic lights: a street; sheep and horses: a field; skis: snow).
The thresholds are fixed here, not fitted to any photo set: NanoDet's demo threshold (0.35) for a box to
count, 0.5 for a kind of thing to be said at all, and 0.5 of the CNN's probability for its names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from serving.caption.cnn_names import ImagenetNames, article
from serving.caption.concepts import plural_name
from serving.caption.detector import Detection, overlaps
from serving.caption.image_input import IMAGE_SIZE

BOX_SCORE = 0.35  # a box counts (and is drawn) from here
SURE_SCORE = 0.5  # a kind of thing is said when its best box reaches this
CNN_SURE = 0.5  # the CNN's names, and its things without a box, from this probability
SCENE_SURE = 0.3  # an ImageNet scene class says the setting from this probability
SAME_SPOT = 0.5  # boxes overlapping this much (intersection over union) are taken to be one thing
GROUP_FROM = 4  # from this many on, "a group of": as the caption decoder learnt to say it

# COCO classes that ImageNet splits into kinds: a general name of imagenet_names.json, or ImageNet labels
KINDS_OF = {
    "dog": ("dog",), "cat": ("cat",), "bird": ("bird",), "car": ("car",), "truck": ("truck",),
    "bicycle": ("bicycle", "mountain bike", "bicycle-built-for-two"), "airplane": ("aircraft", "airliner", "warplane"),
    "boat": ("boat", "ship", "vessel", "speedboat", "canoe", "schooner", "yawl", "catamaran", "trimaran", "gondola",
             "liner", "container ship", "fireboat", "lifeboat"),
    "chair": ("chair",), "clock": ("clock",), "bottle": ("bottle",), "tie": ("tie",), "knife": ("knife",),
    "horse": ("sorrel",), "sheep": ("ram", "bighorn"), "cow": ("ox", "water buffalo", "bison"),
    "elephant": ("Indian elephant", "African elephant", "tusker"),
    "bear": ("brown bear", "American black bear", "ice bear", "sloth bear"), "zebra": ("zebra",),
    "motorcycle": ("moped", "motor scooter"), "bus": ("school bus", "trolleybus", "minibus"),
    "train": ("bullet train", "electric locomotive", "steam locomotive", "passenger car", "freight car"),
    "banana": ("banana",), "orange": ("orange",), "apple": ("Granny Smith",), "broccoli": ("broccoli",),
    "pizza": ("pizza",), "hot dog": ("hotdog",), "cup": ("cup", "coffee mug", "espresso"),
    "laptop": ("laptop", "notebook"), "tv": ("television", "monitor", "screen"), "umbrella": ("umbrella",),
    "backpack": ("backpack",), "traffic light": ("traffic light",), "teddy bear": ("teddy",),
    "vase": ("vase",), "refrigerator": ("refrigerator",), "microwave": ("microwave",), "toaster": ("toaster",),
    "keyboard": ("computer keyboard",), "mouse": ("mouse",), "remote": ("remote control",),
    "cell phone": ("cellular telephone",), "bench": ("park bench",), "dining table": ("dining table",),
    "couch": ("studio couch",), "bed": ("four-poster",), "skis": ("ski",),
    "sports ball": ("soccer ball", "tennis ball", "volleyball", "basketball", "rugby ball", "baseball", "golf ball",
                    "ping-pong ball"),
}
# Words that name people: a caption that says one names the people in the photo.
PEOPLE_WORDS = frozenset({"person", "people", "man", "men", "woman", "women", "boy", "boys", "girl", "girls",
                          "child", "children", "kid", "kids", "baby", "lady", "ladies", "player", "players",
                          "crowd", "family", "couple", "astronaut", "footballer", "musician", "musicians",
                          "photographer", "cameraman", "worker", "workers", "spacewoman", "guy", "guys"})


def says_people(text: str) -> bool:
    """Does the text name people ("a man", "two players", "a group of people")?"""
    return any(word in PEOPLE_WORDS for word in re.findall(r"[a-z]+", text.lower()))


# How people say some COCO labels
EVERYDAY = {"tv": "television", "cell phone": "mobile phone", "dining table": "table", "potted plant": "pot plant",
            "sports ball": "ball", "hair drier": "hair dryer", "remote": "remote control", "skis": "pair of skis",
            "person": "person"}
# Where a photo is, from its ImageNet scene classes
SCENES = {
    "seashore": "on the beach", "sandbar": "on the beach", "promontory": "by the sea", "lakeside": "by a lake",
    "alp": "in the mountains", "volcano": "in the mountains", "valley": "in a valley", "cliff": "on a cliff",
    "coral reef": "under water", "stage": "on a stage", "library": "in a library", "restaurant": "in a restaurant",
    "grocery store": "in a shop", "bookshop": "in a shop", "toyshop": "in a shop", "shoe shop": "in a shop",
    "bakery": "in a shop", "confectionery": "in a shop", "barbershop": "in a shop", "cinema": "in a cinema",
    "church": "in a church", "park bench": "in a park", "fountain": "in a park", "pier": "by the water",
    "dock": "in a harbour", "boathouse": "by the water", "breakwater": "by the sea", "greenhouse": "in a greenhouse",
    "patio": "on a patio", "barn": "on a farm", "snowplow": "in the snow", "dogsled": "in the snow",
    "snowmobile": "in the snow", "lawn mower": "on the grass", "suspension bridge": "by a river",
    "steel arch bridge": "by a river", "viaduct": "in a valley",
}
# Where a photo is, from the things detected in it
PLACES_OF = {
    "on a street": ("car", "bus", "truck", "traffic light", "stop sign", "fire hydrant", "parking meter"),
    "in a field": ("sheep", "cow", "horse"), "in the snow": ("skis", "snowboard"), "on the water": ("boat",),
    "in the sky": ("airplane", "kite"), "at a table": ("dining table",),
    "indoors": ("couch", "bed", "tv", "refrigerator", "oven", "microwave", "sink", "toilet", "toaster"),
    "in the sea": ("surfboard",), "in a park": ("bench", "frisbee"),
}


def count_words(count: int) -> str:
    """How a caption says how many: "a", "two", "three", "a group of"."""
    return {1: "a", 2: "two", 3: "three"}.get(count, "a group of" if count >= GROUP_FROM else "a")


def count_phrase(name: str, count: int) -> str:
    """"a dog", "an owl", "two dogs", "a group of people"."""
    if count <= 1:
        return f"{article(name)} {name}"
    return f"{count_words(count)} {plural_name(name)}"


@dataclass(frozen=True)
class Thing:
    """One kind of thing in the photo: its best name, how many, where (boxes in the photo's pixels)."""

    label: str  # the name said: "tabby cat", "person", "car"
    count: int
    boxes: list[tuple[float, float, float, float]]  # [] for a thing only the CNN saw
    score: float  # the best box's score, or the CNN's probability
    source: str  # "detector", "detector+cnn" (named by the CNN) or "cnn"
    coco_label: str | None = None

    @property
    def phrase(self) -> str:
        return count_phrase(self.label, self.count)

    def to_json(self) -> dict:
        return {"label": self.label, "count": self.count, "boxes": [list(b) for b in self.boxes],
                "score": round(self.score, 4), "source": self.source}


@dataclass(frozen=True)
class Recognition:
    things: list[Thing]  # most prominent first
    people: int
    setting: list[str]
    detections: list[Detection]  # every box drawn (BOX_SCORE and up, after the CNN's corrections)
    size: tuple[int, int]  # the photo's width and height, which the boxes are in
    limits: list[str] = field(default_factory=list)  # what the reader should know before trusting it

    def to_json(self) -> dict:
        return {"objects": [t.to_json() for t in self.things], "people": self.people, "setting": self.setting}


class Recogniser:
    """The COCO-to-ImageNet facts, resolved once against the CNN's labels and names."""

    def __init__(self, labels: list[str], names: ImagenetNames):
        self.names = names
        index = {label: i for i, label in enumerate(labels)}
        general = {name: g for g, name in enumerate(names.general)}
        self.kinds: dict[str, np.ndarray] = {}
        for coco, kinds in KINDS_OF.items():
            members = np.zeros(len(labels), bool)
            for kind in kinds:
                if kind in general:
                    members |= names.members[general[kind]]
                else:
                    members[index[kind]] = True
            self.kinds[coco] = members
        self.scenes = {index[label]: phrase for label, phrase in SCENES.items()}

    def cnn_sure(self, probabilities: np.ndarray) -> tuple[str, float, np.ndarray] | None:
        """The CNN's likeliest thing by the most specific name reaching CNN_SURE, or None."""
        name, mass, members = self.names.naming(probabilities, int(probabilities.argmax()), CNN_SURE)
        return (name, mass, members) if mass >= CNN_SURE else None

    def coco_of(self, members: np.ndarray) -> str | None:
        """The COCO class whose kinds hold most of these ImageNet classes (None when none holds any)."""
        best = max(self.kinds, key=lambda coco: int((self.kinds[coco] & members).sum()))
        return best if (self.kinds[best] & members).any() else None

    def recognise(self, detections: list[Detection], probabilities: np.ndarray, width: int,
                  height: int) -> Recognition:
        """Things, people and setting from one photo's detections and its ImageNet probabilities [1000]."""
        sure = self.cnn_sure(probabilities)
        cnn_coco = self.coco_of(sure[2]) if sure else None
        boxes = [d for d in detections if d.score >= BOX_SCORE]
        if cnn_coco is not None:  # another class on the spot of a thing the CNN confirms is a confusion
            confirmed = np.array([d.box for d in boxes if d.label == cnn_coco]).reshape(-1, 4)
            boxes = [d for d in boxes if d.label == cnn_coco or not confirmed.size
                     or overlaps(np.array(d.box), confirmed).max() <= SAME_SPOT]
        things = []
        for label in dict.fromkeys(d.label for d in boxes):
            group = [d for d in boxes if d.label == label]
            if group[0].score < SURE_SCORE:
                continue
            named_by_cnn = sure is not None and label == cnn_coco
            name = sure[0] if named_by_cnn else EVERYDAY.get(label, label)
            things.append(Thing(name.lower(), len(group), [d.box for d in group], group[0].score,
                                "detector+cnn" if named_by_cnn else "detector", label))
        things.sort(key=lambda t: -t.score * np.sqrt(sum(box_area(b) for b in t.boxes) / (width * height)))
        if sure is not None and cnn_coco not in {t.coco_label for t in things}:
            things.append(Thing(sure[0].lower(), 1, [], sure[1], "cnn"))
        people = next((t.count for t in things if t.coco_label == "person"), 0)
        return Recognition(things, people, self.setting(things, probabilities), boxes, (width, height),
                           self.limits(things))

    def setting(self, things: list[Thing], probabilities: np.ndarray) -> list[str]:
        """Where the photo is: ImageNet's scene classes first, then places that the detected things imply."""
        places = [self.scenes[i] for i in np.argsort(-probabilities)[:5]
                  if i in self.scenes and probabilities[i] >= SCENE_SURE]
        detected = {t.coco_label for t in things}
        places += [place for place, labels in PLACES_OF.items() if detected & set(labels)]
        return list(dict.fromkeys(places))

    @staticmethod
    def limits(things: list[Thing]) -> list[str]:
        return [] if things else ["Nothing in this photo was recognised with confidence: the caption is a guess."]


def box_area(box: tuple[float, float, float, float]) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def cells_under(boxes: list[tuple[float, float, float, float]], size: tuple[int, int], side: int) -> np.ndarray:
    """bool [side * side]: the cells of the encoder's grid (over the photo's centre square, as
    image_input.center_crop cuts it) that the boxes (in the photo's pixels) cover; all cells when none do."""
    width, height = size
    scale = IMAGE_SIZE / min(width, height)
    left = (max(IMAGE_SIZE, round(width * scale)) - IMAGE_SIZE) // 2
    top = (max(IMAGE_SIZE, round(height * scale)) - IMAGE_SIZE) // 2
    cell = IMAGE_SIZE / side
    covered = np.zeros((side, side), bool)
    for x0, y0, x1, y1 in boxes:
        c0, c1 = int(max(0, (x0 * scale - left) // cell)), int(min(side, -(-(x1 * scale - left) // cell)))
        r0, r1 = int(max(0, (y0 * scale - top) // cell)), int(min(side, -(-(y1 * scale - top) // cell)))
        covered[r0:r1, c0:c1] = True
    return covered.reshape(-1) if covered.any() else np.ones(side * side, bool)


def object_things(recognition: Recognition | None, slots: int) -> list[Thing]:
    """The things the detector found (with boxes), most prominent first, at most `slots`: what a decoder that
    reads the recognition layer can copy by <obj0> .. <obj{slots-1}>."""
    if recognition is None:
        return []
    return [thing for thing in recognition.things if thing.boxes][:slots]


def object_features(things: list[Thing], size: tuple[int, int], grid: np.ndarray, slots: int) -> np.ndarray:
    """[slots, F + 3]: for each object, the encoder's features averaged over the cells its boxes cover, its
    score and log-score and 1 (an object, where the CNN's things have 0); rows past the last object are zero
    but for that 1 and a log-score of log(1e-6)."""
    side = int(round(np.sqrt(len(grid))))
    rows = np.zeros((slots, grid.shape[1] + 3), np.float32)
    rows[:, -2:] = np.log(1e-6), 1.0
    for k, thing in enumerate(things[:slots]):
        rows[k, :-3] = np.asarray(grid, np.float32)[cells_under(thing.boxes, size, side)].mean(0)
        rows[k, -3:-1] = thing.score, np.log(max(thing.score, 1e-6))
    return rows
