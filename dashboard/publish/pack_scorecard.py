"""The KPI pack's Scorecard sheet: every KPI for all localities together and for each locality
(breakdowns such as delivery mode under them): value, target, RAG, numerator, denominator, the value a year
before and the change on it. Publishing, under the publication rule (dashboard/publish/suppression.py).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from dashboard.charts import ALL_LOCALITIES
from dashboard.core.config import Settings
from dashboard.core.periods import Period
from dashboard.core.text import format_count, format_value, is_missing, is_small_denominator
from dashboard.ingest.contract import DATASETS
from dashboard.kpis.catalogue import Kpi, compute_kpis, load_catalogue, with_target_overrides
from dashboard.kpis.commentary import commentary_for
from dashboard.kpis.signoff import current_signoff, revision_text, with_signoff
from dashboard.publish.pack_sheets import (
    CHANGE_FORMATS,
    COUNT_FORMAT,
    DECIMAL_FORMAT,
    VALUE_FORMATS,
    SheetTable,
    as_stored,
)
from dashboard.publish.report_commentary import commentary_text
from dashboard.publish.report_words import short_date
from dashboard.publish.suppression import (
    SUPPRESSED,
    commentary_is_published,
    is_published_row,
    publish_catalogue_rows,
)

_HEADLINE = "(headline)"
_ALL = "(all)"
Key = tuple[str, str | None, str | None]  # kpi, locality (None = all), category (None = headline)


def _number(value: Any) -> float | None:
    return None if is_missing(value) else float(value)


def _category_order() -> dict[str, int]:
    """Breakdowns (delivery modes, natures, outcomes) in the contract's order."""
    order: dict[str, int] = {}
    for dataset in DATASETS:
        for column in dataset.columns:
            for index, choice in enumerate(column.choices):
                order.setdefault(choice, index)
    return order


@dataclass
class _Published:
    """A period's KPI figures as they are shown: numbers, or "c" where hidden."""

    values: dict[tuple[Key, str], Any]
    any_secondary: bool = False

    def get(self, key: Key, name: str) -> Any:
        return self.values.get((key, name))


def _raw_figures(rows: pd.DataFrame) -> _Published:
    values: dict[tuple[Key, str], Any] = {}
    for r in rows.itertuples(index=False):
        key: Key = (str(r.kpi), _label(r.locality), _label(r.category))
        for name in ("value", "numerator", "denominator"):
            raw = getattr(r, name)
            values[key, name] = raw if isinstance(raw, str) and raw == SUPPRESSED else _number(raw)
    return _Published(values)


def _label(value: Any) -> str | None:
    return None if is_missing(value) else str(value)


def _whole(value: float | None) -> bool:
    return value is None or (math.isfinite(value) and value >= 0 and float(value).is_integer())


def _published_figures(
    rows: pd.DataFrame, catalogue: Mapping[str, Kpi], threshold: int, labels: Sequence[str]
) -> list[_Published]:
    """The figures of each period (`labels`) under the publication rule, applied to all of them at once so
    that the same count shown for two periods cannot give a hidden one away."""
    published = publish_catalogue_rows(rows, catalogue.values(), threshold)
    table = published.table
    return [
        _Published(_raw_figures(table[table["period"] == label]).values, published.any_secondary)
        for label in labels
    ]


def _small(unit: str, denominator: Any, minimum: int) -> bool:
    return not isinstance(denominator, str) and is_small_denominator(unit, denominator, minimum)


def _count_format(value: Any) -> str:
    return COUNT_FORMAT if not isinstance(value, float) or value.is_integer() else DECIMAL_FORMAT


def _change(value: Any, before: Any) -> Any:
    if value is None or before is None:
        return None
    if SUPPRESSED in (value, before):
        return SUPPRESSED
    return float(value) - float(before)


def scorecard_table(
    con: duckdb.DuckDBPyConnection, period: Period, settings: Settings, publish: bool = False
) -> tuple[SheetTable, bool]:
    """The Scorecard sheet's table, and whether any secondary suppression happened."""
    catalogue = with_target_overrides(con, load_catalogue())
    by_id = {k.id: k for k in catalogue}
    minimum = settings.min_denominator
    table = compute_kpis(con, [period, period.year_before], settings, catalogue)
    now_rows = table[table["period"] == period.label]
    before_rows = table[table["period"] == period.year_before.label]
    if publish:
        now, before = _published_figures(
            pd.concat([now_rows, before_rows], ignore_index=True),
            by_id,
            settings.suppression_threshold,
            [period.label, period.year_before.label],
        )
    else:
        now, before = _raw_figures(now_rows), _raw_figures(before_rows)
    rags = {
        (str(r.kpi), _label(r.locality)): r.rag
        for r in now_rows.itertuples(index=False)
        if is_missing(r.category) and isinstance(r.rag, str)
    }
    order = _category_order()
    revised = _revised(con, period, now_rows)
    comments = _comments(con, period, settings, by_id, publish)
    headers = [
        "KPI",
        "Title",
        "Area",
        "Locality",
        "Breakdown",
        "Value",
        "Target",
        "RAG",
        "Numerator",
        "Denominator",
        f"A year before ({period.year_before.label})",
        "Change on a year before",
        "Revision since sign-off",
        "Commentary",
    ]
    out = SheetTable(headers, rag_columns=("RAG",))
    for kpi in catalogue:
        keys = {k for k, _ in now.values if k[0] == kpi.id}
        for locality in (None, *settings.all_localities):
            categories = sorted(
                {k[2] for k in keys if k[1] == locality and k[2] is not None},
                key=lambda c: (order.get(c, len(order)), c),
            )
            for category in (None, *categories):
                key: Key = (kpi.id, locality, category)
                if publish and not is_published_row(kpi.publication, locality, category):
                    continue
                value = now.get(key, "value")
                year_before = before.get(key, "value")
                headline = category is None
                rag = rags.get((kpi.id, locality)) if headline else None
                if publish and value == SUPPRESSED and rag:
                    rag = SUPPRESSED  # a RAG status would tell how far a hidden value is from its target
                numerator, denominator = now.get(key, "numerator"), now.get(key, "denominator")
                value_format = VALUE_FORMATS[kpi.unit]
                target: Any = None
                if headline:
                    target = as_stored(kpi.target, kpi.unit) if kpi.has_target else "no target"
                shown_value: Any = as_stored(value, kpi.unit)
                change = _change(value, year_before)
                if _small(kpi.unit, denominator, minimum):  # "n of N": no RAG, no change in points
                    shown_value = f"{format_count(numerator)} of {format_count(denominator)}"
                    rag, change = None, None
                if _small(kpi.unit, before.get(key, "denominator"), minimum):
                    change = None
                out.rows.append(
                    [
                        (kpi.id, None),
                        (kpi.title, None),
                        (kpi.area, None),
                        (locality or ALL_LOCALITIES, None),
                        (category, None),
                        (shown_value, value_format),
                        (target, value_format),
                        (rag, None),
                        (numerator, _count_format(numerator)),
                        (denominator, _count_format(denominator)),
                        (as_stored(year_before, kpi.unit), value_format),
                        (change, CHANGE_FORMATS[kpi.unit]),
                        (_revision_text(revised.get(key), kpi.unit, value, publish), None),
                        (comments.get((kpi.id, locality)) if headline else None, None),
                    ]
                )
                if headline and locality is None:
                    out.bold_rows.add(len(out.rows) - 1)
    return out, now.any_secondary or before.any_secondary


def _revised(
    con: duckdb.DuckDBPyConnection, period: Period, rows: pd.DataFrame
) -> dict[Key, tuple[Any, datetime]]:
    """The figures of the period moved since it was signed off: key -> (signed-off value, when)."""
    if not period.is_quarter or current_signoff(con, period.label) is None:
        return {}
    marked = with_signoff(con, rows, period.label)
    return {
        (str(r.kpi), _label(r.locality), _label(r.category)): (r.signed_off_value, r.signed_off_at)
        for r in marked[marked["revised"]].itertuples(index=False)
    }


def _revision_text(found: tuple[Any, datetime] | None, unit: str, shown: Any, publish: bool) -> str | None:
    """'15, signed off 12 Jan 2024; now 16'; published, only that it was revised (the signed-off value might
    be one the publication rule would hide)."""
    if found is None:
        return None
    signed, signed_at = found
    if publish:
        return f"Revised since sign-off on {short_date(signed_at.date())}"
    live = "no value" if shown is None else format_value(shown, unit)
    before = "no value" if is_missing(signed) else format_value(signed, unit)
    return revision_text(live, before, signed_at)


def _comments(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    settings: Settings,
    by_id: Mapping[str, Kpi],
    publish: bool,
) -> dict[tuple[str, str | None], str]:
    """Each KPI's commentary for the quarter, by (kpi, locality); published, only the commentary on activity
    KPIs for the partnership as a whole (as in the report: report_commentary.py)."""
    if not period.is_quarter:
        return {}
    out: dict[tuple[str, str | None], str] = {}
    for locality in (None, *settings.all_localities):
        for _, row in commentary_for(con, period.label, locality).iterrows():
            kpi = str(row["kpi"])
            kind = by_id[kpi].publication if kpi in by_id else None
            if publish and not commentary_is_published(kind, locality):
                continue
            out[(kpi, locality)] = commentary_text(row)
    return out
