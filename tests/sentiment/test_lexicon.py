"""Word valences per piece (serving side), VADER's lexicon read out of its source distribution, and opinion
words hidden in training."""
import io
import random
import tarfile
from types import SimpleNamespace

import numpy as np
import pytest

from serving.sentiment.lexicon import Lexicon, pad_valences, piece_valences
from serving.tokenizer import UNK_ID
from training.sentiment.data import VADER_LEXICON, write_vader_lexicon
from training.sentiment.train import hide_opinion_words

LEXICON = Lexicon({"love": 3.2, "great": 3.1, ":)": 2.0, "meh": -0.3, "bad": -2.5, "good": 1.9})


def piece(text: str, surface: str) -> SimpleNamespace:
    return SimpleNamespace(piece=text, surface=surface)


def test_words_are_looked_up_as_written_then_without_punctuation():
    assert LEXICON.word_valences([" Love", ":)", "great!!", "table", ""]) == [3.2 / 4, 0.5, 3.1 / 4, 0.0, 0.0]


def test_valences_are_turned_by_the_words_around_them():
    """VADER's rules: a negation flips and damps, a booster strengthens, "but" shifts weight to what follows."""
    assert LEXICON.word_valences(["not", "bad"])[1] == pytest.approx(-2.5 * -0.74 / 4)
    assert LEXICON.word_valences(["very", "good"])[1] > LEXICON.word_valences(["good"])[0]
    good, _, bad = LEXICON.word_valences(["good", "but", "bad"])
    assert good == pytest.approx(1.9 * 0.5 / 4) and bad == pytest.approx(-2.5 * 1.5 / 4)


def test_every_piece_of_a_word_gets_the_word_valence():
    pieces = [piece("\u2581i", "I"), piece("\u2581me", " me"), piece("h", "h"), piece(",", ","),
              piece("\u2581", " "), piece(":", ":"), piece(")", ")"), piece("\u2581great", " GREAT")]
    great_in_capitals = (3.1 + 0.733) / 4  # a word in capitals among words that are not says more
    expected = [0.0, -0.075, -0.075, -0.075, 0.5, 0.5, 0.5, great_in_capitals]
    assert piece_valences(pieces, LEXICON) == pytest.approx(expected)
    assert piece_valences([], LEXICON) == []


def test_padding_lines_up_with_the_tokens():
    padded = pad_valences([[0.5, -0.25], [1.0]])
    assert padded.dtype == np.float32
    np.testing.assert_array_equal(padded, [[0.5, -0.25], [1.0, 0.0]])


def test_vader_lexicon_is_read_out_of_the_source_distribution(tmp_path):
    content = b"$:\t-1.5\t0.80623\t[-1, -1]\ngood\t1.9\t0.9434\t[2, 1]\n"
    sdist = tmp_path / "vaderSentiment-3.3.2.tar.gz"
    with tarfile.open(sdist, "w:gz") as archive:
        info = tarfile.TarInfo(f"vaderSentiment-3.3.2/{VADER_LEXICON}")
        info.size = len(content)
        archive.addfile(info, io.BytesIO(content))
    path = write_vader_lexicon(tmp_path / "lexicon.tsv", sdist)
    assert path.read_text() == "$:\t-1.5\ngood\t1.9\n"
    assert Lexicon.read(path).valences == {"$:": -1.5, "good": 1.9}


def test_training_hides_only_pieces_that_carry_a_valence():
    tokens, valences = [5, 6, 7, 8], [0.0, 0.5, 0.5, -0.25]
    assert hide_opinion_words(tokens, valences, 0.0, random.Random(0)) == tokens
    assert hide_opinion_words(tokens, valences, 1.0, random.Random(0)) == [5, UNK_ID, UNK_ID, UNK_ID]
    hidden = [hide_opinion_words(tokens, valences, 0.25, random.Random(seed)) for seed in range(400)]
    share = np.mean([row[1] == UNK_ID for row in hidden])
    assert 0.18 < share < 0.32 and all(row[0] == 5 for row in hidden)
