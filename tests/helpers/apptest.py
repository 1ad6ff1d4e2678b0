"""Driving the app in AppTest like a user: filters in the sidebar, pages by file."""

from __future__ import annotations

from typing import Any

import pandas as pd


def open_app(at: Any, fy: str = "2023-24", quarter: str = "Q3", locality: str = "All localities") -> Any:
    """Run the app, then set the sidebar filters as a user would."""
    at.run()
    at.sidebar.selectbox(key="fy").set_value(fy).run()
    at.sidebar.selectbox(key="quarter").set_value(quarter).run()
    if locality != "All localities":
        at.sidebar.selectbox(key="locality").set_value(locality).run()
    assert not at.exception, at.exception
    return at


def metric(at: Any, label: str) -> str:
    for m in at.metric:
        if m.label == label:
            return str(m.value)
    raise AssertionError(f"no metric {label!r}: {[m.label for m in at.metric]}")


def frame(at: Any, column: str) -> pd.DataFrame:
    """The first table on the page that has `column` (AppTest does not expose a dataframe's key)."""
    for element in at.dataframe:
        value = element.value
        if column in value.columns:
            return value
    raise AssertionError(
        f"no table with a column {column!r}: {[list(e.value.columns) for e in at.dataframe]}"
    )


def all_text(at: Any) -> str:
    parts = [
        str(e.value)
        for kind in ("markdown", "caption", "title", "subheader", "info", "warning", "error", "success")
        for e in getattr(at, kind)
    ]
    return "\n".join(parts)
