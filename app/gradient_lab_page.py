"""Gradient lab page: why plain RNNs forget and how LSTM and GRU fix it, in three panels."""
from __future__ import annotations

from collections.abc import Callable

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from app.common import (escape_markdown, gradlab_runs, load_or_report, log_ticks, readable, sentiment_gates,
                        sentence, small_print, timed)
from serving.gradlab.curves import CLIPPED, Run
from serving.gradlab.gates import GateTrace
from serving.gradlab.jacobians import GradientFlow, gradient_flow
from serving.text import InputError
from serving.tokenizer import WORD_START

CELL_NAMES = {"rnn": "vanilla tanh RNN", "lstm": "LSTM", "gru": "GRU"}
CELL_COLOURS = alt.Scale(domain=list(CELL_NAMES.values()), range=["#d62728", "#1f77b4", "#2ca02c"])
VARIANT_NAMES = {"plain": "Adam", "clipped": "Adam + clipping", "truncated": "Adam + truncated BPTT",
                 "sgd": "SGD", "sgd_clipped": "SGD + clipping"}
RADII = (0.5, 1.0, 1.5, 2.0, 3.0)
RADIUS_COLOURS = ["#08519c", "#6baed6", "#969696", "#fb6a4a", "#a50f15"]  # cold vanishes, hot explodes
DEFAULT_GATE_BIAS = 3.0  # where the gated cells carry the gradient 100 steps while the vanilla RNN's vanishes
VANISHED, EXPLODED = 1e-3, 1e3  # what the page calls a vanished or an exploded gradient
GATE_EXAMPLE = "Not only the fan was expensive, but it was broken when it arrived."
MAX_PIECES_SHOWN = 60


@st.cache_data(max_entries=64, show_spinner=False)
def cached_flow(length: int, radius: float, input_scale: float, gate_bias: float,
                cells: tuple[str, ...] = tuple(CELL_NAMES)) -> tuple[GradientFlow, float]:
    """The flow and the milliseconds it took to compute (a cached answer is instant; its cost is this)."""
    return timed(lambda: gradient_flow(length=length, radius=radius, input_scale=input_scale, gate_bias=gate_bias,
                                       cells=cells))


def log_chart(frame: pd.DataFrame, y: str, y_title: str, colour: alt.Color, x: str = "distance",
              x_title: str = "steps back in time (T - k)", x_domain: list[int] | None = None) -> alt.Chart:
    x_scale = alt.Scale(domain=x_domain) if x_domain else alt.Undefined
    return alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(size=12)).encode(
        x=alt.X(f"{x}:Q", title=x_title, scale=x_scale),
        y=alt.Y(f"{y}:Q", scale=alt.Scale(type="log"), title=y_title,
                axis=alt.Axis(format=".0e", values=log_ticks(frame[y]))),
        color=colour, tooltip=[x, alt.Tooltip(f"{y}:Q", format=".2e"), colour.shorthand],
    ).properties(height=300)


def flow_frame(flows: dict[str, GradientFlow]) -> pd.DataFrame:
    """Long-form rows for (line name, cell) -> gradient norms; zeros (underflow) are dropped for the log axis."""
    rows = [{"distance": int(d), "line": name, "norm": float(v)}
            for name, (flow, cell) in flows.items() for d, v in zip(flow.distance, flow.norms[cell]) if v > 0]
    return pd.DataFrame(rows)


def gradient_panel() -> None:
    st.header("1. The gradient through time")
    st.markdown(
        "Backpropagation through time multiplies one Jacobian per step, so the gradient that reaches a step "
        "k steps back is a product of k matrices. When those matrices shrink vectors the product **vanishes** "
        "exponentially, when they stretch them it **explodes**. The LSTM's cell state and the GRU's update gate "
        "add an almost-identity path (c_t = f * c_(t-1) + ...), a highway along which the gradient survives as "
        "long as the keep gate stays near 1: raise the gate bias to open it.")
    left, right = st.columns(2)
    length = left.slider("Sequence length T", 10, 200, 100, step=10, key="lab_length")
    radius = left.slider("Spectral radius of the vanilla RNN's recurrent matrix", 0.5, 3.0, 1.0, step=0.1,
                         key="lab_radius")
    input_scale = right.slider("Input scale (standard deviation of the inputs)", 0.1, 3.0, 1.0, step=0.1,
                               key="lab_input_scale")
    gate_bias = right.slider("Keep-gate bias: LSTM forget gate, GRU update gate (torch starts at 0)", 0.0, 5.0,
                             DEFAULT_GATE_BIAS, step=0.5, key="lab_gate_bias")
    flow, latency = cached_flow(length, radius, input_scale, gate_bias)
    cells = {CELL_NAMES[cell]: (flow, cell) for cell in CELL_NAMES}
    st.altair_chart(readable(log_chart(flow_frame(cells), "norm", "||dh_T / ds_k|| (log scale)",
                                       alt.Color("line:N", title="cell", scale=CELL_COLOURS))), width="stretch")
    st.markdown(f"**{length} steps back**, " + ", ".join(
        f"the {CELL_NAMES[cell]}'s gradient is {reach(flow, cell):.0e} ({verdict(reach(flow, cell))})"
        for cell in CELL_NAMES) + ".")
    # the vanilla RNN has no gates: its sweep is cached without the gate bias, so that slider leaves it alone
    sweep = {r: cached_flow(length, r, input_scale, 0.0, ("rnn",))[0] for r in RADII}
    st.markdown(radius_sentence({r: reach(f, "rnn") for r, f in sweep.items()}, length, input_scale))
    lines = {f"radius {r:.1f}": (f, "rnn") for r, f in sweep.items()}
    st.altair_chart(readable(log_chart(flow_frame(lines), "norm", "||dh_T / dh_k|| (log scale)",
                                       alt.Color("line:N", title="vanilla RNN", sort=list(lines),
                                                 scale=alt.Scale(range=RADIUS_COLOURS)))), width="stretch")
    small_print(f"Exact Jacobians in numpy, hidden size 64, torch's default initialisation, one random input "
                f"sequence; spectral norms. Computed in {latency:.0f} ms (kept for these settings).")


def reach(flow: GradientFlow, cell: str) -> float:
    """The gradient norm that reaches the first step of the sequence."""
    return float(flow.norms[cell][-1])


def verdict(norm: float) -> str:
    return "vanished" if norm < VANISHED else "exploded" if norm > EXPLODED else "still there"


def radius_sentence(reached: dict[float, float], length: int, input_scale: float) -> str:
    """What the radius sweep shows, written from its own numbers."""
    groups = {word: [r for r, norm in reached.items() if verdict(norm) == word]
              for word in ("vanished", "still there", "exploded")}
    said = "; ".join(f"{word} at radius {', '.join(f'{r:g}' for r in radii)}" for word, radii in groups.items()
                     if radii)
    numbers = ", ".join(f"{norm:.0e} at {r:g}" for r, norm in reached.items())
    text = (f"The vanilla RNN at several spectral radii, the same inputs (scale {input_scale:g}): {length} steps "
            f"back its gradient is {numbers}, so it has {said} (below {VANISHED:.0e} counts as vanished, above "
            f"{EXPLODED:.0e} as exploded).")
    if groups["vanished"] and groups["exploded"]:
        text += (f" The turn lies between radius {max(groups['vanished']):g} and {min(groups['exploded']):g}, "
                 "not at 1: tanh saturates, and a saturated unit passes less gradient back.")
    return text


def runs_frame(runs: list[Run], metric: str) -> pd.DataFrame:
    """Long-form rows of one logged metric; steps after a run diverged (None) are left out."""
    return pd.DataFrame([{"step": s, "cell": CELL_NAMES[run.cell], metric: v}
                         for run in runs for s, v in zip(run.steps, getattr(run, metric)) if v is not None])


def training_panel() -> None:
    st.header("2. Learning a long-range task")
    loaded = load_or_report(gradlab_runs)
    if loaded is None:
        return
    manifest, runs = loaded
    config = manifest["config"]
    st.markdown(
        f"The adding problem: each step brings a random value and a marker, and the answer is the sum of the two "
        f"marked values, the first of them somewhere in the first half, so the useful gradient must travel back "
        f"tens of steps. An answer within {config['tolerance']:g} counts as correct (always answering 1.0 scores "
        f"about 8%). From length 50 on, the vanilla RNN stays at chance while the LSTM and GRU solve it. "
        f"**Truncated BPTT** stops the gradient after {config['truncation']} steps: the gated cells still get "
        f"part-way, because the same weights that learn to store the second value (often inside the window) also "
        f"store the first, but they fall far short of full BPTT. **Clipping** rescales any gradient above norm "
        f"{config['clip_norm']:g} (the dashed line) before the step. Under plain **SGD** (learning rate "
        f"{config['sgd_learning_rate']:g}, momentum {config['sgd_momentum']:g}) the step is the gradient itself, so "
        f"the first spike throws the weights off a cliff: pick SGD and the curves stop within a few dozen steps, "
        f"where the loss became infinite; pick SGD + clipping and every run stays finite. Adam already divides "
        f"each step by a running size of its gradients, so there clipping only helps a little.")
    lengths = sorted({run.length for run in runs})
    length = st.pills("Sequence length", lengths, default=lengths[-1], key="lab_task_length", required=True)
    variant = st.pills("Training", list(VARIANT_NAMES), default="plain", key="lab_variant", required=True,
                       format_func=VARIANT_NAMES.get)
    chosen = [run for run in runs if run.length == length and run.variant == variant]
    steps = [0, config["steps"]]  # one step axis for the three charts, however early a run diverged
    colour = alt.Color("cell:N", scale=CELL_COLOURS, legend=None)  # one legend above all three, never cut
    diverged = [f"the {CELL_NAMES[run.cell]} at step {run.steps[run.loss.index(None)]}" for run in chosen
                if None in run.loss]
    if diverged:  # said first, in view right under the choice that caused it (on a phone the charts stack)
        st.markdown(f"**Diverged** (the loss became infinite, so its curves stop there): {', '.join(diverged)}.")
    st.html(" &nbsp; ".join(f'<span style="color:{hue}">●</span> {name}' for name, hue in
                            zip(CELL_COLOURS.domain, CELL_COLOURS.range)))
    accuracy = alt.Chart(runs_frame(chosen, "accuracy")).mark_line().encode(
        x=alt.X("step:Q", scale=alt.Scale(domain=steps)),
        y=alt.Y("accuracy:Q", scale=alt.Scale(domain=[0, 1]), title="held-out accuracy", axis=alt.Axis(format="%")),
        color=colour).properties(height=260)
    left, middle, right = st.columns(3)
    left.altair_chart(readable(accuracy), width="stretch")
    middle.altair_chart(readable(log_chart(runs_frame(chosen, "loss"), "loss", "training loss (squared error)",
                                           colour, x="step", x_title="step", x_domain=steps).properties(height=260)),
                        width="stretch")
    norms = log_chart(runs_frame(chosen, "grad_norm"), "grad_norm", "gradient norm before clipping", colour,
                      x="step", x_title="step", x_domain=steps)
    if variant in CLIPPED:
        threshold = pd.DataFrame([{"clip": config["clip_norm"]}])
        norms += alt.Chart(threshold).mark_rule(strokeDash=[6, 4], color="black").encode(y="clip:Q")
    right.altair_chart(readable(norms.properties(height=260)), width="stretch")
    summary = pd.DataFrame([{"cell": CELL_NAMES[run.cell], "length": run.length, "accuracy": run.final_accuracy}
                            for run in runs if run.variant == variant])
    st.markdown(f"Final held-out accuracy at every length ({VARIANT_NAMES[variant]}):")
    st.dataframe(summary.pivot(index="cell", columns="length", values="accuracy").style.format("{:.0%}"))
    small_print(f"Trained by `{manifest['rebuild']}`: {config['steps']} steps of batch {config['batch_size']}, "
                f"hidden size {config['hidden_size']}, Adam at {config['learning_rate']:g} or SGD at "
                f"{config['sgd_learning_rate']:g} with momentum {config['sgd_momentum']:g}, keep-gate bias "
                f"{config['gate_bias']:g}, seed {config['seed']}; the gradient norm is the largest in each "
                f"{config['log_every']}-step interval.")


def heatmap(values: np.ndarray, pieces: list[str], title: str) -> alt.Chart:
    """Units (sorted by their mean value, so structure shows) against the pieces read."""
    order = np.argsort(values.mean(axis=0))
    rows = [{"piece": label, "unit": rank, "value": float(values[t, unit])}
            for t, label in enumerate(piece_labels(pieces)) for rank, unit in enumerate(order)]
    return readable(alt.Chart(pd.DataFrame(rows)).mark_rect().encode(
        x=piece_axis(pieces),
        y=alt.Y("unit:O", title="hidden unit (sorted)", axis=None),
        color=alt.Color("value:Q", scale=alt.Scale(domain=[0, 1], scheme="viridis"), title=title),
        tooltip=["piece", "unit", alt.Tooltip("value:Q", format=".2f")],
    ).properties(height=260, title=title))


def piece_labels(pieces: list[str]) -> list[str]:
    """Numbered, so a piece read twice ("it", "was") keeps two places on the axis; a piece that continues
    the word before it is shown joined to it ("-d" after "hate")."""
    return [f"{t + 1}. {shown_piece(piece)}" for t, piece in enumerate(pieces)]


def shown_piece(piece: str) -> str:
    if piece.startswith(WORD_START):
        return piece[len(WORD_START):] or "(space)"
    return "-" + piece if any(ch.isalnum() for ch in piece) else piece


def piece_axis(pieces: list[str]) -> alt.X:
    return alt.X("piece:N", sort=piece_labels(pieces), title=None,
                 axis=alt.Axis(labelAngle=-60, labelOverlap=False))


def per_piece_chart(traces: list[GateTrace], pieces: list[str], value: Callable[[GateTrace], np.ndarray],
                    y_title: str, title: str) -> alt.Chart:
    """One line per layer and direction: a number per piece read."""
    rows = [{"piece": label, "line": trace.label, "value": float(v)}
            for trace in traces for label, v in zip(piece_labels(pieces), value(trace))]
    return readable(alt.Chart(pd.DataFrame(rows)).mark_line(point=True).encode(
        x=piece_axis(pieces), y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False)),
        color=alt.Color("line:N", title=None, legend=alt.Legend(orient="top", columns=2)),
        tooltip=["piece", "line", alt.Tooltip("value:Q", format=".2f")],
    ).properties(height=260, title=title))


def kept_and_rewritten(pieces: list[str], trace: GateTrace) -> str:
    """Where a layer kept most of its state and where it rewrote it, read off its mean update gate: the three
    pieces with the highest mean z and the three with the lowest, fewer in a short sentence, never the same."""
    mean_z = trace.update.mean(axis=1)
    each = min(3, len(pieces) // 2)
    if each == 0:
        return f"The {trace.label} read one piece: its update gate's mean z there is {mean_z[0]:.2f}."
    labels = [escape_markdown(shown_piece(piece)) for piece in pieces]
    order = np.argsort(mean_z)

    def said(indices) -> str:
        return ", ".join(f"“{labels[i]}” ({mean_z[i]:.2f})" for i in sorted(indices))

    return (f"Here the {trace.label} keeps most of its state at {said(order[-each:])} (mean z) and rewrites it "
            f"at {said(order[:each])}: the gate decides, word by word, what is worth remembering.")


def gates_panel() -> None:
    st.header("3. Inside the gates")
    st.markdown(
        "The sentiment page's bidirectional GRU, opened up. The **update gate** z decides, per unit and per "
        "word, how much of the old state to keep (bright = keep, dark = overwrite with the new candidate); the "
        "**reset gate** r decides how much of the old state the candidate may look at.")
    text = st.text_input("A sentence", GATE_EXAMPLE, key="lab_gate_text")
    if not text.strip():
        st.info("Type a sentence to see the gates open and close word by word.")
        return
    gates = load_or_report(sentiment_gates)
    if gates is None:
        return
    try:
        (pieces, traces), latency = timed(lambda: gates.trace(text))
    except InputError as err:
        st.warning(sentence(str(err)))
        return
    st.markdown(kept_and_rewritten(pieces, traces[0]))
    labels = [trace.label for trace in traces]
    chosen = st.pills("Layer and direction", labels, default=labels[0], key="lab_gate_layer", required=True)
    if len(pieces) > MAX_PIECES_SHOWN:
        st.caption(f"Showing the first {MAX_PIECES_SHOWN} of {len(pieces)} pieces.")
    shown = pieces[:MAX_PIECES_SHOWN]
    trace = traces[labels.index(chosen)]
    left, right = st.columns(2)
    left.altair_chart(heatmap(trace.update[:len(shown)], shown, "update gate z"), width="stretch")
    right.altair_chart(heatmap(trace.reset[:len(shown)], shown, "reset gate r"), width="stretch")
    left, right = st.columns(2)
    left.altair_chart(per_piece_chart(traces, shown, lambda tr: tr.update.mean(axis=1), "mean update gate z",
                                      "how much of its state each layer kept"), width="stretch")
    right.altair_chart(per_piece_chart(traces, shown, lambda tr: np.linalg.norm(tr.hidden, axis=1), "||h_t||",
                                       "hidden-state norm"), width="stretch")
    small_print(f"A numpy GRU on the weights inside models/sentiment/model.onnx (checked against onnxruntime by "
                f"the tests); the backward direction read the sentence right to left. {latency:.1f} ms.")


def page() -> None:
    st.title("Gradient lab")
    st.markdown("Why plain RNNs forget, and how LSTM and GRU gates fix it: the Jacobian product, what it does to "
                "training, and the gates of a trained GRU at work.")
    gradient_panel()
    training_panel()
    gates_panel()


page()
