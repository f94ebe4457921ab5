"""`python -m bench`: time the serving path against torch eager and the machine's own limit.

    python -m bench            the full run (a few minutes), a markdown table
    python -m bench --quick    three rounds: about a minute
    python -m bench --json     the table, then one JSON line: {"machine": {...}, "results": [...]}
    python -m bench --scale    also the HTTP API on Ray Serve and captioning on Ray Data (bench/scale.py)
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import time

from bench.cases import caption_cases, cells_cases, forecast_cases, music_cases, ner_cases, nextword_cases, sentiment_cases, translate_cases
from bench.machine import describe
from bench.timing import matmul_peak_gflops, peak_rss_mb
from serving.artifact import REPO_ROOT
from serving.cli import run_guarded

# name -> (target, test on the result row); a row without the numbers a test needs is not judged.
TARGETS = {
    "caption_beam3": ("p50 <= 40 ms", lambda r: r["ort_p50_ms"] <= 40),
    "caption_beam3_no_detection": ("p50 <= 25 ms and >= 4x torch",
                                   lambda r: r["ort_p50_ms"] <= 25 and r["speedup"] >= 4 if "speedup" in r else None),
    "caption_batch_throughput": (">= 60 images/s", lambda r: r["ort_items_per_s"] >= 60),
    "nextword_top5": ("p50 <= 3 ms", lambda r: r["ort_p50_ms"] <= 3),
    "sentiment_50": ("p50 <= 2 ms", lambda r: r["ort_p50_ms"] <= 2),
    "ner_25": ("p50 <= 5 ms and faster than spaCy",
               lambda r: r["ort_p50_ms"] <= 5 and r["peer_ratio"] > 1 if "peer_ratio" in r else None),
    "translate_12": ("p50 <= 30 ms at beam 4", lambda r: r["ort_p50_ms"] <= 30),
    "music_16_bars": ("p50 <= 300 ms", lambda r: r["ort_p50_ms"] <= 300),
    "forecast_halfhourly_48": ("p50 <= 20 ms", lambda r: r["ort_p50_ms"] <= 20),
    "cells_500": ("p50 <= 300 ms", lambda r: r["ort_p50_ms"] <= 300),
    "app_cold_start": ("<= 3 s", lambda r: r["seconds"] <= 3),
    "app_rss": ("<= 600 MB", lambda r: r["peak_rss_mb"] <= 600),
}


def app_rows() -> list[dict]:
    """Cold start to first caption and memory with all models loaded, in a fresh process (bench/app_probe.py)."""
    start = time.time()
    done = subprocess.run([sys.executable, "-m", "bench.app_probe"], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"the app probe failed: {done.stderr.strip()[-500:]}")
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    return [{"name": "app_cold_start", "what": "new process -> Caption page -> sample photo clicked -> caption",
             "seconds": round(probe["first_caption_at"] - start, 2)},
            {"name": "app_rss", "what": "that process after the Models page loaded all five models",
             "peak_rss_mb": probe["peak_rss_mb"]}]


def judged(row: dict) -> dict:
    if row["name"] in TARGETS:
        target, test = TARGETS[row["name"]]
        row = {**row, "target": target, "met": test(row)}
    return row


def table(rows: list[dict]) -> str:
    lines = ["| case | what | ORT p50 | ORT p95 | torch p50 | speed-up | peer p50 | throughput | target | met |",
             "|---|---|---:|---:|---:|---:|---|---:|---|---|"]
    for r in rows:
        if "seconds" in r or "peak_rss_mb" in r:
            measured = f"{r['seconds']} s" if "seconds" in r else f"{r['peak_rss_mb']:.0f} MB"
            cells = [measured, "", "", "", "", ""]
        else:
            throughput = (f"{r['ort_items_per_s']:.0f}/s" + (f" (torch {r['torch_items_per_s']:.0f}/s)"
                                                             if "torch_items_per_s" in r else "")
                          if "ort_items_per_s" in r else "")
            if "ort_gflops" in r:
                throughput += f", {r['ort_gflops']} GFLOP/s = {r['share_of_matmul_peak']:.0%} of peak"
            if "peer_items_per_s" in r:
                throughput += f" (one process {r['peer_items_per_s']:.1f}/s)"
            if "requests_per_s" in r:
                throughput = f"{r['requests_per_s']:.0f} requests/s (in process {r['peer_requests_per_s']:.0f}/s)"
            cells = [f"{r['ort_p50_ms']:.2f} ms", f"{r['ort_p95_ms']:.2f} ms",
                     f"{r['torch_p50_ms']:.2f} ms" if "torch_p50_ms" in r else "-",
                     f"{r['speedup']:.1f}x" if "speedup" in r else "-",
                     f"{r['peer_p50_ms']:.2f} ms ({r['peer']})" if "peer" in r else "-", throughput]
        met = {True: "yes", False: "**no**", None: "-"}[r.get("met")] if "target" in r else ""
        lines.append(f"| {r['name']} | {r['what']} | " + " | ".join(cells) + f" | {r.get('target', '')} | {met} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="three rounds instead of 25: about a minute")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of machine and results")
    parser.add_argument("--no-torch", action="store_true", help="time onnxruntime only")
    parser.add_argument("--scale", action="store_true", help="add the Ray Serve API and Ray Data rows (needs "
                                                             "`make serve`'s requirements; a minute or two more)")
    args = parser.parse_args(argv)
    rounds, batch = (3, 16) if args.quick else (25, 16)
    with_torch = not args.no_torch and importlib.util.find_spec("torch") is not None

    def progress(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    progress("measuring the fp32 matmul peak...")
    peak = matmul_peak_gflops()
    progress("app cold start and memory (fresh process)...")
    rows = app_rows()
    progress(f"caption ({rounds} interleaved rounds{', with torch eager' if with_torch else ''})...")
    results = caption_cases(rounds, batch, with_torch, peak)
    progress("next word...")
    results += nextword_cases(rounds, with_torch)
    progress("sentiment...")
    results += sentiment_cases(rounds, with_torch)
    progress("named entities (beside spaCy)...")
    results += ner_cases(rounds)
    progress("translation (beside Apertium)...")
    results += translate_cases(rounds)
    progress("music...")
    results += music_cases(rounds)
    progress("forecast (beside seasonal naive, ETS, ARIMA and Theta)...")
    results += forecast_cases(rounds, 1 if args.quick else 3)
    progress("inside the RNN (a 500-character text)...")
    results += cells_cases(rounds)
    if args.scale:
        from bench.scale import api_cases, ray_data_cases
        progress("the HTTP API on Ray Serve, batching on and off, beside in process...")
        results += api_cases(200 if args.quick else 1000)
        progress("a photo collection on Ray Data, 1 and 2 actors, beside one process...")
        results += ray_data_cases(32 if args.quick else 128)
    rows = [judged(row) for row in [r.row() for r in results] + rows]
    machine = {**describe(peak), "bench_peak_rss_mb": round(peak_rss_mb(), 1), "rounds": rounds,
               "torch_eager": with_torch}
    print(f"Machine: {machine['cpu']}, {machine['physical_cores']} physical cores, fp32 matmul peak "
          f"{machine['matmul_fp32_peak_gflops']} GFLOP/s, GPU usable: {machine['gpu_usable']}\n")
    print(table(rows))
    if args.json:
        print(json.dumps({"machine": machine, "results": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(run_guarded(main))
