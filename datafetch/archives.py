"""Read single members out of the archives that registries ship (.tgz, .tar.gz, .deb) without unpacking."""
from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


def tar_members(archive: Path | bytes, suffix: str | tuple[str, ...] = "") -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of every regular file in a (compressed) tar whose name ends with `suffix` (or one of them),
    in one pass over the archive."""
    source = {"fileobj": io.BytesIO(archive)} if isinstance(archive, bytes) else {"name": str(archive)}
    with tarfile.open(**source) as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(suffix):
                yield member.name, tar.extractfile(member).read()


def tar_members_named(archive: Path | bytes, suffixes: list[str]) -> list[bytes]:
    """The file ending in each of `suffixes`, in their order, read in one pass over the archive."""
    found = dict(tar_members(archive, tuple(suffixes)))
    files = []
    for suffix in suffixes:
        matches = [data for name, data in found.items() if name.endswith(suffix)]
        if not matches:
            raise FileNotFoundError(f"no member ending in {suffix!r} in "
                                    f"{archive if isinstance(archive, Path) else 'archive'}")
        files.append(matches[0])
    return files


def tar_member(archive: Path | bytes, suffix: str) -> bytes:
    """The one file in the tar whose name ends with `suffix`."""
    for _, data in tar_members(archive, suffix):
        return data
    raise FileNotFoundError(f"no member ending in {suffix!r} in {archive if isinstance(archive, Path) else 'archive'}")


def _seek_data_member(handle: BinaryIO, deb: Path) -> int:
    """Position a Debian package's file (an `ar` archive) at its data.tar.* member; returns its size."""
    if handle.read(8) != b"!<arch>\n":
        raise ValueError(f"{deb} is not a Debian package")
    while len(header := handle.read(60)) == 60:
        name, size = header[:16].decode().strip().rstrip("/"), int(header[48:58].decode().strip())
        if name.startswith("data.tar"):
            return size
        handle.seek(size + size % 2, io.SEEK_CUR)
    raise ValueError(f"{deb} has no data.tar member")


def deb_data(deb: Path) -> bytes:
    """The data.tar.* of a Debian package, as bytes for tar_member."""
    with open(deb, "rb") as handle:
        return handle.read(_seek_data_member(handle, deb))


class _Bounded(io.RawIOBase):
    """At most `size` bytes of `handle` from where it stands: one member of an ar archive."""

    def __init__(self, handle: BinaryIO, size: int):
        self.handle, self.left = handle, size

    def read(self, size: int = -1) -> bytes:
        size = self.left if size < 0 else min(size, self.left)
        data = self.handle.read(size)
        self.left -= len(data)
        return data


def deb_members(deb: Path, suffix: str = "") -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of the files in a Debian package's data whose name ends with `suffix`, streamed
    from disk: a 100 MB package is never held in memory for a few small files."""
    with open(deb, "rb") as handle:
        member = _Bounded(handle, _seek_data_member(handle, deb))
        with tarfile.open(fileobj=member, mode="r|*") as tar:
            for info in tar:
                if info.isfile() and info.name.endswith(suffix):
                    yield info.name, tar.extractfile(info).read()


def zip_member(archive: Path, suffix: str) -> bytes:
    """The one file in a zip (a wheel) whose name ends with `suffix`."""
    with zipfile.ZipFile(archive) as wheel:
        for name in wheel.namelist():
            if name.endswith(suffix):
                return wheel.read(name)
    raise FileNotFoundError(f"no member ending in {suffix!r} in {archive}")
