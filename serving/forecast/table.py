"""A person's CSV as a series: the date and value columns guessed (and said), the dates checked for the step the
model knows, duplicates and gaps; every problem one sentence that says what to fix."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from serving.forecast.series import Frequency, Series, infer_frequency
from serving.text import InputError

MAX_CSV_BYTES = 20_000_000  # a year of half-hours is 17,520 rows, under 1 MB
MIN_ROWS = 8
DATE_NAMES = re.compile(r"date|time|month|year|week|day|period|quarter|^ds$|^t$", re.IGNORECASE)


@dataclass
class ReadTable:
    series: Series
    date_column: str
    value_column: str
    said: str  # what was guessed, in a sentence


def when(stamp: pd.Timestamp) -> str:
    return str(stamp.date()) if stamp == stamp.normalize() else stamp.isoformat(sep=" ", timespec="minutes")


def decode(raw: bytes) -> str:
    if len(raw) > MAX_CSV_BYTES:
        raise InputError(f"the file is {len(raw) / 1e6:.0f} MB; the limit is {MAX_CSV_BYTES // 1_000_000} MB "
                         "(a year of half-hourly values is under 1 MB): keep the date and value columns only")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("the file is not UTF-8 text: save it as CSV (UTF-8)") from None
    if "\x00" in text:
        raise InputError("the file is not text (it holds NUL bytes): save it as CSV")
    if not text.strip():
        raise InputError("the file is empty: give a date column and a value column")
    return text


def read_frame(text: str) -> pd.DataFrame:
    try:
        delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as err:
        raise InputError(f"not a CSV table ({str(err).splitlines()[0][:120]})") from None
    if frame.shape[1] < 2:
        raise InputError("the table has one column; give two: a date and a value (e.g. date,sales)")
    return frame


def parse_dates(column: pd.Series) -> pd.Series:
    text = column.astype(str).str.strip()
    years = text.str.fullmatch(r"\d{4}")
    if years.all():
        return pd.to_datetime(text + "-01-01", errors="coerce")
    if text.str.fullmatch(r"[-+]?\d+(\.\d+)?").mean() > 0.5:  # numbers are values, not dates
        return pd.Series(pd.NaT, index=column.index)
    quarters = text.str.fullmatch(r"\d{4}\s*-?\s*Q[1-4]", case=False)
    if quarters.all():
        return pd.PeriodIndex(text.str.replace(r"\s|-", "", regex=True).str.upper(), freq="Q").to_timestamp().to_series(
            index=column.index)
    parsed = pd.to_datetime(text, errors="coerce", format="mixed")
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed


def guess_date_column(frame: pd.DataFrame, asked: str | None) -> tuple[str, pd.Series]:
    if asked is not None:
        if asked not in frame.columns:
            raise InputError(f"no column {asked!r}; the columns are {', '.join(map(str, frame.columns))}")
        candidates = [asked]
    else:
        candidates = sorted(frame.columns, key=lambda c: not DATE_NAMES.search(str(c)))
    for name in candidates:
        parsed = parse_dates(frame[name])
        if parsed.notna().mean() >= 0.9:
            bad = parsed.isna()
            if bad.any():
                row = int(np.argmax(bad.to_numpy()))
                raise InputError(f"row {row + 2} of column {name!r} is {frame[name].iloc[row]!r}, not a date")
            return str(name), parsed
    raise InputError("no column of dates found: give one (e.g. 2024-01-31 or 2024-01) beside the values"
                     + (f" ({asked!r} does not read as dates)" if asked else ""))


def parse_values(frame: pd.DataFrame, date_column: str, asked: str | None) -> tuple[str, np.ndarray]:
    if asked is not None and asked not in frame.columns:
        raise InputError(f"no column {asked!r}; the columns are {', '.join(map(str, frame.columns))}")
    names = [asked] if asked else [c for c in frame.columns if c != date_column]
    for name in names:
        text = frame[name].astype(str).str.strip().str.replace(r"[\s_]", "", regex=True)
        values = pd.to_numeric(text, errors="coerce")
        if values.notna().mean() < 0.5 and not asked:
            continue
        empty = text == ""
        if empty.any():
            rows = [str(i + 2) for i in np.flatnonzero(empty.to_numpy())[:5]]
            raise InputError(f"column {name!r} has no value on row(s) {', '.join(rows)}: fill them in or remove "
                             "those rows")
        bad = np.flatnonzero(values.isna().to_numpy())
        if len(bad):
            said = ", ".join(f"row {row + 2} is {frame[name].iloc[row]!r}" for row in bad[:3])
            more = f" and {len(bad) - 3} more rows" if len(bad) > 3 else ""
            raise InputError(f"in column {name!r}, {said}{more}: not a number; write each value as a plain number")
        array = values.to_numpy(np.float64)
        if not np.isfinite(array).all():
            raise InputError(f"column {name!r} holds an infinite value: give finite numbers")
        return str(name), array
    raise InputError("no column of numbers found beside the dates: give one (e.g. date,sales)")


def normalise(dates: pd.Series, frequency: Frequency) -> pd.DatetimeIndex:
    """Dates moved to the start of their month, quarter or year, or the Sunday that ends their week, so that
    month-end and mid-month dates keep one step."""
    index = pd.DatetimeIndex(dates)
    if frequency.name in ("monthly", "quarterly", "yearly"):
        return index.to_period(frequency.offset[0]).to_timestamp()
    if frequency.name == "weekly":
        return (index + pd.to_timedelta((6 - index.dayofweek) % 7, unit="D")).normalize()
    if frequency.name == "daily":
        return index.normalize()
    return index


def read_table(raw: bytes, name: str = "your series", date_column: str | None = None,
               value_column: str | None = None) -> ReadTable:
    """The CSV's series, or an InputError saying what to fix."""
    frame = read_frame(decode(raw))
    if len(frame) < MIN_ROWS:
        raise InputError(f"the table has {len(frame)} rows; give at least {MIN_ROWS} dated values")
    date_name, dates = guess_date_column(frame, date_column)
    value_name, values = parse_values(frame, date_name, value_column)
    order = np.argsort(dates.to_numpy(), kind="stable")
    dates, values = dates.iloc[order].reset_index(drop=True), values[order]
    repeated = dates.duplicated()
    if repeated.any():
        count = int(repeated.sum())
        raise InputError(f"{when(dates[repeated].iloc[0])} appears more than once ({count} repeated "
                         f"date{'s' if count > 1 else ''}): keep one value per date, e.g. their sum")
    frequency = infer_frequency(pd.DatetimeIndex(dates))
    index = normalise(dates, frequency)
    if index.duplicated().any():
        raise InputError(f"two dates fall in the same {frequency.name.rstrip('ly')} period: keep one value per period")
    expected = pd.date_range(index[0], index[-1], freq=frequency.offset)
    if len(expected) != len(index) or not (expected == index).all():
        missing = expected.difference(index)
        first = missing[0] if len(missing) else index[0]
        raise InputError(f"{max(len(missing), 1)} {frequency.name} date(s) are missing or off the step (first: "
                         f"{when(first)}): fill the gaps (e.g. with the previous value) so every step has a value")
    said = (f"read {len(values)} {frequency.name} values: dates from column {date_name!r}, values from column "
            f"{value_name!r} ({when(index[0])} to {when(index[-1])})")
    return ReadTable(Series(name, values, index[0], frequency), date_name, value_name, said)
