"""`rnnapp nextword` and `rnnapp generate`: JSON per input, seeds, one-line errors."""
import json
import os
import subprocess

from tests.conftest import REPO_ROOT, RNNAPP


def run_cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([RNNAPP, *args], cwd=REPO_ROOT, input=stdin,
                          capture_output=True, timeout=120, env=dict(os.environ))


def test_nextword_json_for_each_input():
    done = run_cli("nextword", "--json", "-k", "3", "It is a truth universally", "The President of the United")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [line["text"] for line in lines] == ["It is a truth universally", "The President of the United"]
    for line in lines:
        assert len(line["next_words"]) == 3 and set(line["next_words"][0]) == {"word", "prob"}
        probs = [w["prob"] for w in line["next_words"]]
        assert probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1


def test_nextword_complete_flag_completes_the_last_word():
    done = run_cli("nextword", "--json", "--complete", "The United Sta")
    words = [w["word"] for w in json.loads(done.stdout)["next_words"]]
    assert words and all(w.startswith("Sta") for w in words)
    plain = run_cli("nextword", "--json", "The United Sta")
    assert not all(w["word"].startswith("Sta") for w in json.loads(plain.stdout)["next_words"])


def test_nextword_complete_offers_only_words_of_the_word_list():
    """Typed letters are completed to words the model learnt from, never to spellings of pieces
    ("must" -> "mustward"); a typed word that is complete also gets the words after it."""
    from serving.nextword.predictor import NextWordPredictor

    known = NextWordPredictor.load().vocab.known
    texts = ["We must", "I know that", "The United Sta", "xqzt", "It was a dark and storm", "Call me Ishm"]
    done = run_cli("nextword", "--json", "--complete", "-k", "10", *texts)
    lines = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [line["text"] for line in lines] == texts
    for line in lines:
        typed = line["text"].split()[-1]
        for word in [w["word"] for w in line["next_words"] + line.get("after_typed_word", [])]:
            assert word == typed or known.offers(word), (line["text"], word)
        assert all(w["word"].startswith(typed) for w in line["next_words"])
    by_text = {line["text"]: line for line in lines}
    assert by_text["xqzt"]["next_words"] == []
    assert by_text["We must"]["after_typed_word"] and by_text["I know that"]["after_typed_word"]
    assert by_text["Call me Ishm"]["after_typed_word"] == []  # "Ishm" is no word
    assert by_text["Call me Ishm"]["next_words"][0]["word"] == "Ishmael"
    text = run_cli("nextword", "--complete", "xqzt").stdout.decode()
    assert "no word the model knows" in text


def test_nextword_stdin_with_a_bad_line():
    done = run_cli("nextword", "--json", stdin=b"We the people\n\xff\xfe\nCall me\n")
    assert done.returncode == 1
    assert [json.loads(line)["text"] for line in done.stdout.decode().splitlines()] == ["We the people", "Call me"]
    assert done.stderr.decode().strip() == "error: line 2: not valid UTF-8, skipped"


def test_generate_is_reproducible_with_a_seed_and_rejects_bad_settings():
    args = ("generate", "--json", "--max-words", "12", "--seed", "3", "It", "was", "a")
    first, second = run_cli(*args), run_cli(*args)
    assert first.returncode == 0 and first.stdout == second.stdout
    assert json.loads(first.stdout)["text"] == "It was a" and json.loads(first.stdout)["continuation"]
    bad = run_cli("generate", "--temperature", "-1", "Hello")
    assert bad.returncode == 1 and bad.stderr.decode().startswith("error: argument 1: use temperature >= 0")
    assert b"Traceback" not in bad.stderr
