"""Reading the language-model corpora: tiny archives made here, and the recorded split on the real data."""
import json

import pytest

from datafetch.archives import deb_data, tar_member
from tests.conftest import make_deb, make_tgz
from training.nextword import data as nextword_data
from datafetch.texts import paragraphs_of, split_chapters
from training.nextword.data import make_split, stdlib_documents


def test_stdlib_speeches_and_moby_dick_chapters(tmp_path):
    moby = "CHAPTER 1. Loomings.\n\nCall me Ishmael. Some years\nago.\n\nNext para.\nCHAPTER 2. The Carpet-Bag.\n\nI stuffed."
    path = tmp_path / "stdlib.tgz"
    path.write_bytes(make_tgz({
        "package/sotu/data/1790_george_washington_n.json": json.dumps({"text": "Fellow-Citizens  of the Senate"}).encode(),
        "package/sotu/data/1790_george_washington_n.txt": b"ignored",
        "package/moby-dick/data/data.txt": moby.encode()}))
    documents = stdlib_documents(path)
    assert [(d.collection, d.id) for d in documents] == [
        ("sotu", "1790_george_washington_n"), ("moby-dick", "moby-dick-001"), ("moby-dick", "moby-dick-002")]
    assert documents[0].text == "Fellow-Citizens of the Senate"
    assert documents[1].text == "Call me Ishmael. Some years ago.\nNext para."


def test_paragraphs_and_chapters():
    assert paragraphs_of(["a  b", "c", "", "", "d"]) == "a b c\nd"
    chapters = split_chapters("austen", "emma", ["EMMA", "VOLUME I", "CHAPTER I", "", "Emma Woodhouse,", "CHAPTER II", "x"])
    assert [(c.id, c.text) for c in chapters] == [("emma-001", "Emma Woodhouse,"), ("emma-002", "x")]


def test_debian_package_member_is_found(tmp_path):
    deb = tmp_path / "x.deb"
    deb.write_bytes(make_deb({"./usr/share/doc/x/copyright": b"MIT"}))
    assert tar_member(deb_data(deb), "copyright") == b"MIT"
    (tmp_path / "bad.deb").write_bytes(b"not an archive")
    with pytest.raises(ValueError, match="not a Debian package"):
        deb_data(tmp_path / "bad.deb")


def test_split_is_by_document_and_seeded():
    from datafetch.texts import Document
    documents = [Document(c, f"{c}-{i}", "x") for c in ("a", "b") for i in range(40)]
    split = make_split(documents)
    assert split == make_split(documents)
    assert len(split["test"]) == len(split["validation"]) == 4 and len(split["train"]) == 72
    assert not set(split["test"]) & set(split["train"])


@pytest.mark.slow
def test_real_corpora_and_recorded_split():
    """The fetched data: 233 speeches, 135 Moby Dick and 269 Austen chapters; the committed split matches."""
    documents = nextword_data.read_documents()
    collections = [d.collection for d in documents]
    assert (collections.count("sotu"), collections.count("moby-dick"), collections.count("austen")) == (233, 135, 269)
    emma = next(d for d in documents if d.id == "emma-001")
    assert emma.text.startswith("Emma Woodhouse, handsome, clever, and rich")
    recorded = json.loads(nextword_data.SPLIT_FILE.read_text())
    assert {k: recorded[k] for k in ("train", "validation", "test")} == make_split(documents)
