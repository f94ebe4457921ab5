from textmodels.tokenizer import PAD_ID, UNK_ID, load_tokenizer


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
