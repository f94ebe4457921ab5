"""The gradient lab: exact Jacobians vs torch autograd, numpy gates vs onnxruntime, the curves
artifact, its training command, and the page."""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import streamlit as st
import torch
from streamlit.testing.v1 import AppTest

from serving.artifact import ArtifactError, model_dir
from serving.gradlab.curves import CURVES_FILE, VARIANTS, load_runs
from serving.gradlab.gates import SentimentGates
from serving.gradlab.jacobians import CELLS, gradient_flow, hidden_gradients, init_weights
from serving.sentiment.classifier import SentimentClassifier
from tests.conftest import REPO_ROOT

SENTENCE = "Not only the fan was expensive, but it was broken when it arrived."


def torch_cell(weights) -> torch.nn.Module:
    hidden, inputs = weights.hidden_size, weights.weight_ih.shape[1]
    kind = {"rnn": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}[weights.cell]
    cell = kind(inputs, hidden, dtype=torch.float64)
    cell.load_state_dict({name: torch.from_numpy(getattr(weights, name))
                          for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")})
    return cell


def advance(module: torch.nn.Module, x: torch.Tensor, state: torch.Tensor) -> torch.Tensor:
    """One torch step on a flat state ([h, c] stacked for the LSTM)."""
    if isinstance(module, torch.nn.LSTMCell):
        h, c = module(x[None], tuple(state[None].chunk(2, dim=-1)))
        return torch.cat([h[0], c[0]])
    return module(x[None], state[None])[0]


@pytest.mark.parametrize("cell", CELLS)
def test_jacobians_match_torch_autograd(cell):
    rng = np.random.default_rng(3)
    weights = init_weights(cell, hidden_size=5, input_size=3, rng=rng, radius=1.7, gate_bias=0.5)
    inputs = torch.from_numpy(rng.normal(0, 1.5, (6, 3)))
    gradients = hidden_gradients(weights, inputs.numpy())
    module, H = torch_cell(weights), weights.hidden_size
    states = [torch.zeros(2 * H if cell == "lstm" else H, dtype=torch.float64)]
    for x in inputs:
        states.append(advance(module, x, states[-1]))

    def h_last_from(k: int):
        def run(state: torch.Tensor) -> torch.Tensor:
            for x in inputs[k:]:
                state = advance(module, x, state)
            return state[:H]
        return run

    for k in range(len(inputs) + 1):
        expected = torch.autograd.functional.jacobian(h_last_from(k), states[k].detach()).numpy()
        np.testing.assert_allclose(gradients[len(inputs) - k], expected, rtol=1e-7, atol=1e-12)


def test_gradient_flow_vanishes_explodes_and_the_keep_gate_opens_a_highway():
    small, large = gradient_flow(length=100, radius=0.6), gradient_flow(length=100, radius=3.0)
    assert small.norms["rnn"][50] < 1e-8 < 1e3 < large.norms["rnn"][50]
    closed, open_gate = gradient_flow(length=100, gate_bias=0.0), gradient_flow(length=100, gate_bias=3.0)
    assert closed.norms["lstm"][100] < 1e-12 and open_gate.norms["lstm"][100] > 1e-2
    assert open_gate.norms["gru"][100] > 1e3 * closed.norms["gru"][100]


def onnx_hidden_states(path, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
    """Every GRU node's hidden states [T, H], computed by onnxruntime on the served graph."""
    model = onnx.load(str(path))
    outputs = [node.output[0] for node in model.graph.node if node.op_type == "GRU"]
    model.graph.output.extend(onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None)
                              for name in outputs)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    found = session.run(outputs, feeds)
    return [y[:, 0, 0, :] for y in found]  # Y is [T, directions, batch, H]


def test_numpy_gates_reproduce_onnxruntime_hidden_states():
    classifier = SentimentClassifier.load()
    pieces, traces = SentimentGates(classifier).trace(SENTENCE)
    read, _ = classifier.pieces(SENTENCE)
    assert len(pieces) == len(read) and len(traces) == 4
    feeds = classifier.feeds([read])
    for trace, expected in zip(traces, onnx_hidden_states(classifier.artifact.file("model.onnx"), feeds)):
        in_sentence_order = expected if trace.direction == "forward" else expected[::-1]
        np.testing.assert_allclose(trace.hidden, in_sentence_order, atol=1e-5)
        # sigmoid gates; in float32 a pre-activation above about 17 rounds to exactly 1 (a unit keeping its state)
        for gate in (trace.update, trace.reset):
            assert 0 <= gate.min() and gate.max() <= 1
        assert trace.reset.shape == trace.update.shape == trace.hidden.shape


def test_committed_curves_verify_and_tell_the_story():
    manifest, runs = load_runs()
    config = manifest["config"]
    assert len(runs) == len(CELLS) * len(VARIANTS) * len(config["lengths"])
    assert all(len(run.steps) == config["steps"] // config["log_every"] for run in runs)
    runs_by = {(run.cell, run.length, run.variant): run for run in runs}
    final = {key: run.final_accuracy for key, run in runs_by.items()}
    longest = max(config["lengths"])
    for variant in ("plain", "clipped"):
        assert final["rnn", longest, variant] < 0.5, "the vanilla RNN should fail on the longest sequences"
        assert final["lstm", longest, variant] > 0.9 and final["gru", longest, variant] > 0.9
    shortest = min(config["lengths"])
    assert final["rnn", shortest, "clipped"] > 0.5  # short sequences: even the vanilla RNN learns
    assert final["lstm", shortest, "clipped"] > 0.9 and final["gru", shortest, "clipped"] > 0.9
    for cell in ("lstm", "gru"):  # TBPTT cuts the gradient from the first value: far worse than full BPTT
        assert final[cell, longest, "truncated"] < final[cell, longest, "clipped"] - 0.2
    for cell in CELLS:  # plain SGD: the first spike diverges unclipped; clipped, every run stays finite
        for length in config["lengths"]:
            assert all(norm is not None for norm in runs_by[cell, length, "sgd_clipped"].grad_norm)
            if length > shortest:
                assert None in runs_by[cell, length, "sgd"].loss
    assert final["lstm", 50, "sgd_clipped"] > 0.9 and final["gru", 50, "sgd_clipped"] > 0.9
    assert manifest["metrics"] == {f"{c}/{n}/{v}": a for (c, n, v), a in final.items()}


def test_tampered_curves_are_refused(tmp_path):
    copy = tmp_path / "gradlab"
    shutil.copytree(model_dir("gradlab"), copy)
    curves = json.loads((copy / CURVES_FILE).read_text())
    curves[0]["accuracy"][-1] = 1.0
    (copy / CURVES_FILE).write_text(json.dumps(curves))
    with pytest.raises(ArtifactError, match="sha256"):
        load_runs(copy)


def train_command(tmp_path, out: str, *extra: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "training.train", "gradlab", "--set", "steps=10",
                           "--out", str(tmp_path / out), *extra], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "RNNAPP_CACHE": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stderr[-2000:]
    return done


@pytest.mark.slow
def test_training_command_writes_a_loadable_artifact_and_resumes_what_was_finished(tmp_path):
    train_command(tmp_path, "lab")
    manifest, runs = load_runs(tmp_path / "lab")
    assert manifest["config"]["steps"] == 10 and len(runs) == 45
    assert manifest["rebuild"] == "python -m training.train gradlab"
    assert all(len(run.steps) == 1 for run in runs)
    assert all(np.isfinite(run.grad_norm).all() for run in runs if not run.variant.startswith("sgd"))
    finished = sorted((tmp_path / "cache" / "runs" / "gradlab").glob("*.json"))
    assert len(finished) == 45
    finished[0].unlink()  # as if the command had been stopped before this run ended
    finished[1].write_text(finished[1].read_text()[:50])  # ... or while it was being written
    resumed = train_command(tmp_path, "resumed", "--resume")
    assert "43 runs resumed, 2 to train" in resumed.stdout
    assert load_runs(tmp_path / "resumed")[1] == runs  # seeded: the same curves as one uninterrupted command


@pytest.fixture
def lab() -> AppTest:
    st.cache_resource.clear()
    yield AppTest.from_file(str(REPO_ROOT / "app" / "gradient_lab_page.py"), default_timeout=60)
    st.cache_resource.clear()


def test_page_shows_all_three_panels_on_its_defaults(lab):
    lab.run()
    assert not lab.exception and not lab.error
    assert [h.value for h in lab.header] == ["1. The gradient through time", "2. Learning a long-range task",
                                            "3. Inside the gates"]
    assert len(lab.get("vega_lite_chart")) == 2 + 3 + 4
    lab.slider(key="lab_radius").set_value(2.5).run()
    for variant in ("truncated", "sgd"):  # SGD's curves stop where training diverged
        lab.button_group(key="lab_variant").set_value(variant).run()
        assert not lab.exception and len(lab.get("vega_lite_chart")) == 9


def test_the_defaults_show_the_lesson_in_words_made_from_the_same_numbers(lab):
    """On the defaults the vanilla RNN's gradient vanishes while the LSTM's and GRU's get through, and
    every number in the text is the one the charts draw."""
    from serving.gradlab.jacobians import gradient_flow

    lab.run()
    text = "\n".join(m.value for m in lab.markdown)
    flow = gradient_flow(length=100, radius=1.0, input_scale=1.0, gate_bias=3.0)
    assert (f"the vanilla tanh RNN's gradient is {flow.norms['rnn'][-1]:.0e} (vanished), the LSTM's gradient is "
            f"{flow.norms['lstm'][-1]:.0e} (still there), the GRU's gradient is {flow.norms['gru'][-1]:.0e} "
            "(still there)") in text
    sweep = {r: gradient_flow(length=100, radius=r, input_scale=1.0, gate_bias=0.0, cells=("rnn",)).norms["rnn"][-1]
             for r in (0.5, 1.0, 1.5, 2.0, 3.0)}
    assert ", ".join(f"{norm:.0e} at {r:g}" for r, norm in sweep.items()) in text
    assert "vanished at radius 0.5, 1" in text and "exploded at radius 2, 3" in text
    assert " 0 ms" not in "\n".join(c.value for c in lab.caption)  # a cached flow reports what it cost
    lab.slider(key="lab_length").set_value(50).run()
    lab.slider(key="lab_length").set_value(100).run()  # back to a cached flow
    assert " 0 ms" not in "\n".join(c.value for c in lab.caption)


def test_charts_share_the_step_axis_and_say_where_training_diverged(lab):
    import json

    lab.run()
    lab.button_group(key="lab_variant").set_value("sgd").run()
    specs = [json.loads(chart.proto.spec) for chart in lab.get("vega_lite_chart")[2:5]]
    domains = [json.dumps(spec).count('"domain": [0, 3000]') for spec in specs]
    assert all(domains), domains
    diverged = next(m.value for m in lab.markdown if m.value.startswith("**Diverged**"))
    assert "vanilla tanh RNN at step" in diverged and "LSTM" in diverged and "GRU" in diverged


def test_every_chart_reads_well_and_pieces_read_as_words(lab):
    import json

    lab.run()
    for chart in lab.get("vega_lite_chart"):
        config = json.loads(chart.proto.spec)["config"]
        assert config["axis"]["labelColor"] == "#555867" and config["axis"]["labelLimit"] == 0
        assert config["legend"]["labelLimit"] == 0
    gates = "".join(chart.proto.spec for chart in lab.get("vega_lite_chart")[5:])
    assert "\u2581" not in gates and "1. not" in gates


def test_page_gates_handle_bad_text_and_a_missing_curves_artifact(lab, tmp_path, monkeypatch):
    lab.run()
    lab.text_input(key="lab_gate_text").input("   ").run()
    assert not lab.exception and "Type a sentence" in lab.info[0].value
    shutil.copytree(model_dir("sentiment"), tmp_path / "sentiment")
    monkeypatch.setenv("RNNAPP_MODELS", str(tmp_path))
    st.cache_resource.clear()
    lab.text_input(key="lab_gate_text").input(SENTENCE).run()
    assert not lab.exception
    assert len(lab.error) == 1 and "gradlab" in lab.error[0].value
    assert [h.value for h in lab.header][-1] == "3. Inside the gates" and len(lab.get("vega_lite_chart")) == 2 + 4
