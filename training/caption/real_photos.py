"""`python -m training.evaluate real-photos`: does the served caption name what is in everyday photos?

The test scenes are composites of Tux Paint cut-outs; users upload real photos. This is the check
a new user makes, on the photos of serving.caption.gallery (never used for training or for any
choice). A caption names a photo when any of its accepted names appears in it as whole words.

Three readings side by side: the served caption (the CNN names the objects it is sure of), the
decoder's own words, and the CNN's top-1 ImageNet label alone (a label, not a caption).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from serving.caption.captioner import Captioner
from serving.caption.cnn_names import say_label
from serving.caption.gallery import KINDS, PHOTOS, RealPhoto, photo_bytes
from serving.caption.image_input import load_image


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
