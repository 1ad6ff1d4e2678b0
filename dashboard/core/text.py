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


def as_date(value: Any) -> date | None:
    """A date from a query or cell value (Timestamp, datetime, date, text); None when missing."""
    return None if is_missing(value) else pd.Timestamp(value).date()


def as_count(value: Any) -> int:
    """A whole number from a query value: 0 when missing (a SUM over no rows is NULL)."""
    return 0 if is_missing(value) else int(float(value))


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


def is_small_denominator(unit: str, denominator: Any, minimum: int) -> bool:
    """A rate on fewer records than `minimum` (Settings.min_denominator): "1 of 2 = 50% Red" would be noise,
    so it is shown as "n of N", with no RAG colour and no change in points."""
    return unit == "percent" and not is_missing(denominator) and 0 < float(denominator) < minimum


def kpi_value_text(value: Any, unit: str, numerator: Any, denominator: Any, minimum: int) -> str:
    """A KPI's value as people read it: '84.3%', '66 days', or '1 of 2' for a rate on a small denominator."""
    if is_small_denominator(unit, denominator, minimum):
        return f"{format_count(numerator)} of {format_count(denominator)}"
    return format_value(value, unit)


def fraction_text(numerator: Any, denominator: Any, unit: str) -> str:
    """'291 / 345' for a rate; for a mean or median, how many records it is over: 'n = 13' (never '66 / 1');
    for a count, the count; '–' when there is nothing."""
    if is_missing(denominator):
        return format_count(numerator) if not is_missing(numerator) else "–"
    if unit == "percent":
        return f"{format_count(numerator)} / {format_count(denominator)}"
    return f"n = {format_count(denominator)}"


def change_text(value: Any, previous: Any, unit: str) -> str:
    """The signed change on a year before, in the KPI's unit: '+0.9 pts', '-2', '+60 days'; '–' when either
    is missing (a rate on a small denominator is passed in as missing: it has no change in points)."""
    if is_missing(value) or is_missing(previous):
        return "–"
    delta = float(value) - float(previous)
    if unit == "percent":
        return f"{delta:+.1f} pts"
    if unit == "points":
        return f"{delta:+.2f}"
    if unit == "days":
        return f"{delta:+,.0f} days"
    if delta == 0:
        return "0"
    return f"{delta:+,.0f}" if delta.is_integer() else f"{delta:+,.1f}"


RAG_SYMBOLS = {"Green": "✔", "Amber": "▲", "Red": "✖", "Blue": "■"}


def rag_label(rag: str | None) -> str:
    """RAG as a symbol and a word, never colour alone."""
    return f"{RAG_SYMBOLS[rag]} {rag}" if rag in RAG_SYMBOLS else "–"
