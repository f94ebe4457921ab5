"""Panel 2's experiment (`python -m training.train gradlab`): a vanilla RNN, an LSTM and a GRU learning a
long-range task, with and without gradient clipping and with truncated BPTT.

The task is the adding problem (Hochreiter & Schmidhuber 1997): the answer is the sum of two
values marked somewhere in the sequence, the first within its first half, so the useful gradient
has to travel back tens of steps. Each run is seeded, the curves (loss, held-out accuracy,
gradient norm before clipping) are logged every few steps and written as a small artifact
`models/gradlab/` with its own manifest.
"""
from __future__ import annotations

import json
import math
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn
from tqdm import tqdm

from serving.artifact import write_artifact
from serving.gradlab.curves import CLIPPED, CURVES_FILE, TASK, VARIANTS, Run
from serving.gradlab.jacobians import CELLS, KEEP_GATE, keep_gate_rows
from training.loop import write_atomically
from training.settings import RUNS_DIR


@dataclass
class LabTraining:
    lengths: tuple[int, ...] = (10, 50, 100)
    tolerance: float = 0.04  # an answer within this of the true sum counts as correct (as in the 1997 paper)
    hidden_size: int = 64
    batch_size: int = 64
    steps: int = 3000
    learning_rate: float = 3e-3  # Adam
    sgd_learning_rate: float = 0.5  # SGD with momentum: the step follows the gradient's size, spikes included
    sgd_momentum: float = 0.9
    clip_norm: float = 1.0
    truncation: int = 20  # TBPTT window: gradients flow back at most this many steps
    log_every: int = 10
    validation_size: int = 512
    gate_bias: float = 1.0  # added to the LSTM forget / GRU update gate at init (torch's default is 0)
    seed: int = 0


class SequenceRegressor(nn.Module):
    """(value, marker) pairs -> a single-layer RNN/LSTM/GRU -> the sum, read from the last state."""

    def __init__(self, cell: str, hidden_size: int, gate_bias: float):
        super().__init__()
        recurrent = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
        self.rnn = recurrent(2, hidden_size, batch_first=True)
        if cell in KEEP_GATE:
            with torch.no_grad():
                self.rnn.bias_ih_l0[keep_gate_rows(cell, hidden_size)] += gate_bias
        self.readout = nn.Linear(hidden_size, 1)

    def forward(self, x: torch.Tensor, truncation: int | None = None) -> torch.Tensor:
        """The predicted sum [B]; with `truncation`, the state is detached between windows (TBPTT)."""
        window = truncation or x.shape[1]
        state = None
        for start in range(0, x.shape[1], window):
            if state is not None:
                state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
            out, state = self.rnn(x[:, start:start + window], state)
        return self.readout(out[:, -1]).squeeze(-1)


def make_batch(generator: torch.Generator, size: int, length: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs [B, T, 2] (a value in [0, 1), a marker) and the sum of the two marked values [B]."""
    values = torch.rand(size, length, generator=generator)
    half = length // 2
    first = torch.randint(half, (size,), generator=generator)
    second = half + torch.randint(length - half, (size,), generator=generator)
    markers = torch.zeros(size, length)
    rows = torch.arange(size)
    markers[rows, first] = markers[rows, second] = 1.0
    return torch.stack([values, markers], dim=-1), (values * markers).sum(1)


def gradient_norm(model: nn.Module) -> float:
    return float(torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in model.parameters()])))


def finite_or_none(value: float) -> float | None:
    """Rounded, or None once training has diverged (inf / NaN), which JSON and the charts can carry."""
    return round(value, 4) if math.isfinite(value) else None


def train_one(config: LabTraining, cell: str, length: int, variant: str) -> Run:
    """Train one model; the curves logged every `log_every` steps."""
    torch.set_num_threads(1)
    torch.manual_seed(config.seed)
    model = SequenceRegressor(cell, config.hidden_size, config.gate_bias)
    if variant.startswith("sgd"):
        optimiser = torch.optim.SGD(model.parameters(), lr=config.sgd_learning_rate, momentum=config.sgd_momentum)
    else:
        optimiser = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    data = torch.Generator().manual_seed(config.seed + length)
    validation = make_batch(torch.Generator().manual_seed(10_000 + length), config.validation_size, length)
    truncation = config.truncation if variant == "truncated" else None
    run = Run(cell=cell, length=length, variant=variant, steps=[], loss=[], accuracy=[], grad_norm=[])
    losses, norms = [], []
    for step in range(1, config.steps + 1):
        inputs, answer = make_batch(data, config.batch_size, length)
        loss = nn.functional.mse_loss(model(inputs, truncation), answer)
        optimiser.zero_grad()
        loss.backward()
        norms.append(gradient_norm(model))
        if variant in CLIPPED:
            nn.utils.clip_grad_norm_(model.parameters(), config.clip_norm)
        optimiser.step()
        losses.append(loss.item())
        if step % config.log_every == 0:
            with torch.no_grad():
                error = (model(validation[0]) - validation[1]).abs()
                accuracy = float((error < config.tolerance).float().mean())
            run.steps.append(step)
            run.loss.append(finite_or_none(sum(losses) / len(losses)))
            largest = max(norms) if all(map(math.isfinite, norms)) else math.inf  # spikes stay visible
            run.grad_norm.append(finite_or_none(largest))
            run.accuracy.append(round(accuracy, 4))
            losses, norms = [], []
    return run


def finished_path(config: LabTraining, cell: str, length: int, variant: str) -> Path:
    return RUNS_DIR / "gradlab" / f"{cell}-{length}-{variant}-{config.steps}steps.json"


def save_finished(path: Path, config: LabTraining, run: Run) -> None:
    """Each finished run goes to disk at once (written beside, then renamed): an interrupted command
    loses at most the runs in flight, and `--resume` picks up the rest."""
    path.parent.mkdir(parents=True, exist_ok=True)
    record = json.dumps({"config": asdict(config), "run": asdict(run)})
    write_atomically(path, lambda partial: partial.write_text(record))


def load_finished(path: Path, config: LabTraining) -> Run | None:
    """A run finished earlier with exactly this configuration, or None."""
    try:
        saved = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return Run(**saved["run"]) if saved.get("config") == json.loads(json.dumps(asdict(config))) else None


def train_all(config: LabTraining, resume: bool = False, workers: int = 2) -> list[Run]:
    """Every cell x length x variant, two runs at a time (one thread each: small matrices)."""
    grid = [(cell, length, variant) for length in sorted(config.lengths, reverse=True) for cell in CELLS
            for variant in VARIANTS]  # longest first: the two workers finish together
    done = {args: load_finished(finished_path(config, *args), config) if resume else None for args in grid}
    todo = [args for args in grid if done[args] is None]
    print(f"{len(grid) - len(todo)} runs resumed, {len(todo)} to train")
    with ProcessPoolExecutor(workers) as pool:
        futures = {pool.submit(train_one, config, *args): args for args in todo}
        for future in tqdm(as_completed(futures), total=len(futures), desc="gradient lab runs", unit="run"):
            args = futures[future]
            done[args] = future.result()
            save_finished(finished_path(config, *args), config, done[args])
    return [done[args] for args in grid]


def train_gradlab(settings: LabTraining, out_dir: Path, resume: bool = False) -> Path:
    """Train every run (keeping those an interrupted command finished, with `resume`) and write the curves."""
    start = time.time()
    runs = train_all(settings, resume=resume)
    RUNS_DIR.mkdir(parents=True, exist_ok=True)
    curves = RUNS_DIR / CURVES_FILE
    curves.write_text(json.dumps([asdict(run) for run in runs], separators=(",", ":")) + "\n")
    write_artifact(out_dir, {CURVES_FILE: curves}, {
        "name": "gradlab",
        "title": "Gradient lab: RNN vs LSTM vs GRU on the adding problem",
        "task": TASK,
        "config": asdict(settings),
        "data": {"source": "generated by the training command (seeded random values and markers)",
                 "licence": "none needed"},
        "licence": "MIT",
        "rebuild": "python -m training.train gradlab",
        "training": {"seconds": round(time.time() - start), "runs": len(runs)},
        "metrics": {f"{r.cell}/{r.length}/{r.variant}": r.final_accuracy for r in runs},
    })
    for run in runs:
        finite = [norm for norm in run.grad_norm if norm is not None]
        diverged = f", diverged at step {run.steps[len(finite)]}" if len(finite) < len(run.steps) else ""
        print(f"{run.cell:>4} length {run.length:>3} {run.variant:>11}: accuracy {run.final_accuracy:.2f}, "
              f"largest gradient norm {max(finite, default=math.nan):.3g}{diverged}")
    print(f"trained in {time.time() - start:.0f} s")
    return out_dir
