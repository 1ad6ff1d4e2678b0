"""Quarters are a time axis: the trend chart and the "By quarter" table run oldest first, every quarter in its
place, a quarter with no value a gap (never moved to the end), on the sample and on a shuffled table."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from dashboard import charts
from dashboard.core.config import load_settings
from dashboard.core.db import data_quarters
from dashboard.core.periods import in_time_order, parse_period
from dashboard.kpis.catalogue import compute_kpis, load_catalogue
from dashboard.kpis.scorecard import headline_trend, kpi_history

QUARTERS = ["2022-23 Q3", "2022-23 Q4", "2023-24 Q1", "2023-24 Q2", "2023-24 Q3", "2023-24 Q4", "2024-25 Q1"]


def _trend() -> pd.DataFrame:
    """CR02-like rows as compute_kpis may return them: quarters with no value anywhere come out last."""
    rows = []
    empty = {"2022-23 Q3", "2023-24 Q2"}
    ordered = [q for q in QUARTERS if q not in empty] + sorted(empty, reverse=True)
    for period in ordered:
        for locality in (None, "Hartlepool", "Stockton-on-Tees"):
            value = None if period in empty else float(len(period) + (0 if locality is None else 1))
            rows.append(
                {
                    "kpi": "CR02",
                    "period": period,
                    "locality": locality,
                    "category": None,
                    "numerator": value,
                    "denominator": None if value is None else 2.0,
                    "value": value,
                    "unit": "percent",
                    "rag": None,
                }
            )
    return pd.DataFrame(rows)


def test_in_time_order_puts_years_before_their_quarters_and_never_repeats() -> None:
    labels = ["2024-25 Q1", "2023-24 Q4", "2023-24", "2022-23 Q3", "2023-24 Q4", "2023-24 Q1"]
    assert in_time_order(labels) == ["2022-23 Q3", "2023-24", "2023-24 Q1", "2023-24 Q4", "2024-25 Q1"]


def test_by_quarter_table_runs_oldest_first_with_empty_quarters_in_place() -> None:
    table = kpi_history(_trend(), "CR02", [None, "Hartlepool"])
    assert list(table["Quarter"]) == QUARTERS
    by_quarter = dict(zip(table["Quarter"], table["All localities: value"], strict=True))
    assert by_quarter["2023-24 Q2"] == "–"  # an empty quarter keeps its place, shown as a dash
    assert by_quarter["2023-24 Q3"] != "–"


def test_trend_chart_axis_and_every_line_run_in_time_order_with_gaps() -> None:
    kpi = next(k for k in load_catalogue() if k.id == "CR02")
    series = headline_trend(_trend(), "CR02")
    assert in_time_order(series["period"]) == list(dict.fromkeys(series["period"]))
    colours = charts.locality_colours(["Hartlepool", "Stockton-on-Tees"])
    fig = charts.kpi_trend(series, kpi, ["Hartlepool", "Stockton-on-Tees"], colours, 5.0)
    assert list(fig.layout.xaxis.categoryarray) == QUARTERS
    for trace in fig.data:
        assert list(trace.x) == QUARTERS
        gaps = [q for q, y in zip(trace.x, trace.y, strict=True) if y is None or y != y]
        assert gaps == ["2022-23 Q3", "2023-24 Q2"]


def test_sample_cr02_trend_runs_in_time_order(sample_db: Path) -> None:
    """The attack from the issue: /kpi?kpi=CR02 on the sample put empty quarters last."""
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        held = [p.label for p in data_quarters(con)]
        table = compute_kpis(con, [parse_period(p) for p in held], load_settings())
    finally:
        con.close()
    series = headline_trend(table, "CR02")
    assert list(dict.fromkeys(series["period"])) == held == in_time_order(held)
    history = kpi_history(table, "CR02", [None, "Hartlepool", "Stockton-on-Tees"])
    assert list(history["Quarter"]) == held
