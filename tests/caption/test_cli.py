"""`rnnapp caption`: one JSON object per image, folders, and one-line errors that skip nothing."""
import json
import os
import subprocess

import pytest

from datafetch.archives import zip_member
from datafetch.registry import fetch
from datafetch.sources import SCIKIT_IMAGE
from tests.conftest import REPO_ROOT, RNNAPP


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([RNNAPP, "caption", *args], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    folder = tmp_path_factory.mktemp("photos")
    wheel = fetch(SCIKIT_IMAGE)
    for name in ("chelsea.png", "coffee.png", "rocket.jpg"):
        (folder / name).write_bytes(zip_member(wheel, f"skimage/data/{name}"))
    return folder


def test_json_object_per_image(photos):
    done = run_cli("--json", "--beam", "4", str(photos / "chelsea.png"), str(photos / "coffee.png"))
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["image"] for line in lines] == [str(photos / "chelsea.png"), str(photos / "coffee.png")]
    for line in lines:
        assert set(line) == {"image", "caption", "score", "alternatives", "imagenet_top5", "decoder_caption",
                             "named_by_cnn", "objects", "people", "setting", "warnings"}
        assert line["people"] == 0 and isinstance(line["setting"], list)
        for thing in line["objects"]:
            assert set(thing) == {"label", "count", "boxes", "score", "source"} and 0 < thing["score"] <= 1
            assert thing["count"] == max(1, len(thing["boxes"])) and all(len(box) == 4 for box in thing["boxes"])
        assert len(line["caption"].split()) >= 2 and line["score"] <= 0
        for named in line["named_by_cnn"]:
            assert set(named) == {"words", "label", "imagenet_class", "prob", "decoder_said"}
            assert named["words"] in line["caption"] and named["decoder_said"] in line["decoder_caption"]
        captions = [line["caption"]] + [a["caption"] for a in line["alternatives"]]
        # beam 4: at most 3 more, none repeated (hypotheses that CNN names make read the same count once,
        # so there may be none; the n-best count itself is checked on the decoder's own words below)
        assert len(line["alternatives"]) <= 3 and len(set(captions)) == len(captions)
        assert all(set(a) == {"caption", "score"} and a["score"] <= line["score"] for a in line["alternatives"])
        assert len(line["imagenet_top5"]) == 5 and all(0 <= c["prob"] <= 1 for c in line["imagenet_top5"])


def test_json_names_the_cat_with_its_box(photos):
    line = json.loads(run_cli("--json", str(photos / "chelsea.png")).stdout)
    cat = line["objects"][0]
    assert "cat" in cat["label"] and cat["count"] == 1 and cat["source"] == "detector+cnn"
    x0, y0, x1, y1 = cat["boxes"][0]  # chelsea.png is 451 x 300, the cat fills most of it
    assert 0 <= x0 < x1 <= 451 and 0 <= y0 < y1 <= 300 and (x1 - x0) * (y1 - y0) > 0.3 * 451 * 300


def test_decoder_words_only_keeps_the_decoders_caption_and_n_best_list(photos):
    done = run_cli("--json", "--decoder-words-only", "--beam", "4", str(photos / "chelsea.png"))
    assert done.returncode == 0, done.stderr
    line = json.loads(done.stdout)
    assert line["caption"] == line["decoder_caption"] and line["named_by_cnn"] == []
    captions = [line["caption"]] + [a["caption"] for a in line["alternatives"]]
    assert len(captions) == 4 and len(set(captions)) == 4, captions


def test_folder_with_a_bad_file_captions_the_rest(photos, tmp_path):
    for path in photos.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (tmp_path / "notes.txt").write_text("not an image, and not named like one: ignored")
    done = run_cli(str(tmp_path), str(tmp_path / "missing.png"))
    assert done.returncode == 1
    assert sorted(line.split(":")[0] for line in done.stdout.splitlines()) == sorted(
        str(tmp_path / name) for name in ("chelsea.png", "coffee.png", "rocket.jpg"))
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2 and "broken.jpg" in errors[0] and "missing.png: no such file" in errors[1]
    assert "Traceback" not in done.stderr


def test_missing_model_is_one_line_with_the_fix(photos, tmp_path):
    done = run_cli(str(photos / "chelsea.png"), env={"RNNAPP_MODELS": str(tmp_path)})
    assert done.returncode == 2
    assert "python -m training.train caption" in done.stderr or "manifest.json is missing" in done.stderr
    assert "Traceback" not in done.stderr
