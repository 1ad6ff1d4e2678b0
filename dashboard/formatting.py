"""How numbers, dates and KPI values are written for people: one place, used by the CLI, app and reports."""

from __future__ import annotations

import html
import math
from datetime import date
from typing import Any

import pandas as pd


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def plain_number(value: Any, decimals: int = 2) -> float | int | None:
    """A JSON-friendly number: whole numbers as int, others rounded; missing as None."""
    if is_missing(value):
        return None
    number = float(value)
    if math.isfinite(number) and number.is_integer():
        return int(number)
    return round(number, decimals)


def format_value(value: Any, unit: str) -> str:
    """85.0 percent -> '85.0%'; 15 count -> '15'; 1.23 points -> '1.23'; 12 days -> '12 days'."""
    if is_missing(value):
        return "–"
    number = float(value)
    if unit == "percent":
        return f"{number:.1f}%"
    if unit == "points":
        return f"{number:+.2f}" if number else "0.00"
    if unit == "days":
        return f"{number:g} day" + ("" if number == 1 else "s")
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.1f}"


def format_count(value: Any) -> str:
    return (
        "–"
        if is_missing(value)
        else f"{float(value):,.0f}"
        if float(value).is_integer()
        else f"{float(value):,.2f}"
    )


def uk_date(day: date | pd.Timestamp | None) -> str:
    """25 January 2024."""
    if day is None or is_missing(day):
        return ""
    return f"{day.day} {day.strftime('%B %Y')}"


def plural(count: int | float, singular: str, plural_form: str | None = None) -> str:
    """'1 session', '2 sessions', '1 rapid review'."""
    number = int(count) if float(count).is_integer() else count
    word = singular if number == 1 else (plural_form or singular + "s")
    return f"{number} {word}"


def plain(text: str) -> str:
    """Uploaded text for a Plotly label or hover text, which honour a subset of HTML (<a href>, <span
    style>, <br>): escaped, so a review reference holding '<a href=...>' is shown as typed, never live."""
    return html.escape(text, quote=False)
