"""The executive's scorecard: KPI rows of one period shaped for display, with change and small trends."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dashboard.core.periods import in_time_order
from dashboard.core.text import (
    change_text,
    format_value,
    fraction_text,
    is_missing,
    is_small_denominator,
    kpi_value_text,
    rag_label,
)
from dashboard.kpis.catalogue import AREAS

TWELVE_MONTHS = "12 months to the period's end"
CASE_REVIEW_RATES = ("CR01", "CR02", "CR03")  # few a quarter: read over 12 months as well, by default


def _fraction(numerator: object, denominator: object, unit: str = "percent") -> str:
    return fraction_text(numerator, denominator, unit)


def change_on_year_before(value: object, previous: object, unit: str, small: bool) -> str:
    """No change in points for a rate on a small denominator, now or a year before."""
    return "–" if small else change_text(value, previous, unit)


def scorecard_table(
    card: pd.DataFrame,
    trend: pd.DataFrame,
    locality: str | None,
    min_denominator: int = 5,
    twelve_months_for: Sequence[str] = CASE_REVIEW_RATES,
) -> pd.DataFrame:
    """One row per KPI (headline rows only): what the overview's table shows. A rate on fewer than
    `min_denominator` records reads "n of N" with no RAG and no change; the KPIs in `twelve_months_for` also
    show their value over the 12 months to the period's end (when the card has it: a quarter's)."""
    rows = []
    trends = sparklines(trend, locality)
    has_twelve = "twelve_value" in card.columns and card["twelve_denominator"].notna().any()
    for r in card[card["category"].isna()].itertuples(index=False):
        small = is_small_denominator(r.unit, r.denominator, min_denominator)
        row = {
            "Area": AREAS.get(str(r.kpi)[:2], "Other"),
            "KPI": r.kpi,
            "Title": r.title,
            "Value": kpi_value_text(r.value, r.unit, r.numerator, r.denominator, min_denominator),
            "Target": "no target" if is_missing(r.target) else format_value(r.target, r.unit),
            "RAG": rag_label(r.rag if isinstance(r.rag, str) else None),
            "Numerator / denominator": _fraction(r.numerator, r.denominator, r.unit),
            "Change on a year before": change_on_year_before(r.value, r.previous_value, r.unit, small),
        }
        if has_twelve:
            row[TWELVE_MONTHS] = (
                kpi_value_text(
                    r.twelve_value, r.unit, r.twelve_numerator, r.twelve_denominator, min_denominator
                )
                + (
                    f" ({_fraction(r.twelve_numerator, r.twelve_denominator, r.unit)})"
                    if r.unit == "percent"
                    else ""
                )
                if r.kpi in twelve_months_for and not is_missing(r.twelve_denominator)
                else ""
            )
        row["Trend"] = trends.get(str(r.kpi), [])
        rows.append(row)
    return pd.DataFrame(rows)


def comparison_table(
    card_by_locality: dict[str, pd.DataFrame], localities: Sequence[str], min_denominator: int = 5
) -> pd.DataFrame:
    """Localities side by side: value and RAG of each KPI per locality (built as one set of columns: a
    national configuration has about 300 localities, 900 columns)."""
    first = next(iter(card_by_locality.values()))
    base = first[first["category"].isna()][["kpi", "title", "unit", "target"]].reset_index(drop=True)
    kpis, units = base["kpi"].tolist(), base["unit"].tolist()
    columns: dict[str, list[object]] = {
        "Area": [AREAS.get(k[:2], "Other") for k in kpis],
        "KPI": kpis,
        "Title": base["title"].tolist(),
        "Target": [
            "no target" if is_missing(t) else format_value(t, u)
            for t, u in zip(base["target"], units, strict=True)
        ],
    }
    for name in localities:
        card = card_by_locality[name]
        heads = card[card["category"].isna()].drop_duplicates("kpi").set_index("kpi").reindex(kpis)
        values, rags = heads["value"].tolist(), heads["rag"].tolist()
        numerators, denominators = heads["numerator"].tolist(), heads["denominator"].tolist()
        columns[name] = [
            kpi_value_text(v, u, n, d, min_denominator)
            for v, u, n, d in zip(values, units, numerators, denominators, strict=True)
        ]
        columns[f"{name} RAG"] = [rag_label(r if isinstance(r, str) else None) for r in rags]
        columns[f"{name} num / den"] = [
            _fraction(n, d, u) for n, d, u in zip(numerators, denominators, units, strict=True)
        ]
    return pd.DataFrame(columns)


def kpi_history(
    trend: pd.DataFrame, kpi: str, localities: Sequence[str | None], min_denominator: int = 5
) -> pd.DataFrame:
    """Numerator, denominator and value of one KPI by quarter, one block of columns per locality."""
    heads = trend[(trend["kpi"] == kpi) & trend["category"].isna()]
    periods = in_time_order(heads["period"])
    table = pd.DataFrame({"Quarter": periods})
    for locality in localities:
        rows = heads[heads["locality"].isna()] if locality is None else heads[heads["locality"] == locality]
        rows = rows.set_index("period")
        label = locality or "All localities"
        unit = str(rows["unit"].iloc[0]) if not rows.empty else "count"
        table[f"{label}: value"] = [
            kpi_value_text(
                rows.at[p, "value"], unit, rows.at[p, "numerator"], rows.at[p, "denominator"], min_denominator
            )
            if p in rows.index
            else "–"
            for p in periods
        ]
        table[f"{label}: numerator / denominator"] = [
            _fraction(rows.at[p, "numerator"], rows.at[p, "denominator"], unit) if p in rows.index else "–"
            for p in periods
        ]
        table[f"{label}: RAG"] = [
            rag_label(rows.at[p, "rag"] if p in rows.index and isinstance(rows.at[p, "rag"], str) else None)
            for p in periods
        ]
    return table


def headline_trend(trend: pd.DataFrame, kpi: str) -> pd.DataFrame:
    """Headline rows of one KPI, every locality, oldest quarter first: the data of its trend chart. Every
    quarter is there, with an empty value where there is none (a gap in the line, never a reordering)."""
    rows = trend[(trend["kpi"] == kpi) & trend["category"].isna()][["period", "locality", "value"]]
    order = {label: i for i, label in enumerate(in_time_order(rows["period"]))}
    return rows.iloc[rows["period"].map(order).argsort(kind="stable")].reset_index(drop=True)


def period_figures(
    card: pd.DataFrame, kpi: str, period_label: str, min_denominator: int = 5
) -> list[tuple[str, str]]:
    """One KPI's headline figure for the period and, when the card has it, over the 12 months to the
    period's end: [(label, text)], for the KPI detail page."""
    rows = card[(card["kpi"] == kpi) & card["category"].isna()]
    if rows.empty:
        return []
    r = rows.iloc[0]
    unit = str(r["unit"])
    out = [
        (period_label, kpi_value_text(r["value"], unit, r["numerator"], r["denominator"], min_denominator))
    ]
    if "twelve_denominator" in rows.columns and not (
        is_missing(r["twelve_value"]) and is_missing(r["twelve_numerator"])
    ):
        text = kpi_value_text(
            r["twelve_value"], unit, r["twelve_numerator"], r["twelve_denominator"], min_denominator
        )
        if unit == "percent" and " of " not in text:
            text += f" ({fraction_text(r['twelve_numerator'], r['twelve_denominator'], unit)})"
        out.append((f"12 months to the end of {period_label}", text))
    return out


def sparklines(trend: pd.DataFrame, locality: str | None) -> dict[str, list[float]]:
    """Every KPI's headline values over the quarters for one locality (None = all), in one pass."""
    heads = trend[trend["category"].isna()]
    rows = heads[heads["locality"].isna()] if locality is None else heads[heads["locality"] == locality]
    values = rows["value"].astype("float64")
    return {str(kpi): list(group.tolist()) for kpi, group in values.groupby(rows["kpi"], sort=False)}


RAG_ORDER = {"Red": 0, "Amber": 1, "Green": 2}


def kpis_that_matter(card: pd.DataFrame, limit: int = 6) -> list[str]:
    """The KPIs the executive's trend charts show: the rated ones (with a target), Red first, then Amber, then
    Green, then those with no rating this period, in catalogue order within each; at most `limit`.

    `card` is one period's scorecard (kpis_for): headline rows carry kpi, target and rag."""
    heads = card[card["category"].isna()]
    rated = heads[heads["target"].notna()]
    order = [
        (RAG_ORDER.get(rag, 3) if isinstance(rag, str) else 3, position, kpi)
        for position, (kpi, rag) in enumerate(zip(rated["kpi"], rated["rag"], strict=True))
    ]
    return [kpi for _, _, kpi in sorted(order)][:limit]
