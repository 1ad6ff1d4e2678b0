"""The app's shared state: one cached database connection, the data version, and cached core results.

Every cached result is keyed on the database path, the data version (which changes with each upload, undo
or target change) and the filters, so a rerun with the same filters does no database work and an upload
refreshes everything. Nothing touches the database at import time.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from dashboard import drilldown, kpis
from dashboard.config import Settings, settings
from dashboard.db import connect, data_version
from dashboard.periods import Period, parse_period
from dashboard.sample import data_quarters, ensure_database
from dashboard.uploads import template_bytes


def app_settings() -> Settings:
    return settings()


def database_path() -> Path:
    return app_settings().database_path.resolve()


@st.cache_resource(show_spinner=False)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    ensure_database(Path(path), app_settings())
    return connect(path)


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor of the one shared connection: connections are not thread-safe, cursors are per use."""
    return _connection(str(database_path())).cursor()


def version() -> str:
    cur = cursor()
    try:
        return data_version(cur)
    finally:
        cur.close()


def refresh_after_change() -> None:
    """After an upload, undo or target change: drop every cached result."""
    st.cache_data.clear()


@st.cache_data(show_spinner=False, max_entries=64)
def quarters(path: str, data_version: str) -> list[str]:
    cur = cursor()
    try:
        return [p.label for p in data_quarters(cur)]
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=256)
def scorecard(path: str, data_version: str, period: str, locality: str | None) -> pd.DataFrame:
    cur = cursor()
    try:
        return kpis.kpis_for(cur, parse_period(period), app_settings(), locality)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=32)
def trend(path: str, data_version: str, periods: tuple[str, ...]) -> pd.DataFrame:
    """Every KPI, every locality, for the given periods (usually every quarter held)."""
    cur = cursor()
    try:
        return kpis.compute_kpis(cur, [parse_period(p) for p in periods], app_settings())
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=256)
def records(path: str, data_version: str, kpi_id: str, period: str, locality: str | None) -> pd.DataFrame:
    cur = cursor()
    try:
        return drilldown.kpi_records(cur, kpi_id, parse_period(period), locality)
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


def period_quarters(period: Period) -> tuple[str, ...]:
    return tuple(p.label for p in period.quarters())


@st.cache_data(show_spinner=False, max_entries=16)
def template(dataset_names: tuple[str, ...] | None) -> bytes:
    """Template workbooks take a moment to write: make each once."""
    return template_bytes(app_settings(), list(dataset_names) if dataset_names else None)
