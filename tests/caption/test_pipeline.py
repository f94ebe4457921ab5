"""The caption path end to end on fast data: shapes scenes and a tiny Karpathy-style dataset the test makes.

Train a small decoder, export it, load the artifact as served and check the decoding contract."""
import json
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from PIL import Image

from serving.artifact import load_artifact
from serving.beam_search import Hypothesis
from serving.caption.captioner import Captioner, Copyable, decoder_state_names
from serving.caption.concepts import Concept
from serving.caption.recognition import Thing
from serving.tokenizer import PAD_ID, UNK_ID
from training.caption import settings as caption_settings
from training.caption import train as caption_train
from training.caption.evaluate import CNN_NAME_THRESHOLDS
from training.caption.karpathy import read_karpathy_split
from training.caption.model import AttentionDecoder, DecoderConfig, InitGraph, StepGraph
from training.caption.scenes import make_scenes, plain_backgrounds, shape_stamps
from training.export import max_abs_diff

pytestmark = pytest.mark.slow  # every test here trains a model or drives whole processes


@pytest.fixture(scope="module")
def runs_dir(tmp_path_factory):
    patch = pytest.MonkeyPatch()
    runs = tmp_path_factory.mktemp("runs")
    patch.setattr(caption_settings, "RUNS_DIR", runs)
    yield runs
    patch.undo()


@pytest.fixture(scope="module")
def shapes_model(runs_dir, tmp_path_factory):
    """A decoder that does not copy: the CNN renames sure objects after decoding, at a threshold chosen on
    validation."""
    settings = caption_settings.CaptionTraining(data="shapes", train_scenes=320, validation_scenes=48, test_scenes=48,
                                             max_epochs=4, batch_size=32, cnn_name_threshold=None, concepts=0)
    return load_artifact(caption_train.train_caption(settings, tmp_path_factory.mktemp("model") / "caption"))


@pytest.fixture(scope="module")
def copying_model(runs_dir, tmp_path_factory):
    """A decoder that reads (and may copy) the CNN's three likeliest things."""
    settings = caption_settings.CaptionTraining(data="shapes", train_scenes=320, validation_scenes=48, test_scenes=48,
                                             max_epochs=3, batch_size=32, concepts=3)
    return load_artifact(caption_train.train_caption(settings, tmp_path_factory.mktemp("copying") / "caption"))


def small_decoder(imagenet_view: bool = False, concepts: int = 0) -> AttentionDecoder:
    """A random decoder over 16-d features; with `imagenet_view`, a random 10-class head in front; with
    `concepts`, that many things to copy by the slot words 26, 27, ..."""
    torch.manual_seed(0)
    model = AttentionDecoder(DecoderConfig(vocab_size=30, feature_size=16, imagenet_view=imagenet_view, classes=10,
                                           concepts=concepts, concept_features=18 if concepts else 0,
                                           slot_ids=tuple(range(26, 26 + concepts))))
    if imagenet_view:
        rng = np.random.default_rng(1)
        model.set_imagenet_head(rng.normal(0, 1, (10, 16)).astype(np.float32), rng.normal(0, 1, 10).astype(np.float32))
    return model.eval()


@pytest.mark.parametrize("imagenet_view,concepts", [(False, 0), (True, 0), (False, 3)])
def test_decoder_graphs_match_torch_at_any_batch(tmp_path, imagenet_view, concepts):
    model = small_decoder(imagenet_view, concepts)
    rng = np.random.default_rng(0)
    grid = rng.normal(0, 1, (7, 49, 16)).astype(np.float32)
    things = rng.normal(0, 1, (7, concepts, 18)).astype(np.float32) if concepts else None
    init_path, step_path, parity = caption_train.export_decoder(model, tmp_path, grid, things)
    assert parity <= 1e-4
    for batch in (1, 7):
        init_inputs = {"grid": grid[:batch], **({"concepts": things[:batch]} if concepts else {})}
        assert max_abs_diff(InitGraph(model), init_path, init_inputs) <= 1e-4
        with torch.no_grad():
            state = model.init(*map(torch.from_numpy, init_inputs.values()))
        names = decoder_state_names(bool(concepts))
        inputs = {"tokens": np.arange(batch) % 30, **{n: t.numpy() for n, t in zip(names, state)}}
        assert max_abs_diff(StepGraph(model), step_path, inputs) <= 1e-4


def test_a_copying_step_is_a_distribution_whose_slot_words_only_copying_reaches():
    model = small_decoder(concepts=3)
    rng = np.random.default_rng(3)
    grid = torch.from_numpy(rng.normal(0, 1, (4, 49, 16)).astype(np.float32))
    things = torch.from_numpy(rng.normal(0, 1, (4, 3, 18)).astype(np.float32))
    with torch.no_grad():
        h, c, memory, keys, concept_memory, concept_keys = model.init(grid, things)
        log_probs = model.step(torch.tensor([1, 2, 3, 4]), h, c, memory, keys, concept_memory, concept_keys)[0]
        assert torch.allclose(log_probs.exp().sum(-1), torch.ones(4), atol=1e-5)
        assert (log_probs[:, 26:29].exp().sum(-1) > 1e-3).all()  # copying has its share
        model.copy_gate.bias.fill_(-50.0)  # never copy: the slot words are out of reach
        log_probs = model.step(torch.tensor([1, 2, 3, 4]), h, c, memory, keys, concept_memory, concept_keys)[0]
        assert (log_probs[:, 26:29].exp() < 1e-6).all()


def test_the_imagenet_view_sees_only_what_the_head_sees():
    """Features that differ only where the head is blind (its null space) give the same memory; a
    direction the head reads changes it."""
    model = small_decoder(imagenet_view=True)
    weight = model.head_weight.numpy()
    blind = np.linalg.svd(weight)[2][-1]  # a feature direction the 10-class head maps to nothing
    grid = np.random.default_rng(2).normal(0, 1, (2, 49, 16)).astype(np.float32)
    with torch.no_grad():
        memory = [model.init(torch.from_numpy(g))[2] for g in (grid, grid + 3 * blind, grid + 3 * weight[0])]
    assert torch.allclose(memory[0], memory[1], atol=1e-5)
    assert not torch.allclose(memory[0], memory[2], atol=1e-2)


def test_trained_shapes_model_captions_what_it_sees(shapes_model):
    metrics = shapes_model.manifest["metrics"]
    assert metrics["onnx_vs_torch_max_abs_diff"] <= 1e-4
    beam = metrics["test"]["beam 3"]
    assert beam["cider_d"] > 0.5 and beam["bleu4"] > 0.15, beam  # an untrained decoder scores ~0
    cnn_names = shapes_model.manifest["cnn_names"]
    assert shapes_model.file("objects.txt").read_text().split("\n")[0] == "a blue circle"
    assert set(cnn_names["validation"]) == {"never", *map(str, CNN_NAME_THRESHOLDS)}
    chosen = cnn_names["validation"][str(cnn_names["threshold"] or "never")]
    assert chosen["object_recall"] == max(s["object_recall"] for s in cnn_names["validation"].values())
    captioner = Captioner(shapes_model)
    scenes = list(make_scenes(4, shape_stamps(), plain_backgrounds(), seed=99))
    results = captioner.caption([scene.image for scene in scenes], beam_size=3)
    for result in results:
        assert result.caption.endswith("background"), result.caption
        assert result.attention.shape == (len(result.words), 7, 7)
        assert np.allclose(result.attention.sum((1, 2)), 1.0, atol=1e-4)
        assert [s for _, s in result.alternatives] == sorted((s for _, s in result.alternatives), reverse=True)
        assert all(result.score >= s for _, s in result.alternatives)
        assert len(result.imagenet_top5) == 5


def test_a_copying_model_reads_the_cnn_and_serves_its_names(copying_model):
    manifest = copying_model.manifest
    assert manifest["metrics"]["onnx_vs_torch_max_abs_diff"] <= 1e-4
    assert manifest["concepts"]["count"] == 3 and manifest["cnn_names"]["threshold"] is None
    assert [i.name for i in copying_model.session("decoder_init.onnx").get_inputs()] == ["grid", "concepts"]
    captioner = Captioner(copying_model)
    scenes = list(make_scenes(4, shape_stamps(), plain_backgrounds(), seed=99))
    grid, _ = captioner.encode([scene.image for scene in scenes])
    things, features = captioner.cnn_things(grid)
    assert features.shape == (4, 3, grid.shape[2] + 2) and all(len(t.concepts) == 3 and not t.objects for t in things)
    for result in captioner.caption([scene.image for scene in scenes]):
        assert result.caption.endswith("background") and "<cnn" not in result.caption, result.caption
        assert result.attention.shape == (len(result.words), 7, 7)
    # the pointer's targets are the ids the slot words get inside a caption
    slots = manifest["config"]["slot_ids"]
    assert captioner.tokenizer.encode("a <cnn0> next to a <cnn2>") == [captioner.tokenizer.encode("a")[0], slots[0],
                                                                      *captioner.tokenizer.encode("next to a"),
                                                                      slots[2]]
    for nbest in captioner.search(grid, 3, things=(things, features), copy=False):
        assert not any(set(h.tokens) & set(slots) for h in nbest)  # the decoder's own words only

def test_copied_names_keep_the_attention_of_their_slot(copying_model):
    captioner = Captioner(copying_model)
    things = Copyable([Concept("ring-tailed lemur", 0.9, (383,), 383)], [])
    (slot,) = captioner.tokenizer.encode("<cnn0>")
    (a,) = captioner.tokenizer.encode("a")
    attention = np.eye(3, 49, dtype=np.float32)
    words, rows, named = captioner.named(Hypothesis([a, slot, a], -1.0, -0.3, attention, True), np.zeros((49, 8)),
                                         None, things)
    assert words == ["a", "ring-tailed", "lemur", "a"]
    assert np.array_equal(rows, attention[[0, 1, 1, 2]])
    assert [(n.start, n.end, n.label, n.probability, n.decoder_said) for n in named] == [
        (1, 3, "ring-tailed lemur", 0.9, "<cnn0>")]


def test_beam_one_is_greedy_over_the_exported_step(shapes_model):
    captioner = Captioner(shapes_model)
    scenes = list(make_scenes(3, shape_stamps(), plain_backgrounds(), seed=5))
    grid, _ = captioner.encode([scene.image for scene in scenes])
    searched = captioner.search(grid, beam_size=1)
    step = shapes_model.session("decoder_step.onnx")
    h, c, memory, keys = shapes_model.session("decoder_init.onnx").run(None, {"grid": grid})
    for image in range(3):
        state = [h[image:image + 1], c[image:image + 1]]
        token, words = captioner.start_id, []
        for _ in range(20):
            log_probs, state[0], state[1], _ = step.run(None, {
                "tokens": np.array([token]), "h": state[0], "c": state[1],
                "memory": memory[image:image + 1], "keys": keys[image:image + 1]})
            log_probs[0, [PAD_ID, UNK_ID, captioner.start_id]] = -np.inf  # never said in a caption
            token = int(log_probs[0].argmax())
            if token == captioner.end_id:
                break
            words.append(token)
        assert searched[image][0].tokens == words


def write_karpathy_fixture(root) -> tuple:
    """Ten composed photos as JPEG files and a dataset_tiny.json in Karpathy's format."""
    images = root / "photos"
    images.mkdir()
    entries = []
    splits = ["train"] * 5 + ["restval", "val", "val", "test", "test"]
    for index, (scene, split) in enumerate(zip(make_scenes(10, shape_stamps(), plain_backgrounds(), seed=0), splits)):
        scene.image.save(images / f"{index}.jpg", quality=90)
        entries.append({"filename": f"{index}.jpg", "imgid": index, "split": split, "sentences": [
            {"raw": scene.caption.upper() + ".", "tokens": scene.caption.split()},
            {"raw": "A picture.", "tokens": ["a", "picture"]}]})
    dataset = root / "dataset_tiny.json"
    dataset.write_text(json.dumps({"images": entries, "dataset": "tiny"}))
    return dataset, images


def test_karpathy_split_is_read(tmp_path):
    dataset, images = write_karpathy_fixture(tmp_path)
    split = read_karpathy_split(dataset, images)
    assert {name: len(photos) for name, photos in split.items()} == {"train": 6, "validation": 2, "test": 2}
    assert split["test"][0].captions[1] == "a picture"
    assert split["train"][0].path == images / "0.jpg"
    (images / "9.jpg").unlink()
    with pytest.raises(ValueError, match="not under"):
        read_karpathy_split(dataset, images)
    dataset.write_text("not json")
    with pytest.raises(ValueError, match="not a Karpathy split file"):
        read_karpathy_split(dataset, images)


def test_karpathy_dataset_trains_with_the_same_command(runs_dir, tmp_path):
    dataset, images = write_karpathy_fixture(tmp_path)
    settings = caption_settings.CaptionTraining(data="karpathy", karpathy_json=dataset, images=images, max_epochs=1,
                                             batch_size=4)
    artifact = load_artifact(caption_train.train_caption(settings, tmp_path / "model"))
    assert artifact.manifest["data"]["images"] == {"train": 6, "validation": 2, "test": 2}
    [result] = Captioner(artifact).caption([Image.open(images / "0.jpg").convert("RGB")])
    assert result.words == result.caption.split()


def test_interrupted_training_resumes_to_the_same_model(runs_dir, tmp_path, monkeypatch):
    dataset, images = write_karpathy_fixture(tmp_path)
    settings = caption_settings.CaptionTraining(data="karpathy", karpathy_json=dataset, images=images, max_epochs=3,
                                             batch_size=4)
    straight = load_artifact(caption_train.train_caption(settings, tmp_path / "straight"))
    score = caption_train.validation_score
    calls = []

    def interrupted_in_epoch_2(*args):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl-C during the second epoch's validation
        return score(*args)

    monkeypatch.setattr(caption_train, "validation_score", interrupted_in_epoch_2)
    with pytest.raises(KeyboardInterrupt):
        caption_train.train_caption(settings, tmp_path / "resumed")
    monkeypatch.setattr(caption_train, "validation_score", score)
    resumed = load_artifact(caption_train.train_caption(settings, tmp_path / "resumed", resume=True))
    assert resumed.manifest["training"]["history"] == straight.manifest["training"]["history"]
    assert resumed.manifest["files"]["decoder_step.onnx"] == straight.manifest["files"]["decoder_step.onnx"]
    other = caption_settings.CaptionTraining(**{**vars(settings), "learning_rate": 1e-2})
    with pytest.raises(SystemExit, match="other settings"):
        caption_train.train_caption(other, tmp_path / "mixed", resume=True)


def test_a_manifest_gives_back_the_scenes_it_was_scored_on():
    """Evaluation and quantisation rebuild a model's scenes from its manifest; one written before close-ups
    existed must not get today's default share."""
    settings = {"data": "stamps", "train_scenes": 20_000, "seed": 0, "batch_size": 64}
    old = caption_settings.scene_settings_of({"training": {"settings": settings}})
    new = caption_settings.scene_settings_of({"training": {"settings": {**settings, "close_ups": 0.25}}})
    assert old.close_ups == 0.0 and new.close_ups == 0.25 and old.train_scenes == 20_000
    old_folder = caption_settings.scene_feature_folder(old, caption_settings.RUNS_DIR, "a9d518af9bda")
    assert old_folder.name == "features-lite0-stamps-20000-800-1000-s0-ea9d518af9bda"
    assert caption_settings.scene_feature_folder(new, caption_settings.RUNS_DIR, "a9d518af9bda").name.endswith(
        "-c0.25-s0-ea9d518af9bda")


def test_a_decoder_that_reads_the_recognitions_must_copy_what_the_recognition_layer_is_sure_of():
    """Constrained beam search's constraints (docs/caption.md): the most prominent thing where the detector or
    the sure CNN gives one, and the detector's people."""
    captioner = Captioner.__new__(Captioner)
    captioner.artifact = SimpleNamespace(manifest={"config": {"slot_ids": [7, 9, 11, 13]}})
    captioner.copying, captioner.objects = {"count": 2}, 2
    sure, unsure = Concept("tabby cat", 0.9, (281,), 281), Concept("tabby cat", 0.3, (281,), 281)
    car, people = Thing("car", 1, [(0, 0, 5, 5)], 0.8, "detector", "car"), \
        Thing("person", 2, [(0, 0, 5, 5), (5, 5, 9, 9)], 0.7, "detector", "person")
    assert captioner.copy_constraints(Copyable([sure, unsure], [])) == [{7}]
    assert captioner.copy_constraints(Copyable([unsure, unsure], [])) == []
    assert captioner.copy_constraints(Copyable([unsure, unsure], [car])) == [{11}]
    assert captioner.copy_constraints(Copyable([sure, unsure], [car, people])) == [{7, 11}, {13}]
    assert captioner.copy_constraints(Copyable([unsure, unsure], [people])) == [{11}, {11}]
    captioner.objects = 0  # a decoder that reads only the CNN copies as it likes
    assert captioner.copy_constraints(Copyable([sure, unsure], [])) == []
