"""What the caption decoder learns from and is scored on: scenes or photos, encoded once and cached.

Default data: scenes composed from Tux Paint photo cut-outs (training/caption/scenes.py), test
scenes made only from held-out cut-outs; `data=karpathy` reads a real caption dataset instead
(training/caption/karpathy.py). The features are made by the very encoder ONNX file that ships
in the artifact, through the same image preparation as serving, and stored as float16 [N, 49, F]
.npy files (memory-mapped while training). A cache folder is named after what made it, so a rerun
with the same settings reuses it. For a decoder that reads the recognition layer, the detector's boxes in
each scene are cached beside them, named after the detector file's digest.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort
from PIL import Image
from tqdm import tqdm

from datafetch.registry import fetch
from datafetch.sources import GIMP_DATA, LOMIRI_WALLPAPERS, PLASMA_WALLPAPERS, SCIKIT_IMAGE, TUXPAINT_STAMPS
from serving.artifact import load_artifact, model_dir, sha256_of
from serving.caption.detector import Detection, Detector
from serving.caption.image_input import IMAGE_SIZE, ImageInputError, load_image, to_model_input
from training.caption.karpathy import read_karpathy_split
from training.caption.scenes import (Background, Mention, Stamp, gradient_backgrounds, make_scenes, plain_backgrounds,
                                     read_stamps, setting_backgrounds, shape_stamps, split_stamps, surface_backgrounds,
                                     texture_backgrounds)
from training.caption.settings import (CaptionTraining, has_novel_split, reads_objects, scene_counts,
                                       scene_feature_folder)

ENCODE_BATCH = 32


@dataclass
class CaptionSet:
    references: list[list[str]]  # one or more reference captions per image
    features: np.ndarray  # [N, P, F] float16, row i belongs to references[i]
    objects: list[tuple[str, ...]] | None = None  # head nouns of what each image shows (scenes only)
    mentions: list[tuple[Mention, ...]] | None = None  # how each caption speaks of them (scenes only)
    detections: list[list[Detection]] | None = None  # what the COCO detector found in each (settings.objects)


def encode_to_file(images: Iterable[Image.Image], count: int, path: Path, encoder: ort.InferenceSession,
                   desc: str) -> np.ndarray:
    """Encode `count` images into `path` ([count, P, F] float16), written under a temporary name first."""
    probe = encoder.run(["grid"], {"image": np.zeros((1, 3, IMAGE_SIZE, IMAGE_SIZE), np.float32)})[0]
    partial = path.with_name(path.name + ".partial")
    array = np.lib.format.open_memmap(partial, mode="w+", dtype=np.float16, shape=(count, *probe.shape[1:]))
    batch: list[np.ndarray] = []
    done = 0
    for image in tqdm(images, total=count, desc=desc, unit="image", disable=None):
        batch.append(to_model_input(image))
        if len(batch) == ENCODE_BATCH or done + len(batch) == count:
            array[done:done + len(batch)] = encoder.run(["grid"], {"image": np.stack(batch)})[0]
            done += len(batch)
            batch = []
    array.flush()
    del array
    os.replace(partial, path)
    return np.load(path, mmap_mode="r")


def _cached(folder: Path, name: str, encoder: ort.InferenceSession, count: int,
            examples: Iterator[tuple[Image.Image, list[str], tuple[Mention, ...] | None]]) -> CaptionSet:
    """Load folder/name.{npy,json} if a finished run wrote them; else encode `examples` (image,
    references, mentions), streamed so that no more than a batch of images is held at once."""
    features_path, captions_path = folder / f"{name}.npy", folder / f"{name}.json"
    if not (features_path.exists() and captions_path.exists()):
        folder.mkdir(parents=True, exist_ok=True)
        references, mentions = [], []

        def images() -> Iterator[Image.Image]:
            for image, refs, said in examples:
                references.append(refs)
                mentions.append(said)
                yield image

        encode_to_file(images(), count, features_path, encoder, f"encoding {name}")
        has_mentions = any(said is not None for said in mentions)
        captions_path.write_text(json.dumps({
            "references": references,
            "objects": [[m.noun for m in said] for said in mentions] if has_mentions else None,
            "mentions": [[[m.said, m.noun, m.count] for m in said] for said in mentions] if has_mentions else None}))
    meta = json.loads(captions_path.read_text())
    objects = [tuple(o) for o in meta["objects"]] if meta["objects"] is not None else None
    mentions = ([tuple(Mention(*m) for m in said) for said in meta["mentions"]] if meta.get("mentions") is not None
                else None)
    return CaptionSet(meta["references"], np.load(features_path, mmap_mode="r"), objects, mentions)


def detect_to_file(images: Iterable[Image.Image], count: int, path: Path, detector: Detector,
                   desc: str) -> list[list[Detection]]:
    """The detector's boxes for `count` images, cached as JSON ([label, score, x0, y0, x1, y1] per box)."""
    if not path.exists():
        found: list[list[Detection]] = []
        batch: list[Image.Image] = []
        for image in tqdm(images, total=count, desc=desc, unit="image", disable=None):
            batch.append(image)
            if len(batch) == ENCODE_BATCH or len(found) + len(batch) == count:
                found += detector.detect(batch)
                batch = []
        partial = path.with_name(path.name + ".partial")
        partial.write_text(json.dumps([[[d.label, round(d.score, 4), *d.box] for d in image] for image in found]))
        os.replace(partial, path)
    return [[Detection(label, score, tuple(box)) for label, score, *box in image]
            for image in json.loads(path.read_text())]


SPLIT_SEED_OFFSETS = {"train": 0, "validation": 1, "test": 2, "novel_validation": 3, "novel_test": 4}


def scene_seed(seed: int, split: str) -> int:
    """The seed of a split's scenes: the same scenes whichever splits are asked for."""
    return seed * 1000 + SPLIT_SEED_OFFSETS[split]


def scene_sets(stamps: dict[str, list[Stamp]], backgrounds: list[Background], counts: dict[str, int],
               encoder: ort.InferenceSession, folder: Path, seed: int = 0,
               close_ups: float = 0.0, groups: float = 0.0, detector: Detector | None = None) -> dict[str, CaptionSet]:
    """Composed scenes for each split, from that split's stamps only, encoded once and cached (and with a
    detector, what it finds in each, cached under the name of its file's digest)."""
    def scenes(split: str):
        return make_scenes(counts[split], stamps[split], backgrounds, scene_seed(seed, split), close_ups, groups)

    sets = {split: _cached(folder, split, encoder, count, ((s.image, [s.caption], s.mentions) for s in scenes(split)))
            for split, count in counts.items()}
    if detector is not None:
        digest = detector.artifact.manifest["files"][detector.file]["sha256"][:12]
        for split, count in counts.items():
            sets[split].detections = detect_to_file((s.image for s in scenes(split)), count,
                                                    folder / f"{split}.detections-{digest}.json", detector,
                                                    f"detecting {split}")
    return sets


def karpathy_sets(dataset_json: Path, image_root: Path, encoder: ort.InferenceSession,
                  folder: Path) -> dict[str, CaptionSet]:
    """Flickr8k / Flickr30k / COCO in Karpathy's split, encoded once and cached."""
    photos = read_karpathy_split(dataset_json, image_root)

    def examples(split: str) -> Iterator[tuple[Image.Image, list[str], None]]:
        for photo in photos[split]:
            try:
                yield load_image(photo.path.read_bytes()), list(photo.captions), None
            except ImageInputError as err:
                raise ValueError(f"{photo.path}: {err}") from None

    return {split: _cached(folder, split, encoder, len(photos[split]), examples(split)) for split in photos}


def imagenet_words(imagenet_labels: list[str]) -> set[str]:
    """Every word of the ImageNet class names ("tabby, tabby cat" -> tabby, cat): what the CNN can say."""
    return {word.lower() for label in imagenet_labels for synonym in label.split(",") for word in synonym.split()}


def stamp_scene_inputs(settings: CaptionTraining, imagenet_labels: list[str]) -> tuple[dict, list]:
    """The Tux Paint cut-outs split into train / validation / test (and the novel splits, of things the
    CNN has a word for), and the backgrounds."""
    stamps = split_stamps(read_stamps(fetch(TUXPAINT_STAMPS)), settings.seed,
                          settings.novel_nouns if has_novel_split(settings) else 0, imagenet_words(imagenet_labels))
    backgrounds = plain_backgrounds() + gradient_backgrounds() + texture_backgrounds(fetch(SCIKIT_IMAGE))
    if settings.setting_photos:
        backgrounds += setting_backgrounds({"lomiri": fetch(LOMIRI_WALLPAPERS), "plasma": fetch(PLASMA_WALLPAPERS)})
    if settings.surfaces:
        backgrounds += surface_backgrounds(fetch(GIMP_DATA))
    return stamps, backgrounds


def caption_sets(settings: CaptionTraining, encoder_path: Path, run_dir: Path, imagenet_labels: list[str],
                 splits: tuple[str, ...] | None = None) -> dict[str, CaptionSet]:
    """Every split the settings ask for (scenes: only `splits`, when given), encoded by the ONNX encoder at
    `encoder_path` (cached under `run_dir`); with `objects`, the committed detector's boxes in each scene."""
    encoder = ort.InferenceSession(str(encoder_path), providers=["CPUExecutionProvider"])
    digest = sha256_of(encoder_path)[:12]
    if settings.data == "karpathy":
        return karpathy_sets(settings.karpathy_json, settings.images, encoder,
                             run_dir / f"features-{settings.encoder}-{Path(settings.karpathy_json).stem}-e{digest}")
    counts = {split: n for split, n in scene_counts(settings).items() if splits is None or split in splits}
    folder = scene_feature_folder(settings, run_dir, digest)
    if settings.data == "shapes":
        shapes = shape_stamps()
        return scene_sets({split: shapes for split in counts}, plain_backgrounds(), counts, encoder, folder,
                          settings.seed)
    stamps, backgrounds = stamp_scene_inputs(settings, imagenet_labels)
    detector = Detector(load_artifact(model_dir("detector"))) if reads_objects(settings) else None
    return scene_sets(stamps, backgrounds, counts, encoder, folder, settings.seed, settings.close_ups,
                      settings.groups, detector)


def object_phrases(settings: CaptionTraining, imagenet_labels: list[str]) -> list[str] | None:
    """The object phrases the decoder learns to say (the training cut-outs' names); None for Karpathy data."""
    if settings.data == "karpathy":
        return None
    stamps = shape_stamps() if settings.data == "shapes" else stamp_scene_inputs(settings, imagenet_labels)[0]["train"]
    return sorted({stamp.phrase for stamp in stamps})
