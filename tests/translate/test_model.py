"""The encoder-decoder in torch: padding never changes a result, teacher forcing equals stepping, the
exported encoder and step (weights stored as float16) reproduce torch in onnxruntime, and the int8 step
stays close to torch and treats every row alone."""
import numpy as np
import onnx
import onnxruntime as ort
import torch

from serving.onnx_weights import load_weights
from serving.translate.translator import END, START
from training.export import export_onnx, max_abs_diff, round_to_float16
from training.onnx_storage import store_float16, store_int8
from training.translate.data import Pair
from training.translate.model import EncoderDecoder, EncoderGraph, StepGraph, TranslatorConfig, reverse_within_lengths
from training.translate.train import calibration_feeds

CONFIG = TranslatorConfig(vocab_size=50, embed_dim=16, encoder_size=12, decoder_size=20, attention_size=10,
                          dropout=0.0)


def tiny() -> EncoderDecoder:
    torch.manual_seed(0)
    return EncoderDecoder(CONFIG).eval()


def test_reversal_keeps_padding_in_place():
    x = torch.tensor([[1, 2, 3, 0], [4, 5, 0, 0]])
    assert reverse_within_lengths(x, torch.tensor([3, 2])).tolist() == [[3, 2, 1, 0], [5, 4, 0, 0]]


def test_a_sentence_encodes_the_same_alone_and_padded_in_a_batch():
    net = tiny()
    short = torch.tensor([[5, 6, 7]])
    batch = torch.tensor([[5, 6, 7, 0, 0, 0], [8, 9, 10, 11, 12, 13]])
    with torch.no_grad():
        h, memory, keys, mask = net.encode(short, torch.tensor([3]))
        hb, memory_b, keys_b, mask_b = net.encode(batch, torch.tensor([3, 6]))
        torch.testing.assert_close(hb[0], h[0])
        torch.testing.assert_close(memory_b[0, :3], memory[0])
        assert mask_b[0].tolist() == [1, 1, 1, 0, 0, 0]
        step_alone = net.step(torch.tensor([2]), h, memory, keys, mask)
        step_padded = net.step(torch.tensor([2, 2]), hb, memory_b, keys_b, mask_b)
    torch.testing.assert_close(step_padded[0][0], step_alone[0][0])
    assert float(step_padded[2][0, 3:].sum()) < 1e-6  # no attention on padding


def test_teacher_forcing_equals_stepping():
    net = tiny()
    tokens, lengths, inputs = torch.tensor([[5, 6, 7, 8]]), torch.tensor([4]), torch.tensor([[2, 9, 10]])
    with torch.no_grad():
        forced = net(tokens, lengths, inputs).log_softmax(-1)
        h, memory, keys, mask = net.encode(tokens, lengths)
        for t in range(3):
            log_probs, h, weights = net.step(inputs[:, t], h, memory, keys, mask)
            torch.testing.assert_close(log_probs, forced[:, t])
            torch.testing.assert_close(weights.sum(-1), torch.ones(1))


def test_exported_graphs_with_float16_weights_match_torch(tmp_path):
    net = tiny()
    round_to_float16(net)
    tokens, lengths = torch.tensor([[5, 6, 7, 0], [8, 9, 10, 11]]), torch.tensor([3, 4])
    encoder, step = EncoderGraph(net), StepGraph(net)
    encoder_path = export_onnx(encoder, (tokens, lengths), tmp_path / "encoder.onnx", ["tokens", "lengths"],
                               ["h", "memory", "keys", "mask"],
                               {"tokens": {0: "batch", 1: "source"}, "lengths": {0: "batch"}})
    with torch.no_grad():
        h, memory, keys, mask = net.encode(tokens, lengths)
    last = torch.tensor([2, 3])
    step_path = export_onnx(step, (last, h, memory, keys, mask), tmp_path / "step.onnx",
                            ["tokens", "h", "memory", "keys", "mask"], ["log_probs", "h_out", "weights"],
                            {"tokens": {0: "beams"}, "h": {0: "beams"}, "memory": {0: "beams", 1: "source"},
                             "keys": {0: "beams", 1: "source"}, "mask": {0: "beams", 1: "source"}})
    size = step_path.stat().st_size
    for path in (encoder_path, step_path):
        store_float16(path, min_elements=64)  # a tiny model's matrices are small
    assert step_path.stat().st_size < 0.75 * size
    assert any(init.data_type == onnx.TensorProto.FLOAT16 for init in onnx.load(str(step_path)).graph.initializer)
    feeds = {"tokens": tokens.numpy(), "lengths": lengths.numpy()}
    assert max_abs_diff(encoder, encoder_path, feeds) < 1e-5
    steps = {"tokens": last.numpy(), "h": h.numpy(), "memory": memory.numpy(), "keys": keys.numpy(),
             "mask": mask.numpy()}
    assert max_abs_diff(step, step_path, steps) < 1e-5
    longer = {"tokens": np.array([[5, 6, 7, 8, 9, 10, 11]]), "lengths": np.array([7])}  # another length and batch
    assert max_abs_diff(encoder, encoder_path, longer) < 1e-5
    values, grus = load_weights(step_path)  # the weights' reader sees float32 under the names the nodes read
    embedding = values["translator.embedding.weight"]
    assert embedding.dtype == np.float32 and np.array_equal(embedding, net.embedding.weight.detach().numpy())
    assert not any(name.endswith("_float16") for name in values)


class LetterPieces:
    """A stand-in tokenizer: one piece per letter, ids 4..49."""

    def encode(self, text: str) -> list[int]:
        return [4 + ord(letter) % 46 for letter in text]

    def piece_to_id(self, piece: str) -> int:
        return {START: 2, END: 3}[piece]


def export_step(net: EncoderDecoder, path) -> tuple:
    tokens, lengths = torch.tensor([[5, 6, 7, 0], [8, 9, 10, 11]]), torch.tensor([3, 4])
    with torch.no_grad():
        h, memory, keys, mask = net.encode(tokens, lengths)
    last = torch.tensor([2, 3])
    return export_onnx(StepGraph(net), (last, h, memory, keys, mask), path,
                       ["tokens", "h", "memory", "keys", "mask"], ["log_probs", "h_out", "weights"],
                       {"tokens": {0: "beams"}, "h": {0: "beams"}, "memory": {0: "beams", 1: "source"},
                        "keys": {0: "beams", 1: "source"}, "mask": {0: "beams", 1: "source"}})


def test_the_int8_step_stays_close_to_torch_and_treats_each_row_alone(tmp_path):
    net = tiny()
    round_to_float16(net)
    path = export_step(net, tmp_path / "step.onnx")
    pairs = [Pair(english, spanish, "bible", "Ruth") for english, spanish in
             [("in the beginning", "en el principio"), ("the light was good", "la luz era buena"),
              ("open the file", "abrir el archivo"), ("save it", "guárdalo"), ("and it was so", "y fue así")]]
    feeds = calibration_feeds(net, LetterPieces(), pairs, batch_size=2)
    longest = [max(len(p.spanish) for p in pairs[at:at + 2]) for at in range(0, len(pairs), 2)]
    assert len(feeds) == sum(length + 1 for length in longest)  # <start> and each letter of the longest target
    store_int8(path, feeds)
    weights = [init for init in onnx.load(str(path)).graph.initializer if init.data_type == onnx.TensorProto.INT8]
    assert len(weights) >= 4  # the GRU cell's two matrices, the readout, the output layer, the query
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    step = StepGraph(net).eval()
    for feed in feeds[::3]:
        log_probs = session.run(None, feed)[0]
        with torch.no_grad():
            expected = step(*(torch.from_numpy(value) for value in feed.values()))[0].numpy()
        assert np.abs(log_probs - expected).max() < 0.02  # each row's log-probabilities spread over ~0.5
        alone = np.concatenate([session.run(None, {name: value[row:row + 1] for name, value in feed.items()})[0]
                                for row in range(len(feed["tokens"]))])
        np.testing.assert_array_equal(alone, log_probs)  # fixed ranges: no row changes another
