"""`rnnapp serve` as a user runs it: it answers on 127.0.0.1, and SIGINT or SIGTERM stops it and the Ray it
started, leaving nothing listening."""
import signal
import subprocess
import threading
import time

import httpx
import pytest

from tests.conftest import REPO_ROOT, RNNAPP
from tests.scale.test_cluster import free_port

pytestmark = pytest.mark.slow


def ray_processes() -> set[str]:
    done = subprocess.run(["pgrep", "-f", "gcs_server|raylet"], capture_output=True, text=True)
    return set(done.stdout.split())


@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_answers_on_loopback_and_a_signal_stops_everything(stop_with):
    port, before = free_port(), ray_processes()
    server = subprocess.Popen([RNNAPP, "serve", "--models", "sentiment", "--port", str(port)], cwd=REPO_ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    said: list[str] = []
    reader = threading.Thread(target=lambda: said.extend(server.stderr), daemon=True)
    reader.start()
    try:
        for _ in range(120):  # until it says it serves
            if any("serving" in line for line in said):
                break
            assert server.poll() is None, said
            time.sleep(1)
        assert f"serving sentiment on http://127.0.0.1:{port}" in "".join(said)
        assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=10).json() == {"models": ["sentiment"]}
        answer = httpx.post(f"http://127.0.0.1:{port}/v1/sentiment", json={"inputs": ["I loved it"]}, timeout=30)
        assert answer.json()["results"][0]["label"] == "positive"
        server.send_signal(stop_with)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running 60 s after {stop_with.name}; it said:\n{''.join(said)[-3000:]}")
        reader.join(timeout=10)
    finally:
        if server.poll() is None:
            server.kill()
    stderr = "".join(said)
    assert server.returncode == 0 and "Traceback" not in stderr and "stopping" in stderr
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
    for _ in range(20):  # Ray's own processes take a moment to exit after shutdown
        if ray_processes() <= before:
            break
        time.sleep(0.5)
    assert ray_processes() <= before


def test_serve_refuses_an_unknown_model_and_a_bad_config(tmp_path):
    done = subprocess.run([RNNAPP, "serve", "--models", "poetry"], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1 and done.stderr.startswith("error: no model named poetry")
    (tmp_path / "serve.yaml").write_text("applications: [{import_path: somewhere.else:app}]\n")
    for config in (tmp_path / "serve.yaml", tmp_path / "missing.yaml"):
        done = subprocess.run([RNNAPP, "serve", "--config", str(config)], cwd=REPO_ROOT, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 1 and done.stderr.startswith(f"error: {config}") and "Traceback" not in done.stderr
