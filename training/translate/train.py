"""Train the English -> Spanish encoder-decoder with teacher forcing, choose the epoch by validation chrF
(greedy decoding of held-out books and catalogues), export encoder and decoder step to ONNX, score the
served model beside Apertium and write models/translate."""
from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch.nn import functional as F
from tqdm import tqdm

from datafetch.sources import (DJANGO_WHEEL, LIBREOFFICE_ES, LIBREOFFICE_HELP_EN, LIBREOFFICE_HELP_ES, SWORD_RV1909,
                               SWORD_WEB, WORDNET)
from serving.artifact import Artifact, write_evaluated_artifact
from serving.tokenizer import PAD_ID, load_tokenizer
from serving.translate.translator import END, MAX_SOURCE_PIECES, START, max_target_pieces
from training import near_duplicates
from training.distributed import Ranks, join
from training.export import export_onnx, max_abs_diff, round_to_float16
from training.loop import (BestCheckpoint, ResumePoint, length_bucketed_batches, optimizer_step, padded_batch,
                           seed_everything)
from training.onnx_storage import store_float16, store_int8
from training.settings import RUNS_DIR
from training.tokenizer import train_tokenizer
from training.translate import data
from training.translate.data import (HELD_OUT_HELP, TEST_BOOKS, TEST_CATALOGUES, VALIDATION_BOOKS,
                                     VALIDATION_CATALOGUES, Pair, held_out_english, translation_splits)
from training.translate.distilled import distilled_splits
from training.translate.evaluate import artifact_metrics, corpus_scores
from training.translate.model import EncoderDecoder, EncoderGraph, StepGraph, TranslatorConfig


@dataclass
class TranslateTraining:
    vocab_size: int = 6000  # one sentencepiece vocabulary for English and Spanish
    embed_dim: int = 256
    encoder_size: int = 256
    decoder_size: int = 512
    attention_size: int = 256
    dropout: float = 0.3
    label_smoothing: float = 0.1
    batch_size: int = 64
    learning_rate: float = 2e-3
    clip_norm: float = 1.0
    max_epochs: int = 5  # about 18 minutes each on 2 CPU cores
    catalogue_repeats: int = 2  # each catalogue pair is seen this often per epoch: they are short and many-sided
    patience: int = 2
    max_pieces: int = 96  # pairs with a longer side are left out of training
    max_train_pairs: int = 0  # 0: all; fewer for a quick run
    # add WordNet's usage examples translated by Apertium (training/translate/distilled.py): synthetic everyday
    # pairs, one in 40 held out for the epoch choice; the committed model was trained with them
    distilled: bool = True
    int8_step: bool = True  # the decoder step's matrices in int8: beam 4 in 25 instead of 30 ms, validation chrF the same
    seed: int = 0

    def __post_init__(self) -> None:
        if min(self.vocab_size, self.embed_dim, self.encoder_size, self.decoder_size, self.batch_size,
               self.max_epochs, self.max_pieces, self.catalogue_repeats) < 1:
            raise ValueError("sizes, batch_size, max_epochs, max_pieces and catalogue_repeats must be positive")
        if not 0 <= self.dropout < 1 or not 0 <= self.label_smoothing < 1:
            raise ValueError("dropout and label_smoothing must be in [0, 1)")


def cached_splits(run_dir: Path) -> dict[str, dict[str, list[Pair]]]:
    """translation_splits(), read once (the SWORD modules take minutes) and kept in the run folder under
    the hash of the code that makes them: a change to data.py or to the rule for twins reads them afresh."""
    code = Path(data.__file__).read_bytes() + Path(near_duplicates.__file__).read_bytes()
    cache = run_dir / f"pairs-{hashlib.sha256(code).hexdigest()[:12]}.json"
    if not cache.is_file():
        splits = translation_splits()
        cache.write_text(json.dumps({split: {source: [asdict(p) for p in pairs] for source, pairs in sets.items()}
                                     for split, sets in splits.items()}, ensure_ascii=False))
    return {split: {source: [Pair(**p) for p in pairs] for source, pairs in sets.items()}
            for split, sets in json.loads(cache.read_text()).items()}


@torch.no_grad()
def greedy_translate(net: EncoderDecoder, tokenizer, texts: list[str], batch_size: int = 128) -> list[str]:
    """Greedy decoding in torch: the quick translation that chooses the epoch (serving uses beam search)."""
    net.eval()
    start, end = tokenizer.piece_to_id(START), tokenizer.piece_to_id(END)
    out = []
    for at in range(0, len(texts), batch_size):
        ids = [tokenizer.encode(text)[:MAX_SOURCE_PIECES] for text in texts[at:at + batch_size]]
        tokens, lengths = padded_batch(ids)
        h, memory, keys, mask = net.encode(tokens, lengths)
        last, done = torch.full((len(ids),), start), torch.zeros(len(ids), dtype=torch.bool)
        written: list[list[int]] = [[] for _ in ids]
        for _ in range(max_target_pieces(int(lengths.max()))):
            log_probs, h, _ = net.step(last, h, memory, keys, mask)
            log_probs[:, [PAD_ID, start]] = -float("inf")
            last = log_probs.argmax(-1)
            for row in range(len(ids)):
                if not done[row] and last[row] != end:
                    written[row].append(int(last[row]))
            done |= last == end
            if done.all():
                break
        out += [tokenizer.decode(row) for row in written]
    return out


def train_translate(settings: TranslateTraining, out_dir: Path, resume: bool = False) -> Path:
    ranks = join()
    seed_everything(settings.seed)
    run_dir = RUNS_DIR / "translate"
    run_dir.mkdir(parents=True, exist_ok=True)
    with ranks.leader_first():  # rank 0 reads the books and catalogues, distils and trains the tokenizer first
        splits = cached_splits(run_dir)
        if settings.distilled:
            shared = run_dir / "distilled.json"  # Apertium's answers, once, as every rank reads them
            if ranks.leader:
                shared.write_text(json.dumps({split: [asdict(p) for p in pairs]
                                              for split, pairs in distilled_splits(held_out_english()).items()},
                                             ensure_ascii=False))
            for split, pairs in json.loads(shared.read_text()).items():
                splits[split]["distilled"] = [Pair(**pair) for pair in pairs]
        train = [pair for pairs in splits["train"].values() for pair in pairs]
        rng = random.Random(settings.seed)
        if settings.max_train_pairs:
            train = rng.sample(train, min(settings.max_train_pairs, len(train)))
        tokenizer_path = run_dir / "pieces.model"
        if ranks.leader:
            train_tokenizer((text for pair in train for text in (pair.english, pair.spanish)), run_dir / "pieces",
                            settings.vocab_size, case_fold=False, user_symbols=(START, END))
    tokenizer = load_tokenizer(tokenizer_path)
    start, end = tokenizer.piece_to_id(START), tokenizer.piece_to_id(END)
    encoded = [(tokenizer.encode(p.english), [start] + tokenizer.encode(p.spanish) + [end]) for p in train]
    encoded = [(source, target) for (source, target), pair in zip(encoded, train)
               if 0 < len(source) <= settings.max_pieces and len(target) <= settings.max_pieces + 2
               for _ in range(settings.catalogue_repeats if pair.source == "catalogues" else 1)]
    ranks.agree(len(encoded), "training pairs")
    if ranks.leader:
        print(f"{len(encoded):,} training pairs; validation: "
              + ", ".join(f"{len(pairs)} {source}" for source, pairs in splits["validation"].items()), flush=True)

    def validate(net: EncoderDecoder) -> tuple[float, dict]:
        """Greedy chrF on every validation set, and their mean (the epoch's score)."""
        scores = {source: corpus_scores(greedy_translate(net, tokenizer, [p.english for p in pairs]),
                                        [p.spanish for p in pairs])
                  for source, pairs in splits["validation"].items()}
        print("validation chrF (greedy) " + ", ".join(f"{source} {s['chrf']:.1f} (BLEU {s['bleu']:.1f})"
                                                      for source, s in scores.items()), flush=True)
        return sum(s["chrf"] for s in scores.values()) / len(scores), scores

    config = TranslatorConfig(vocab_size=tokenizer.get_piece_size(), embed_dim=settings.embed_dim,
                              encoder_size=settings.encoder_size, decoder_size=settings.decoder_size,
                              attention_size=settings.attention_size, dropout=settings.dropout)
    net = EncoderDecoder(config)
    started = time.time()
    best, history = fit(net, encoded, settings, run_dir, validate, rng, ranks, resume)
    if not ranks.leader:
        return out_dir
    best.restore(net)
    return write_translate_artifact(net, tokenizer_path, splits, out_dir, run_dir, settings.int8_step,
                                    {"best_epoch": best.best_at, "seconds": round(time.time() - started),
                                     "history": history, "settings": asdict(settings),
                                     "pairs": {"train": len(encoded)}, "ranks": ranks.world})


def fit(net: EncoderDecoder, encoded: list[tuple[list[int], list[int]]], settings: TranslateTraining,
        run_dir: Path, validate: Callable[[EncoderDecoder], tuple[float, dict]], rng: random.Random,
        ranks: Ranks, resume: bool = False) -> tuple[BestCheckpoint, list[dict]]:
    """Teacher-forced training of `net` on (source, target) piece ids, the same on 1 rank or N
    (training/distributed.py): every rank draws the same batches and takes its share of each, the loss is
    the whole batch's mean per target piece, so DDP's averaged gradient is the one-rank gradient; rank 0
    validates after each epoch, keeps the best and the resume point, and decides when to stop."""
    trained = ranks.wrap(net)
    optimizer = torch.optim.Adam(net.parameters(), lr=settings.learning_rate)
    steps_per_epoch = -(-len(encoded) // settings.batch_size)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, settings.learning_rate,
                                                    total_steps=settings.max_epochs * steps_per_epoch, pct_start=0.05)
    best = BestCheckpoint(run_dir / "best.pt", settings.patience)
    point = ResumePoint(run_dir / "resume.pt", asdict(settings))
    done, history = 0, []
    if resume:
        done, history, loop = point.restore(net, optimizer, scheduler, best)
        rng = loop["rng"]
    started = time.time()
    for epoch in range(done + 1, settings.max_epochs + 1):
        net.train()
        batches = length_bucketed_batches([max(len(s), len(t)) for s, t in encoded], settings.batch_size, rng)
        bar = tqdm(batches, desc=f"epoch {epoch}/{settings.max_epochs}", unit="batch", leave=False,
                   disable=None if ranks.leader else True)
        total = 0.0
        for batch in bar:
            mine, share = ranks.shard(batch)
            sources, lengths = padded_batch([encoded[i][0] for i in mine])
            targets, _ = padded_batch([encoded[i][1] for i in mine])
            logits = trained(sources, lengths, targets[:, :-1])
            pieces = sum(len(encoded[i][1]) - 1 for i in batch)  # the whole batch's target pieces
            loss = share * ranks.world / pieces * F.cross_entropy(
                logits.reshape(-1, logits.shape[-1]), targets[:, 1:].reshape(-1), ignore_index=PAD_ID,
                label_smoothing=settings.label_smoothing, reduction="sum")
            optimizer_step(loss, net.parameters(), optimizer, scheduler, settings.clip_norm)
            whole_loss = ranks.mean(loss.item())
            total += whole_loss
            bar.set_postfix(loss=f"{whole_loss:.3f}")
        stop = False
        if ranks.leader:  # the others wait for its decision
            score, scores = validate(net)
            history.append({"epoch": epoch, "train_loss": round(total / len(batches), 4), "validation_greedy": scores})
            print(f"epoch {epoch}: train loss {total / len(batches):.3f} ({time.time() - started:.0f} s)", flush=True)
            stop = best.update(net, score, epoch)
            point.save(epoch, net, optimizer, scheduler, best, history, rng=rng)
            if stop:
                print(f"early stop: no validation gain since epoch {best.best_at}")
        if ranks.decide(stop):
            break
    spread = ranks.weight_spread(net)
    if ranks.leader and ranks.world > 1:
        print(f"{ranks.world} ranks trained: the largest difference of a weight between them is {spread:g}")
    return best, history


@torch.no_grad()
def calibration_feeds(net: EncoderDecoder, tokenizer, pairs: list[Pair], batch_size: int = 16) -> list[dict]:
    """decoder_step.onnx inputs met while writing the Spanish of `pairs` (teacher forcing): the activation
    ranges that int8 quantization of the step is fitted to."""
    net.eval()
    start, end = tokenizer.piece_to_id(START), tokenizer.piece_to_id(END)
    feeds = []
    for at in range(0, len(pairs), batch_size):
        batch = pairs[at:at + batch_size]
        tokens, lengths = padded_batch([tokenizer.encode(p.english)[:MAX_SOURCE_PIECES] for p in batch])
        targets, _ = padded_batch([[start] + tokenizer.encode(p.spanish) + [end] for p in batch])
        h, memory, keys, mask = net.encode(tokens, lengths)
        for t in range(targets.shape[1] - 1):
            feeds.append({"tokens": targets[:, t].numpy(), "h": h.numpy(), "memory": memory.numpy(),
                          "keys": keys.numpy(), "mask": mask.numpy()})
            _, h, _ = net.step(targets[:, t], h, memory, keys, mask)
    return feeds


def write_translate_artifact(net: EncoderDecoder, tokenizer_path: Path, splits: dict, out_dir: Path,
                             run_dir: Path, int8_step: bool, training: dict) -> Path:
    """Store the weights as float16 (the step's matrices int8 when `int8_step`), export encoder and step,
    check parity, score beside Apertium, write."""
    net.eval()
    round_to_float16(net)
    tokenizer = load_tokenizer(tokenizer_path)
    ids = [tokenizer.encode("How are you?"), tokenizer.encode("The file could not be saved because the disk is full.")]
    tokens, lengths = padded_batch(ids)
    encoder = EncoderGraph(net)
    encoder_path = export_onnx(encoder, (tokens, lengths), run_dir / "encoder.onnx", ["tokens", "lengths"],
                               ["h", "memory", "keys", "mask"],
                               {"tokens": {0: "batch", 1: "source"}, "lengths": {0: "batch"}, "h": {0: "batch"},
                                "memory": {0: "batch", 1: "source"}, "keys": {0: "batch", 1: "source"},
                                "mask": {0: "batch", 1: "source"}})
    with torch.no_grad():
        h, memory, keys, mask = net.encode(tokens, lengths)
    step = StepGraph(net)
    last = torch.full((len(ids),), tokenizer.piece_to_id(START))
    step_path = export_onnx(step, (last, h, memory, keys, mask), run_dir / "decoder_step.onnx",
                            ["tokens", "h", "memory", "keys", "mask"], ["log_probs", "h_out", "weights"],
                            {"tokens": {0: "beams"}, "h": {0: "beams"}, "memory": {0: "beams", 1: "source"},
                             "keys": {0: "beams", 1: "source"}, "mask": {0: "beams", 1: "source"},
                             "log_probs": {0: "beams"}, "h_out": {0: "beams"}, "weights": {0: "beams", 1: "source"}})
    for path in (encoder_path,) if int8_step else (encoder_path, step_path):
        store_float16(path)
    step_feeds = {"tokens": last.numpy(), "h": h.numpy(), "memory": memory.numpy(), "keys": keys.numpy(),
                  "mask": mask.numpy()}
    # the float files as stored (the step before int8, when it is quantized next)
    parity = {"onnx_vs_torch_max_abs_diff": max(
        max_abs_diff(encoder, encoder_path, {"tokens": tokens.numpy(), "lengths": lengths.numpy()}),
        max_abs_diff(step, step_path, step_feeds))}
    if int8_step:
        calibration = random.Random(0).sample(splits["train"]["bible"], 64) \
            + random.Random(0).sample(splits["train"]["catalogues"], 64)
        store_int8(step_path, calibration_feeds(net, tokenizer, calibration))
        parity["int8_step_vs_torch_max_abs_diff"] = max_abs_diff(step, step_path, step_feeds)
    config = net.config
    books = {"validation": list(VALIDATION_BOOKS), "test": list(TEST_BOOKS)}
    catalogues = {"validation": list(VALIDATION_CATALOGUES), "test": list(TEST_CATALOGUES)}
    manifest = {
        "name": "translate",
        "title": "Translate: encoder-decoder GRU with attention, English -> Spanish",
        "pattern": "many-to-many, encoder-decoder (lengths differ)",
        "architecture": (f"sentencepiece pieces ({config.vocab_size}, shared by both languages) -> embedding "
                         f"{config.embed_dim} -> bidirectional GRU {config.encoder_size} per direction (the memory) "
                         f"-> GRU decoder {config.decoder_size} with additive attention over the memory -> "
                         "readout tied to the embedding -> next piece; beam search in numpy"),
        "config": asdict(config),
        "parameters": sum(p.numel() for p in net.parameters()),
        "weights": ("decoder step: matrices int8 (static quantization, ranges fitted on 128 training pairs), "
                    "the rest float16; encoder: float16 in the file, float32 arithmetic" if int8_step
                    else "float16 in the files, float32 arithmetic"),
        "tokenizer": {"file": "pieces.model", "type": "unigram", "vocab_size": config.vocab_size,
                      "case_folded": False, "special": [START, END]},
        "data": {
            "sources": [
                {"source": f"Debian {SWORD_WEB.package} + {SWORD_RV1909.package} (read with PyPI pysword)",
                 "description": "verse pairs by book, chapter and verse: the World English Bible and the Reina-Valera "
                                "1909 (its accented one-letter words á, ó, é written a, o, e)",
                 "licence": "public domain"},
                {"source": f"Debian {LIBREOFFICE_ES.package}", "description": LIBREOFFICE_ES.description,
                 "licence": LIBREOFFICE_ES.licence},
                {"source": f"PyPI {DJANGO_WHEEL.package}", "description": DJANGO_WHEEL.description,
                 "licence": DJANGO_WHEEL.licence},
                *([{"source": f"Debian {LIBREOFFICE_HELP_EN.package} + {LIBREOFFICE_HELP_ES.package}",
                    "description": f"training only: {LIBREOFFICE_HELP_ES.description}; the help of "
                                   f"{', '.join(HELD_OUT_HELP)} left out", "licence": LIBREOFFICE_HELP_ES.licence}]
                  if "help" in splits["train"] else []),
                *([{"source": f"Debian {WORDNET.package}, translated by Apertium (Debian apertium-eng-spa)",
                    "description": "training only, synthetic: WordNet 3.0's usage examples and Apertium's Spanish "
                                   "for them (sequence-level distillation; examples with a word Apertium does not "
                                   "know, and twins of held-out and everyday sentences, left out)",
                    "licence": f"{WORDNET.licence}; Apertium's output of free data (apertium-eng-spa GPL-2)"}]
                  if "distilled" in splits["train"] else []),
                {"source": "training/translate/everyday.tsv and everyday_second.tsv (this project)",
                 "description": "test only: 110 and 105 everyday English sentences with Spanish references, each "
                                "set written before any model was scored on it", "licence": "MIT"}],
            "split": (f"whole books and catalogues held out (training/translate/data.py): validation "
                      f"{', '.join(books['validation'] + catalogues['validation'])}; test "
                      f"{', '.join(books['test'] + catalogues['test'])}"),
            "held_out": {"books": books, "catalogues": catalogues},
            "sizes": {split: {source: len(pairs) for source, pairs in sets.items()} for split, sets in splits.items()}},
        "licence": "MPL-2.0 (trained on LibreOffice's MPL-2.0 translations; the Bibles are public domain and "
                   "Django's catalogues BSD-3-Clause)",
        "rebuild": "python -m training.train translate",
        "peer": "Apertium 3.8 with apertium-eng-spa 0.8 (Debian), rule-based",
        "training": training,
    }

    def evaluate(artifact: Artifact) -> dict:
        return {**artifact_metrics(artifact), **parity}

    files = {"encoder.onnx": encoder_path, "decoder_step.onnx": step_path, "pieces.model": tokenizer_path}
    return write_evaluated_artifact(out_dir, run_dir / "artifact", files, manifest, evaluate)
