"""`rnnapp sentiment`: JSON per input, stdin, and one-line errors that skip nothing."""
import json
import subprocess

from tests.conftest import REPO_ROOT, RNNAPP

LABELS = {"negative", "neutral", "positive"}


def run_cli(*args: str, stdin: bytes | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    import os
    return subprocess.run([RNNAPP, "sentiment", *args], cwd=REPO_ROOT,
                          input=stdin, capture_output=True, timeout=120, env={**os.environ, **(env or {})})


def test_json_output_for_each_argument():
    done = run_cli("--json", "I loved it.", "Worst purchase ever.")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [line["text"] for line in lines] == ["I loved it.", "Worst purchase ever."]
    for line in lines:
        assert set(line) == {"text", "label", "stars", "probs"} and line["label"] in LABELS
        assert set(line["probs"]) == LABELS and abs(sum(line["probs"].values()) - 1) < 1e-3
        assert 1 <= line["stars"] <= 5
    assert lines[0]["label"] == "positive" and lines[1]["label"] == "negative"


def test_stdin_lines_bad_ones_reported_good_ones_kept():
    stdin = "What a wonderful day!\n   \n\xff\xfe broken bytes\nThis is awful.\n".encode("latin-1")
    done = run_cli("--json", stdin=stdin)
    assert done.returncode == 1
    outputs = [json.loads(line)["text"] for line in done.stdout.decode().splitlines()]
    assert outputs == ["What a wonderful day!", "This is awful."]
    errors = done.stderr.decode().splitlines()
    assert errors == ["error: line 2: the text is empty: type a sentence",
                      "error: line 3: not valid UTF-8, skipped"]


def test_human_readable_output():
    done = run_cli("A truly delightful film.")
    assert done.returncode == 0
    assert done.stdout.decode().startswith("positive") and "\u2605" in done.stdout.decode()


def test_missing_model_is_one_line_with_the_fix(tmp_path):
    done = run_cli("hello", env={"RNNAPP_MODELS": str(tmp_path)})
    assert done.returncode == 2 and done.stdout == b""
    [line] = done.stderr.decode().splitlines()
    assert line.startswith("error: No model at") and "git checkout" in line and "Traceback" not in line
