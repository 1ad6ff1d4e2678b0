"""The PMF group's commentary and the sign-off in the report: what the report says about who signed the
period off and when, which figures moved since, and each KPI's commentary (what is behind the figure, the
action, its owner and when it is looked at again).

What a published report carries (the commentary is the PMF group's own, written for the group):

* the commentary on **activity** KPIs (training, the action plan, the audits' samples) for the partnership
  as a whole, in the report of all localities: it is about the workforce, published in full like the figures;
* never the commentary on **case** KPIs (notifications, reviews, audited cases' grades: it may describe a
  case), nor a locality's commentary; the notes say it was left out;
* the sign-off date, never the name of who signed off; a revised figure is marked "revised since sign-off
  on 12 Jan 2024", without the signed-off value (which the publication rule might have hidden).
"""

from __future__ import annotations

import pandas as pd

from dashboard.core.text import as_date, format_value, is_missing, plural
from dashboard.kpis.catalogue import CASE, load_catalogue
from dashboard.kpis.commentary import commentary_for, red_without_commentary
from dashboard.kpis.signoff import current_signoff, revision_text, with_signoff
from dashboard.publish.report_model import ReportContext, UpdateItem, UpdateList
from dashboard.publish.report_words import short_date
from dashboard.publish.suppression import SUPPRESSED, commentary_is_published, is_published_row

NO_COMMENTARY = "No commentary yet"
NOT_SIGNED_OFF = "Not yet signed off: figures may change."


def _text(value: object) -> str:
    return "" if value is None or is_missing(value) else str(value).strip()


def load_review(ctx: ReportContext, table: pd.DataFrame) -> None:
    """Fill the context's sign-off, the commentary the report may show and the figures revised since
    sign-off (from the live figures of the report's place, `table` as compute_kpis gives it)."""
    if not ctx.period.is_quarter:  # quarters are signed off and commented on, not years
        ctx.commentary = None
        return
    label = ctx.period.label
    ctx.signoff = current_signoff(ctx.con, label)
    comments = commentary_for(ctx.con, label, ctx.locality)
    if ctx.publish:
        kinds = {k.id: k.publication for k in load_catalogue()}
        keep = [commentary_is_published(kinds.get(str(k)), ctx.locality) for k in comments["kpi"]]
        if not all(keep):
            ctx.left_out.append("the PMF group's commentary on case figures and on each locality")
        comments = comments[keep]
    ctx.commentary = comments.reset_index(drop=True)
    if ctx.signoff is None:
        return
    own = ctx.own_rows(table)
    marked = with_signoff(ctx.con, own[own["period"] == label], label)
    kinds = {k.id: k.publication for k in load_catalogue()}
    for _, r in marked[marked["revised"]].iterrows():
        category = None if is_missing(r["category"]) else str(r["category"])
        if ctx.publish and not _shown_in_full(ctx, str(r["kpi"]), r["locality"], category, kinds):
            continue  # a figure the publication withholds or hides says nothing of its sign-off either
        ctx.revised[(str(r["kpi"]), category)] = (r["signed_off_value"], ctx.signoff.signed_off_at)


def _shown_in_full(
    ctx: ReportContext, kpi: str, locality: object, category: str | None, kinds: dict[str, str]
) -> bool:
    """Publishing: whether the row is published and none of its figures is hidden ("c")."""
    if not is_published_row(kinds.get(kpi, CASE), locality, category):
        return False
    if ctx.published is None:
        return True
    rows = ctx.published[ctx.published["kpi"] == kpi]  # the report's own place already
    rows = rows[rows["category"].isna()] if category is None else rows[rows["category"] == category]
    rows = rows[rows["period"] == ctx.period.label]
    return not rows.empty and not (rows[["numerator", "denominator", "value"]] == SUPPRESSED).to_numpy().any()


def signoff_sentence(ctx: ReportContext) -> str:
    """'Signed off on 12 Jan 2024 by alice.' (published: without the name), 'Not yet signed off: figures may
    change.', or for a year, that its quarters are signed off."""
    if not ctx.period.is_quarter:
        return "Figures for a year are not signed off; each of its quarters is."
    if ctx.signoff is None:
        return NOT_SIGNED_OFF
    day = short_date(ctx.signoff.signed_off_at.date())
    if ctx.publish:
        return f"Signed off on {day}."
    return f"Signed off on {day} by {ctx.signoff.signed_off_by}."


def revisions_sentence(ctx: ReportContext) -> str | None:
    """How many figures moved since sign-off, or None when none did (or it is not signed off)."""
    if ctx.signoff is None:
        return None
    n = len(ctx.revised)
    if n == 0:
        return "No figure has changed since sign-off."
    has = "has" if n == 1 else "have"
    if ctx.publish:
        return (
            f"{plural(n, 'figure')} {has} changed since sign-off (a late upload): each is marked as revised."
        )
    return (
        f"{plural(n, 'figure')} {has} changed since sign-off (a late upload): each is shown as its signed-off "
        "value and its value now."
    )


def revised_value(ctx: ReportContext, row: pd.Series, shown: str) -> str:
    """The value cell of a scorecard row: as shown, or its revision ('15, signed off 12 Jan 2024; now 16')."""
    category = None if is_missing(row["category"]) else str(row["category"])
    found = ctx.revised.get((str(row["kpi"]), category))
    if found is None:
        return shown
    signed, signed_at = found
    if ctx.publish:
        return f"{shown} (revised since sign-off on {short_date(signed_at.date())})"
    unit = str(row["unit"])
    live = format_value(row["value"], unit) if not is_missing(row["value"]) else "no value"
    before = format_value(signed, unit) if not is_missing(signed) else "no value"
    return revision_text(live, before, signed_at)


def commentary_of(ctx: ReportContext, kpi: str) -> pd.Series | None:
    if ctx.commentary is None or ctx.commentary.empty:
        return None
    rows = ctx.commentary[ctx.commentary["kpi"] == kpi]
    return None if rows.empty else rows.iloc[0]


def _ended(text: str) -> str:
    return text if not text or text[-1] in ".!?" else text + "."


def commentary_text(row: pd.Series) -> str:
    """'Two reviews ran late over Christmas. Action: ... Owner: Business manager. Review date: 12 Jan 2024.'"""
    parts = [_ended(_text(row["commentary"]))]
    if _text(row["action"]):
        parts.append(f"Action: {_ended(_text(row['action']))}")
    if _text(row["owner"]):
        parts.append(f"Owner: {_ended(_text(row['owner']))}")
    day = as_date(row["review_date"])
    if day is not None:
        parts.append(f"Review date: {short_date(day)}.")
    return " ".join(p for p in parts if p)


def commentary_item(
    ctx: ReportContext, kpi: str, title: str, flag_missing: bool = False
) -> UpdateItem | None:
    """A KPI's commentary as a list item led by the KPI; with `flag_missing`, a KPI with none says so."""
    row = commentary_of(ctx, kpi)
    if row is None:
        if not flag_missing:
            return None
        return UpdateItem("", lead=f"{kpi} {title}", note=NO_COMMENTARY, flag=True)
    return UpdateItem(commentary_text(row), lead=f"{kpi} {title}")


def commentary_list(ctx: ReportContext, card: pd.DataFrame) -> UpdateList | None:
    """The commentary of every KPI of the scorecard that has one, in the scorecard's order."""
    heads = card[card["category"].isna()]
    items = [commentary_item(ctx, str(k), str(t)) for k, t in zip(heads["kpi"], heads["title"], strict=True)]
    shown = [i for i in items if i is not None]
    return UpdateList("Commentary", shown) if shown else None


def commentary_cell(ctx: ReportContext, row: pd.Series) -> str:
    """The scorecard's Commentary column: 'Yes' (it is below the table), 'None yet' for a Red KPI with none."""
    if not is_missing(row["category"]):
        return ""
    if commentary_of(ctx, str(row["kpi"])) is not None:
        return "Yes"
    return "None yet" if row["rag"] == "Red" and not ctx.publish else ""


def missing_commentary_sentence(ctx: ReportContext, card: pd.DataFrame) -> str | None:
    """'3 Red KPIs have no commentary yet.' (internal reports of a quarter only)."""
    if ctx.publish or ctx.commentary is None:
        return None
    missing = red_without_commentary(card, ctx.commentary)
    if not missing:
        return None
    n = len(missing)
    return f"{plural(n, 'Red KPI')} {'has' if n == 1 else 'have'} no commentary yet: {', '.join(missing)}."
