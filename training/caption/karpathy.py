"""Read Andrej Karpathy's caption splits (`dataset_flickr8k.json`, `dataset_flickr30k.json`, `dataset_coco.json`).

Those files and their photos cannot be fetched here; users who have them train a real captioner
with `python -m training.train caption --set data=karpathy --set karpathy_json=dataset_flickr8k.json
--set images=Flicker8k_Dataset/`.
Each entry names a photo (`filename`, under `filepath` for COCO), its `split` (train, restval,
val, test) and five `sentences` with `tokens`. restval joins train, as in the papers.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

SPLIT_NAMES = {"train": "train", "restval": "train", "val": "validation", "test": "test"}


@dataclass(frozen=True)
class CaptionedPhoto:
    path: Path
    captions: tuple[str, ...]


def read_karpathy_split(dataset_json: Path, image_root: Path) -> dict[str, list[CaptionedPhoto]]:
    """train / validation / test lists of photos with lower-cased, tokenised reference captions."""
    try:
        entries = json.loads(Path(dataset_json).read_text())["images"]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ValueError(f"{dataset_json} is not a Karpathy split file ({err})") from None
    splits: dict[str, list[CaptionedPhoto]] = {"train": [], "validation": [], "test": []}
    missing = []
    for entry in entries:
        path = Path(image_root) / entry.get("filepath", "") / entry["filename"]
        if not path.is_file():
            missing.append(path)
            continue
        captions = tuple(" ".join(s["tokens"]).lower() if s.get("tokens") else s["raw"].strip().lower()
                         for s in entry["sentences"])
        splits[SPLIT_NAMES[entry["split"]]].append(CaptionedPhoto(path, captions))
    if missing:
        raise ValueError(f"{len(missing)} photo(s) named in {dataset_json} are not under {image_root}, "
                         f"e.g. {missing[0]}")
    return splits
