import pytest

from serving.text import InputError, prepare_text


@pytest.mark.parametrize("text", ["", "   ", "\n\t\r", "\x1b[31m\x1b[0m", "\x00\x01\x07"])
def test_nothing_to_read_is_a_clear_error(text):
    with pytest.raises(InputError, match="empty"):
        prepare_text(text)


def test_control_characters_and_ansi_escapes_are_removed():
    assert prepare_text("\x1b[1;31mgreat\x1b[0m\x00 film\x07") == ("great film", False)


def test_whitespace_is_collapsed_and_unicode_kept():
    assert prepare_text("  I   love\n\nthis \U0001F600  ") == ("I love this \U0001F600", False)
    assert prepare_text("\u05d6\u05d4 \u05d8\u05d5\u05d1") == ("\u05d6\u05d4 \u05d8\u05d5\u05d1", False)


def test_long_text_is_truncated_and_says_so():
    text, truncated = prepare_text("word " * 100_000, max_chars=50)
    assert truncated and len(text) <= 50 and text.startswith("word word")


def test_non_text_is_refused():
    with pytest.raises(InputError):
        prepare_text(None)
