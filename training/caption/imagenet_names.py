"""Names people use for the CNN's 1,000 ImageNet classes, and the general names above them (no torch).

ImageNet's labels are catalogue names ("Egyptian cat", "ice bear", "Madagascar cat"). Two
registry sources give better ones, at two levels:
- the class itself: OpenCLIP's hand-curated class names (PyPI `open_clip_torch`, MIT), written
  for people to read ("Egyptian Mau", "polar bear", "ring-tailed lemur");
- the level above: ImageNet's classes are WordNet 3.0 noun synsets (their ids ship in PyPI `timm`,
  Apache-2.0), and WordNet (Debian `wordnet-base`) knows every class's hypernyms and how often each
  word sense was met in its tagged corpus. A hypernym is a general name people use when its word
  is common (tagged at least MIN_TAG_COUNT times), concrete (at least MIN_DEPTH steps below
  "entity": "dog", "car" and "ball" are; "device", "structure" and "animal" are not) and narrower
  than a kingdom (it covers MIN_CLASSES to MAX_CLASSES ImageNet classes).
The CNN names a region by the most specific of these it is sure of (serving/caption/cnn_names.py):
"a tabby cat", else "a cat" when the five cat breeds together pass the threshold.

Training writes the names into every caption artifact; `python -m training.caption.imagenet_names`
writes them into the committed one, and re-scores it as served, without retraining its decoder.
"""
from __future__ import annotations

import ast
import json
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from datafetch.archives import deb_data, tar_members_named, zip_member
from datafetch.registry import fetch
from datafetch.sources import OPEN_CLIP_WHEEL, TIMM_WHEEL, WORDNET
from serving.artifact import Artifact, load_artifact, model_dir, write_evaluated_artifact
from serving.caption.captioner import Captioner
from training.caption.evaluate import score_as_served
from training.caption.settings import run_dir_of, scene_settings_of

SYNSETS_MEMBER = "timm/data/_info/imagenet_synsets.txt"
CURATED_MEMBER = "open_clip/zero_shot_metadata.py"
WORDNET_DIR = "usr/share/wordnet/"
MIN_TAG_COUNT = 5
MIN_DEPTH = 7
MIN_CLASSES, MAX_CLASSES = 2, 120


def synset_ids(timm_wheel: Path) -> list[str]:
    """The 1,000 WordNet ids ("n02123045") in the classifier's output order."""
    ids = zip_member(timm_wheel, SYNSETS_MEMBER).decode().split()
    if len(ids) != 1000:
        raise ValueError(f"{timm_wheel}: expected 1000 synset ids in {SYNSETS_MEMBER}, found {len(ids)}")
    return ids


def curated_names(open_clip_wheel: Path) -> list[str]:
    """OpenCLIP's IMAGENET_CLASSNAMES, read as data (the module is parsed, never imported)."""
    tree = ast.parse(zip_member(open_clip_wheel, CURATED_MEMBER).decode())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "IMAGENET_CLASSNAMES" for t in node.targets):
            names = list(ast.literal_eval(node.value))
            if len(names) == 1000:
                return names
    raise ValueError(f"{open_clip_wheel}: no list of 1000 IMAGENET_CLASSNAMES in {CURATED_MEMBER}")


def plain_name(curated: str) -> str:
    """One name to say, lower case: disambiguating notes dropped ("ram (adult male sheep)" -> "ram"),
    the first of synonyms ("cardboard box / carton" -> "cardboard box"), the last of alternatives
    that share a head word ("traffic or street sign" -> "street sign")."""
    name = re.sub(r"\s*\(.*?\)", "", curated).split(" / ")[0].split(" or ")[-1]
    return name.strip().lower()


@dataclass(frozen=True)
class Synset:
    lemmas: tuple[tuple[str, int], ...]  # (word, how often this sense was tagged), in WordNet's order
    hypernyms: tuple[str, ...]  # offsets

    @property
    def common_name(self) -> tuple[str, int]:
        """The most often tagged lemma (the first on ties) and its count."""
        return max(self.lemmas, key=lambda lemma: lemma[1])


class WordNet:
    """The noun synsets of WordNet 3.0 by offset, with tag counts from cntlist.rev."""

    def __init__(self, data_noun: str, cntlist: str):
        counts = {}
        for line in cntlist.splitlines():
            key, _, count = line.split()
            counts[key] = int(count)
        self.synsets: dict[str, Synset] = {}
        for line in data_noun.splitlines():
            if line.startswith(" "):  # the licence header
                continue
            fields = line.split(" | ")[0].split()
            offset, lexicographer_file, word_count = fields[0], int(fields[1]), int(fields[3], 16)
            words = [(fields[4 + 2 * i], int(fields[5 + 2 * i], 16)) for i in range(word_count)]
            at = 4 + 2 * word_count
            pointers = [fields[at + 1 + 4 * i:at + 5 + 4 * i] for i in range(int(fields[at]))]
            keys = [f"{word.lower()}%1:{lexicographer_file:02d}:{lex_id:02d}::" for word, lex_id in words]
            self.synsets[offset] = Synset(
                tuple((word.replace("_", " "), counts.get(key, 0)) for (word, _), key in zip(words, keys)),
                tuple(p[1] for p in pointers if p[0] in ("@", "@i") and p[2] == "n"))

    @classmethod
    def from_deb(cls, deb: Path) -> WordNet:
        data = deb_data(deb)
        return cls(*(content.decode("latin-1") for content in
                     tar_members_named(data, [WORDNET_DIR + "data.noun", WORDNET_DIR + "cntlist.rev"])))

    @lru_cache(maxsize=None)
    def depth(self, offset: str) -> int:
        """Steps below "entity" along the shortest hypernym path."""
        hypernyms = self.synsets[offset].hypernyms
        return 1 + min(self.depth(h) for h in hypernyms) if hypernyms else 0

    def ancestors(self, offset: str) -> set[str]:
        found, todo = set(), [offset]
        while todo:
            for hypernym in self.synsets[todo.pop()].hypernyms:
                if hypernym not in found:
                    found.add(hypernym)
                    todo.append(hypernym)
        return found

    def sayable(self, offset: str) -> bool:
        """A general name people use: a common, concrete word (see the module's docstring)."""
        return self.synsets[offset].common_name[1] >= MIN_TAG_COUNT and self.depth(offset) >= MIN_DEPTH


def imagenet_names(ids: list[str], names: list[str], wordnet: WordNet) -> dict:
    """{"classes": [{"name", "groups"}], "groups": [{"name", "synset", "classes"}]}: each class's name and its
    general names, narrowest first; each general name's member classes. Written into the caption artifact."""
    ancestors = [wordnet.ancestors(synset[1:]) for synset in ids]
    members: dict[str, list[int]] = {}
    for index, found in enumerate(ancestors):
        for offset in found:
            members.setdefault(offset, []).append(index)
    kept = sorted(offset for offset, classes in members.items()
                  if MIN_CLASSES <= len(classes) <= MAX_CLASSES and wordnet.sayable(offset))
    number = {offset: i for i, offset in enumerate(kept)}
    groups = [{"name": wordnet.synsets[offset].common_name[0].lower(), "synset": f"n{offset}",
               "classes": members[offset]} for offset in kept]
    classes = [{"name": plain_name(name),
                "groups": sorted((number[o] for o in found if o in number), key=lambda g: len(groups[g]["classes"]))}
               for name, found in zip(names, ancestors)]
    return {"classes": classes, "groups": groups}


def write_names_file(path: Path) -> dict:
    """Build the names from the three fetched packages, write them to `path` as JSON, and return the
    manifest's record of where they came from."""
    names = imagenet_names(synset_ids(fetch(TIMM_WHEEL)), curated_names(fetch(OPEN_CLIP_WHEEL)),
                           WordNet.from_deb(fetch(WORDNET)))
    path.write_text(json.dumps(names, separators=(",", ":")) + "\n")
    return {"names_file": path.name,
            "names_from": {source.package: f"{source.description} ({source.licence})"
                           for source in (OPEN_CLIP_WHEEL, TIMM_WHEEL, WORDNET)},
            "general_names": f"WordNet hypernyms tagged at least {MIN_TAG_COUNT} times, at least {MIN_DEPTH} steps "
                             f"below 'entity', covering {MIN_CLASSES}-{MAX_CLASSES} classes"}


def main() -> int:
    """Give the committed caption model its names, and re-score it as served."""
    artifact = load_artifact(model_dir("caption"))
    manifest = artifact.manifest
    run_dir = run_dir_of(scene_settings_of(manifest))
    run_dir.mkdir(parents=True, exist_ok=True)
    facts = write_names_file(run_dir / "imagenet_names.json")
    files = {name: artifact.file(name) for name in manifest["files"]}
    files[facts["names_file"]] = run_dir / facts["names_file"]
    kept = artifact.given_manifest
    kept["cnn_names"] = {**manifest["cnn_names"], **facts,
                         "names_written_by": "python -m training.caption.imagenet_names (the decoder as trained)"}

    def evaluate(staged: Artifact) -> dict:
        return {**manifest["metrics"], **score_as_served(Captioner(staged))}

    print(f"wrote {write_evaluated_artifact(artifact.path, run_dir / 'artifact-names', files, kept, evaluate)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
