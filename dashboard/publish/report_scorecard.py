"""The report's KPI table: every KPI of the period with its target, RAG, numerator and denominator, the
value a year before and the change on it, and (a quarter) case-review rates over the 12 months to its end.
Publishing, as the publication rule shows them ("c" where hidden; case KPIs for the partnership as a whole
only).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.core.periods import TwelveMonths
from dashboard.core.text import (
    change_text,
    format_count,
    format_value,
    fraction_text,
    is_missing,
    is_small_denominator,
    kpi_value_text,
)
from dashboard.kpis.scorecard import CASE_REVIEW_RATES
from dashboard.publish.report_commentary import (
    commentary_cell,
    commentary_list,
    missing_commentary_sentence,
    revised_value,
    revisions_sentence,
    signoff_sentence,
)
from dashboard.publish.report_model import Block, ReportContext, Section, paragraph, rag_cell, table_of
from dashboard.publish.suppression import SUPPRESSED

TWELVE_MONTHS = "12 months"  # the column over the 12 months to the period's end (the legend says so)


def _scorecard_rows(
    ctx: ReportContext, table: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """The scorecard's rows of the period, of a year before and of the 12 months to the period's end (a
    quarter's): publishing, as the publication rule shows them ("c" where hidden; case KPIs for the
    partnership as a whole only, with no breakdown)."""
    shown = ctx.own_rows(table) if ctx.published is None else ctx.published

    def of(label: str) -> pd.DataFrame:
        return shown[shown["period"] == label].reset_index(drop=True)

    twelve = of(TwelveMonths(ctx.period).label) if ctx.period.is_quarter else None
    return of(ctx.period.label), of(ctx.period.year_before.label), twelve


def _is_c(value: Any) -> bool:
    return isinstance(value, str) and value == SUPPRESSED


def _kpi_value(ctx: ReportContext, row: pd.Series) -> tuple[str, bool]:
    """The value as written ("n of N" for a rate on a small denominator), and whether it is hidden for
    publication."""
    value = row["value"]
    if _is_c(value):
        return SUPPRESSED, True
    if _is_c(row["numerator"]) or _is_c(row["denominator"]):
        return format_value(value, str(row["unit"])), False
    minimum = ctx.settings.min_denominator
    return kpi_value_text(value, str(row["unit"]), row["numerator"], row["denominator"], minimum), False


def _small(ctx: ReportContext, row: pd.Series | None) -> bool:
    """A rate on a small denominator: no RAG, no change in points."""
    if row is None or _is_c(row["denominator"]):
        return False
    return is_small_denominator(str(row["unit"]), row["denominator"], ctx.settings.min_denominator)


def _fraction(numerator: Any, denominator: Any, unit: str = "percent") -> str:
    if _is_c(numerator) or _is_c(denominator):
        return " / ".join(SUPPRESSED if _is_c(n) else format_count(n) for n in (numerator, denominator))
    return fraction_text(numerator, denominator, unit)


def _twelve_months_text(ctx: ReportContext, row: pd.Series | None) -> str:
    if row is None or (not _is_c(row["denominator"]) and is_missing(row["denominator"])):
        return "–"
    value, _ = _kpi_value(ctx, row)
    fraction = _fraction(row["numerator"], row["denominator"], str(row["unit"]))
    return value if " of " in value else f"{value} ({fraction})"


def scorecard_section(ctx: ReportContext, table: pd.DataFrame) -> Section:
    """The scorecard section from the KPI rows of every period the report reads (compute_kpis over
    scorecard_periods)."""
    return _kpi_section(ctx, *_scorecard_rows(ctx, table))


def _kpi_section(
    ctx: ReportContext, card: pd.DataFrame, before: pd.DataFrame, twelve_rows: pd.DataFrame | None = None
) -> Section:
    """The KPI table. Case-review rates (a few reviews a quarter) are also read over the 12 months to the
    period's end, where the denominator is larger."""
    twelve = (
        None
        if twelve_rows is None or twelve_rows.empty
        else {
            (k, None if is_missing(c) else c): r
            for k, c, (_, r) in zip(
                twelve_rows["kpi"], twelve_rows["category"], twelve_rows.iterrows(), strict=True
            )
        }
    )
    previous = {
        (k, None if is_missing(c) else c): r
        for k, c, (_, r) in zip(before["kpi"], before["category"], before.iterrows(), strict=True)
    }
    rows: list[dict[str, Any]] = []
    classes: list[str] = []
    for _, r in card.iterrows():
        category = None if is_missing(r["category"]) else str(r["category"])
        then = previous.get((r["kpi"], category))
        value, hidden = _kpi_value(ctx, r)
        if then is not None:
            then_value, then_hidden = _kpi_value(ctx, then)
        else:
            then_value, then_hidden = "–", False
        if hidden or then_hidden:
            change = SUPPRESSED if then is not None else "–"
        elif _small(ctx, r) or _small(ctx, then):
            change = "–"
        else:
            change = change_text(r["value"], None if then is None else then["value"], str(r["unit"]))
        rows.append(
            {
                "KPI": "" if category else r["kpi"],
                "Title": category or r["title"],
                "Value": revised_value(ctx, r, value),
                "Target": ""
                if category
                else ("no target" if is_missing(r["target"]) else format_value(r["target"], str(r["unit"]))),
                "RAG": "–" if hidden or category or _small(ctx, r) else rag_cell(r["rag"]),
                "Numerator / denominator": _fraction(r["numerator"], r["denominator"], str(r["unit"])),
                ctx.period.year_before.label: then_value,
                "Change": change,
            }
        )
        if twelve is not None:
            rows[-1][TWELVE_MONTHS] = (
                _twelve_months_text(ctx, twelve.get((r["kpi"], category)))
                if r["kpi"] in CASE_REVIEW_RATES
                else ""
            )
        if ctx.commentary is not None:
            rows[-1]["Commentary"] = commentary_cell(ctx, r)
        classes.append("sub" if category else "")
    frame = pd.DataFrame(rows)
    legend = paragraph(
        "RAG: ✔ Green meets the target; ▲ Amber within the tolerance of it; ✖ Red beyond. Counts of "
        "notifications, reviews and sessions give context and have no target. Change is on the same "
        f"period a year before ({ctx.period.year_before.label}). A rate on fewer than "
        f"{ctx.settings.min_denominator} records is shown as 'n of N', with no RAG and no change."
        + (
            " Case-review rates are also shown over the 12 months to the period's end (12 months), where "
            "there are more reviews."
            if twelve is not None
            else ""
        ),
        "small",
    )
    body: list[Block] = [
        *paragraph(signoff_sentence(ctx)),
        *paragraph(revisions_sentence(ctx)),
        *paragraph(missing_commentary_sentence(ctx, card), "flag"),
        table_of(
            frame,
            f"Key performance indicators, {ctx.period.label}, {ctx.place}",
            numeric=[
                "Value",
                "Target",
                "Numerator / denominator",
                ctx.period.year_before.label,
                "Change",
                TWELVE_MONTHS,
            ],
            row_classes=classes,
        ),
        *legend,
    ]
    comments = commentary_list(ctx, card)
    if comments is not None:
        body.append(comments)
    if ctx.publish:
        body += paragraph(
            "Where a value is shown as c its RAG status is not shown either. Case figures (notifications, "
            "rapid reviews, LCSPRs and the grades of audited cases) are published for the partnership as "
            "a whole only, with no breakdown.",
            "small",
        )
    return Section("scorecard", "Key performance indicators", body)
