"""The app's shared state: one cached database connection, the data version, and cached core results.

Every cached result is keyed on the database path, the data version (which changes with each upload, undo
or target change) and the filters, so a rerun with the same filters does no database work and an upload
refreshes everything. Nothing touches the database at import time.

Costs kept off each rerun (bench/README.md has the figures): the data version is read once per script run,
not once per caller; the KPI table of a period (every locality) is computed once and each locality's
scorecard is cut from it; and the large KPI tables (a national trend has about 250,000 rows) are cached as
objects rather than pickled copies, each caller getting a copy-on-write view, so a cache hit costs no copy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from dashboard.core.config import Settings, settings
from dashboard.core.db import DatabaseError, connect, data_version, database_exists, is_sample_database
from dashboard.core.periods import parse_period
from dashboard.ingest.sample import data_quarters
from dashboard.ingest.workflow import template_bytes
from dashboard.kpis import catalogue as kpis
from dashboard.kpis import drilldown

try:  # where Streamlit keeps the current script run (absent when this module runs without Streamlit)
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
except ImportError:  # pragma: no cover - Streamlit moved it
    get_script_run_ctx = None  # type: ignore[assignment]


def app_settings() -> Settings:
    return settings()


def database_path() -> Path:
    return app_settings().database_path.resolve()


def missing_database() -> Path | None:
    """The configured database's path when there is no file there (only `pmf init` or `pmf serve` creates
    one: a mistyped PMF_DB must not become a new empty database); None when it exists."""
    path = database_path()
    return None if database_exists(path) else path


@st.cache_resource(show_spinner=False)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    if not database_exists(path):
        raise DatabaseError(f"There is no database at {path}: run `pmf init` to create it.")
    return connect(path)


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor of the one shared connection: connections are not thread-safe, cursors are per use."""
    return _connection(str(database_path())).cursor()


_RUN_VERSION = "_pmf_data_version"  # attribute of the script run context: (that run's token, version)


def version() -> str:
    """The data version, read from the database once per script run (the filters and the page both ask)."""
    ctx = get_script_run_ctx() if get_script_run_ctx is not None else None
    token = getattr(ctx, "cursors", None)  # a new dict for every run of the script
    held: tuple[Any, str, str] | None = getattr(ctx, _RUN_VERSION, None)
    path = str(database_path())
    if held is not None and token is not None and held[0] is token and held[1] == path:
        return held[2]
    cur = cursor()
    try:
        value = data_version(cur)
    finally:
        cur.close()
    if ctx is not None and token is not None:
        setattr(ctx, _RUN_VERSION, (token, path, value))
    return value


def clear_results() -> None:
    """Drop every cached query and KPI result (and this run's data version): views.refresh_after_change calls
    it, with the views' own caches, after an upload, undo or target change."""
    st.cache_data.clear()
    _period_kpis.clear()
    _trend_kpis.clear()
    ctx = get_script_run_ctx() if get_script_run_ctx is not None else None
    if ctx is not None and hasattr(ctx, _RUN_VERSION):
        delattr(ctx, _RUN_VERSION)


@st.cache_data(show_spinner=False, max_entries=64)
def quarters(path: str, data_version: str) -> list[str]:
    cur = cursor()
    try:
        return [p.label for p in data_quarters(cur)]
    finally:
        cur.close()


# Room for every locality's scorecard of several periods: "Compare localities" asks for each one, and a
# national configuration has about 300 (with 256 entries the least recently used were evicted as the loop
# went on, so every rerun recomputed them all).
@st.cache_data(show_spinner=False, max_entries=4096)
def scorecard(path: str, data_version: str, period: str, locality: str | None) -> pd.DataFrame:
    """kpis.kpis_for for one locality, cut from the period's table of every locality (computed once)."""
    return kpis.scorecard_from(_period_table(path, data_version, period), parse_period(period), locality)


@st.cache_resource(show_spinner=False, max_entries=32)
def _period_kpis(path: str, data_version: str, period: str) -> pd.DataFrame:
    chosen = parse_period(period)
    cur = cursor()
    try:
        return kpis.compute_kpis(cur, kpis.scorecard_periods(chosen), app_settings())
    finally:
        cur.close()


def _period_table(path: str, data_version: str, period: str) -> pd.DataFrame:
    """Every KPI and locality for the period and the year before: a copy-on-write view of the cached table."""
    return _period_kpis(path, data_version, period).copy(deep=False)


@st.cache_resource(show_spinner=False, max_entries=8)
def _trend_kpis(path: str, data_version: str, periods: tuple[str, ...]) -> pd.DataFrame:
    cur = cursor()
    try:
        return kpis.compute_kpis(cur, [parse_period(p) for p in periods], app_settings())
    finally:
        cur.close()


def trend(path: str, data_version: str, periods: tuple[str, ...]) -> pd.DataFrame:
    """Every KPI, every locality, for the given periods (usually every quarter held).

    Cached as the object itself (st.cache_resource): unpickling a copy on every rerun cost more than the
    page's own work at national scale. The caller gets a shallow copy, and pandas' copy-on-write keeps any
    change it makes to its own copy, never to the cached table.
    """
    return _trend_kpis(path, data_version, periods).copy(deep=False)


@st.cache_data(show_spinner=False, max_entries=256)
def records(path: str, data_version: str, kpi_id: str, period: str, locality: str | None) -> pd.DataFrame:
    cur = cursor()
    try:
        return drilldown.kpi_records(cur, kpi_id, parse_period(period), locality)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=8)
def holds_sample_data(path: str, data_version: str) -> bool:
    """Whether the database holds the fictional sample workbooks (every page then says so)."""
    cur = cursor()
    try:
        return is_sample_database(cur)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=8)
def catalogue(path: str, data_version: str) -> list[kpis.Kpi]:
    cur = cursor()
    try:
        return kpis.with_target_overrides(cur, kpis.load_catalogue())
    finally:
        cur.close()


def all_quarters() -> tuple[str, ...]:
    return tuple(quarters(str(database_path()), version()))


@st.cache_data(show_spinner=False, max_entries=16)
def template(dataset_names: tuple[str, ...] | None) -> bytes:
    """Template workbooks take a moment to write: make each once."""
    return template_bytes(app_settings(), list(dataset_names) if dataset_names else None)
