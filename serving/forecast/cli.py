"""`rnnapp forecast FILE.csv`: the GRU's forecast of a CSV's series with its 80% interval, the peers' beside it,
and each model's error on the series' own last stretch."""
from __future__ import annotations

import argparse
import math
from pathlib import Path

from serving.cli import EXIT_BAD_INPUT, emit_answer, error
from serving.text import InputError


def decimals(values: list[float]) -> int:
    """Enough decimals for about four significant figures of the series' largest value, never more than 3."""
    largest = max((abs(v) for v in values), default=0.0)
    return 0 if largest >= 1000 else min(3, 3 - int(math.floor(math.log10(largest)))) if largest > 0 else 3


def forecast_text(answer: dict) -> str:
    peers = list(answer["peers"])
    places = decimals(answer["forecast"] + answer["lower"] + answer["upper"])
    cells = [[date, f"{answer['forecast'][i]:.{places}f}",
              f"{answer['lower'][i]:.{places}f} to {answer['upper'][i]:.{places}f}",
              *(f"{answer['peers'][p][i]:.{places}f}" for p in peers)] for i, date in enumerate(answer["dates"])]
    header = ["date", "forecast", "80% interval", *peers]
    widths = [max(len(row[k]) for row in [header, *cells]) for k in range(len(header))]
    lines = ["  ".join(cell.ljust(w) if k == 0 else cell.rjust(w) for k, (cell, w) in enumerate(zip(row, widths)))
             for row in [header, *cells]]
    if "check" in answer:
        errors = answer["check"]["errors"]
        lines.append(f"on the last {answer['check']['held_back']} values, held back: MASE "
                     + ", ".join(f"{model} {e['mase']:.3f}" for model, e in errors.items()))
    lines += [f"warning: {w}" for w in answer.get("warnings", [])]
    lines += [f"note: {e}" for e in answer.get("peer_errors", {}).values()]
    return "\n".join(lines)


def forecast_command(args: argparse.Namespace) -> int:
    from serving.forecast.forecaster import ForecastRequest, Forecaster  # pandas: imported by this command only
    from serving.forecast.table import MAX_CSV_BYTES, read_table

    try:
        if args.file.stat().st_size > MAX_CSV_BYTES:
            error(f"{args.file}: over {MAX_CSV_BYTES // 1_000_000} MB; keep the date and value columns only")
            return EXIT_BAD_INPUT
        table = read_table(args.file.read_bytes(), args.file.stem, args.date_column, args.value_column)
    except OSError as err:
        error(f"{args.file}: {err.strerror or err}")
        return EXIT_BAD_INPUT
    except InputError as err:
        error(f"{args.file}: {err}")
        return EXIT_BAD_INPUT
    if not args.json:
        print(table.said)
    request = ForecastRequest(table.series, args.horizon, peers=not args.no_peers, check=not args.no_check)
    [answer] = Forecaster.load().predict_batch([request])
    try:
        emit_answer(answer, forecast_text, args.json)
    except InputError as err:
        error(f"{args.file}: {err}")
        return EXIT_BAD_INPUT
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    forecast = commands.add_parser("forecast", help="forecast a CSV's series (date and value columns)",
                                   description="Forecast the series of FILE.csv with the GRU, its 80%% interval and "
                                               "the peers (seasonal naive, ETS, ARIMA, Theta) beside it.")
    forecast.add_argument("file", type=Path, metavar="FILE.csv", help="a date column and a value column")
    forecast.add_argument("--horizon", type=int, help="steps ahead (default: 48 half-hours, 14 days, 13 weeks, "
                                                      "18 months, 8 quarters or 6 years)")
    forecast.add_argument("--json", action="store_true", help="one JSON object")
    forecast.add_argument("--date-column", help="the column of dates (default: guessed)")
    forecast.add_argument("--value-column", help="the column of values (default: guessed)")
    forecast.add_argument("--no-peers", action="store_true", help="the GRU alone (the peers take seconds)")
    forecast.add_argument("--no-check", action="store_true", help="skip scoring every model on the last stretch")
    forecast.set_defaults(handler=forecast_command)
