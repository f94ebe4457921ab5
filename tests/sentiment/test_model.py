"""The torch model and its ONNX export (training side)."""
import numpy as np
import pytest
import torch

from training.export import export_onnx, max_abs_diff
from training.sentiment.model import SentimentConfig, SentimentGRU, reverse_within_length

VOCAB = 60


@pytest.fixture(scope="module")
def model() -> SentimentGRU:
    torch.manual_seed(0)
    return SentimentGRU(SentimentConfig(vocab_size=VOCAB, embed_dim=16, hidden_size=12)).eval()


@pytest.fixture(scope="module")
def onnx_path(model, tmp_path_factory):
    return export_onnx(model, (torch.tensor([[5, 6, 7]]), torch.tensor([3])),
                       tmp_path_factory.mktemp("onnx") / "sentiment.onnx", ["tokens", "lengths"],
                       ["logits", "rating"], {"tokens": {0: "batch", 1: "time"}, "lengths": {0: "batch"},
                                              "logits": {0: "batch"}, "rating": {0: "batch"}})


def random_batch(batch: int, time: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, time + 1, size=batch)
    lengths[0] = time
    tokens = rng.integers(2, VOCAB, size=(batch, time))
    tokens[np.arange(time)[None, :] >= lengths[:, None]] = 0
    return tokens.astype(np.int64), lengths.astype(np.int64)


def test_reverse_within_length_leaves_padding_in_place():
    x = torch.arange(10.0).view(2, 5, 1)
    out = reverse_within_length(x, torch.tensor([5, 3]))
    assert out[0, :, 0].tolist() == [4, 3, 2, 1, 0]
    assert out[1, :, 0].tolist() == [7, 6, 5, 8, 9]


def test_shapes_and_rating_range(model):
    tokens, lengths = random_batch(4, 9, seed=1)
    logits, rating = model(torch.from_numpy(tokens), torch.from_numpy(lengths))
    assert logits.shape == (4, 3) and rating.shape == (4,)
    assert torch.all(rating.abs() <= 4)


def test_padding_does_not_change_the_prediction(model):
    tokens = torch.tensor([[5, 9, 13, 7]])
    padded = torch.cat([tokens, torch.zeros(1, 6, dtype=torch.long)], dim=1)
    with torch.no_grad():
        short = model(tokens, torch.tensor([4]))
        long = model(padded, torch.tensor([4]))
    for a, b in zip(short, long):
        assert torch.allclose(a, b, atol=1e-6)


@pytest.mark.parametrize("batch,time", [(1, 1), (1, 17), (3, 5), (8, 40), (32, 120)])
def test_onnx_matches_torch(model, onnx_path, batch, time):
    tokens, lengths = random_batch(batch, time, seed=batch * 1000 + time)
    assert max_abs_diff(model, onnx_path, {"tokens": tokens, "lengths": lengths}) <= 1e-4


def export_with_valences(model: SentimentGRU, path):
    """Export a model that reads valences, with the inputs and dynamic axes training gives it."""
    return export_onnx(model, (torch.tensor([[5, 6, 7]]), torch.tensor([3]), torch.zeros(1, 3)), path,
                       ["tokens", "lengths", "valences"], ["logits", "rating"],
                       {"tokens": {0: "batch", 1: "time"}, "lengths": {0: "batch"}, "valences": {0: "batch", 1: "time"},
                        "logits": {0: "batch"}, "rating": {0: "batch"}})


@pytest.fixture(scope="module")
def valence_model() -> SentimentGRU:
    torch.manual_seed(0)
    return SentimentGRU(SentimentConfig(vocab_size=VOCAB, embed_dim=16, hidden_size=12, valence_input=True)).eval()


def test_valences_reach_the_verdict_and_export(valence_model, tmp_path):
    tokens, lengths = random_batch(3, 7, seed=3)
    valences = np.random.default_rng(3).uniform(-1, 1, tokens.shape).astype(np.float32)
    with torch.no_grad():
        plain = valence_model(torch.from_numpy(tokens), torch.from_numpy(lengths), torch.zeros(3, 7))[0]
        read = valence_model(torch.from_numpy(tokens), torch.from_numpy(lengths), torch.from_numpy(valences))[0]
    assert not torch.allclose(plain, read)
    assert valence_model.layers[0].forward_gru.input_size == 16  # the first layer reads pieces alone
    assert valence_model.layers[1].forward_gru.input_size == 2 * 12 + 1
    path = export_with_valences(valence_model, tmp_path / "valences.onnx")
    assert max_abs_diff(valence_model, path, {"tokens": tokens, "lengths": lengths, "valences": valences}) <= 1e-4


def test_summed_valences_move_the_logits_by_their_weighted_sum_and_export(tmp_path):
    torch.manual_seed(0)
    model = SentimentGRU(SentimentConfig(vocab_size=VOCAB, embed_dim=16, hidden_size=12, valence_input=True,
                                         valence_sum=True)).eval()
    tokens, lengths = random_batch(4, 9, seed=4)
    valences = np.random.default_rng(4).uniform(-1, 1, tokens.shape).astype(np.float32)
    valences[np.arange(9)[None, :] >= lengths[:, None]] = 0
    with torch.no_grad():
        summed = model(torch.from_numpy(tokens), torch.from_numpy(lengths), torch.from_numpy(valences))[0]
        model.config.valence_sum = False
        without = model(torch.from_numpy(tokens), torch.from_numpy(lengths), torch.from_numpy(valences))[0]
        model.config.valence_sum = True
    # at the start each valence counts once: positive minus negative logit moves by twice the sum
    margin = (summed - without)[:, 2] - (summed - without)[:, 0]
    assert torch.allclose(margin, 2 * torch.from_numpy(valences.sum(1)), atol=1e-5)
    with torch.no_grad():  # padding's valence slots are not read
        padded = torch.cat([torch.from_numpy(tokens), torch.zeros(4, 3, dtype=torch.long)], dim=1)
        noisy = torch.cat([torch.from_numpy(valences), torch.ones(4, 3)], dim=1)
        assert torch.allclose(model(padded, torch.from_numpy(lengths), noisy)[0], summed, atol=1e-5)
    path = export_with_valences(model, tmp_path / "summed.onnx")
    assert max_abs_diff(model, path, {"tokens": tokens, "lengths": lengths, "valences": valences}) <= 1e-4
