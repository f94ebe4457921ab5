"""`rnnapp sentiment`: JSON per input, stdin, and one-line errors that skip nothing."""
import json
import re
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
        assert set(line) == {"text", "label", "stars", "probs", "read_chars", "truncated", "unreadable", "warnings"} \
            and line["label"] in LABELS
        assert line["warnings"] == []
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
    assert re.match(r"positive +[345]\.\d stars  p=0\.\d\d  A truly delightful film\.$", done.stdout.decode().strip())


def test_missing_model_is_one_line_with_the_fix(tmp_path):
    done = run_cli("hello", env={"RNNAPP_MODELS": str(tmp_path)})
    assert done.returncode == 2 and done.stdout == b""
    [line] = done.stderr.decode().splitlines()
    assert line.startswith("error: No model at") and "git checkout" in line and "Traceback" not in line


def test_stars_and_label_are_one_reading_of_the_model():
    """Stars come from the same probabilities as the label: a negative verdict is under 3 stars, a
    positive one over 3 (the rating head disagreed: "Negative, 2.9 stars" drawn as three)."""
    texts = ["Not only the fan was expensive, but it was broken when it arrived.",
             "The acting was superb and the story kept me hooked until the very end.",
             "The meeting has been moved to Thursday afternoon.", "It was fine.", "The hotel was not bad.",
             "I can't say I hated it.", "The train leaves at nine.", "Meh.", "Best. Day. Ever."]
    done = run_cli("--json", *texts)
    for line in [json.loads(line) for line in done.stdout.decode().splitlines()]:
        probs = line["probs"]
        assert abs(line["stars"] - (1 * probs["negative"] + 3 * probs["neutral"] + 5 * probs["positive"])) < 0.01
        if line["label"] == "negative":
            assert line["stars"] < 3, line
        if line["label"] == "positive":
            assert line["stars"] > 3, line


def test_what_the_model_cannot_read_is_said():
    from serving.sentiment.classifier import SentimentClassifier

    classifier = SentimentClassifier.load()
    [emoji, words] = classifier.predict(["\U0001F600\U0001F600\U0001F600", "Loved it \U0001F60D best day ever"])
    assert emoji.unknown == ["\U0001F600\U0001F600\U0001F600"] and words.unknown == ["\U0001F60D"]
    [long] = classifier.predict(["What a film. " * 2000])
    assert long.truncated and 100 < len(long.read) < len(long.text) and long.text.startswith(long.read)
    assert "cannot read: \U0001F60D" in run_cli("Loved it \U0001F60D best day ever").stdout.decode()
