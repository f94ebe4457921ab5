"""Data-parallel training: the caption and translation loops on 2 ranks, under torchrun and under Ray Train's
TorchTrainer, keep identical weights on both ranks and end where 1 rank ends (within 1e-3 per weight: the same
steps, summed in another order). Small runs (the caption loop on the fast shapes data, the translation loop on
synthetic pairs), without dropout or feature noise, which draw differently when a batch is split."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from datafetch.registry import CACHE_DIR
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.slow
SETTINGS = [f"--set={assignment}" for assignment in (
    "data=shapes", "train_scenes=64", "validation_scenes=16", "test_scenes=16", "max_epochs=2", "batch_size=16",
    "concepts=0", "cnn_name_threshold=none", "dropout=0", "feature_noise=0")]
TOLERANCE = 1e-3


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """A cache of its own for the runs, reading the registry data already fetched."""
    root = tmp_path_factory.mktemp("cache")
    (root / "data").symlink_to(CACHE_DIR)
    return root


def train(cache: Path, out: Path, *launcher: str, extra: tuple[str, ...] = ()) -> tuple[str, dict]:
    """Run the caption training; its output and the best weights it kept."""
    command = [*launcher, "-m", "training.train", "caption", *SETTINGS, "--out", str(out), *extra]
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "RNNAPP_CACHE": str(cache)})
    assert done.returncode == 0 and (out / "manifest.json").is_file(), done.stdout[-2000:] + done.stderr[-3000:]
    return done.stdout + done.stderr, torch.load(cache / "runs" / "caption-shapes" / "best.pt")


@pytest.fixture(scope="module")
def one_rank(cache, tmp_path_factory) -> dict:
    return train(cache, tmp_path_factory.mktemp("one") / "caption", sys.executable)[1]


def largest_difference(a: dict, b: dict) -> float:
    return max(float((a[name] - b[name]).abs().max()) for name in a)


def test_two_ranks_under_torchrun_agree_and_match_one(cache, one_rank, tmp_path):
    torchrun = str(Path(sys.executable).parent / "torchrun")
    said, weights = train(cache, tmp_path / "caption", torchrun, "--standalone", "--nproc_per_node=2")
    assert "2 ranks trained: the largest difference of a weight between them is 0\n" in said
    assert largest_difference(weights, one_rank) < TOLERANCE


def test_two_ray_train_workers_agree_and_match_one(cache, one_rank, tmp_path):
    said, weights = train(cache, tmp_path / "caption", sys.executable, extra=("--ray-workers", "2"))
    assert "2 ranks trained: the largest difference of a weight between them is 0" in said
    assert largest_difference(weights, one_rank) < TOLERANCE


def run_translate_loop(out: Path, *launcher: str, extra: tuple[str, ...] = ()) -> tuple[str, dict]:
    """The translation loop on synthetic pairs (tests/scale/translate_ranks.py): its output and final weights."""
    done = subprocess.run([*launcher, "-m", "tests.scale.translate_ranks", str(out), *extra], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and out.is_file(), done.stdout[-2000:] + done.stderr[-3000:]
    return done.stdout + done.stderr, torch.load(out)


def test_the_translation_loop_on_two_ranks_matches_one(tmp_path):
    """Under torchrun (Ray Train starts the same loop through the same join(), tested with the caption loop
    above; `python -m tests.scale.translate_ranks OUT --ray-workers 2` runs this one on it)."""
    _, one = run_translate_loop(tmp_path / "one" / "weights.pt", sys.executable)
    torchrun = str(Path(sys.executable).parent / "torchrun")
    said, two = run_translate_loop(tmp_path / "two" / "weights.pt", torchrun, "--standalone", "--nproc_per_node=2")
    assert "2 ranks trained: the largest difference of a weight between them is 0\n" in said
    assert "epoch 2: train loss" in said and largest_difference(two, one) < TOLERANCE
