"""Fetching is atomic and checksum-guarded (the client is replaced by a local copy here); archives are read in place."""
import hashlib

import pytest

from datafetch import registry
from datafetch.archives import tar_members_named
from datafetch.registry import FetchError, Source, fetch
from tests.conftest import make_tgz


def fake_source(payload: bytes, sha: str | None = None) -> Source:
    return Source(name="toy", client="pip", package="toy==1.0", filename="toy-1.0.tar.gz",
                  sha256=sha or hashlib.sha256(payload).hexdigest(), licence="MIT", description="toy")


@pytest.fixture()
def fake_client(monkeypatch, tmp_path):
    """Make the 'registry client' copy a local file, counting calls."""
    calls = []
    upstream = tmp_path / "upstream.tar.gz"

    def command(source, into):
        calls.append(source.package)
        return ["cp", str(upstream), str(into / source.filename)]

    monkeypatch.setattr(registry, "_download_command", command)
    return upstream, calls


def test_fetch_downloads_once_then_uses_the_cache(fake_client, tmp_path):
    upstream, calls = fake_client
    upstream.write_bytes(b"payload")
    cache = tmp_path / "cache"
    first = fetch(fake_source(b"payload"), cache)
    second = fetch(fake_source(b"payload"), cache)
    assert first == second and first.read_bytes() == b"payload" and calls == ["toy==1.0"]


def test_checksum_mismatch_leaves_nothing_behind(fake_client, tmp_path):
    upstream, _ = fake_client
    upstream.write_bytes(b"tampered")
    cache = tmp_path / "cache"
    with pytest.raises(FetchError, match="does not match the pinned"):
        fetch(fake_source(b"payload"), cache)
    assert list(cache.iterdir()) == []


def test_corrupt_cache_is_fetched_again(fake_client, tmp_path):
    upstream, calls = fake_client
    upstream.write_bytes(b"payload")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "toy-1.0.tar.gz").write_bytes(b"half-writ")
    assert fetch(fake_source(b"payload"), cache).read_bytes() == b"payload" and len(calls) == 1


def test_failing_client_is_a_fetch_error(fake_client, tmp_path):
    # upstream file never written, so `cp` fails
    with pytest.raises(FetchError, match="could not fetch toy==1.0: cp: cannot stat"):
        fetch(fake_source(b"payload"), tmp_path / "cache")


def test_the_clients_progress_is_kept_back(monkeypatch, tmp_path, capfd):
    """`make run` prints what a user needs to read, not pip's, npm's or apt's progress."""
    upstream = tmp_path / "upstream.tar.gz"
    upstream.write_bytes(b"payload")
    monkeypatch.setattr(registry, "_download_command", lambda source, into: [
        "sh", "-c", f"echo 'Get:1 http://deb.debian.org progress 45%'; cp {upstream} {into / source.filename}"])
    fetch(fake_source(b"payload"), tmp_path / "cache")
    assert "progress" not in capfd.readouterr().out


def test_leftover_partial_downloads_are_cleared(tmp_path):
    (tmp_path / ".partial-abc").mkdir()
    (tmp_path / ".partial-abc" / "x").write_bytes(b"x")
    registry.clear_partials(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_members_named_come_in_the_asked_order_from_one_pass():
    archive = make_tgz({"pkg/a/words.txt": b"A", "pkg/b/words.csv": b"B", "pkg/c/other.txt": b"C"})
    assert tar_members_named(archive, ["b/words.csv", "a/words.txt"]) == [b"B", b"A"]
    with pytest.raises(FileNotFoundError, match="missing.txt"):
        tar_members_named(archive, ["a/words.txt", "missing.txt"])


def test_fetch_all_fetches_a_few_at_a_time_and_returns_the_paths_in_order(fake_client, tmp_path, capsys):
    upstream, calls = fake_client
    upstream.write_bytes(b"payload")
    sources = [Source(name=f"toy{i}", client="pip", package=f"toy{i}==1.0", filename=f"toy{i}-1.0.tar.gz",
                      sha256=hashlib.sha256(b"payload").hexdigest(), licence="MIT", description="toy")
               for i in range(7)]
    paths = registry.fetch_all(sources, tmp_path / "cache")
    assert [p.name for p in paths] == [s.filename for s in sources] and sorted(calls) == sorted(s.package for s in sources)
    lines = capsys.readouterr().out.splitlines()  # each line whole, whichever fetch finished first
    assert sorted(line for line in lines if line.endswith("sha256 verified")) == sorted(
        f"[{i + 1}/7] toy{i}==1.0 (pip): 0.0 MB in cache, sha256 verified" for i in range(7))
    assert registry.fetch_all(sources, tmp_path / "cache") == paths and len(calls) == 7  # cached: no client run
