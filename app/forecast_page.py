"""Forecast page: a window of a series in, its whole horizon out (many-to-one, then one vector), with the
statistical peers beside the GRU and each model's error on the series' own last stretch."""
from __future__ import annotations

import zlib

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from app.common import (NOT_ANSWERED, escape_markdown, forecaster, load_or_stop, plot_height, readable,
                        scroll_into_view, sentence)
from serving.forecast.forecaster import Forecast, ForecastRequest
from serving.forecast.series import Series
from serving.forecast.table import MAX_CSV_BYTES, read_table
from serving.text import InputError

BUNDLED = {  # label -> catalogue name (serving/forecast/catalogue.py)
    "Airline passengers (monthly, 1949-60)": "datasets/AirPassengers",
    "Electricity demand, England and Wales (half-hourly, summer 2000)": "forecast/taylor",
    "Electricity demand, Victoria (daily, 2014)": "fpp2/elecdaily",
    "Views of a statistics blog (daily, 2014-15)": "fpp2/hyndsight",
    "Gasoline supplied in the US (weekly, 1991-2017)": "fpp2/gasoline",
    "Antidiabetic drug sales, Australia (monthly, 1991-2008)": "fpp2/a10",
    "US retail trade employment (monthly, 1939-2019)": "fpp3/us_employment/Retail Trade",
    "Beer production, Australia (quarterly, 1956-2010)": "fpp2/ausbeer",
    "The Nile's annual flow at Aswan (yearly, 1871-1970)": "datasets/Nile",
}
NAMES = {"gru": "GRU", "naive": "seasonal naive", "ets": "ETS", "arima": "ARIMA", "theta": "Theta"}
COLOURS = {"history": "#555867", "GRU": "#d6336c", "seasonal naive": "#9aa0ac", "ETS": "#1c7ed6", "ARIMA": "#37b24d",
           "Theta": "#f08c00", "actual": "#555867"}
DATE_FORMATS = {"half-hourly": "%a %H:%M", "daily": "%d %b", "weekly": "%d %b %Y", "monthly": "%b %Y",
                "quarterly": "%b %Y", "yearly": "%Y"}  # one format per axis, not Vega's mix of months and years
LIMITS = ("**Its limits.** Six GRUs, averaged, learnt from about 200 public series (electricity demand, employment, "
          "tourism, production) at six frequencies; they read only the last window (a week of half-hours, 8 weeks "
          "of days, 2 years of weeks, 6 years of months or quarters, 30 years) and know nothing the numbers do "
          "not show: holidays, prices, a pandemic. Over held-out series they are level with ARIMA, ahead of ETS "
          "and Theta, and behind ARIMA on yearly data; about 8 of 10 held-out values fell inside the 80% band. "
          "Hourly or minute data they do not take.")


@st.cache_resource(show_spinner="Reading the bundled series...")
def bundled_series() -> dict[str, Series]:
    from serving.forecast.catalogue import read_catalogue
    wanted = set(BUNDLED.values())
    return {s.name: s for s in read_catalogue() if s.name in wanted}


def chosen_series() -> Series | None | InputError:
    """The series chosen, None while none is, or the reason an upload was refused (said on the page)."""
    source = st.radio("Series", ["A bundled series", "Your CSV"], horizontal=True, key="forecast_source")
    if source == "A bundled series":
        try:
            found = bundled_series()
        except Exception as err:  # no cache and no registry: the CSV still works
            st.warning(f"The bundled series could not be read ({type(err).__name__}: {err}). Run `python -m "
                       "datafetch forecast`, or upload a CSV.")
            return None
        label = st.selectbox("Bundled series", list(BUNDLED), key="forecast_bundled")
        return found.get(BUNDLED[label])
    upload = st.file_uploader("A CSV with a date column and a value column", type=["csv", "txt"],
                              key="forecast_upload", help=f"Up to {MAX_CSV_BYTES // 1_000_000} MB; half-hourly, daily, "
                                                          "weekly, monthly, quarterly or yearly dates, no gaps")
    if upload is None:
        return None
    try:
        table = read_table(upload.getvalue(), upload.name.rsplit(".", 1)[0][:60] or "your series")
    except InputError as err:
        st.warning(escape_markdown(f"{upload.name}: {err}"))
        return err
    st.caption(sentence(table.said) + ".")
    return table.series


def date_axis(series: Series) -> alt.X:
    return alt.X("date:T", title=None, axis=alt.Axis(format=DATE_FORMATS[series.frequency.name], labelOverlap=True))


def band_chart(result: Forecast, series: Series) -> alt.LayerChart:
    """The recent history (two horizons or two seasons, whichever is longer, so that the forecast gets a third
    of the width), the GRU's median and 80% band, the peers' forecasts, each line starting from the last
    value: one chart. The shading marks the part of the GRU's window in view."""
    horizon = len(result.dates)
    shown = series.values[-min(len(series), max(2 * horizon, 2 * series.frequency.season)):]
    history_dates = pd.to_datetime(series.dates(len(series) - len(shown)))
    history = pd.DataFrame({"date": history_dates, "value": shown, "model": "history"})
    read = pd.DataFrame({"start": [max(pd.Timestamp(result.window_dates[0]), history_dates[0])],
                         "end": [pd.Timestamp(result.window_dates[-1])],
                         "label": [f"what the GRU reads ({len(result.window)} steps, from {result.window_dates[0]})"]})
    dates = pd.DatetimeIndex([history_dates[-1], *pd.to_datetime(result.dates)])  # from the last value on
    last = shown[-1]
    lines = [history] + [pd.DataFrame({"date": dates, "value": [last, *values[:, 1]], "model": NAMES[name]})
                         for name, values in [("gru", result.quantiles), *result.peers.items()]]
    frame = pd.concat(lines, ignore_index=True)
    band = pd.DataFrame({"date": dates, "lower": [last, *result.quantiles[:, 0]],
                         "upper": [last, *result.quantiles[:, 2]]})
    domain = [m for m in COLOURS if m in set(frame["model"])]
    colour = alt.Color("model:N", scale=alt.Scale(domain=domain, range=[COLOURS[m] for m in domain]),
                       legend=alt.Legend(orient="top", title=None, columns=3))
    area = alt.Chart(band).mark_area(opacity=0.25, color=COLOURS["GRU"]).encode(
        x="date:T", y="lower:Q", y2="upper:Q", tooltip=[alt.Tooltip("date:T"), alt.Tooltip("lower:Q", format=".4g"),
                                                        alt.Tooltip("upper:Q", format=".4g")])
    line = alt.Chart(frame).mark_line().encode(
        x=date_axis(series), y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)), color=colour,
        strokeDash=alt.condition((alt.datum.model == "GRU") | (alt.datum.model == "history"), alt.value([1, 0]),
                                 alt.value([4, 3])),
        tooltip=["model", alt.Tooltip("date:T"), alt.Tooltip("value:Q", format=".4g")])
    window = alt.Chart(read).mark_rect(opacity=0.08, color=COLOURS["history"]).encode(
        x="start:T", x2="end:T", tooltip=[alt.Tooltip("label:N", title="shaded")])
    return readable(alt.layer(window, area, line).properties(height=plot_height(1, 320)))


def check_chart(result: Forecast, series: Series) -> alt.Chart:
    """The held-back stretch: what happened, and what each model forecast for it from the rest."""
    dates = pd.to_datetime(result.check_dates)
    actual = series.values[-len(dates):]
    frame = pd.concat([pd.DataFrame({"date": dates, "value": actual, "model": "actual"})] +
                      [pd.DataFrame({"date": dates, "value": f[:, 1], "model": NAMES[m]})
                       for m, f in result.check_forecasts.items()], ignore_index=True)
    domain = [m for m in COLOURS if m in set(frame["model"])]
    return readable(alt.Chart(frame).mark_line(point=len(dates) <= 24).encode(
        x=date_axis(series), y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
        color=alt.Color("model:N", scale=alt.Scale(domain=domain, range=[COLOURS[m] for m in domain]),
                        legend=alt.Legend(orient="top", title=None, columns=3)),
        tooltip=["model", alt.Tooltip("date:T"), alt.Tooltip("value:Q", format=".4g")],
    ).properties(height=plot_height(1, 220)))


def states_chart(result: Forecast) -> alt.Chart:
    """The GRU's 24 busiest cells while it reads the window: what it carries from step to step."""
    states = result.states
    busiest = np.argsort(-states.std(axis=0))[:24]
    rows = [{"step": step, "cell": f"cell {cell}", "activation": float(states[step, cell])}
            for step in range(len(states)) for cell in busiest]
    return readable(alt.Chart(pd.DataFrame(rows)).mark_rect().encode(
        x=alt.X("step:O", title=f"the {len(states)} steps it reads, oldest to newest",
                axis=alt.Axis(labels=False, ticks=False)),
        y=alt.Y("cell:N", title=f"{len(busiest)} of its {states.shape[1]} cells", sort=[f"cell {c}" for c in busiest],
                axis=alt.Axis(labels=False, ticks=False)),
        color=alt.Color("activation:Q", scale=alt.Scale(scheme="redblue", domain=[-1, 1], reverse=True),
                        legend=alt.Legend(orient="top", title="cell activation")),
        tooltip=["step", "cell", alt.Tooltip("activation:Q", format=".2f")],
    ).properties(height=plot_height(24, 8)))


def errors_table(result: Forecast) -> pd.DataFrame:
    rows = [{"model": NAMES[m], "MASE": e["mase"], "sMAPE %": e["smape"]} for m, e in result.check.items()]
    return pd.DataFrame(rows).sort_values("MASE").reset_index(drop=True)


def show(result: Forecast, series: Series, provider: str) -> None:
    horizon = len(result.dates)
    st.subheader(f"The next {horizon} steps")
    st.altair_chart(band_chart(result, series), width="stretch")
    took = f"The GRU took {result.seconds['gru'] * 1000:.0f} ms ({provider})"
    if "peers" in result.seconds:
        took += f"; the four peers together {result.seconds['peers']:.1f} s"
    st.caption(f"{took}. Shaded grey: what the GRU read (its window of {len(result.window)} steps; only its end "
               "is in view when it is longer than the history shown); the pink band is its 80% interval.")
    for warning in result.warnings:
        st.warning(sentence(warning + "."), icon=":material/report:")
    for message in result.peer_errors.values():
        st.caption(escape_markdown(message))
    if result.check:
        st.subheader(f"Each model on the last {len(result.check_dates)} values, held back")
        st.markdown("Before forecasting the future, every model forecast the series' own last stretch from what "
                    "came before it. MASE is a model's mean error there divided by the mean error of repeating "
                    "the value one season earlier, step by step, through the history: below 1 is better than that "
                    "yardstick. The seasonal naive forecast scores above it when it has to reach a whole horizon "
                    "ahead.")
        left, right = st.columns([1, 2])
        left.dataframe(errors_table(result), hide_index=True,
                       column_config={"MASE": st.column_config.NumberColumn(format="%.3f"),
                                      "sMAPE %": st.column_config.NumberColumn(format="%.2f")})
        right.altair_chart(check_chart(result, series), width="stretch")
    st.subheader("What the GRU reads and writes")
    st.markdown(f"It reads the last {len(result.window)} values one step at a time, each with where it falls in the "
                "day, week or year, carrying a state of 128 numbers from step to step (below, 24 of them, from the "
                f"first of the six GRUs averaged); from the last state it writes all {horizon} steps at once, with a "
                "low and a high bound for each.")
    st.altair_chart(states_chart(result), width="stretch")
    frame = pd.DataFrame({"date": result.dates, "forecast": result.quantiles[:, 1], "lower_80": result.quantiles[:, 0],
                          "upper_80": result.quantiles[:, 2],
                          **{NAMES[p]: values[:, 1] for p, values in result.peers.items()}})
    st.download_button("Download the forecast (.csv)", frame.to_csv(index=False), file_name="forecast.csv",
                       mime="text/csv")


def same_series(kept: Series, chosen: Series | None) -> bool:
    """A forecast stays on the page while its series is the one chosen (not after another is picked)."""
    return chosen is not None and kept.name == chosen.name and np.array_equal(kept.values, chosen.values)


def page() -> None:
    st.title("Forecast")
    st.markdown("**Many-to-one, then one vector out.** A GRU reads the last stretch of a series, one value at a "
                "time, and from its final state writes the whole horizon at once, with an 80% band. Beside it: "
                "the statistical workhorses, seasonal naive, ETS, ARIMA and Theta, fitted to the same series.")
    model = load_or_stop(forecaster)
    chosen = chosen_series()
    series = chosen if isinstance(chosen, Series) else None
    if series is not None:
        frequency = series.frequency
        left, right = st.columns(2)
        horizon = left.slider(f"Horizon ({frequency.name} steps)", 1, frequency.max_horizon, frequency.horizon,
                              key=f"forecast_horizon_{frequency.name}")
        peers = right.checkbox("Compare with ETS, ARIMA and Theta", value=True, key="forecast_peers",
                               help="They are fitted when you click, twice (for the check and for the future): "
                                    "about a second on monthly data, half a minute on weeks of half-hours")
        if st.button("Forecast", key="forecast_run", type="primary"):
            with st.spinner("Forecasting" + (" and fitting the peers..." if peers else "...")):
                try:
                    result = model.forecast(ForecastRequest(series, horizon, peers=peers))
                    st.session_state["forecast_result"] = {"result": result, "series": series}
                    st.session_state.pop("forecast_error", None)
                except NOT_ANSWERED as err:
                    st.session_state["forecast_error"] = str(err)
                    st.session_state.pop("forecast_result", None)
    with st.container(key="forecast_result"):
        if "forecast_error" in st.session_state:
            message = st.session_state["forecast_error"]
            st.warning(sentence(message))
        elif "forecast_result" in st.session_state and same_series(st.session_state["forecast_result"]["series"],
                                                                   series):
            kept = st.session_state["forecast_result"]
            result = kept["result"]
            show(result, kept["series"], model.artifact.provider())
            scroll_into_view("forecast_result",
                             zlib.crc32(f"{result.name}|{result.dates}|{sorted(result.peers)}".encode()))
        elif not isinstance(chosen, InputError):  # a refused upload's warning says what to do instead
            st.info("Pick a bundled series or upload a CSV, choose a horizon and click **Forecast**.")
        st.caption(LIMITS)


page()
