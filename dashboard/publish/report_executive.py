"""The executive report's opening sections: what needs attention first.

1. **What needs attention**: the Red and Amber KPIs of the period (Red first), each with its commentary, or
   flagged "No commentary yet".
2. **Revisions since sign-off**: the figures a late upload moved since the period was signed off, each with
   its signed-off value and its value now; or that it is not signed off, or that nothing moved.
3. **Trends**: the trend chart of each Red and Amber KPI over the quarters to the period's end (the KPI page's
   chart, dashboard.charts.kpi_trend), with its values as a table for a document that cannot draw it.
4. **Partnership updates in brief**: how many updates each section holds, with their titles.

Then report.py adds the full scorecard and the notes. Publication applies as everywhere: the KPI rows under
the publication rule (a hidden value has no RAG, so it is not listed); a case KPI's trend is left out (its
quarterly counts are small and its lines split by locality); commentary as report_commentary.py says.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.charts import ALL_LOCALITIES, MAX_CHARTED_LOCALITIES, kpi_trend, locality_colours
from dashboard.core.db import data_quarters
from dashboard.core.text import format_value, is_missing
from dashboard.kpis.catalogue import ACTIVITY, compute_kpis, load_catalogue, with_target_overrides
from dashboard.kpis.scorecard import headline_trend
from dashboard.publish.report_commentary import commentary_item, signoff_sentence
from dashboard.publish.report_cycle import (
    COMMUNICATION,
    EVENT,
    OTHER,
    PROCEDURE,
    TRAINING_PROGRAMME,
    WORK_STREAM,
    priority_of,
)
from dashboard.publish.report_model import (
    Block,
    ReportContext,
    Section,
    UpdateItem,
    UpdateList,
    paragraph,
    rag_cell,
    table_of,
)
from dashboard.publish.report_words import join_words, short_date
from dashboard.publish.suppression import SUPPRESSED

ATTENTION_RAGS = ("Red", "Amber")
TREND_QUARTERS = 8  # the trend charts show up to two years of quarters to the period's end


def _attention_rows(ctx: ReportContext, card: pd.DataFrame) -> pd.DataFrame:
    """The headline rows rated Red or Amber (as published, when publishing), Red first, in catalogue order."""
    shown = card if ctx.published is None else ctx.published[ctx.published["period"] == ctx.period.label]
    heads = shown[shown["category"].isna()]
    rated = heads[heads["rag"].isin(ATTENTION_RAGS) & ~heads["value"].map(lambda v: v == SUPPRESSED)]
    order = {rag: i for i, rag in enumerate(ATTENTION_RAGS)}
    return rated.sort_values("rag", key=lambda r: r.map(order), kind="stable").reset_index(drop=True)


def _value_text(row: pd.Series) -> str:
    return format_value(row["value"], str(row["unit"]))


def attention_section(ctx: ReportContext, card: pd.DataFrame) -> Section:
    rows = _attention_rows(ctx, card)
    reds = int((rows["rag"] == "Red").sum())
    ambers = len(rows) - reds
    body: list[Block] = [*paragraph(signoff_sentence(ctx))]
    if rows.empty:
        body += paragraph(f"No KPI is Red or Amber in {ctx.period.label} ({ctx.place}).")
        return Section("attention", "What needs attention", body)
    body += paragraph(
        f"In {ctx.period.label} ({ctx.place}) {reds} KPI{'' if reds == 1 else 's'} "
        f"{'is' if reds == 1 else 'are'} Red and {ambers} Amber."
    )
    frame = pd.DataFrame(
        {
            "KPI": rows["kpi"],
            "Title": rows["title"],
            "Value": [_value_text(r) for _, r in rows.iterrows()],
            "Target": [
                "no target" if is_missing(t) else format_value(t, str(u))
                for t, u in zip(rows["target"], rows["unit"], strict=True)
            ],
            "RAG": [rag_cell(r) for r in rows["rag"]],
        }
    )
    body.append(
        table_of(frame, f"Red and Amber KPIs, {ctx.period.label}, {ctx.place}", numeric=["Value", "Target"])
    )
    if ctx.commentary is not None:
        items = [
            commentary_item(ctx, str(k), str(t), flag_missing=not ctx.publish)
            for k, t in zip(rows["kpi"], rows["title"], strict=True)
        ]
        shown = [i for i in items if i is not None]
        missing = sum(1 for i in shown if i.flag)
        if missing:
            body += paragraph(
                f"{missing} of these KPIs {'has' if missing == 1 else 'have'} no commentary yet.", "flag"
            )
        if shown:
            body.append(UpdateList("Commentary", shown))
    return Section("attention", "What needs attention", body)


def revisions_section(ctx: ReportContext, card: pd.DataFrame) -> Section:
    """The headline figures moved since sign-off: signed-off value and value now (published: which KPIs
    only, as the signed-off value may be one the publication rule would hide)."""
    title = "Revisions since sign-off"
    body: list[Block] = [*paragraph(signoff_sentence(ctx))]
    if ctx.signoff is None:
        return Section("revisions", title, body)
    heads = card[card["category"].isna()]
    moved = [
        (r, ctx.revised[(str(r["kpi"]), None)])
        for _, r in heads.iterrows()
        if (str(r["kpi"]), None) in ctx.revised
    ]
    if ctx.publish:
        kinds = {k.id: k.publication for k in load_catalogue()}
        moved = [(r, f) for r, f in moved if ctx.locality is None or kinds.get(str(r["kpi"])) == ACTIVITY]
    if not moved:
        body += paragraph("No headline figure has changed since sign-off.")
        return Section("revisions", title, body)
    day = short_date(ctx.signoff.signed_off_at.date())
    noun = "figure has" if len(moved) == 1 else "figures have"
    body += paragraph(f"{len(moved)} headline {noun} changed since sign-off, after a late upload.")
    records: dict[str, list[Any]] = {
        "KPI": [r["kpi"] for r, _ in moved],
        "Title": [r["title"] for r, _ in moved],
    }
    if not ctx.publish:
        records[f"Signed off {day}"] = [
            "no value" if is_missing(signed) else format_value(signed, str(r["unit"]))
            for r, (signed, _) in moved
        ]
        records["Now"] = [
            "no value" if is_missing(r["value"]) else format_value(r["value"], str(r["unit"]))
            for r, _ in moved
        ]
    body.append(table_of(pd.DataFrame(records), f"Figures revised since sign-off on {day}, {ctx.place}"))
    return Section("revisions", title, body)


def _trend_quarters(ctx: ReportContext) -> list[Any]:
    held = [q for q in data_quarters(ctx.con) if q.end <= ctx.period.end]
    return held[-TREND_QUARTERS:] or ctx.period.quarters()


def trends_section(ctx: ReportContext, card: pd.DataFrame) -> Section:
    """A trend chart for each Red and Amber KPI, over the quarters to the period's end."""
    rows = _attention_rows(ctx, card)
    catalogue = {k.id: k for k in with_target_overrides(ctx.con, load_catalogue())}
    kpis = [catalogue[str(k)] for k in rows["kpi"] if str(k) in catalogue]
    if ctx.publish:
        left = [k for k in kpis if k.publication != ACTIVITY]
        if left:
            ctx.left_out.append("the trends of case figures")
        kpis = [k for k in kpis if k.publication == ACTIVITY]
    if not kpis:
        return Section("trends", "Trends", paragraph("No Red or Amber KPI to chart."))
    quarters = _trend_quarters(ctx)
    trend = compute_kpis(ctx.con, quarters, ctx.settings, kpis)
    localities = (
        [ctx.locality] if ctx.locality else list(ctx.settings.all_localities)[:MAX_CHARTED_LOCALITIES]
    )
    colours = locality_colours(ctx.settings.all_localities)
    body: list[Block] = []
    for kpi in kpis:
        series = headline_trend(trend, kpi.id)
        series = series[series["locality"].isna() | series["locality"].isin(localities)]
        figure = kpi_trend(series, kpi, localities, colours, kpi.tolerance_amount(ctx.settings))
        values = _trend_table(series, kpi.unit, [q.label for q in quarters], localities, kpi.id)
        body.append(ctx.charts.figure(figure, f"{kpi.id} {kpi.title}, by quarter.", values=values))
    return Section("trends", "Trends", body)


def _trend_table(
    series: pd.DataFrame, unit: str, quarters: list[str], localities: list[str], kpi: str
) -> Any:
    """The chart's values: one row per quarter, one column per line."""
    names: list[str | None] = [None, *localities]
    data: dict[str, list[str]] = {"Quarter": quarters}
    for name in names:
        mine = series[series["locality"].isna()] if name is None else series[series["locality"] == name]
        by_quarter = dict(zip(mine["period"], mine["value"], strict=True))
        data[name or ALL_LOCALITIES] = [
            "–" if is_missing(by_quarter.get(q)) else format_value(by_quarter[q], unit) for q in quarters
        ]
    return table_of(pd.DataFrame(data), f"{kpi} by quarter", numeric=[n or ALL_LOCALITIES for n in names])


SUMMARY_SECTIONS = (
    (WORK_STREAM, "Work streams and priorities"),
    (TRAINING_PROGRAMME, "Training programme"),
    (EVENT, "Events and conferences"),
    (PROCEDURE, "Procedures reviewed"),
    (COMMUNICATION, "Communications"),
    (OTHER, "Other updates"),
)


def updates_summary_section(ctx: ReportContext, updates: pd.DataFrame) -> Section:
    """How many updates each section holds, with their titles (and a work stream's status)."""
    items = []
    for section, name in SUMMARY_SECTIONS:
        rows = updates[updates["section"] == section]
        if rows.empty:
            continue
        titles: dict[str, str] = {}
        for _, r in rows.iterrows():
            title = str(r["title"])
            if section == WORK_STREAM and priority_of(r["priority"]):
                title = f"{priority_of(r['priority'])}: {title}"
            status = "" if is_missing(r["status"]) else str(r["status"])
            titles[title] = status or titles.get(title, "")
        listed = [f"{t} ({s})" if s else t for t, s in titles.items()]
        n = len(rows)
        items.append(UpdateItem(f"{n} update{'' if n == 1 else 's'}: {join_words(listed)}.", lead=name))
    if not items:
        return Section(
            "updates-summary", "Partnership updates in brief", paragraph("No updates recorded this quarter.")
        )
    return Section(
        "updates-summary",
        "Partnership updates in brief",
        [UpdateList("", items), *paragraph("The quarterly report sets each update out in full.", "small")],
    )


def executive_sections(ctx: ReportContext, card: pd.DataFrame, updates: pd.DataFrame) -> list[Section]:
    return [
        attention_section(ctx, card),
        revisions_section(ctx, card),
        trends_section(ctx, card),
        updates_summary_section(ctx, updates),
    ]
