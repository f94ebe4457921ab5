"""Names people use for the ImageNet classes (training/caption/imagenet_names.py), on a tiny WordNet the test
writes, and on the names the committed caption model ships."""
import json
import zipfile

import pytest

from serving.artifact import load_artifact, model_dir
from tests.conftest import make_deb
from training.caption import imagenet_names as builder

# A WordNet in its own file format: offset, lexicographer file, "n", word count (hex), words with lex ids,
# pointer count, pointers ("@" hypernym, offset, "n", source/target). Tag counts come from cntlist.rev.
CHAIN = [("00000001", "entity", []), ("00000002", "thing", ["00000001"]), ("00000003", "object", ["00000002"]),
         ("00000004", "whole", ["00000003"]), ("00000005", "organism", ["00000004"]),
         ("00000006", "animal", ["00000005"]), ("00000007", "carnivore", ["00000006"]),
         ("00000008", "feline", ["00000007"]), ("00000009", "cat", ["00000008"]),
         ("00000010", "tabby", ["00000009"]), ("00000011", "Egyptian_cat Madagascar_cat", ["00000009"]),
         ("00000012", "polar_bear ice_bear", ["00000007"])]
COUNTS = {"cat%1:05:00::": 18, "animal%1:05:00::": 67, "carnivore%1:05:00::": 6, "polar_bear%1:05:00::": 1}


def data_noun() -> str:
    lines = ["  1 This software and database is being provided to you, the LICENSEE"]
    for offset, words, hypernyms in CHAIN:
        words = words.split()
        pointers = " ".join(f"@ {h} n 0000" for h in hypernyms)
        lines.append(f"{offset} 05 n {len(words):02x} " + " ".join(f"{w} 0" for w in words)
                     + f" {len(hypernyms):03d} {pointers} | a gloss")
    return "\n".join(lines) + "\n"


def cntlist() -> str:
    return "".join(f"{key} 1 {count}\n" for key, count in COUNTS.items())


def test_general_names_are_common_and_concrete():
    wordnet = builder.WordNet(data_noun(), cntlist())
    assert wordnet.depth("00000009") == 8 and wordnet.synsets["00000011"].lemmas[0] == ("Egyptian cat", 0)
    names = builder.imagenet_names(["n00000010", "n00000011", "n00000012"], ["tabby cat", "Egyptian Mau",
                                                                               "polar bear"], wordnet)
    # "cat": tagged 18 times, 8 steps below "entity"; "carnivore" (6 times) and "animal" (67) are only 6 and 5
    # steps deep; "feline" was never tagged
    assert [g["name"] for g in names["groups"]] == ["cat"]
    assert names["groups"][0]["classes"] == [0, 1] and names["groups"][0]["synset"] == "n00000009"
    assert [c["name"] for c in names["classes"]] == ["tabby cat", "egyptian mau", "polar bear"]
    assert [c["groups"] for c in names["classes"]] == [[0], [0], []]


def test_the_sources_are_read_as_data(tmp_path):
    timm = tmp_path / "timm.whl"
    with zipfile.ZipFile(timm, "w") as archive:
        archive.writestr(builder.SYNSETS_MEMBER, "\n".join(f"n{i:08d}" for i in range(1000)) + "\n")
    clip = tmp_path / "clip.whl"
    with zipfile.ZipFile(clip, "w") as archive:
        archive.writestr(builder.CURATED_MEMBER, "import torch\nIMAGENET_CLASSNAMES = (" +
                         ", ".join(f'"class {i}"' for i in range(1000)) + ")\n")
    deb = tmp_path / "wordnet.deb"
    deb.write_bytes(make_deb({"./usr/share/wordnet/data.noun": data_noun().encode(),
                              "./usr/share/wordnet/cntlist.rev": cntlist().encode()}))
    assert builder.synset_ids(timm)[:2] == ["n00000000", "n00000001"]
    assert builder.curated_names(clip)[999] == "class 999"  # parsed, never imported (it imports torch)
    assert len(builder.WordNet.from_deb(deb).synsets) == len(CHAIN)
    with zipfile.ZipFile(clip, "w") as archive:
        archive.writestr(builder.CURATED_MEMBER, "IMAGENET_CLASSNAMES = ('too', 'few')\n")
    with pytest.raises(ValueError, match="no list of 1000"):
        builder.curated_names(clip)


def test_the_committed_model_says_names_people_use():
    artifact = load_artifact(model_dir("caption"))
    names = json.loads(artifact.file(artifact.manifest["cnn_names"]["names_file"]).read_text())
    classes = [c["name"] for c in names["classes"]]
    general = {g["name"]: set(g["classes"]) for g in names["groups"]}
    labels = artifact.file("imagenet_labels.txt").read_text().splitlines()
    assert len(classes) == len(labels) == 1000
    assert classes[labels.index("ice bear")] == "polar bear"
    assert classes[labels.index("Madagascar cat")] == "ring-tailed lemur"
    assert {labels.index(label) for label in ("tabby", "tiger cat", "Persian cat", "Siamese cat", "Egyptian cat")} \
        <= general["cat"]
    assert len(general["dog"]) >= 100 and "device" not in general and "animal" not in general


@pytest.mark.parametrize("curated,said", [("ram (adult male sheep)", "ram"),
                                          ("cardboard box / carton", "cardboard box"),
                                          ("traffic or street sign", "street sign"), ("Egyptian Mau", "egyptian mau")])
def test_a_curated_name_becomes_one_plain_name(curated, said):
    assert builder.plain_name(curated) == said
