"""`python -m training.evaluate real-photos`: what the served caption gets right about everyday photos.

The test scenes are composites of Tux Paint cut-outs; users upload real photos. This is the check
a new user makes, on the photos of serving.caption.gallery (never used for training or for any
choice), with what each should say written down before any model was scored on it. A caption
- names the subject when one of its accepted names, or its plural, appears in it as whole words;
- says the setting when one of the photo's setting phrases does (photos with a setting);
- says there are several when a count phrase ("two", "a flock of") or one of the photo's plurals
  does (photos that show several of a thing);
- says a background wrongly when it mentions a "background" and the photo's is not plain;
- names the people (photos with people) when it says a word for people ("a man", "two players");
- names a person wrongly when it says such a word and the photo shows nobody.

Six readings side by side: the served caption (the CNN names the objects it is sure of), the
decoder's own words, the recognition layer's findings (serving/caption/recognition.py: the things with
their counts and the setting, listed: what a caption that copied them could say), the CNN's top-1
ImageNet label alone (a label, not a caption: it names a subject at most), its five likeliest labels
together: how many subjects any caption built on this CNN's recognition could name by copying one of
them, and the same five with the general names above them ("bird" above "brambling"): the most it could
name by saying less.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from serving.caption.captioner import Captioner
from serving.caption.cnn_names import say_label
from serving.caption.concepts import plural_name
from serving.caption.gallery import COUNT_PHRASES, KINDS, PHOTOS, RealPhoto, photo_bytes
from serving.caption.image_input import load_image
from serving.caption.recognition import Recognition, says_people
from training.bootstrap import Interval, mean_of, paired_interval
from training.caption.photo_check import MORE_PHOTOS


def accepted_names(photo: RealPhoto, *class_names: list[str]) -> set[str]:
    """The photo's own names plus every name of its ImageNet classes in each list of class names (ImageNet's
    labels with their synonyms, and the names the model says for the classes: a breed spelt either way),
    each also in the plural."""
    names = set(photo.names)
    for labels in class_names:
        for index in photo.imagenet_classes:
            names |= {synonym.strip().lower() for synonym in labels[index].split(",") if synonym.strip()}
    return names | {plural_name(name) for name in names}  # "two camels" names the camel


def names_subject(text: str, names: set[str]) -> bool:
    """Does any accepted name occur in `text` as whole words? ("a moped" yes, "amoped" and "mopeds" no)."""
    text = " " + re.sub(r"[^a-z0-9&'-]+", " ", text.lower()) + " "
    return any(f" {name} " in text for name in names)


@dataclass(frozen=True)
class Judgement:
    """What one caption (or label) gets right about its photo; None where the photo asks nothing."""

    subject: bool
    setting: bool | None  # None: the photo has no setting to say
    several: bool | None  # None: the photo shows one thing
    wrong_background: bool  # it mentions a background that is not plain
    people: bool | None = None  # it names the people; None: the photo shows nobody
    wrong_person: bool = False  # it names a person where the photo shows nobody


def judge(text: str, photo: RealPhoto, names: set[str]) -> Judgement:
    people = says_people(text)
    return Judgement(subject=names_subject(text, names),
                     setting=names_subject(text, set(photo.setting)) if photo.setting else None,
                     several=names_subject(text, {*COUNT_PHRASES, *photo.plurals}) if photo.several else None,
                     wrong_background=not photo.plain_background and names_subject(text, {"background"}),
                     people=people if photo.people else None,
                     wrong_person=people and not photo.people)


def recognition_text(recognition: Recognition | None) -> str:
    """The recognition layer's findings as one line: "two people; a dog; on a street"."""
    if recognition is None:
        return ""
    return "; ".join([t.phrase for t in recognition.things] + recognition.setting)


READINGS = ("served", "decoder", "recognition", "CNN label", "CNN top-5", "CNN top-5 general")
# The whole check: the 61 everyday photos, then the 96 added with people, streets and places.
CHECK_SETS = {"everyday": PHOTOS, "more": MORE_PHOTOS}
CHECK_PHOTOS = [*PHOTOS, *MORE_PHOTOS]


@dataclass(frozen=True)
class PhotoReading:
    photo: RealPhoto
    texts: tuple[str, ...]  # the served caption, the decoder's own words, the recognition layer's findings, the
    # CNN's top-1 label, its top-5, and its top-5 with the general names above them ("bird" above "brambling")
    judgements: tuple[Judgement, ...]  # of each text, in the same order

    @property
    def hits(self) -> tuple[bool, ...]:
        """Which of the texts name the subject."""
        return tuple(j.subject for j in self.judgements)

    @property
    def served(self) -> str:
        return self.texts[0]


def read_photos(captioner: Captioner, beam_size: int = 3,
                photos: list[RealPhoto] = PHOTOS) -> list[PhotoReading]:
    """Caption every photo once (as served) and judge every reading (READINGS)."""
    files = photo_bytes(photos)
    images = [load_image(files[photo.title]) for photo in photos]  # decoded as the page and CLI decode
    class_names = [captioner.imagenet_names.names] if "cnn_names" in captioner.artifact.manifest else []
    names_above = captioner.imagenet_names
    readings = []
    for photo, result in zip(photos, captioner.caption(images, beam_size)):
        names = accepted_names(photo, captioner.labels, *class_names)
        labels = [" ".join(say_label(label)[1:]) for label, _ in result.imagenet_top5]
        general = [names_above.general[g] for label, _ in result.imagenet_top5
                   for g in names_above.general_of[captioner.labels.index(label)]]
        texts = (result.caption, result.decoder_caption, recognition_text(result.recognition), labels[0],
                 "; ".join(labels), "; ".join(labels + general))
        readings.append(PhotoReading(photo, texts, tuple(judge(text, photo, names) for text in texts)))
    return readings


@dataclass(frozen=True)
class Tally:
    """Counts over a group of photos; each tuple holds a count per reading (READINGS, in that order)."""

    photos: int
    subject: tuple[int, ...]
    with_setting: int
    setting: tuple[int, ...]
    with_several: int
    several: tuple[int, ...]
    wrong_background: tuple[int, ...]
    with_people: int
    people: tuple[int, ...]
    wrong_person: tuple[int, ...]


def tally(readings: list[PhotoReading]) -> dict[str, Tally]:
    """Per kind and "all"."""
    def count(chosen: list[PhotoReading], field: str) -> tuple[int, ...]:
        return tuple(sum(bool(getattr(r.judgements[i], field)) for r in chosen) for i in range(len(READINGS)))

    rows = {}
    for kind in (*KINDS, "all"):
        chosen = [r for r in readings if kind in ("all", r.photo.kind)]
        rows[kind] = Tally(len(chosen), count(chosen, "subject"), sum(bool(r.photo.setting) for r in chosen),
                           count(chosen, "setting"), sum(r.photo.several for r in chosen), count(chosen, "several"),
                           count(chosen, "wrong_background"), sum(bool(r.photo.people) for r in chosen),
                           count(chosen, "people"), count(chosen, "wrong_person"))
    return rows


def report(readings: list[PhotoReading]) -> str:
    """Every photo's readings, then the counts per kind: subject named, setting said, several said, people named
    (served caption, decoder, recognition), and a person named where there is none."""
    def marks(judgement: Judgement) -> str:
        flags = [("S", judgement.subject), ("W", judgement.setting), ("N", judgement.several),
                 ("P", judgement.people), ("B", judgement.wrong_background)]
        return "".join(letter if value else ("." if value is not None else " ") for letter, value in flags) + \
            ("X" if judgement.wrong_person else " ")

    lines = ["marks: S subject named, W setting said, N several said, P people named, B a background that is not "
             "there, X a person where there is none; '.' missed, ' ' not asked",
             f"{'photo':<20} {'served':<7} {'recog':<7} served caption | decoder's words | recognition | CNN top-1 | "
             "CNN top-5 | with general names"]
    for r in readings:
        lines.append(f"{r.photo.title:<20} {marks(r.judgements[0]):<7} {marks(r.judgements[2]):<7} "
                     + " | ".join(r.texts))
    rows = tally(readings)
    lines += ["", "Counts: served caption / decoder's words / recognition (subject also: CNN top-1 / top-5 / "
                  "top-5 with general names)",
              f"{'kind':<10} {'photos':>6}  {'subject named':>28}  {'setting said':>16}  {'several said':>16}  "
              f"{'people named':>16}  {'person not there':>16}"]

    def three(counts: tuple[int, ...], of: int | None = None) -> str:
        said = f"{counts[0]}/{counts[1]}/{counts[2]}"
        return f"{said} of {of}" if of is not None else said

    for kind, row in rows.items():
        lines.append(f"{kind:<10} {row.photos:>6}  {three(row.subject) + ' | ' + three(row.subject[3:]):>28}  "
                     f"{three(row.setting, row.with_setting):>16}  {three(row.several, row.with_several):>16}  "
                     f"{three(row.people, row.with_people):>16}  "
                     f"{three(row.wrong_person, row.photos - row.with_people):>16}")
    total = rows["all"]
    lines.append(f"\nA background that is not there: served {total.wrong_background[0]}, decoder "
                 f"{total.wrong_background[1]} of {total.photos - sum(r.photo.plain_background for r in readings)} "
                 "photos without a plain background.")
    return "\n".join(lines)


def rates(readings: list[PhotoReading]) -> str:
    """The share of photos each reading gets right, per question (the photos that ask it), as lines."""
    total = tally(readings)["all"]

    def share(counts: tuple[int, ...], of: int, reading: int) -> str:
        return f"{counts[reading]:>3} of {of:<3} {counts[reading] / max(of, 1):>5.0%}"

    rows = [("subject named", total.subject, total.photos), ("setting said", total.setting, total.with_setting),
            ("several said", total.several, total.with_several), ("people named", total.people, total.with_people),
            ("a person not there", total.wrong_person, total.photos - total.with_people)]
    lines = [f"{'':<20}" + "".join(f"{name:<17}" for name in READINGS[:4])]
    for label, counts, of in rows:
        shown = range(4) if label == "subject named" else range(3)
        lines.append(f"{label:<20}" + "".join(f"{share(counts, of, i):<17}" for i in shown))
    return "\n".join(lines)


QUESTIONS = {"subject named": "subject", "setting said": "setting", "several said": "several",
             "people named": "people", "a person not there": "wrong_person"}


def paired_rates(ours: list[PhotoReading], peer: list[PhotoReading], reading: int = 0, peer_reading: int = 0,
                 questions: tuple[str, ...] = tuple(QUESTIONS)) -> dict[str, Interval]:
    """Per question, the difference in the share of photos that `reading` of `ours` gets right and `peer_reading`
    of `peer` does (the same photos, in the same order), with its paired bootstrap interval; over the photos
    that ask the question ("a person not there": lower is better, so the difference is the peer's minus ours)."""
    if [r.photo.title for r in ours] != [r.photo.title for r in peer]:
        raise ValueError("the two readings are of different photos")
    intervals = {}
    for question in questions:
        field = QUESTIONS[question]
        asked = [i for i, r in enumerate(ours) if getattr(r.judgements[reading], field) is not None
                 and (field != "wrong_person" or not r.photo.people)]
        if not asked:
            continue
        mine = [bool(getattr(ours[i].judgements[reading], field)) for i in asked]
        theirs = [bool(getattr(peer[i].judgements[peer_reading], field)) for i in asked]
        if field == "wrong_person":
            mine, theirs = theirs, mine
        intervals[question] = paired_interval(mean_of(mine), mean_of(theirs), len(asked))
    return intervals


def format_intervals(intervals: dict[str, Interval]) -> str:
    return "\n".join(f"{question:<20}{interval}" for question, interval in intervals.items())


def check_metrics(readings: list[PhotoReading]) -> dict:
    """What a manifest keeps of the check, per set of photos: for each question, how many photos ask it and how
    many the served caption, the recognition layer and the CNN's top-1 label get right; and the served caption's
    subjects beside the CNN label's with their paired bootstrap interval."""
    metrics = {}
    for name, photos in {**CHECK_SETS, "all": CHECK_PHOTOS}.items():
        chosen = [r for r in readings if r.photo in photos]
        total = tally(chosen)["all"]
        asked = {"subject named": total.photos, "setting said": total.with_setting,
                 "several said": total.with_several, "people named": total.with_people,
                 "a person not there": total.photos - total.with_people}
        counts = {"subject named": total.subject, "setting said": total.setting, "several said": total.several,
                  "people named": total.people, "a person not there": total.wrong_person}
        metrics[name] = {question: {"photos": asked[question],
                                    **{READINGS[i]: counts[question][i] for i in (0, 2, 3)}}
                         for question in QUESTIONS}
        metrics[name]["served subjects beside the CNN label"] = paired_rates(
            chosen, chosen, 0, 3, ("subject named",))["subject named"].to_json()
    return metrics