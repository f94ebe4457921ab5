"""Words as the tagger cuts them, and the hand-labelled gold set read onto those words."""
from collections import Counter

from serving.ner.words import split_words
from training.ner.data import GOLD_FILE, parse_marked, read_gold, tags_of_spans


def test_words_keep_names_whole_and_offsets_exact():
    text = "Obama's trip to the U.S. cost $3.5 million, said Coca-Cola — “fine” مرحبا 😀"
    words = split_words(text)
    assert [w.text for w in words][:6] == ["Obama", "'s", "trip", "to", "the", "U.S."]
    assert "Coca-Cola" in [w.text for w in words] and "3.5" in [w.text for w in words]
    assert all(text[w.start:w.end] == w.text for w in words)
    assert split_words("   ") == []


def test_spans_become_bio_tags_on_whole_words():
    text, spans = parse_marked("{PER Ann Lee} met {LOC New York}'s mayor.")
    assert text == "Ann Lee met New York's mayor."
    assert tags_of_spans(split_words(text), spans) == ["B-PER", "I-PER", "O", "B-LOC", "I-LOC", "O", "O", "O"]


def test_gold_set_has_three_kinds_and_every_entity_starts_on_a_word():
    gold = read_gold()
    assert len(gold) >= 300
    assert Counter(s.kind for s in gold) == {"speech": 100, "novel": 100, "everyday": 109}
    assert sum(tag.startswith("B-") for s in gold for tag in s.tags) >= 400
    for line in GOLD_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            text, spans = parse_marked(line.split("\t")[2])
            starts = {w.start for w in split_words(text)}
            assert all(start in starts for start, _, _ in spans), text
    assert [(w, t) for w, t in zip(gold[-309 + 200].words, gold[-309 + 200].tags)] == [
        ("Dhaval", "B-PER"), ("loves", "O"), ("baby", "B-PER"), ("yoda", "I-PER"), (".", "O")]
