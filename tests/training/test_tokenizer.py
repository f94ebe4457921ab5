from serving.tokenizer import PAD_ID, UNK_ID, load_tokenizer


def test_tokenizer_reserves_pad_and_unk_and_round_trips(tiny_tokenizer):
    tokenizer = load_tokenizer(tiny_tokenizer)
    assert tokenizer.get_piece_size() == 40
    assert tokenizer.pad_id() == PAD_ID and tokenizer.unk_id() == UNK_ID
    assert tokenizer.bos_id() == -1 and tokenizer.eos_id() == -1
    ids = tokenizer.encode("the movie was good")
    assert PAD_ID not in ids and tokenizer.decode(ids) == "the movie was good"


def test_tokenizer_case_folds(tiny_tokenizer):
    tokenizer = load_tokenizer(tiny_tokenizer)
    assert tokenizer.encode("GOOD Movie") == tokenizer.encode("good movie")


def test_a_word_model_keeps_every_word_however_rare_its_letters(tmp_path):
    """The caption vocabulary: a character seen once in 20,000 ("voyager-2") must not turn its word into
    <unk>, and the size asked for is an upper bound (the committed captioner had lost two words)."""
    from training.tokenizer import train_tokenizer

    texts = ["a red apple next to a glass of water on a gray background"] * 400 + ["a voyager-2 probe"]
    words = {word for text in texts for word in text.split()}
    tokenizer = load_tokenizer(train_tokenizer(texts, tmp_path / "words", len(words) + 8, model_type="word",
                                               user_symbols=("<start>", "<end>")))
    for word in words:
        assert UNK_ID not in tokenizer.encode(word), word
    assert tokenizer.get_piece_size() <= len(words) + 8
