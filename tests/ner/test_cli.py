"""`rnnapp ner`: JSON per input, stdin batches, and one-line errors that skip nothing."""
import json
import subprocess

from serving.ner.cli import human_line
from serving.ner.tagger import EntityTagger
from tests.conftest import REPO_ROOT, RNNAPP


def run_cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([RNNAPP, "ner", *args], cwd=REPO_ROOT, input=stdin, capture_output=True, timeout=120)


def test_json_output_for_each_argument():
    done = run_cli("--json", "Ann told Maria that the pizza is in Rome.", "It rained all day.")
    assert done.returncode == 0, done.stderr
    ann, rain = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert ann == json.loads(json.dumps(EntityTagger.load().tag([ann["text"]])[0].to_json()))  # the library's answer
    assert {("Maria", "PER"), ("Rome", "LOC")} <= {(e["text"], e["label"]) for e in ann["entities"]}
    for entity in ann["entities"]:
        assert ann["text"][entity["start"]:entity["end"]] == entity["text"] and 0 < entity["prob"] <= 1
    assert [t["text"] for t in ann["tokens"]] == ann["text"][:-1].split() + ["."]
    assert rain["entities"] == [] and all(t["tag"] == "O" for t in rain["tokens"])


def test_stdin_lines_bad_ones_reported_good_ones_kept():
    stdin = "Paris is lovely.\n   \n\xff\xfe broken\nI met Maria in Rome.\n".encode("latin-1")
    done = run_cli("--json", stdin=stdin)
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    assert [json.loads(line)["text"] for line in done.stdout.decode().splitlines()] == [
        "Paris is lovely.", "I met Maria in Rome."]
    assert done.stderr.decode().splitlines() == ["error: line 2: the text is empty: type a sentence",
                                                 "error: line 3: not valid UTF-8, skipped"]


def test_human_readable_output_marks_the_names_in_place():
    done = run_cli("Ann told Maria that the pizza is in Rome.", "It rained all day.")
    assert done.returncode == 0
    ann, rain = done.stdout.decode().splitlines()
    assert ann == human_line(EntityTagger.load().predict_batch(["Ann told Maria that the pizza is in Rome."])[0])
    assert "told [Maria]PER that the pizza is in [Rome]LOC." in ann
    assert rain == "It rained all day.  (no names found)"
