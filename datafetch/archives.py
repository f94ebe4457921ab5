"""Read single members out of the archives that registries ship (.tgz, .tar.gz, .deb) without unpacking."""
from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path


def tar_members(archive: Path | bytes, suffix: str = "") -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of every regular file in a (compressed) tar whose name ends with `suffix`."""
    source = {"fileobj": io.BytesIO(archive)} if isinstance(archive, bytes) else {"name": str(archive)}
    with tarfile.open(**source) as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(suffix):
                yield member.name, tar.extractfile(member).read()


def tar_member(archive: Path | bytes, suffix: str) -> bytes:
    """The one file in the tar whose name ends with `suffix`."""
    for _, data in tar_members(archive, suffix):
        return data
    raise FileNotFoundError(f"no member ending in {suffix!r} in {archive if isinstance(archive, Path) else 'archive'}")


def deb_data(deb: Path) -> bytes:
    """The data.tar.* of a Debian package (an `ar` archive), as bytes for tar_member."""
    blob = Path(deb).read_bytes()
    if not blob.startswith(b"!<arch>\n"):
        raise ValueError(f"{deb} is not a Debian package")
    offset = 8
    while offset + 60 <= len(blob):
        name = blob[offset:offset + 16].decode().strip().rstrip("/")
        size = int(blob[offset + 48:offset + 58].decode().strip())
        if name.startswith("data.tar"):
            return blob[offset + 60:offset + 60 + size]
        offset += 60 + size + (size % 2)
    raise ValueError(f"{deb} has no data.tar member")


def zip_member(archive: Path, suffix: str) -> bytes:
    """The one file in a zip (a wheel) whose name ends with `suffix`."""
    with zipfile.ZipFile(archive) as wheel:
        for name in wheel.namelist():
            if name.endswith(suffix):
                return wheel.read(name)
    raise FileNotFoundError(f"no member ending in {suffix!r} in {archive}")
