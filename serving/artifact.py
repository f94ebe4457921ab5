"""The artifact format: the one boundary between training (torch) and serving (onnxruntime).

A model is a folder `models/<name>/` holding its ONNX file(s), its sentencepiece tokenizer and
`manifest.json`. This module is the only code that writes or reads that folder. Writing records
the sha256 of every file and the ONNX inputs/outputs read from the files themselves; reading
verifies every checksum and refuses a folder that does not match, naming the file and the
command that rebuilds it.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import onnxruntime as ort

from serving.session import create_session, provider_in_use

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
REPO_ROOT = Path(__file__).resolve().parent.parent
_VERSIONED_LIBRARIES = ("torch", "onnx", "onnxruntime-gpu", "sentencepiece", "numpy")
WRITER_KEYS = ("files", "onnx", "versions", "created")  # what write_artifact adds to the manifest it is given


class ArtifactError(RuntimeError):
    """A model folder is missing, incomplete or tampered with; the message says how to fix it."""


def model_dir(name: str) -> Path:
    """Where the model called `name` lives: models/<name>, or under $RNNAPP_MODELS if set."""
    return Path(os.environ.get("RNNAPP_MODELS", REPO_ROOT / "models")) / name


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _onnx_signature(path: Path) -> dict:
    """Input/output names, element types and shapes (symbolic names mark dynamic axes)."""
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])

    def describe(args) -> list[dict]:
        return [{"name": a.name, "type": a.type, "shape": list(a.shape)} for a in args]

    return {"inputs": describe(session.get_inputs()), "outputs": describe(session.get_outputs())}


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _VERSIONED_LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return versions


def write_artifact(out_dir: Path, files: dict[str, Path], manifest: dict) -> Path:
    """Copy `files` (name in the folder -> source path) into `out_dir` and write the manifest.

    `manifest` carries the model-specific facts (architecture, tokenizer, data, licence, rebuild
    command, metrics); checksums, ONNX signatures, versions and the date are added here.
    The folder is assembled beside the target and swapped in, so readers never see half of it.
    """
    out_dir = Path(out_dir)
    staging = out_dir.with_name(out_dir.name + ".writing")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    entries = {}
    for name, source in files.items():
        shutil.copyfile(source, staging / name)
        entries[name] = {"sha256": sha256_of(staging / name), "bytes": (staging / name).stat().st_size}
    full = {
        "format": FORMAT_VERSION,
        **manifest,
        "files": entries,
        "onnx": {name: _onnx_signature(staging / name) for name in files if name.endswith(".onnx")},
        "versions": library_versions(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    (staging / MANIFEST).write_text(json.dumps(full, indent=2, ensure_ascii=False) + "\n")
    if out_dir.exists():
        shutil.rmtree(out_dir)
    os.replace(staging, out_dir)
    return out_dir


@dataclass
class Artifact:
    """A verified model folder: its manifest and lazily created, shared onnxruntime sessions."""

    path: Path
    manifest: dict
    _sessions: dict = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return self.manifest["name"]

    def file(self, name: str) -> Path:
        return self.path / name

    def session(self, name: str) -> ort.InferenceSession:
        if name not in self._sessions:
            try:
                self._sessions[name] = create_session(self.file(name))
            except Exception as err:  # onnxruntime raises its own untyped errors
                raise ArtifactError(f"{self.file(name)} could not be loaded by onnxruntime ({err}). "
                                    f"Rebuild it with: {self.rebuild_command}") from None
        return self._sessions[name]

    @property
    def given_manifest(self) -> dict:
        """The manifest as its writer was given it, without what write_artifact added: what a command that
        rewrites the folder (adding a file, replacing one) passes on."""
        return {key: value for key, value in self.manifest.items() if key not in WRITER_KEYS}

    @property
    def rebuild_command(self) -> str:
        return self.manifest.get("rebuild", "see README.md")

    def provider(self) -> str:
        """The execution provider the artifact's sessions run on, e.g. "CPU" or "CUDA"."""
        first_onnx = next(name for name in self.manifest["files"] if name.endswith(".onnx"))
        return provider_in_use(self.session(first_onnx))


def load_artifact(path: Path) -> Artifact:
    """Read and verify a model folder; every failure is an ArtifactError with a fix in its text."""
    path = Path(path)
    manifest_path = path / MANIFEST
    if not manifest_path.is_file():
        raise ArtifactError(f"No model at {path}: {manifest_path} is missing. "
                            f"Restore it with `git checkout -- {path}` or rebuild it (see README.md).")
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError) as err:
        raise ArtifactError(f"{manifest_path} is unreadable ({err}). Restore it with "
                            f"`git checkout -- {path}`.") from None
    rebuild = manifest.get("rebuild", "see README.md")
    if manifest.get("format") != FORMAT_VERSION:
        raise ArtifactError(f"{manifest_path} has format {manifest.get('format')!r}, this code reads "
                            f"{FORMAT_VERSION}. Rebuild it with: {rebuild}")
    for name, entry in manifest.get("files", {}).items():
        file_path = path / name
        if not file_path.is_file():
            raise ArtifactError(f"{file_path} is missing. Rebuild it with: {rebuild}")
        if sha256_of(file_path) != entry["sha256"]:
            raise ArtifactError(f"{file_path} does not match its sha256 in {manifest_path} "
                                f"(changed or corrupted). Rebuild it with: {rebuild}")
    return Artifact(path, manifest)


def write_evaluated_artifact(out_dir: Path, staging_dir: Path, files: dict[str, Path], manifest: dict,
                             evaluate: Callable[[Artifact], dict],
                             calibrate: Callable[[Artifact], dict] | None = None) -> Path:
    """Write the artifact to `staging_dir`, score it exactly as it will be served, then write
    `out_dir` with those scores as the manifest's metrics. `calibrate` makes choices on the staged
    artifact (such as a threshold, on validation data) that are merged into the manifest first."""
    staged = load_artifact(write_artifact(staging_dir, files, manifest))
    if calibrate is not None:
        manifest = {**manifest, **calibrate(staged)}
        staged = load_artifact(write_artifact(staging_dir, files, manifest))
    return write_artifact(out_dir, files, {**manifest, "metrics": evaluate(staged)})
