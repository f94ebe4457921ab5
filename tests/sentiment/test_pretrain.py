"""Language-model pretraining of the first layer: it learns text, and touches only what it should."""
import torch

from serving.tokenizer import load_tokenizer
from training.sentiment.model import SentimentConfig, SentimentGRU
from training.sentiment.pretrain import CHUNK, language_model_loss, piece_chunks, pretrain_first_layer


def test_chunks_are_the_stream_cut_into_rows(tiny_tokenizer, tiny_texts):
    tokenizer = load_tokenizer(tiny_tokenizer)
    rows = piece_chunks(tokenizer, tiny_texts * 40)
    stream = [i for ids in tokenizer.encode(tiny_texts * 40) for i in ids]
    assert rows.shape[1] == CHUNK + 1 and rows.flatten().tolist() == stream[:rows.numel()]


def test_pretraining_lowers_the_language_model_loss_and_leaves_the_rest_alone(tiny_tokenizer, tiny_texts):
    tokenizer = load_tokenizer(tiny_tokenizer)
    torch.manual_seed(0)
    model = SentimentGRU(SentimentConfig(vocab_size=tokenizer.get_piece_size(), embed_dim=16, hidden_size=16,
                                         dropout=0.0))
    untouched = {name: p.detach().clone() for name, p in model.named_parameters()
                 if not name.startswith(("embedding", "layers.0"))}
    rows = piece_chunks(tokenizer, tiny_texts * 40)
    with torch.no_grad():
        before = language_model_loss(model, rows).item()
    summary = pretrain_first_layer(model, tokenizer, tiny_texts * 40, steps=60, batch_size=8, learning_rate=1e-2,
                                   seed=0)
    with torch.no_grad():
        after = language_model_loss(model, rows).item()
    assert after < 0.7 * before, (before, after)
    assert summary["steps"] == 60 and summary["pieces_seen"] == 60 * 8 * CHUNK
    assert all(torch.equal(p, untouched[name]) for name, p in model.named_parameters() if name in untouched)


def test_a_kept_pretraining_gives_the_weights_and_random_state_of_computing_it(tiny_tokenizer, tiny_texts, tmp_path):
    tokenizer = load_tokenizer(tiny_tokenizer)
    runs = []
    for _ in range(2):
        torch.manual_seed(0)
        model = SentimentGRU(SentimentConfig(vocab_size=tokenizer.get_piece_size(), embed_dim=16, hidden_size=16))
        summary = pretrain_first_layer(model, tokenizer, tiny_texts * 40, steps=5, batch_size=4, learning_rate=1e-2,
                                       seed=0, cache_dir=tmp_path)
        runs.append((model.state_dict(), torch.rand(3), summary))
    assert len(list(tmp_path.iterdir())) == 1
    (first, first_draw, first_summary), (second, second_draw, second_summary) = runs
    assert all(torch.equal(first[name], second[name]) for name in first)
    assert torch.equal(first_draw, second_draw) and first_summary == second_summary
    torch.manual_seed(1)  # another start is another pretraining
    model = SentimentGRU(SentimentConfig(vocab_size=tokenizer.get_piece_size(), embed_dim=16, hidden_size=16))
    pretrain_first_layer(model, tokenizer, tiny_texts * 40, steps=5, batch_size=4, learning_rate=1e-2, seed=0,
                         cache_dir=tmp_path)
    assert len(list(tmp_path.iterdir())) == 2
