"""Cached core results for the Case reviews and Action plan pages, keyed like state.py's: database path,
data version (changes with each upload or undo) and the filters."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.app import state
from dashboard.areas import actions, reviews


@st.cache_data(show_spinner=False, max_entries=64)
def active_reviews(
    path: str, data_version: str, period_start: date, period_end: date, locality: str | None
) -> pd.DataFrame:
    cur = state.cursor()
    try:
        return reviews.active_reviews(cur, period_start, period_end, locality)
    finally:
        cur.close()


@st.cache_data(show_spinner=False, max_entries=64)
def action_plan(
    path: str, data_version: str, as_at: date, locality: str | None, due_soon_days: int
) -> pd.DataFrame:
    cur = state.cursor()
    try:
        return actions.action_plan(cur, as_at, locality, due_soon_days)
    finally:
        cur.close()
