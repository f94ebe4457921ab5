"""The tagger network, its CRF and its ONNX export (training side)."""
import numpy as np
import pytest
import torch

from serving.ner.crf import log_partition, sequence_score
from training.export import export_onnx, max_abs_diff
from training.ner.model import CRF, EntityTaggerNet, TaggerConfig

CONFIG = TaggerConfig(vocab_size=50, num_chars=30, word_dim=8, char_dim=6, char_filters=10, hidden_size=12)


@pytest.fixture(scope="module")
def net() -> EntityTaggerNet:
    torch.manual_seed(0)
    return EntityTaggerNet(CONFIG).eval()


def random_feeds(batch: int, steps: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, steps + 1, size=batch)
    lengths[0] = steps
    words = rng.integers(1, CONFIG.vocab_size, size=(batch, steps))
    chars = rng.integers(1, CONFIG.num_chars + 2, size=(batch, steps, 20))
    chars[rng.random((batch, steps, 20)) < 0.4] = 0  # words of different lengths
    chars[:, :, 0] = np.maximum(chars[:, :, 0], 1)
    padding = np.arange(steps)[None, :] >= lengths[:, None]
    words[padding], chars[padding] = 0, 0
    return {"words": words.astype(np.int64), "chars": chars.astype(np.int64), "lengths": lengths.astype(np.int64)}


def test_crf_loss_is_the_numpy_log_partition_minus_the_sequence_score():
    torch.manual_seed(1)
    crf = CRF(5)
    for parameter in crf.parameters():
        torch.nn.init.normal_(parameter)
    emissions = torch.randn(3, 6, 5)
    tags = torch.randint(0, 5, (3, 6))
    lengths = torch.tensor([6, 2, 4])
    loss = crf.negative_log_likelihood(emissions, tags, lengths).item()
    scores = [p.detach().numpy().astype(np.float64) for p in (crf.transitions, crf.start, crf.end)]
    expected = sum(log_partition(emissions[b, :n].numpy().astype(np.float64), *scores)
                   - sequence_score(tags[b, :n].tolist(), emissions[b, :n].numpy().astype(np.float64), *scores)
                   for b, n in enumerate(lengths.tolist()))
    assert loss == pytest.approx(expected, rel=1e-5)


def test_padding_does_not_change_a_sentence_emissions(net):
    feeds = random_feeds(1, 5, seed=2)
    padded = {"words": np.pad(feeds["words"], ((0, 0), (0, 4))),
              "chars": np.pad(feeds["chars"], ((0, 0), (0, 4), (0, 0))), "lengths": feeds["lengths"]}
    with torch.no_grad():
        short = net(*(torch.from_numpy(v) for v in feeds.values()))
        long = net(*(torch.from_numpy(v) for v in padded.values()))
    assert torch.allclose(short, long[:, :5], atol=1e-6)


@pytest.mark.parametrize("batch,steps", [(1, 1), (1, 17), (3, 5), (8, 40), (32, 90)])
def test_onnx_matches_torch(net, tmp_path_factory, batch, steps):
    sample = random_feeds(2, 4, seed=3)
    path = tmp_path_factory.getbasetemp() / "tagger.onnx"
    if not path.exists():
        export_onnx(net, tuple(torch.from_numpy(v) for v in sample.values()), path, ["words", "chars", "lengths"],
                    ["emissions"], {"words": {0: "batch", 1: "time"}, "chars": {0: "batch", 1: "time"},
                                    "lengths": {0: "batch"}, "emissions": {0: "batch", 1: "time"}})
    assert max_abs_diff(net, path, random_feeds(batch, steps, seed=batch + steps)) < 1e-5


def test_a_tagger_that_reads_name_lists_exports_them_as_a_fourth_input(tmp_path):
    torch.manual_seed(4)
    net = EntityTaggerNet(TaggerConfig(**{**CONFIG.__dict__, "gazetteer_kinds": 3})).eval()
    feeds = random_feeds(3, 7, seed=5)
    feeds["gazetteer"] = (np.random.default_rng(6).random((3, 7, 3)) < 0.2).astype(np.float32)
    path = export_onnx(net, tuple(torch.from_numpy(v) for v in feeds.values()), tmp_path / "tagger.onnx",
                       list(feeds), ["emissions"], {"words": {0: "batch", 1: "time"}, "chars": {0: "batch", 1: "time"},
                                                    "gazetteer": {0: "batch", 1: "time"}, "lengths": {0: "batch"},
                                                    "emissions": {0: "batch", 1: "time"}})
    assert max_abs_diff(net, path, feeds) < 1e-5
    with torch.no_grad():
        flags = torch.from_numpy(feeds["gazetteer"])
        inputs = [torch.from_numpy(feeds[name]) for name in ("words", "chars", "lengths")]
        assert not torch.allclose(net(*inputs, flags), net(*inputs, torch.zeros_like(flags)))
