"""The executive's scorecard: KPI rows of one period shaped for display, with change and small trends."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dashboard.charts import rag_label, sparklines
from dashboard.formatting import format_count, format_value, is_missing
from dashboard.kpis import AREAS


def _fraction(numerator: object, denominator: object) -> str:
    if is_missing(denominator):
        return format_count(numerator) if not is_missing(numerator) else "–"
    return f"{format_count(numerator)} / {format_count(denominator)}"


def _change(value: object, previous: object, unit: str) -> str:
    if is_missing(value) or is_missing(previous):
        return "–"
    delta = float(value) - float(previous)  # type: ignore[arg-type]
    if unit == "percent":
        return f"{delta:+.1f} pts"
    if unit == "points":
        return f"{delta:+.2f}"
    return f"{delta:+,.0f}" if delta.is_integer() else f"{delta:+,.1f}"


def scorecard_table(card: pd.DataFrame, trend: pd.DataFrame, locality: str | None) -> pd.DataFrame:
    """One row per KPI (headline rows only): what the overview's table shows."""
    rows = []
    trends = sparklines(trend, locality)
    for r in card[card["category"].isna()].itertuples(index=False):
        rows.append(
            {
                "Area": AREAS.get(str(r.kpi)[:2], "Other"),
                "KPI": r.kpi,
                "Title": r.title,
                "Value": format_value(r.value, r.unit),
                "Target": "no target" if is_missing(r.target) else format_value(r.target, r.unit),
                "RAG": rag_label(r.rag if isinstance(r.rag, str) else None),
                "Numerator / denominator": _fraction(r.numerator, r.denominator),
                "Change on a year before": _change(r.value, r.previous_value, r.unit),
                "Trend": trends.get(str(r.kpi), []),
            }
        )
    return pd.DataFrame(rows)


def comparison_table(card_by_locality: dict[str, pd.DataFrame], localities: Sequence[str]) -> pd.DataFrame:
    """Localities side by side: value and RAG of each KPI per locality."""
    first = next(iter(card_by_locality.values()))
    base = first[first["category"].isna()][["kpi", "title", "unit", "target"]].reset_index(drop=True)
    table = pd.DataFrame(
        {
            "Area": [AREAS.get(k[:2], "Other") for k in base["kpi"]],
            "KPI": base["kpi"],
            "Title": base["title"],
            "Target": [
                "no target" if is_missing(t) else format_value(t, u)
                for t, u in zip(base["target"], base["unit"], strict=True)
            ],
        }
    )
    for name in localities:
        card = card_by_locality[name]
        heads = card[card["category"].isna()].set_index("kpi")
        table[name] = [
            format_value(heads.at[k, "value"], u) for k, u in zip(base["kpi"], base["unit"], strict=True)
        ]
        table[f"{name} RAG"] = [
            rag_label(heads.at[k, "rag"] if isinstance(heads.at[k, "rag"], str) else None)
            for k in base["kpi"]
        ]
        table[f"{name} num / den"] = [
            _fraction(heads.at[k, "numerator"], heads.at[k, "denominator"]) for k in base["kpi"]
        ]
    return table


def kpi_history(trend: pd.DataFrame, kpi: str, localities: Sequence[str | None]) -> pd.DataFrame:
    """Numerator, denominator and value of one KPI by quarter, one block of columns per locality."""
    heads = trend[(trend["kpi"] == kpi) & trend["category"].isna()]
    periods = list(dict.fromkeys(heads["period"]))
    table = pd.DataFrame({"Quarter": periods})
    for locality in localities:
        rows = heads[heads["locality"].isna()] if locality is None else heads[heads["locality"] == locality]
        rows = rows.set_index("period")
        label = locality or "All localities"
        unit = str(rows["unit"].iloc[0]) if not rows.empty else "count"
        table[f"{label}: value"] = [
            format_value(rows.at[p, "value"], unit) if p in rows.index else "–" for p in periods
        ]
        table[f"{label}: numerator / denominator"] = [
            _fraction(rows.at[p, "numerator"], rows.at[p, "denominator"]) if p in rows.index else "–"
            for p in periods
        ]
        table[f"{label}: RAG"] = [
            rag_label(rows.at[p, "rag"] if p in rows.index and isinstance(rows.at[p, "rag"], str) else None)
            for p in periods
        ]
    return table.iloc[::-1].reset_index(drop=True)


def headline_trend(trend: pd.DataFrame, kpi: str) -> pd.DataFrame:
    """Headline rows of one KPI, every locality, in quarter order: the data of its trend chart."""
    return trend[(trend["kpi"] == kpi) & trend["category"].isna()][["period", "locality", "value"]]
