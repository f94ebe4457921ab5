"""The caption model as served, held out: `python -m training.evaluate caption` (no torch).

Scores the exported model's captions on held-out scenes beside the nearest-neighbour peer, and
chooses how sure the CNN must be to name an object (on validation scenes only). Training calls the
same functions on the artifact it is about to write, so the numbers are those of what `make run`
serves. Re-scoring rebuilds the same seeded scenes (reusing the feature cache training left).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from tqdm import tqdm

from serving.artifact import load_artifact
from serving.caption.captioner import DETECTED, Captioner
from serving.caption.cnn_names import CnnName, CnnNamer
from serving.caption.concepts import Concept
from training.caption.copying import credited_nouns
from training.caption.data import CaptionSet, caption_sets
from training.bootstrap import mean_of, paired_interval
from training.caption.metrics import caption_metrics, cider_d_scores
from training.caption.scenes import COLOURS, SETTING_PHOTOS, SURFACE_PATTERNS, TEXTURES
from training.caption.settings import CaptionTraining, run_dir_of, scene_settings_of

EVAL_BATCH = 64
# Candidate thresholds for naming objects by the CNN (serving/caption/cnn_names.py), tried on validation.
CNN_NAME_THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


def selection_key(scores: dict[str, float], selection: str = "recall") -> tuple[float, float]:
    """What picks the epoch kept: object recall ("recall"), or the mean of the four scene rates ("rates"),
    then CIDEr-D."""
    first = mean_of_rates(scores) if selection == "rates" else scores.get("object_recall", 0.0)
    return first, scores["cider_d"]


def batch_of(detections: list | None, start: int) -> list | None:
    """The cached detections of the evaluation batch that starts at `start` (None where there are none)."""
    return detections[start:start + EVAL_BATCH] if detections is not None else None


def decode_set(captioner: Captioner, caption_set: CaptionSet, beam_size: int,
               namers: list[CnnNamer | None]) -> list[list[str]]:
    """The best caption of every image, once per way of naming objects (one beam search serves all)."""
    captions: list[list[str]] = [[] for _ in namers]
    for start in tqdm(range(0, len(caption_set.references), EVAL_BATCH), desc=f"captioning (beam {beam_size})",
                      unit="batch", disable=None):
        grid = np.asarray(caption_set.features[start:start + EVAL_BATCH], np.float32)
        recognitions = captioner.scene_recognitions(grid, batch_of(caption_set.detections, start))
        for (nbest, things), image_grid in zip(captioner.search_with_things(grid, beam_size, True, recognitions),
                                               grid):
            for out, cnn_namer in zip(captions, namers):
                out.append(" ".join(captioner.named(nbest[0], image_grid, cnn_namer, things)[0]))
    return captions


def nearest_neighbour_captions(train: CaptionSet, test: CaptionSet) -> list[str]:
    """The peer: each test image gets the first caption of the training image whose pooled feature is
    closest in cosine similarity (a retrieval baseline that knows the training captions by heart)."""
    def pooled(features: np.ndarray) -> np.ndarray:
        vectors = np.concatenate([features[i:i + 1024].astype(np.float32).mean(1)
                                  for i in range(0, len(features), 1024)])
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True).clip(1e-6)

    nearest = (pooled(test.features) @ pooled(train.features).T).argmax(1)
    return [train.references[i][0] for i in nearest]


def served_scores(captioner: Captioner, test: CaptionSet, beam_size: int) -> tuple[list[str], dict[str, dict]]:
    """The captions as served (beam search, CNN names where the model has them) and the model's metrics on one
    set: beam search with and without CNN names, and greedy."""
    beam, plain = decode_set(captioner, test, beam_size, [captioner.cnn_namer, None])
    return beam, {**({f"beam {beam_size} + CNN names": caption_metrics(beam, test.references, test.objects)}
                     if captioner.cnn_namer else {}),
                  f"beam {beam_size}": caption_metrics(plain, test.references, test.objects),
                  "greedy": caption_metrics(decode_set(captioner, test, 1, [None])[0], test.references,
                                            test.objects)}


def compare_with_nearest_neighbour(captioner: Captioner, sets: dict[str, CaptionSet], beam_size: int,
                                   split: str = "test") -> dict:
    """Metrics of the served model on a held-out split (beam, with and without CNN names, and greedy)
    beside the nearest-neighbour peer, printed."""
    test = sets[split]
    served, scores = served_scores(captioner, test, beam_size)
    neighbours = nearest_neighbour_captions(sets["train"], test)
    scores["nearest neighbour"] = caption_metrics(neighbours, test.references, test.objects)
    print(f"Held-out {split.replace('_', ' ')} split ({len(test.references)} images):")
    for name, values in scores.items():
        print(f"  {name:22s} " + "  ".join(f"{k} {v:.3f}" for k, v in values.items()))
    ours, peer = cider_d_scores(served, test.references), cider_d_scores(neighbours, test.references)
    interval = paired_interval(mean_of(ours), mean_of(peer), len(ours))
    print(f"  CIDEr-D as served minus the nearest neighbour's, paired bootstrap 95% interval over images: {interval}")
    scores["as served beside nearest neighbour"] = {"cider_d": interval.to_json()}
    return scores


def choose_cnn_naming(captioner: Captioner, validation_sets: list[CaptionSet], beam_size: int) -> dict:
    """The threshold at which the CNN names objects that names the validation scenes' objects best
    (mean object-word recall over the sets, then mean CIDEr-D); None when no threshold beats the
    decoder's own words. The sets are the validation scenes of things the decoder learnt and, with
    stamps, those of novel things it never saw, so both kinds count alike."""
    thresholds = [None, *CNN_NAME_THRESHOLDS]
    namers = [captioner.cnn_namer_at(t) for t in thresholds]
    scores = [[caption_metrics(c, v.references, v.objects) for c in decode_set(captioner, v, beam_size, namers)]
              for v in validation_sets]
    means = [{key: round(float(np.mean([s[i].get(key, 0.0) for s in scores])), 4) for key in scores[0][i]}
             for i in range(len(thresholds))]
    best = max(range(len(thresholds)), key=lambda i: selection_key(means[i]))
    print("CNN names on validation: " + ", ".join(
        f"{t or 'never'}: recall {m.get('object_recall', 0):.3f} CIDEr-D {m['cider_d']:.3f}"
        for t, m in zip(thresholds, means)) + f" -> {thresholds[best] or 'never'}", flush=True)
    return {"threshold": thresholds[best],
            "chosen_on": " and ".join(f"{len(v.references)} validation images" for v in validation_sets)
                         + f", beam {beam_size}, by mean object-word recall",
            "validation": {str(t or "never"): m for t, m in zip(thresholds, means)}}


def evaluate_committed() -> dict:
    """The committed caption model on its held-out test splits, printed; {split: scores}."""
    return score_as_served(Captioner.load())


def artifact_metrics(artifact) -> dict:
    """A caption artifact's held-out scores as served (what `python -m training.rescore caption` rewrites): the
    test scenes, and the real-photo check with the committed detector."""
    from serving.artifact import model_dir
    from serving.caption.detector import Detector
    from training.caption.real_photos import CHECK_PHOTOS, check_metrics, read_photos

    captioner = Captioner(artifact, Detector(load_artifact(model_dir("detector"))))
    return {**score_as_served(captioner), "real_photos": check_metrics(read_photos(captioner, 3, CHECK_PHOTOS))}


def score_as_served(captioner: Captioner) -> dict:
    """A caption artifact trained on the default data, on its held-out test splits as served; {split: scores}."""
    settings = scene_settings_of(captioner.artifact.manifest)
    if settings.data != "stamps":
        raise SystemExit("error: only models trained on the default data can be re-evaluated here")
    sets = caption_sets(settings, captioner.artifact.file("encoder.onnx"), run_dir_of(settings), captioner.labels)
    return {split: compare_with_nearest_neighbour(captioner, sets, settings.beam_size, split)
            for split in ("test", "novel_test") if split in sets}


SETTING_PHRASES = tuple(sorted({phrase for _, _, phrase, _ in SETTING_PHOTOS} | {p for p, _ in TEXTURES.values()}
                               | set(SURFACE_PATTERNS.values())))
PLAIN_PHRASES = tuple(f"on a {colour} background" for colour in COLOURS)
COUNTS = ("two", "three", "four", "five", "a group of")


def named_things(captioner: Captioner, named: list[CnnName]) -> list[Concept]:
    """The things the CNN named in a caption, with the classes each name covers (for crediting them)."""
    names = captioner.imagenet_names
    things = []
    for n in named:
        if n.imagenet_class.startswith(DETECTED):  # the detector's thing: the ImageNet kinds of its COCO class
            kinds = np.flatnonzero(captioner.recogniser.kinds.get(n.imagenet_class[len(DETECTED):], []))
            things.append(Concept(n.label, n.probability, tuple(int(c) for c in kinds), int(kinds[0]) if len(kinds)
                                  else 0))
            continue
        top = captioner.labels.index(n.imagenet_class)
        classes = np.flatnonzero(names.members[names.general.index(n.label)]) if n.label in names.general else [top]
        things.append(Concept(n.label, n.probability, tuple(int(c) for c in classes), top))
    return things


def scene_reading(captioner: Captioner, caption_set: CaptionSet, beam_size: int) -> dict[str, float]:
    """How the served captions of scenes read: the usual metrics (a name the CNN gave counts for the object
    it names), and how often they say the setting (scenes over a photographed setting), a count (scenes of
    several of one thing), and a plain background where there is none."""
    captions, credited = [], []
    for start in range(0, len(caption_set.references), EVAL_BATCH):
        grid = np.asarray(caption_set.features[start:start + EVAL_BATCH], np.float32)
        recognitions = captioner.scene_recognitions(grid, batch_of(caption_set.detections, start))
        searched = captioner.search_with_things(grid, beam_size, True, recognitions)
        for i, ((nbest, things), image_grid) in enumerate(zip(searched, grid), start=start):
            words, _, named = captioner.named(nbest[0], image_grid, captioner.cnn_namer, things)
            captions.append(" ".join(words))
            credited.append(credited_nouns(named_things(captioner, named), caption_set.objects[i], captioner.labels))
    scores = caption_metrics(captions, caption_set.references, caption_set.objects, credited)
    return {**scores, **scene_rates(captions, caption_set.references, caption_set.mentions)}


def scene_rates(captions: list[str], references: list[list[str]], mentions: list | None) -> dict[str, float | None]:
    """How often captions of scenes say the setting (scenes over a photographed setting), a count (scenes of
    several of one thing), and a plain background where there is none (captions[i] is of references[i])."""
    firsts = [refs[0] for refs in references]
    settings = [(c, next(p for p in SETTING_PHRASES if r.endswith(p))) for c, r in zip(captions, firsts)
                if r.endswith(SETTING_PHRASES)]
    groups = [c for c, said in zip(captions, mentions or []) if said and said[0].count != "a"]
    not_plain = [c for c, r in zip(captions, firsts) if not r.endswith(PLAIN_PHRASES)]
    return {"setting_said": round(float(np.mean([p in c for c, p in settings])), 4) if settings else None,
            "count_said": round(float(np.mean([any(f" {w} " in f" {c} " for w in COUNTS) for c in groups])), 4)
            if groups else None,
            "background_not_there": round(float(np.mean([c.endswith(PLAIN_PHRASES) for c in not_plain])), 4)
            if not_plain else None}


def mean_of_rates(scores: dict[str, float | None]) -> float:
    """The rule's score of a scene reading: the mean of object recall, setting said, count said and one minus a
    plain background where there is none (docs/caption.md)."""
    rates = [scores.get("object_recall"), scores.get("setting_said"), scores.get("count_said"),
             None if scores.get("background_not_there") is None else 1 - scores["background_not_there"]]
    return float(np.mean([rate or 0.0 for rate in rates]))


def compare_on_validation(model_dirs: list[Path], settings: CaptionTraining | None = None) -> dict:
    """Caption models side by side on the validation scenes of `settings` (default: the training defaults),
    each scored as served; the scenes are encoded by each model's own encoder. {model dir: scores}, printed."""
    settings = settings or CaptionTraining()
    results = {}
    for model_dir in model_dirs:
        captioner = Captioner(load_artifact(model_dir))
        sets = caption_sets(settings, captioner.artifact.file("encoder.onnx"), run_dir_of(settings), captioner.labels,
                            splits=("validation",))
        results[str(model_dir)] = scene_reading(captioner, sets["validation"], settings.beam_size)
        print(f"{model_dir}: " + "  ".join(f"{k} {v}" for k, v in results[str(model_dir)].items()), flush=True)
    return results
