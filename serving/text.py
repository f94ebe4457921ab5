"""Turn whatever a user typed or piped in into text a model can read, or a clear InputError."""
from __future__ import annotations

import re
import unicodedata

MAX_CHARS = 2000
_ANSI_ESCAPE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


class InputError(ValueError):
    """The input cannot be used; str(err) is a one-line message for the user."""


def prepare_text(text: str, max_chars: int = MAX_CHARS, keep_lines: bool = False) -> tuple[str, bool]:
    """Strip ANSI escapes and control characters, collapse whitespace, cut to `max_chars`; with `keep_lines`,
    line breaks (as "\\n"), tabs and runs of spaces stay, for a model that reads every character.

    Returns the cleaned text and whether it was truncated; raises InputError when nothing is left.
    """
    if not isinstance(text, str):
        raise InputError(f"expected text, got {type(text).__name__}")
    # half of an emoji's surrogate pair (JSON can carry one) becomes U+FFFD; a whole pair becomes its character
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    text = _ANSI_ESCAPE.sub("", text)
    if keep_lines:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = "".join(ch if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp")
                       or ch == "\u200d" else " " for ch in text)
        if not text.strip():
            raise InputError("the text is empty: type a sentence")
        truncated = len(text) > max_chars
        return (text[:max_chars], truncated)
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") and ch not in "\u200d" else ch
                   for ch in text)
    text = " ".join(text.split())
    if not text:
        raise InputError("the text is empty: type a sentence")
    truncated = len(text) > max_chars
    return (text[:max_chars].rstrip(), truncated) if truncated else (text, False)
