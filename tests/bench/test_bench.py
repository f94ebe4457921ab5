"""The benchmark measures what it says: its torch peers are the committed models, its FLOP count is
exact, its rounds interleave, and `--quick --json` ends with the promised line. No speed is asserted."""
import json
import subprocess
import sys

import numpy as np
import pytest
import torch
from torch import nn

from bench.machine import forward_gflops
from bench.timing import Contender, interleaved
from bench.torch_peers import TorchSession, state_from_onnx, torch_artifact
from serving.artifact import load_artifact, model_dir
from serving.sentiment.classifier import SentimentClassifier
from tests.conftest import REPO_ROOT
from training.export import export_onnx
from training.nextword.model import GRULanguageModel, NextWordConfig
from training.sentiment.model import SentimentConfig, SentimentGRU


def test_gru_weights_read_back_from_onnx_are_the_torch_weights(tmp_path):
    torch.manual_seed(0)
    model = SentimentGRU(SentimentConfig(vocab_size=50, embed_dim=8, hidden_size=6)).eval()
    tokens, lengths = torch.randint(1, 50, (2, 5)), torch.tensor([5, 3])
    path = export_onnx(model, (tokens, lengths), tmp_path / "s.onnx", ["tokens", "lengths"], ["logits", "rating"],
                       {"tokens": {0: "batch", 1: "time"}, "lengths": {0: "batch"}})
    state = state_from_onnx(SentimentGRU(model.config), [path])
    for key, value in model.state_dict().items():
        assert torch.equal(state[key], value), key


def test_tied_language_model_reads_back(tmp_path):
    torch.manual_seed(1)
    model = GRULanguageModel(NextWordConfig(vocab_size=40, embed_dim=12, hidden_size=12)).eval()
    path = export_onnx(model, (torch.zeros(1, 3, dtype=torch.long), model.initial_hidden(1)), tmp_path / "n.onnx",
                       ["tokens", "hidden"], ["logits", "hidden_out"],
                       {"tokens": {0: "batch", 1: "time"}, "hidden": {1: "batch"}})
    state = state_from_onnx(GRULanguageModel(model.config), [path])
    assert all(torch.equal(state[key], value) for key, value in model.state_dict().items())


def sentiment_feeds() -> dict[str, dict[str, np.ndarray]]:
    """Two sentences as the classifier feeds them (with valences when the model reads a lexicon)."""
    classifier = SentimentClassifier.load()
    texts = ("What a great day :)", "Not bad.")
    return {"model.onnx": classifier.feeds([classifier.pieces(text)[0] for text in texts])}


@pytest.mark.parametrize("name,feeds", [
    ("nextword", lambda config: {"model.onnx": {
        "tokens": np.array([[5, 9, 200, 3]]),
        "hidden": np.zeros((config["num_layers"], 1, config["hidden_size"]), np.float32)}}),
    ("sentiment", lambda config: sentiment_feeds()),
])
def test_torch_peers_of_the_committed_models_match_onnxruntime(name, feeds):
    artifact = load_artifact(model_dir(name))
    config = artifact.manifest["config"]
    peer = torch_artifact(artifact, feeds(config))
    session = peer.session("model.onnx")
    assert isinstance(session, TorchSession)
    for inputs in feeds(config).values():
        for expected, got in zip(artifact.session("model.onnx").run(None, inputs), session.run(None, inputs)):
            np.testing.assert_allclose(got, expected, atol=1e-4)


def test_flops_of_a_known_network(tmp_path):
    network = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 8, 3, padding=1, groups=8),
                            nn.Flatten(), nn.Linear(8 * 10 * 10, 5))
    path = export_onnx(network, (torch.zeros(1, 3, 10, 10),), tmp_path / "c.onnx", ["image"], ["logits"],
                       {"image": {0: "batch"}})
    expected = 2 * (8 * 100 * 3 * 9 + 8 * 100 * 1 * 9 + 800 * 5)
    assert forward_gflops(path, {"image": np.zeros((1, 3, 10, 10), np.float32)}) * 1e9 == pytest.approx(expected)


def test_contenders_take_turns_in_alternating_order():
    calls = []
    contenders = {name: Contender(lambda name=name: calls.append(name)) for name in ("a", "b")}
    samples = interleaved(contenders, rounds=4, block=2)
    assert [len(samples[name]) for name in "ab"] == [8, 8]
    assert "".join(calls) == "aaabbb" + "bbbaaa" + "aaabbb" + "bbbaaa"


@pytest.mark.slow
def test_quick_json_line_names_the_cases():
    done = subprocess.run([sys.executable, "-m", "bench", "--quick", "--json"], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert {"cpu", "physical_cores", "matmul_fp32_peak_gflops"} <= set(report["machine"])
    rows = {row["name"]: row for row in report["results"]}
    assert {"caption_beam3", "caption_batch_throughput", "nextword_top5", "sentiment_50"} <= set(rows)
    for name in ("caption_beam3", "nextword_top5", "sentiment_50"):
        assert rows[name]["ort_p50_ms"] > 0 and rows[name]["torch_p50_ms"] > 0 and rows[name]["speedup"] > 0
        assert rows[name]["ort_p95_ms"] >= rows[name]["ort_p50_ms"]
        assert isinstance(rows[name]["met"], bool)
    assert rows["caption_batch_throughput"]["ort_items_per_s"] > 0
    assert rows["caption_detect"]["ort_p50_ms"] > 0 and rows["caption_recognise"]["ort_p50_ms"] > 0
    assert rows["caption_beam3_no_detection"]["ort_p50_ms"] > 0
    assert isinstance(rows["caption_beam3_no_detection"]["met"], bool)
    assert rows["ner_25"]["peer_p50_ms"] > 0 and rows["ner_25"]["peer"].startswith("spaCy")  # spaCy is in training's
    assert isinstance(rows["ner_25"]["met"], bool)  # requirements, so the peer is always timed here
    assert rows["translate_12"]["ort_p50_ms"] > 0 and isinstance(rows["translate_12"]["met"], bool)
    assert rows["music_16_bars"]["ort_p50_ms"] > 0 and isinstance(rows["music_16_bars"]["met"], bool)
    assert rows["music_render"]["ort_p50_ms"] > 0
    assert rows["cells_500"]["ort_p50_ms"] > 0 and rows["cells_500"]["peer_p50_ms"] > 0
    assert isinstance(rows["cells_500"]["met"], bool)
    assert 0 < rows["caption_encoder_batch"]["share_of_matmul_peak"] < 1
    assert rows["app_rss"]["peak_rss_mb"] > 0 and rows["app_cold_start"]["seconds"] > 0
    assert "| caption_beam3 |" in done.stdout


def test_int8_encoder_is_a_quantised_copy_with_the_same_outputs(tmp_path):
    from training.caption.quantize import quantize_encoder

    torch.manual_seed(0)
    network = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU6(), nn.Conv2d(8, 16, 1), nn.ReLU6()).eval()
    source = export_onnx(network, (torch.zeros(1, 3, 16, 16),), tmp_path / "e.onnx", ["image"], ["grid"],
                         {"image": {0: "batch"}, "grid": {0: "batch"}})
    images = np.random.default_rng(0).uniform(-1, 1, (4, 3, 16, 16)).astype(np.float32)
    target = quantize_encoder(source, tmp_path / "e-int8.onnx", iter([images[:2], images[2:]]))
    import onnx
    assert "QuantizeLinear" in {node.op_type for node in onnx.load(str(target)).graph.node}
    import onnxruntime as ort
    expected = ort.InferenceSession(str(source), providers=["CPUExecutionProvider"]).run(None, {"image": images})[0]
    got = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"]).run(None, {"image": images})[0]
    assert np.abs(got - expected).max() < 0.1 * np.abs(expected).max()
    assert not (tmp_path / "e-int8-prepared.onnx").exists()
