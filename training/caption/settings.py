"""The caption model's training settings (`python -m training.train caption --set KEY=VALUE`).

Torch-free: evaluation and quantisation read a committed model's settings back from its manifest to
rebuild the very same scenes (`scene_settings_of`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from training.settings import RUNS_DIR

DATA = ("stamps", "shapes", "karpathy")


@dataclass
class CaptionTraining:
    encoder: str = "lite0"  # "lite0" or "resnet50" (training/caption/encoder.py)
    data: str = "stamps"  # "stamps", "shapes" (fast tests) or "karpathy" (with karpathy_json and images)
    train_scenes: int = 20_000
    validation_scenes: int = 800
    test_scenes: int = 1_000
    # The novel-object run (novel_nouns=40): that many single-photo things the CNN has a word for are
    # kept out of training, to judge how well the CNN names what the decoder never learnt (stamps only).
    novel_nouns: int = 0
    novel_scenes: int = 400  # scenes for each of novel_validation and novel_test
    # Threshold for CNN names (serving/caption/cnn_names.py); None: choose it on the validation splits.
    # 0.8 is what the novel-object run chose (docs/caption.md: "Naming what the decoder never learnt").
    cnn_name_threshold: float | None = 0.8
    # Attend over the CNN's class scores per cell instead of its features (training/caption/model.py). Better
    # in the novel-object run, not with all cut-outs (docs/caption.md: "The ImageNet view"), so not the default.
    imagenet_view: bool = False
    # Share of scenes that are close-ups, one cut-out filling the frame (training/caption/scenes.py:
    # close_up_scene). 0.25 named validation objects better than none (docs/caption.md: "Close-ups").
    close_ups: float = 0.25
    # Share of scenes that show 2-5 of one thing ("three zebras on the grass"; scenes.group_scene).
    groups: float = 0.15
    # Photographed settings (crops of desktop photos: grass, sky, water, forest ...) among the backgrounds,
    # beside plain colours and gradients (scenes.SETTING_PHOTOS); False: plain, gradient and texture only.
    setting_photos: bool = True
    surfaces: bool = True  # GIMP's wood and parquet patterns: "on a wooden table", "on a wooden floor"
    # How many of the CNN's likeliest things the decoder can copy (training/caption/copying.py); 0: none,
    # the CNN renames sure objects after decoding instead (serving/caption/cnn_names.py). Scenes only: Karpathy
    # captions do not say which words name which object, so a decoder trained on them never copies.
    concepts: int = 5
    concept_threshold: float = 0.5  # how sure the CNN must be of a general name ("cat") to say it for a breed
    # How many of the recognition layer's detected things (serving/caption/recognition.py: COCO boxes, counted
    # and named) the decoder can copy as well, each by an object slot that says its count ("three zebras");
    # 0: none. Only with concepts > 0 and scenes (reads_objects; the detector runs on every scene once, cached).
    objects: int = 3
    # What picks the epoch kept: "recall" (object recall on validation scenes, then CIDEr-D) or "rates" (the
    # mean of object recall, setting said, count said and no plain background where there is none).
    selection: str = "recall"
    batch_size: int = 64
    learning_rate: float = 1e-3
    feature_noise: float = 0.1  # Gaussian noise on the cached features, relative to their spread
    dropout: float = 0.5  # the decoder's (DecoderConfig): strong, a few hundred cut-outs are easy to learn by heart
    max_epochs: int = 10
    patience: int = 3  # epochs without a better validation score before stopping
    attention_weight: float = 1.0
    clip_norm: float = 5.0
    time_budget_minutes: float = 48.0  # features + decoder loop; evaluation takes a few minutes more
    beam_size: int = 3
    seed: int = 0
    karpathy_json: Path | None = None  # Karpathy's dataset_*.json (data=karpathy)
    images: Path | None = None  # the folder of the photos it names (data=karpathy)

    def __post_init__(self):
        if self.data not in DATA:
            raise ValueError(f"data must be one of {', '.join(DATA)}")
        if not 0 <= self.close_ups <= 1 or not 0 <= self.groups <= 1 or self.close_ups + self.groups > 1:
            raise ValueError("close_ups and groups take numbers from 0 to 1 that add up to at most 1")
        if not 0 <= self.concepts <= 20:
            raise ValueError("concepts takes a whole number from 0 to 20")
        if self.selection not in ("recall", "rates"):
            raise ValueError("selection is recall or rates")
        if not 0 <= self.objects <= 10:
            raise ValueError("objects takes a whole number from 0 to 10")
        if self.cnn_name_threshold is not None and not 0 <= self.cnn_name_threshold <= 1:
            raise ValueError("cnn_name_threshold takes a number from 0 to 1, or none (choose it on validation)")


def scene_settings_of(manifest: dict) -> CaptionTraining:
    """The settings that decide a committed model's scenes and scoring (data, sizes, seed, beam),
    read back from its manifest so evaluation and quantisation rebuild the very same test scenes."""
    kept = ("encoder", "data", "train_scenes", "validation_scenes", "test_scenes", "novel_nouns", "novel_scenes",
            "close_ups", "groups", "setting_photos", "surfaces", "beam_size", "seed", "objects")
    # older manifests: no close-ups, groups or photographed settings
    saved = {"close_ups": 0.0, "groups": 0.0, "setting_photos": False, "surfaces": False, "objects": 0} | \
        manifest["training"]["settings"]
    return CaptionTraining(**{k: v for k, v in saved.items() if k in kept})


def run_dir_of(settings: CaptionTraining) -> Path:
    """Where a run keeps its exports, checkpoints and feature cache."""
    return RUNS_DIR / f"caption-{settings.data}"


def reads_objects(settings: CaptionTraining) -> bool:
    """Does the decoder read (and copy) the detector's things? Scenes with copying only."""
    return settings.objects > 0 and settings.concepts > 0 and settings.data == "stamps"


def has_novel_split(settings: CaptionTraining) -> bool:
    return settings.data == "stamps" and settings.novel_nouns > 0


def scene_counts(settings: CaptionTraining) -> dict[str, int]:
    counts = {"train": settings.train_scenes, "validation": settings.validation_scenes, "test": settings.test_scenes}
    if has_novel_split(settings):
        counts.update(novel_validation=settings.novel_scenes, novel_test=settings.novel_scenes)
    return counts


def scene_feature_folder(settings: CaptionTraining, run_dir: Path, encoder_digest: str) -> Path:
    """Where the encoded scenes of these settings are cached, named after what made them: the settings and
    the encoder (the start of its file's sha256; two exports of one network can differ in the last bits)."""
    sizes = "-".join(map(str, scene_counts(settings).values()))
    novel = f"-n{settings.novel_nouns}" if has_novel_split(settings) else ""
    close_ups = f"-c{settings.close_ups:g}" if settings.data == "stamps" and settings.close_ups else ""
    groups = f"-g{settings.groups:g}" if settings.data == "stamps" and settings.groups else ""
    photos = "-photos" if settings.data == "stamps" and settings.setting_photos else ""
    photos += "-surfaces" if settings.data == "stamps" and settings.surfaces else ""
    return run_dir / (f"features-{settings.encoder}-{settings.data}-{sizes}{novel}{close_ups}{groups}{photos}"
                      f"-s{settings.seed}-e{encoder_digest}")
