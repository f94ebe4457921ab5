"""The committed forecast model through its CLI, predict_batch and page: a forecast with its interval and the
peers beside it, each model's error on the series' own last stretch, and every bad table refused in one line."""
import json
import subprocess

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app.common import escape_markdown
from serving.forecast.forecaster import ForecastRequest, Forecaster
from serving.forecast.peers import PEERS
from serving.forecast.series import BY_NAME, Series
from serving.rnnapp import main
from tests.app.test_bad_input_corpus import UNREADABLE_TEXTS, UNUSABLE_IMAGES, VALID_IMAGES, VALID_TEXTS
from tests.conftest import REPO_ROOT, RNNAPP
from tests.forecast.test_series import REFUSED

MONTHS = 72


def monthly_csv() -> str:
    dates = pd.date_range("2015-01-31", periods=MONTHS, freq="ME")
    t = np.arange(MONTHS)
    values = 200 + 2 * t + 30 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(0).normal(0, 3, MONTHS)
    return "month,visitors\n" + "".join(f"{d.date()},{v:.2f}\n" for d, v in zip(dates, values))


@pytest.fixture(scope="module")
def forecaster() -> Forecaster:
    return Forecaster.load()


@pytest.fixture
def table(tmp_path):
    path = tmp_path / "visitors.csv"
    path.write_text(monthly_csv())
    return path


def said(capsys, *args: str) -> tuple[int, str, str]:
    """`rnnapp forecast ARGS` in this process (the command's own main): exit status, stdout, stderr."""
    status = main(["forecast", *args])
    out = capsys.readouterr()
    return status, out.out, out.err


def test_the_json_holds_the_forecast_its_interval_and_the_peers(table):
    done = subprocess.run([RNNAPP, "forecast", "--horizon", "12", "--json", str(table)], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and not done.stderr
    result = json.loads(done.stdout)
    assert result["dates"] == [str(d.date()) for d in pd.date_range("2021-01-01", periods=12, freq="MS")]
    lower, forecast, upper = (np.array(result[k]) for k in ("lower", "forecast", "upper"))
    assert len(forecast) == 12 and (lower <= forecast).all() and (forecast <= upper).all()
    assert set(result["peers"]) == set(PEERS) and all(len(v) == 12 for v in result["peers"].values())
    assert {"ets", "arima", "theta"} <= set(result["peers"])
    assert set(result["check"]["errors"]) == {"gru", *PEERS} and result["check"]["held_back"] == 12
    assert 150 < forecast.mean() < 450  # the series' own level and trend, in its own units


def test_the_human_output_says_what_was_read_and_each_models_error(capsys, table):
    status, out, err = said(capsys, "--no-peers", str(table))
    assert status == 0 and not err
    lines = out.splitlines()
    assert lines[0] == ("read 72 monthly values: dates from column 'month', values from column 'visitors' "
                        "(2015-01-01 to 2020-12-01)")
    assert lines[1].split()[:2] == ["date", "forecast"] and len(lines) == 2 + 18 + 1
    assert lines[-1].startswith("on the last 18 values, held back: MASE gru ")


@pytest.mark.parametrize("name", REFUSED)
def test_every_bad_table_is_one_line_and_a_non_zero_exit(capsys, tmp_path, name):
    path = tmp_path / "bad.csv"
    path.write_bytes(REFUSED[name][0])
    status, out, err = said(capsys, "--json", "--no-peers", str(path))
    assert status == 1 and not out and err.startswith(f"error: {path}: ") and err.count("\n") == 1


def test_a_missing_file_a_huge_file_and_a_horizon_too_long_are_refused(capsys, tmp_path, table):
    status, _, err = said(capsys, str(tmp_path / "nowhere.csv"))
    assert status == 1 and "No such file" in err
    huge = tmp_path / "huge.csv"
    with open(huge, "wb") as handle:
        handle.truncate(100_000_000)  # 100 MB, refused before a byte is read
    status, _, err = said(capsys, str(huge))
    assert status == 1 and "over 20 MB" in err
    status, _, err = said(capsys, "--horizon", "99", str(table))
    assert status == 1 and "from 1 to 24 steps for a monthly series" in err


def test_predict_batch_answers_the_good_requests_beside_a_bad_one(forecaster):
    t = np.arange(30, dtype=float)
    series = Series("q", 50 + t + 5 * (t % 4), pd.Timestamp("2000-01-01"), BY_NAME["quarterly"])
    short = Series("short", np.ones(5), pd.Timestamp("2000-01-01"), BY_NAME["quarterly"])
    answers = forecaster.predict_batch([ForecastRequest(series, 4, peers=False), ForecastRequest(short),
                                        ForecastRequest(series, 0, peers=False)])
    assert len(answers[0]["forecast"]) == 4 and "check" in answers[0]
    assert answers[1] == {"error": "the series has 5 points; give at least 8"}
    assert set(answers[2]) == {"error"} and "from 1 to 12" in answers[2]["error"]


def test_a_series_shorter_than_the_window_is_padded_and_said(forecaster):
    series = Series("young", np.linspace(10, 20, 20), pd.Timestamp("2020-01-01"), BY_NAME["monthly"])
    result = forecaster.forecast(ForecastRequest(series, peers=False))
    assert len(result.window) == 20 and result.states.shape == (20, 128)
    assert any("fewer than the 72 the GRU reads" in w and "give 72 or more" in w for w in result.warnings)


def forecast_page() -> AppTest:
    return AppTest.from_file(str(REPO_ROOT / "app" / "forecast_page.py"), default_timeout=300).run()


def test_a_bundled_series_gives_the_band_the_check_and_the_states():
    app = forecast_page()
    assert not app.exception
    app.button(key="forecast_run").click().run()  # the first bundled series, monthly, with the peers
    assert not app.exception and not app.warning
    result = app.session_state["forecast_result"]["result"]
    assert len(result.dates) == 18 and set(result.peers) == set(PEERS) and set(result.check) == {"gru", *PEERS}
    assert len(app.get("vega_lite_chart")) == 3 and len(app.dataframe) == 1
    app.selectbox(key="forecast_bundled").set_value("Electricity demand, England and Wales (half-hourly, summer 2000)")
    app.checkbox(key="forecast_peers").uncheck().run()
    assert not app.get("vega_lite_chart")  # another series: the monthly forecast is gone
    app.button(key="forecast_run").click().run()
    result = app.session_state["forecast_result"]["result"]
    assert len(result.dates) == 48 and result.dates[0] == "2000-08-28 00:00" and not result.peers
    assert len(result.window) == 336 and set(result.check) == {"gru"}


def test_an_uploaded_table_is_read_said_and_forecast_and_a_bad_one_warned():
    app = forecast_page()
    app.radio(key="forecast_source").set_value("Your CSV").run()
    app.file_uploader(key="forecast_upload").upload("visitors.csv", monthly_csv().encode(), "text/csv").run()
    assert any("read 72 monthly values" in c.value.lower() for c in app.caption)
    app.checkbox(key="forecast_peers").uncheck().run()
    app.button(key="forecast_run").click().run()
    assert not app.exception and len(app.session_state["forecast_result"]["result"].dates) == 18
    app.file_uploader(key="forecast_upload").upload("bad.csv", REFUSED["a gap"][0], "text/csv").run()
    assert not app.exception and len(app.warning) == 1 and escape_markdown("2020-01-07") in app.warning[0].value
    assert "forecast_result" in app.session_state and not app.get("vega_lite_chart")  # the old forecast is not shown


CORPUS = {**{name: make for name, make in {**UNUSABLE_IMAGES, **VALID_IMAGES}.items()},
          **{f"text: {kind}": (lambda text=text: text.encode("utf-8", "surrogatepass"))
             for kind, text in {**UNREADABLE_TEXTS, **VALID_TEXTS}.items()}}


@pytest.fixture(scope="module")
def corpus_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("forecast-corpus")
    paths = {}
    for number, (kind, make) in enumerate(CORPUS.items()):
        paths[kind] = folder / f"item{number}.csv"
        paths[kind].write_bytes(make())
    return paths


@pytest.mark.parametrize("kind", CORPUS)
def test_every_kind_of_the_bad_input_corpus_is_refused_in_one_line(capsys, corpus_files, kind):
    status, out, err = said(capsys, "--no-peers", str(corpus_files[kind]))
    assert status == 1 and not out and err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err


def test_the_bad_input_corpus_on_the_page_gets_a_warning_each(corpus_files):
    app = forecast_page()
    app.radio(key="forecast_source").set_value("Your CSV").run()
    for kind, path in corpus_files.items():
        app.file_uploader(key="forecast_upload").upload(path.name, path.read_bytes(), "text/csv").run()
        assert not app.exception and not app.error and len(app.warning) == 1, kind
        assert not app.get("vega_lite_chart")


def test_the_committed_model_scores_what_its_manifest_says_and_beats_seasonal_naive(forecaster):
    """The GRU's MASE on every test series, recomputed as served, is the manifest's; seasonal naive (numpy: the
    last season repeated) is computed here too, and the GRU is well below it."""
    from serving.forecast.catalogue import read_catalogue
    from serving.forecast.metrics import mase, mase_scale
    from training.forecast.data import scored_origins, split_series
    from training.forecast.evaluate import gru_forecasts

    splits = split_series(read_catalogue())
    wanted = scored_origins(splits, "test")
    quantiles, _ = gru_forecasts(forecaster, wanted)
    per_series: dict[str, list[tuple[float, float]]] = {}
    for origin, found in zip(wanted, quantiles):
        season = origin.series.frequency.season
        scale = mase_scale(origin.history, season)
        naive = np.resize(origin.history[-season:], origin.horizon)
        per_series.setdefault(origin.series.name, []).append((mase(origin.actual, found[:, 1], scale),
                                                              mase(origin.actual, naive, scale)))
    gru, naive = (np.mean([np.mean([pair[k] for pair in pairs]) for pairs in per_series.values()]) for k in (0, 1))
    recorded = forecaster.artifact.manifest["metrics"]["all"]
    assert round(float(gru), 4) == pytest.approx(recorded["gru"]["mase"], abs=2e-4)
    assert round(float(naive), 4) == pytest.approx(recorded["naive"]["mase"], abs=2e-4)
    assert gru < 0.8 * naive
