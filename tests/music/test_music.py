"""The committed music model through its CLI and page: a tune that reads back, the same tune for the same seed,
scores beside the 5-gram, and the bad-input corpus as openings, keys and files, never a traceback."""
import json
import subprocess

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from serving.music.abc import read_tune
from serving.music.checks import bar_lengths
from serving.music.composer import Choice, Composer
from serving.rnnapp import main
from tests.app.test_bad_input_corpus import RNNAPP, UNREADABLE_TEXTS, VALID_TEXTS
from tests.conftest import REPO_ROOT

JIG = "X:1\nT:A test jig\nM:6/8\nL:1/8\nK:G\n|:GAB c2d|e2d cBA|GAB c2A|B3 G3:|\n"


@pytest.fixture(scope="module")
def composer() -> Composer:
    return Composer.load()


def rnnapp(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([RNNAPP, "music", *args], cwd=REPO_ROOT, capture_output=True, timeout=120)


def said(capsys, *args: str) -> tuple[int, str, str]:
    """`rnnapp music ARGS` in this process (the command's own main): exit status, stdout, stderr."""
    status = main(["music", *args])
    out = capsys.readouterr()
    return status, out.out, out.err


def test_a_written_tune_is_abc_in_the_chosen_key_meter_and_type_and_a_seed_writes_it_again(composer):
    done = rnnapp("--json", "--type", "reel", "--key", "G", "--meter", "2/2", "--seed", "7")
    assert done.returncode == 0 and not done.stderr
    result = json.loads(done.stdout)
    assert set(result) == {"abc", "tokens", "valid", "bars"} and result["valid"] and result["bars"] >= 4
    tune = read_tune(result["abc"])
    assert (tune.meter, str(tune.key), tune.kind) == ("2/2", "G", "reel")
    assert result["tokens"][:3] == ["M:2/2", "K:maj", "R:reel"] and result["bars"] == len(bar_lengths(tune))
    again = rnnapp("--json", "--type", "reel", "--key", "G", "--meter", "2/2", "--seed", "7")
    assert json.loads(again.stdout) == result


def test_an_opening_is_kept_and_a_mode_is_written_in_its_key(composer):
    written = composer.write(Choice(key="Ador", kind="reel", meter="2/2", opening="EA A2 BA GA", seed=3))
    assert written.valid and str(written.tune.key) == "Adorian"[:1] + "dor"
    assert written.tokens[3:10] == ["G", "c", "c", "2", "d", "c", "B"]  # the opening, moved to C dorian
    assert written.probs[:written.chosen][3:] == [1.0] * (written.chosen - 3)


def test_scores_name_each_tune_and_set_the_model_beside_the_5gram(tmp_path, composer):
    (tmp_path / "two.abc").write_text(JIG + "\n" + JIG.replace("X:1", "X:2").replace("A test jig", "Another"))
    done = rnnapp("--score", str(tmp_path / "two.abc"), "--json")
    assert done.returncode == 0
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["title"] for line in lines] == ["A test jig", "Another"]
    assert all(0 < line["nll_per_token"] < line["ngram_nll_per_token"] for line in lines)


@pytest.mark.parametrize("args,message", [
    (("--key", "H"), "is not a key"),
    (("--key", "Dlocrian"), "modes"),
    (("--meter", "5/4"), "meters"),
    (("--type", "tango"), "tune types"),
    (("--start", "A2 ?? B"), "not ABC"),
    (("--start", "A2 [K:G] B"), "not ABC"),
    (("--temperature", "-1"), "temperature"),
])
def test_a_choice_the_model_cannot_take_is_one_line(capsys, args, message):
    status, out, err = said(capsys, *args)
    assert status == 1 and not out and "Traceback" not in err
    assert message in err and err.count("\n") == 1


@pytest.mark.parametrize("name,content,message", [
    ("empty.abc", b"", "no tunes"),
    ("notes.abc", b"just some words\n", "no tunes"),
    ("latin1.abc", "X:1\nT:Caf\xe9\nK:D\nABC|".encode("latin-1"), "not UTF-8"),
    ("huge.abc", b"X:1\nK:D\n" + b"ABCD|" * 2_000_000, "over 1 MB"),
    ("bad.abc", b"X:1\nT:Broken\nM:6/8\nK:D\nAB ?? C|\n", "cannot read"),
    ("nokey.abc", b"X:1\nT:Keyless\nM:6/8\nABC|\n", "no K:"),
    ("zero.abc", b"X:1\nT:Zero\nM:6/8\nK:D\nA/0 B|\n", "divides by nothing"),
])
def test_a_file_that_is_no_tunes_is_one_line(capsys, tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    status, _, err = said(capsys, "--score", str(tmp_path / name))
    assert status == 1 and "Traceback" not in err and message in err
    assert said(capsys, "--score", str(tmp_path / "missing.abc"))[0] == 1


def music_page() -> AppTest:
    st.cache_resource.clear()
    return AppTest.from_file(str(REPO_ROOT / "app" / "music_page.py"), default_timeout=120).run()


def test_the_page_writes_a_tune_with_its_score_sound_chart_and_downloads():
    app = music_page()
    assert not app.exception and "Write a tune" in app.info[0].value
    app.selectbox(key="music_kind").set_value("jig").run()
    app.number_input(key="music_seed").set_value(4).run()
    app.button(key="music_write").click().run()
    assert not app.exception and not app.warning
    assert len(app.get("image")) == 1 and len(app.get("audio")) == 1  # the score, the sound
    assert len(app.get("vega_lite_chart")) == 1 and len(app.get("download_button")) == 2
    assert read_tune(app.session_state["music_tune"]["written"].abc).kind == "jig"


@pytest.mark.parametrize("kind", [*UNREADABLE_TEXTS, *VALID_TEXTS])
def test_every_text_kind_as_an_opening_gives_a_tune_or_one_message(kind):
    app = music_page()
    app.text_input(key="music_opening").input({**UNREADABLE_TEXTS, **VALID_TEXTS}[kind].replace("\n", " ")).run()
    app.number_input(key="music_seed").set_value(1).run()
    app.button(key="music_write").click().run()
    assert not app.exception and not app.error
    assert len(app.warning) == 1 or "music_tune" in app.session_state
    assert all("alert(" not in h.proto.body for h in app.get("html"))  # the opening never becomes HTML


@pytest.mark.parametrize("args,message", [
    (("--key", "D#"), "is not a key"),
    (("--start", "A/0 B"), "not ABC"),
    (("--temperature", "nan"), "temperature"),
])
def test_keys_lengths_and_temperatures_that_are_no_such_thing_are_one_line(capsys, args, message):
    status, out, err = said(capsys, *args)
    assert status == 1 and not out and "Traceback" not in err and message in err
