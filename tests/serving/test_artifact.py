"""The artifact format: written in one place, read in one place, tampering refused."""
import json

import numpy as np
import pytest
import torch

from serving.artifact import ArtifactError, load_artifact, write_artifact
from training.export import export_onnx


@pytest.fixture()
def artifact_dir(tmp_path, tiny_tokenizer):
    onnx_path = export_onnx(torch.nn.Linear(4, 2), (torch.zeros(1, 4),), tmp_path / "src" / "m.onnx",
                            ["x"], ["y"], {"x": {0: "batch"}, "y": {0: "batch"}})
    return write_artifact(tmp_path / "toy", {"model.onnx": onnx_path, "tokenizer.model": tiny_tokenizer},
                          {"name": "toy", "rebuild": "python -m toy.train", "metrics": {"score": 1.0}})


def test_manifest_records_checksums_signature_and_versions(artifact_dir):
    manifest = json.loads((artifact_dir / "manifest.json").read_text())
    assert set(manifest["files"]) == {"model.onnx", "tokenizer.model"}
    assert all(len(entry["sha256"]) == 64 and entry["bytes"] > 0 for entry in manifest["files"].values())
    signature = manifest["onnx"]["model.onnx"]
    assert signature["inputs"] == [{"name": "x", "type": "tensor(float)", "shape": ["batch", 4]}]
    assert signature["outputs"][0]["name"] == "y"
    assert {"onnxruntime-gpu", "sentencepiece", "python"} <= set(manifest["versions"])
    assert manifest["rebuild"] == "python -m toy.train" and manifest["metrics"] == {"score": 1.0}


def test_a_rewrite_passes_on_the_manifest_it_was_given(artifact_dir):
    """Commands that rewrite a folder (quantisation, adding the caption names) start from what the writer got."""
    artifact = load_artifact(artifact_dir)
    assert artifact.given_manifest == {"format": 1, "name": "toy", "rebuild": "python -m toy.train",
                                       "metrics": {"score": 1.0}}
    again = load_artifact(write_artifact(artifact_dir, {n: artifact.file(n) for n in artifact.manifest["files"]},
                                         artifact.given_manifest))
    assert again.given_manifest == artifact.given_manifest and again.manifest["files"] == artifact.manifest["files"]


def test_loaded_artifact_runs(artifact_dir):
    artifact = load_artifact(artifact_dir)
    [y] = artifact.session("model.onnx").run(None, {"x": np.ones((3, 4), np.float32)})
    assert y.shape == (3, 2)
    assert artifact.provider() == "CPU"


def test_tampered_file_is_refused_with_file_and_rebuild_command(artifact_dir):
    with open(artifact_dir / "tokenizer.model", "ab") as handle:
        handle.write(b"x")
    with pytest.raises(ArtifactError, match=r"tokenizer\.model does not match its sha256.*python -m toy\.train"):
        load_artifact(artifact_dir)


def test_missing_file_is_refused(artifact_dir):
    (artifact_dir / "model.onnx").unlink()
    with pytest.raises(ArtifactError, match=r"model\.onnx is missing.*python -m toy\.train"):
        load_artifact(artifact_dir)


def test_missing_folder_and_broken_manifest_are_refused(tmp_path, artifact_dir):
    with pytest.raises(ArtifactError, match="No model at"):
        load_artifact(tmp_path / "nowhere")
    (artifact_dir / "manifest.json").write_text("{not json")
    with pytest.raises(ArtifactError, match="unreadable"):
        load_artifact(artifact_dir)


def test_onnx_file_that_does_not_load_is_an_artifact_error(tmp_path, tiny_tokenizer):
    garbage = tmp_path / "garbage.onnx"
    garbage.write_bytes(b"not a model")
    (tmp_path / "good").mkdir()
    good = export_onnx(torch.nn.Linear(2, 2), (torch.zeros(1, 2),), tmp_path / "good" / "m.onnx", ["x"], ["y"], {})
    folder = write_artifact(tmp_path / "broken", {"model.onnx": good}, {"name": "broken", "rebuild": "make it"})
    (folder / "model.onnx").write_bytes(garbage.read_bytes())
    manifest = json.loads((folder / "manifest.json").read_text())
    from serving.artifact import sha256_of
    manifest["files"]["model.onnx"]["sha256"] = sha256_of(folder / "model.onnx")
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ArtifactError, match=r"could not be loaded by onnxruntime.*make it"):
        load_artifact(folder).session("model.onnx")


def test_rewriting_replaces_the_folder_whole(artifact_dir, tiny_tokenizer):
    write_artifact(artifact_dir, {"tokenizer.model": tiny_tokenizer}, {"name": "toy", "rebuild": "again"})
    assert sorted(p.name for p in artifact_dir.iterdir()) == ["manifest.json", "tokenizer.model"]
    assert not artifact_dir.with_name("toy.writing").exists()


def test_evaluated_artifact_records_scores_of_the_staged_files(tmp_path, tiny_tokenizer):
    from serving.artifact import write_evaluated_artifact

    seen = []

    def evaluate(artifact):
        seen.append(artifact.path)
        return {"tokenizer_bytes": artifact.file("tokenizer.model").stat().st_size}

    out = write_evaluated_artifact(tmp_path / "final", tmp_path / "staging", {"tokenizer.model": tiny_tokenizer},
                                   {"name": "toy", "rebuild": "-"}, evaluate)
    manifest = json.loads((out / "manifest.json").read_text())
    assert seen == [tmp_path / "staging"] and manifest["metrics"] == {"tokenizer_bytes": tiny_tokenizer.stat().st_size}
    assert load_artifact(out).manifest["files"] == load_artifact(tmp_path / "staging").manifest["files"]
