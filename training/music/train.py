"""Music training (`python -m training.train music`): an LSTM over the tokens of folk tunes.

The training tunes, shuffled (seeded), make one stream of tokens, each tune between `<tune>` and `<end>`,
cut into `batch_size` parallel rows and read `bptt` tokens at a time with the state carried over
(truncated BPTT, as the next-word model trains). Validation is the mean negative log-likelihood per token
of the validation tunes, each read from a fresh state (training/stream_lm.py trains it). The artifact is
the step graph, the vocabulary, and the training stream the Kneser-Ney 5-gram peer counts in serving.
"""
from __future__ import annotations

import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from datafetch.registry import fetch
from datafetch.sources import MUSIC21_WHEEL
from serving.artifact import Artifact, write_evaluated_artifact
from serving.music.composer import END, START, UNKNOWN
from training.loop import seed_everything
from training.music.data import TokenizedTune, read_collections, split_collections
from training.music.evaluate import checked, evaluate_composer, format_report
from training.settings import RUNS_DIR
from training.stream_lm import (LSTMConfig, LSTMLanguageModel, export_step_graph, schedule_of,
                                 train_on_stream)

PEER_STREAM = "peer_stream.npy"


@dataclass
class MusicTraining:
    embed_dim: int = 128
    hidden_size: int = 384
    num_layers: int = 2
    dropout: float = 0.3
    batch_size: int = 32
    bptt: int = 64
    learning_rate: float = 3e-3
    max_steps: int = 4000  # about 18 passes over the training tunes
    eval_every: int = 400
    patience: int = 3
    clip_norm: float = 1.0
    time_budget_minutes: float = 40.0
    seed: int = 0

    def __post_init__(self) -> None:
        if min(self.embed_dim, self.hidden_size, self.num_layers, self.batch_size, self.bptt, self.max_steps) < 1:
            raise ValueError("sizes, batch_size, bptt and max_steps must be positive")
        if not 0 <= self.dropout < 1:
            raise ValueError("dropout must be in [0, 1)")


def vocabulary_of(tunes: list[TokenizedTune]) -> list[str]:
    """The special tokens, then every token of the training tunes, headers first."""
    seen = sorted({token for tune in tunes for token in tune.tokens},
                  key=lambda token: (token[:2] not in ("M:", "K:", "R:"), token))
    return [START, END, UNKNOWN, *seen]


def encode(tune: TokenizedTune, ids: dict[str, int]) -> list[int]:
    return [ids[START], *(ids.get(token, ids[UNKNOWN]) for token in tune.tokens), ids[END]]


def train_music(settings: MusicTraining, out_dir: Path, resume: bool = False) -> Path:
    seed_everything(settings.seed)
    run_dir = RUNS_DIR / "music"
    run_dir.mkdir(parents=True, exist_ok=True)
    started = time.time()
    tunes, refused = read_collections(fetch(MUSIC21_WHEEL))
    splits = split_collections(tunes, settings.seed)
    print(f"{len(tunes)} tunes read ({sum(refused.values())} refused: {dict(refused)}); "
          + ", ".join(f"{name} {len(found)}" for name, found in splits.items()), flush=True)
    vocabulary = vocabulary_of(splits["train"])
    ids = {token: i for i, token in enumerate(vocabulary)}
    order = list(splits["train"])
    random.Random(settings.seed).shuffle(order)
    stream = np.array([i for tune in order for i in encode(tune, ids)], np.int64)
    validation = [encode(tune, ids) for tune in splits["validation"]]
    print(f"{len(vocabulary)} tokens in the vocabulary, {len(stream):,} in the training stream", flush=True)

    config = LSTMConfig(len(vocabulary), settings.embed_dim, settings.hidden_size, settings.num_layers,
                        settings.dropout)
    model = LSTMLanguageModel(config)
    record = train_on_stream(model, stream, validation, schedule_of(settings), asdict(settings), run_dir, resume)
    np.save(run_dir / PEER_STREAM, stream.astype(np.uint16))
    training = {**record, "seconds": round(time.time() - started), "settings": asdict(settings),
                "tunes": {name: len(found) for name, found in splits.items()}, "refused": dict(refused)}
    corpus = checked([tune for _, tune in tunes], len(tunes))
    return write_music_artifact(model, vocabulary, splits, corpus, out_dir, run_dir, training)


def write_music_artifact(model: LSTMLanguageModel, vocabulary: list[str], splits: dict[str, list[TokenizedTune]],
                         corpus: dict, out_dir: Path, run_dir: Path, training: dict) -> Path:
    """Export the step graph, check parity, score it as served beside the 5-gram, then write the artifact."""
    config = model.config
    onnx_path, parity = export_step_graph(model, run_dir / "model.onnx")
    manifest = {
        "name": "music",
        "title": "Music: an LSTM that writes folk tunes",
        "pattern": "one-to-many: the listener's choices in, a tune out, each token fed back",
        "architecture": (f"ABC tokens moved to C ({config.vocab_size}: meter, mode, tune type, notes, lengths, bar "
                         f"lines) -> embedding {config.embed_dim} -> {config.num_layers}-layer LSTM "
                         f"{config.hidden_size} -> next token; sampled in numpy"),
        "config": asdict(config),
        "parameters": sum(p.numel() for p in model.parameters()),
        "vocabulary": vocabulary,
        "peer_stream": PEER_STREAM,
        "data": {"source": f"PyPI {MUSIC21_WHEEL.package} (music21/corpus/oneills1850, music21/corpus/ryansMammoth)",
                 "description": MUSIC21_WHEEL.description, "licence": MUSIC21_WHEEL.licence,
                 "split": "tunes drawn at random (seed 0): 6% validation, 6% test; training tunes that are twins "
                          "of held-out ones left out (training/music/data.py)",
                 "tunes": {name: len(found) for name, found in splits.items()}},
        "licence": "MIT (the tunes it learnt from are in the public domain)",
        "rebuild": "python -m training.train music",
        "peer": "interpolated Kneser-Ney 5-gram on the same tokens and training tunes",
        "training": training,
    }

    def evaluate(artifact: Artifact) -> dict:
        report = evaluate_composer(artifact, splits["test"], corpus)
        print(format_report(report))
        return {**report, "onnx_vs_torch_max_abs_diff": parity}

    files = {"model.onnx": onnx_path, PEER_STREAM: run_dir / PEER_STREAM}
    return write_evaluated_artifact(out_dir, run_dir / "artifact", files, manifest, evaluate)

