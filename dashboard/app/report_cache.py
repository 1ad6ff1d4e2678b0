"""Cached reports for the Reports page, keyed like state.py's results: database path, data version (which
changes with each upload, undo or target change), period label, locality and publication mode."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from dashboard.app import state
from dashboard.core.periods import parse_period
from dashboard.publish import pack, report


@st.cache_data(show_spinner="Writing the report…", max_entries=16)
def report_html(path: str, data_version: str, period: str, locality: str | None, publish: bool) -> str:
    cur = state.cursor()
    try:
        return report.build_report(cur, parse_period(period), state.app_settings(), locality, publish)
    finally:
        cur.close()


def chromium_available() -> bool:
    return report.DEFAULT_CHROMIUM.exists()


@st.cache_data(show_spinner="Printing the PDF…", max_entries=8)
def report_pdf_bytes(path: str, data_version: str, period: str, locality: str | None, publish: bool) -> bytes:
    """The same report printed to PDF by headless Chromium (a few seconds; made when first asked for)."""
    html = report_html(path, data_version, period, locality, publish)
    with tempfile.TemporaryDirectory(prefix="pmf-pdf-") as work:
        return report.report_pdf(html, Path(work) / "report.pdf").read_bytes()


@st.cache_data(show_spinner="Writing the KPI pack…", max_entries=8)
def kpi_pack(path: str, data_version: str, period: str, publish: bool) -> bytes:
    """The KPI pack workbook (scorecard, area sheets, definitions) for the period."""
    cur = state.cursor()
    try:
        return pack.kpi_pack_bytes(cur, parse_period(period), state.app_settings(), publish=publish)
    finally:
        cur.close()
