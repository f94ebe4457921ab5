"""The language model's serving logic on a tiny model made here: parity, word beam, cache, sampling."""
import itertools

import numpy as np
import onnx
import pytest
import torch
from onnx import numpy_helper

from serving.artifact import load_artifact, write_artifact
from serving.nextword.predictor import NextWordPredictor, append_word
from serving.nextword.words import PARAGRAPH, top_next_words
from training.compact import compact, identical
from training.export import export_onnx, max_abs_diff
from training.nextword.model import GRULanguageModel, NextWordConfig
from training.onnx_storage import share_transposed_weights
from training.tokenizer import train_tokenizer


@pytest.fixture(scope="module")
def tiny_lm(tmp_path_factory, tiny_texts):
    folder = tmp_path_factory.mktemp("lm")
    tokenizer = train_tokenizer(tiny_texts, folder / "tok", vocab_size=40, case_fold=False, user_symbols=(PARAGRAPH,))
    torch.manual_seed(3)
    model = GRULanguageModel(NextWordConfig(vocab_size=40, embed_dim=12, hidden_size=12, dropout=0.0)).eval()
    with torch.no_grad():
        model.output_bias.normal_(0, 2)  # a peaky distribution, so rankings are not ties
    onnx_path = export_onnx(model, (torch.tensor([[5, 6, 7]]), model.initial_hidden(1)), folder / "src.onnx",
                            ["tokens", "hidden"], ["logits", "hidden_out"],
                            {"tokens": {0: "batch", 1: "time"}, "hidden": {1: "batch"},
                             "logits": {0: "batch", 1: "time"}, "hidden_out": {1: "batch"}})
    share_transposed_weights(onnx_path)  # as training exports it
    (folder / "words.txt").write_text("\n".join(sorted({w for text in tiny_texts for w in text.split()})))
    artifact = write_artifact(folder / "nextword", {"model.onnx": onnx_path, "tokenizer.model": tokenizer,
                                                    "words.txt": folder / "words.txt"},
                              {"name": "nextword", "config": {"num_layers": 2, "hidden_size": 12},
                               "words": {"file": "words.txt"}, "rebuild": "-"})
    return model, onnx_path, NextWordPredictor(load_artifact(artifact))


def test_the_tied_embedding_is_stored_once(tiny_lm, tmp_path):
    model, onnx_path, _ = tiny_lm
    stored = [numpy_helper.to_array(init) for init in onnx.load(str(onnx_path)).graph.initializer]
    embedding = model.embedding.weight.detach().numpy()
    assert sum(np.array_equal(values, embedding) or np.array_equal(values, embedding.T) for values in stored) == 1
    assert share_transposed_weights(onnx_path) == 0  # nothing left to share


@pytest.mark.parametrize("batch,time", [(1, 1), (1, 30), (4, 7), (16, 64)])
def test_onnx_step_matches_torch(tiny_lm, batch, time):
    model, onnx_path, _ = tiny_lm
    rng = np.random.default_rng(batch + time)
    inputs = {"tokens": rng.integers(0, 40, (batch, time)).astype(np.int64),
              "hidden": rng.normal(size=(2, batch, 12)).astype(np.float32)}
    assert max_abs_diff(model, onnx_path, inputs) <= 1e-4


def exact_word_probabilities(model, predictor, context: list[int], partial: str = "") -> dict[str, float]:
    """Every word of at most two pieces, scored with plain torch forward passes (no beam, no state reuse)."""
    vocab = predictor.vocab
    firsts = [i for i in range(40) if vocab.starts_word[i] and not vocab.never[i]]
    boundary = vocab.starts_word
    words: dict[str, float] = {}
    pairs = [[a, b] for a, b in itertools.product(firsts, range(40))
             if not vocab.spaced[b] and (not boundary[b] or not vocab.surfaces[a].strip())]
    for sequences in ([[a] for a in firsts], pairs):
        with torch.no_grad():
            rows = torch.tensor([context + s for s in sequences])
            log_probs = model(rows, model.initial_hidden(len(rows)))[0].log_softmax(-1).numpy()
        start = len(context) - 1
        for row, seq in enumerate(sequences):
            lp = sum(log_probs[row, start + j, piece] for j, piece in enumerate(seq))
            lp += np.logaddexp.reduce(log_probs[row, start + len(seq), boundary])
            word = "".join(vocab.surfaces[p] for p in seq).strip()
            if word and word.startswith(partial) and vocab.known.offers(word):
                words[word] = words.get(word, 0.0) + float(np.exp(lp))
    return words


@pytest.mark.parametrize("text,partial", [("the movie", ""), ("", ""), ("not bad but the", "b")])
def test_word_beam_equals_brute_force(tiny_lm, text, partial):
    model, _, predictor = tiny_lm
    context = predictor.encode(text)
    exact = exact_word_probabilities(model, predictor, context, partial)
    state, log_probs = predictor.cache.state_after(context)
    found = top_next_words(predictor.model, state, log_probs, predictor.vocab, k=5, beam=40, max_pieces=2,
                           partial=partial)
    best = sorted(exact.items(), key=lambda item: -item[1])[:5]
    assert [w.word for w in found] == [word for word, _ in best]
    assert [w.prob for w in found] == pytest.approx([p for _, p in best], rel=1e-4)
    small_beam = top_next_words(predictor.model, state, log_probs, predictor.vocab, k=1, partial=partial)
    assert small_beam[0].word == best[0][0]


def test_completion_only_offers_words_that_start_with_what_was_typed(tiny_lm):
    _, _, predictor = tiny_lm
    suggestions = predictor.next_words("the acting was b", complete=True)
    assert suggestions.partial == "b" and suggestions.context == "the acting was"
    assert suggestions.words and all(w.word.startswith("b") for w in suggestions.words)
    assert predictor.next_words("the acting was b", complete=False).partial == ""
    assert predictor.next_words("the acting was b ", complete=True).partial == ""


@pytest.mark.parametrize("text", ["the movie ", "", "not bad but the b", "the acting was v", "it xq", "a"])
def test_only_words_of_the_word_list_are_offered(tiny_lm, text):
    """Pieces can spell non-words; a word list without "very" and "story" takes them off every list, and
    whatever the beam finds instead is a listed word or punctuation."""
    from dataclasses import replace

    from serving.nextword.words import WordList

    _, _, predictor = tiny_lm
    known = WordList(frozenset(predictor.vocab.known.words - {"very", "story"}))
    narrower = NextWordPredictor(predictor.artifact)
    narrower.vocab = replace(predictor.vocab, known=known)
    for k in (3, 10):
        offered = [w.word for w in narrower.next_words(text, k=k, complete=True).words]
        assert all(known.offers(word) for word in offered), offered
    assert "very" in [w.word for w in predictor.next_words("the acting was v", k=10, complete=True).words]
    assert narrower.next_words("it xq", complete=True).words == []


def test_a_typed_word_that_is_complete_gets_the_words_after_it_too(tiny_lm):
    _, _, predictor = tiny_lm
    typed = predictor.next_words("the movie was", k=5, complete=True)
    assert typed.partial == "was" and all(w.word.startswith("was") for w in typed.words)
    assert [w.word for w in typed.after_partial] == [w.word for w in predictor.next_words("the movie was ").words]
    assert predictor.next_words("the movie wa", complete=True).after_partial == []  # "wa" is not a word
    assert "after_typed_word" in typed.to_json("the movie was")
    assert "after_typed_word" not in predictor.next_words("the movie was ", complete=True).to_json("x")


def test_prefix_cache_feeds_only_new_pieces_and_matches_from_scratch(tiny_lm):
    _, _, predictor = tiny_lm
    long_text = "the movie was good but the plot was boring"
    ids = predictor.encode(long_text)
    fresh = NextWordPredictor(predictor.artifact)
    fresh.cache.state_after(ids[:4])
    fed = fresh.cache.pieces_fed
    state, log_probs = fresh.cache.state_after(ids)
    assert fresh.cache.pieces_fed - fed == len(ids) - 4
    scratch_log_probs, scratch_state = fresh.model.run(ids, fresh.model.initial_state())
    assert np.allclose(log_probs, scratch_log_probs, atol=1e-5) and np.allclose(state, scratch_state, atol=1e-5)
    before = fresh.cache.pieces_fed
    fresh.cache.state_after(ids)  # the same text again: nothing to feed
    fresh.cache.state_after(ids[:4])  # backspace to a checkpoint: nothing to feed
    assert fresh.cache.pieces_fed == before


def test_sampling_is_reproducible_with_a_seed(tiny_lm):
    _, _, predictor = tiny_lm
    first = predictor.generate("the film", max_words=12, temperature=1.0, seed=5)
    assert first == predictor.generate("the film", max_words=12, temperature=1.0, seed=5)
    others = {predictor.generate("the film", max_words=12, temperature=1.0, seed=s) for s in range(6)}
    assert len(others) > 1
    assert predictor.generate("the film", max_words=8, temperature=0, seed=1) == \
        predictor.generate("the film", max_words=8, temperature=0, seed=2)


def test_greedy_generation_follows_the_argmax(tiny_lm):
    _, _, predictor = tiny_lm
    text = predictor.generate("the", max_words=3, temperature=0, whole_words=False)
    state, log_probs = predictor.cache.state_after(predictor.encode("the"))
    first = int(np.argmax(np.where(predictor.vocab.never, -np.inf, log_probs)))
    assert predictor.tokenizer.decode([first]).strip() and text.startswith(predictor.tokenizer.decode([first]))


def test_whole_word_generation_writes_only_words_of_the_training_text():
    from serving.nextword.predictor import NextWordPredictor
    from serving.nextword.words import WORD

    predictor = NextWordPredictor.load()
    written = [predictor.generate(prompt, max_words=30, temperature=1.0, top_k=0, seed=seed)
               for prompt in ("Call me", "We must work together to", "She was the youngest of the") for seed in range(3)]
    words = [word for text in written for word in WORD.findall(text)]
    assert len(words) > 150 and all(word in predictor.vocab.known for word in words), \
        [word for word in words if word not in predictor.vocab.known]


def test_generation_counts_words(tiny_lm):
    _, _, predictor = tiny_lm
    pieces = list(predictor.sampled_pieces("the", max_words=7, temperature=0.9, seed=0))
    assert sum(bool(predictor.vocab.starts_word[p]) for p in pieces) == 7
    assert predictor.generate("the", max_words=7, temperature=0.9, seed=0) == predictor.tokenizer.decode(pieces)


def test_the_written_stream_adds_up_to_the_generated_text(tiny_lm):
    _, _, predictor = tiny_lm
    chunks = list(predictor.written("the film", max_words=9, temperature=1.0, seed=3))
    assert len(chunks) >= 9 and "".join(chunks) == predictor.generate("the film", max_words=9, temperature=1.0, seed=3)


@pytest.mark.parametrize("bad", [{"temperature": -1}, {"top_p": 0}, {"top_k": -2}, {"max_words": 0}])
def test_bad_generation_settings_are_input_errors(tiny_lm, bad):
    from serving.text import InputError
    with pytest.raises(InputError):
        tiny_lm[2].generate("the", **bad)
    with pytest.raises(InputError):  # at once, not when the page starts reading the stream
        tiny_lm[2].written("the", **bad)


@pytest.mark.parametrize("text,word,partial,expected", [
    ("", "The", "", "The "), ("It is", "a", "", "It is a "), ("It is ", "a", "", "It is a "),
    ("Hello", ",", "", "Hello, "), ("We the peo", "people", "peo", "We the people "),
])
def test_append_word(text, word, partial, expected):
    assert append_word(text, word, partial) == expected


def test_a_bare_space_piece_joins_the_punctuation_after_it():
    from serving.nextword.words import PieceVocabulary, WordList

    surfaces = ["<pad>", " the", " ", "(", "s", "<p>"]
    vocab = PieceVocabulary(surfaces, starts_word=np.array([1, 1, 1, 1, 0, 1], bool),
                            never=np.array([1, 0, 0, 0, 0, 1], bool), spaced=np.array([1, 1, 1, 0, 0, 1], bool),
                            bare=np.array([0, 0, 1, 0, 0, 0], bool), known=WordList(frozenset({"the"})))
    stream = np.array([5, 1, 2, 3, 1, 4, 3])  # <p> the ( the s (
    assert vocab.word_starts(stream).tolist() == [False, True, True, False, True, False, True]


def test_compact_stores_an_older_artifact_once_with_the_same_outputs(tmp_path, monkeypatch, tiny_texts):
    torch.manual_seed(5)
    model = GRULanguageModel(NextWordConfig(vocab_size=40, embed_dim=12, hidden_size=12, dropout=0.0)).eval()
    onnx_path = export_onnx(model, (torch.tensor([[5, 6, 7]]), model.initial_hidden(1)), tmp_path / "src.onnx",
                            ["tokens", "hidden"], ["logits", "hidden_out"],
                            {"tokens": {0: "batch", 1: "time"}, "hidden": {1: "batch"},
                             "logits": {0: "batch", 1: "time"}, "hidden_out": {1: "batch"}})  # not shared
    (tmp_path / "words.txt").write_text("the\n")
    write_artifact(tmp_path / "models" / "nextword", {"model.onnx": onnx_path, "words.txt": tmp_path / "words.txt"},
                   {"name": "nextword", "metrics": {"perplexity": 1.5}})
    monkeypatch.setenv("RNNAPP_MODELS", str(tmp_path / "models"))
    assert compact("nextword") == 40 * 12 * 4
    artifact = load_artifact(tmp_path / "models" / "nextword")  # checksums verified
    assert artifact.manifest["metrics"] == {"perplexity": 1.5}
    assert identical(onnx_path, artifact.file("model.onnx"))
    assert compact("nextword") == 0
