"""Reading the VADER ground truth, on a tiny sdist built by the test; the recorded split."""
import json

import pytest

from tests.conftest import make_tgz
from training.sentiment import data as sentiment_data
from training.sentiment.data import DOMAINS, label_of_rating, make_split, read_examples


@pytest.fixture()
def tiny_sdist(tmp_path):
    ground_truth = {
        f"hutto_ICWSM_2014/{stem}_GroundTruth.txt": "\r\n".join(
            f"{i}\t{rating}\t{domain} sentence {i} &amp; more" for i, rating in
            enumerate([-2.5, -0.5, 0.0, 0.49, 3.1, 1.2, -1.0, 2.0, -3.0, 0.7], 1)).encode()
        for domain, stem in DOMAINS.items()}
    inner = make_tgz(ground_truth)
    path = tmp_path / "vaderSentiment-3.3.2.tar.gz"
    path.write_bytes(make_tgz({"vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz": inner}))
    return path


def test_reads_every_domain_and_unescapes_html(tiny_sdist):
    examples = read_examples(tiny_sdist)
    assert len(examples) == 40 and {e.domain for e in examples} == set(DOMAINS)
    first = examples[0]
    assert first.id == "1" and first.rating == -2.5 and first.text == "movie sentence 1 & more"


@pytest.mark.parametrize("rating,label", [(-4, 0), (-0.51, 0), (-0.5, 1), (0, 1), (0.5, 1), (0.51, 2), (4, 2)])
def test_label_cut(rating, label):
    assert label_of_rating(rating) == label


def test_split_is_seeded_disjoint_and_complete(tiny_sdist):
    examples = read_examples(tiny_sdist)
    split = make_split(examples)
    assert split == make_split(examples)
    for domain in DOMAINS:
        parts = [set(split[domain][name]) for name in ("train", "validation", "test")]
        assert sum(map(len, parts)) == 10 and len(set.union(*parts)) == 10
        assert len(parts[1]) == 1 and len(parts[2]) == 1


def test_recorded_split_covers_the_real_data_exactly():
    """The committed ids match the fetched data: 23,703 sentences, no overlap between splits."""
    recorded = json.loads(sentiment_data.SPLIT_FILE.read_text())
    splits = sentiment_data.load_splits()
    assert {name: len(items) for name, items in splits.items()} == {"train": 18963, "validation": 2370,
                                                                    "test": 2370}
    keys = [{(e.domain, e.id) for e in items} for items in splits.values()]
    assert not (keys[0] & keys[1] or keys[0] & keys[2] or keys[1] & keys[2])
    assert make_split(sentiment_data.read_examples(sentiment_data.fetch(sentiment_data.VADER_SDIST))) == \
        {domain: recorded[domain] for domain in DOMAINS}
