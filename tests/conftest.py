"""Shared fixtures: small data made by the tests themselves."""
from __future__ import annotations

import io
import random
import sys
import tarfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
# The `rnnapp` command that `make` installs beside the interpreter running the tests (pyproject.toml).
RNNAPP = str(Path(sys.executable).parent / "rnnapp")
WORDS = ("good great awful bad movie phone story battery film plot acting boring lovely terrible "
         "fine the a and but not was is very really it this that").split()


@pytest.fixture(scope="session")
def tiny_texts() -> list[str]:
    rng = random.Random(0)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12))) for _ in range(300)]


@pytest.fixture(scope="session")
def tiny_tokenizer(tmp_path_factory, tiny_texts) -> Path:
    from training.tokenizer import train_tokenizer

    return train_tokenizer(tiny_texts, tmp_path_factory.mktemp("tok") / "tiny", vocab_size=40)


def encoded(image, fmt: str, **options) -> bytes:
    """A PIL image saved to bytes in `fmt` (JPEG, PNG, ...), for the image-input tests."""
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def make_tgz(members: dict[str, bytes]) -> bytes:
    """A gzipped tar holding `members` (name -> bytes), for tests that fake a registry download."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def make_deb(members: dict[str, bytes]) -> bytes:
    """A Debian package (an `ar` archive: debian-binary, control.tar.gz, data.tar.gz) whose data
    holds `members`; the 3-byte control member exercises ar's padding to even sizes."""
    deb = b"!<arch>\n"
    for name, payload in [(b"debian-binary", b"2.0\n"), (b"control.tar.gz", b"c" * 3),
                          (b"data.tar.gz", make_tgz(members))]:
        deb += name.ljust(16) + b"0".ljust(12) + b"0".ljust(6) * 2 + b"100644".ljust(8) + \
            str(len(payload)).encode().ljust(10) + b"`\n" + payload + (b"\n" if len(payload) % 2 else b"")
    return deb
