"""Session creation: the provider really used, and no CUDA noise on a machine without a GPU."""
import json
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT

PROBE = """
import torch, pathlib, sys
from training.export import export_onnx
path = export_onnx(torch.nn.Linear(2, 2), (torch.zeros(1, 2),), pathlib.Path(sys.argv[1]), ["x"], ["y"], {})
from serving.session import create_session, gpu_usable, provider_in_use
print(provider_in_use(create_session(path)), gpu_usable())
"""


def run_probe(tmp_path, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", PROBE, str(tmp_path / "m.onnx")], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin", **env})


@pytest.mark.slow
def test_provider_follows_real_gpu_availability(tmp_path):
    done = run_probe(tmp_path)
    assert done.returncode == 0, done.stderr
    provider, usable = done.stdout.split()
    assert provider == ("CUDA" if usable == "True" else "CPU")
    if usable == "False":
        assert "cuda" not in done.stderr.lower(), done.stderr


@pytest.mark.slow
@pytest.mark.parametrize("setting", ["cpu", "CPU"])
def test_cpu_can_be_forced(tmp_path, setting):
    done = run_probe(tmp_path, RNNAPP_DEVICE=setting)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["CPU", "False"]


BLAS_PROBE = """
import json, sys
from threadpoolctl import threadpool_info
def blas_threads():
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
import numpy
before = blas_threads()
from serving.session import create_session
create_session(sys.argv[1])
print(json.dumps([before, blas_threads()]))
"""


def test_serving_runs_numpy_blas_on_one_thread():
    """OpenBLAS threads busy-wait after each call and slowed the next encoder call (serving/session.py)."""
    path = REPO_ROOT / "models" / "sentiment" / "model.onnx"
    done = subprocess.run([sys.executable, "-c", BLAS_PROBE, str(path)], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "2"})
    assert done.returncode == 0, done.stderr
    before, after = json.loads(done.stdout)
    assert before == [2] and after == [1]
