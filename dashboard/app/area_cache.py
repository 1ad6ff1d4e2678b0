"""Cached core results for the Training and Audits pages, keyed like state.py's: database path, data version
(which changes with each upload, undo or target change) and the filters (period label, locality)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import duckdb
import pandas as pd
import streamlit as st

from dashboard.app import state
from dashboard.areas import audits, training
from dashboard.core.periods import Period, parse_period

T = TypeVar("T")


def _with_cursor(run: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    cur = state.cursor()
    try:
        return run(cur)
    finally:
        cur.close()


def _localities() -> tuple[str, ...]:
    return state.app_settings().all_localities


def _period(label: str) -> Period:
    return parse_period(label)


@st.cache_data(show_spinner=False, max_entries=256)
def training_summary(
    path: str, data_version: str, period: str, locality: str | None
) -> training.TrainingSummary:
    return _with_cursor(lambda cur: training.training_summary(cur, _period(period), locality))


@st.cache_data(show_spinner=False, max_entries=128)
def sessions_by_mode(
    path: str, data_version: str, period: str, locality: str | None, compare: bool
) -> pd.DataFrame:
    return _with_cursor(
        lambda cur: training.sessions_by_mode(cur, _period(period), locality, compare, _localities())
    )


@st.cache_data(show_spinner=False, max_entries=128)
def attendance_by_agency(
    path: str, data_version: str, period: str, locality: str | None, compare: bool
) -> pd.DataFrame:
    return _with_cursor(
        lambda cur: training.attendance_by_agency(cur, _period(period), locality, compare, _localities())
    )


@st.cache_data(show_spinner=False, max_entries=128)
def session_list(path: str, data_version: str, period: str, locality: str | None) -> pd.DataFrame:
    return _with_cursor(lambda cur: training.session_list(cur, _period(period), locality))


@st.cache_data(show_spinner=False, max_entries=128)
def audit_list(path: str, data_version: str, period: str, locality: str | None) -> pd.DataFrame:
    return _with_cursor(lambda cur: audits.audit_list(cur, _period(period), locality, _localities()))


@st.cache_data(show_spinner=False, max_entries=128)
def grades_by_locality(path: str, data_version: str, period: str, locality: str | None) -> pd.DataFrame:
    return _with_cursor(lambda cur: audits.grades_by_locality(cur, _period(period), locality, _localities()))


@st.cache_data(show_spinner=False, max_entries=256)
def audit_cases(
    path: str, data_version: str, period: str, locality: str | None, audit_id: str | None
) -> pd.DataFrame:
    return _with_cursor(lambda cur: audits.audit_cases(cur, _period(period), locality, audit_id))
