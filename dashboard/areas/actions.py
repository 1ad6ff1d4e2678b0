"""The combined learning action plan as at a date: each action's RAG (domain.md), counts, filters and the
open actions by lead agency, for the Action plan page. The SQL (queries/areas/actions_as_at.sql) decides
open and overdue exactly as AP02 and AP03 do.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import RAG_COLOURS, _layout, new_figure
from dashboard.core.db import query_df
from dashboard.core.readable import each_value
from dashboard.core.text import as_date, is_missing, plural, rag_label, uk_date

# Most urgent first: the order of metrics, chart stacks and the legend.
RAG_ORDER = ("Red", "Amber", "Green", "Blue")
RAG_MEANING = {
    "Red": "open, past its target date",
    "Amber": "open, due soon or reported at risk",
    "Green": "open, on track",
    "Blue": "complete",
}
# Streamlit's markdown colours closest to each RAG colour (the symbol and word carry the meaning).
_MARKDOWN_COLOURS = {"Red": "red", "Amber": "orange", "Green": "green", "Blue": "blue"}
COMPLETED_LATER = "Open (completed later)"


def rag_markdown(rag: str) -> str:
    """'✖ Red' coloured for a Streamlit label: ':red[✖ Red]'."""
    return f":{_MARKDOWN_COLOURS[rag]}[{rag_label(rag)}]"


def as_at_date(period_end: date, today: date | None = None) -> date:
    """The plan is shown as at the period's last day, or today if that is earlier."""
    return min(period_end, today or date.today())


def action_plan(
    con: duckdb.DuckDBPyConnection, as_at: date, locality: str | None, due_soon_days: int
) -> pd.DataFrame:
    """Every action agreed by `as_at` (locality None = all), with is_open, rag and days_overdue; overdue
    first (most overdue first), then open actions by target date, then completed ones."""
    return query_df(
        con,
        "areas/actions_as_at.sql",
        {"as_at": as_at, "locality": locality, "due_soon_days": due_soon_days},
    )


def filter_options(plan: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The lead agencies and source types present in the plan, sorted, for the page's multiselects."""
    return sorted(plan["lead_agency"].dropna().unique()), sorted(plan["source_type"].dropna().unique())


def filter_plan(
    plan: pd.DataFrame, agencies: Iterable[str] = (), source_types: Iterable[str] = ()
) -> pd.DataFrame:
    """The actions led by any of `agencies` and from any of `source_types`; an empty choice keeps all."""
    keep = pd.Series(True, index=plan.index)
    agencies, source_types = list(agencies), list(source_types)
    if agencies:
        keep &= plan["lead_agency"].isin(agencies)
    if source_types:
        keep &= plan["source_type"].isin(source_types)
    return plan[keep].reset_index(drop=True)


def rag_counts(plan: pd.DataFrame) -> dict[str, int]:
    """Actions by RAG, every RAG present (zero when none), most urgent first."""
    counts = plan["rag"].value_counts()
    return {rag: int(counts.get(rag, 0)) for rag in RAG_ORDER}


def open_by_agency(plan: pd.DataFrame) -> pd.DataFrame:
    """Open actions counted by lead agency and RAG: columns lead_agency, rag, actions (no zero rows)."""
    open_rows = plan[plan["is_open"].astype(bool)]
    counts = open_rows.groupby(["lead_agency", "rag"], sort=False).size().rename("actions").reset_index()
    counts["rag_order"] = counts["rag"].map({rag: i for i, rag in enumerate(RAG_ORDER)})
    return counts.sort_values(["rag_order", "lead_agency"]).drop(columns="rag_order").reset_index(drop=True)


def _status_then(row: Any) -> str:
    """The status on the as-at date: a later completion does not count yet."""
    if not row["is_open"]:
        return "Complete"
    return COMPLETED_LATER if row["status"] == "Complete" else str(row["status"])


def _uk_date(value: object) -> str:
    return uk_date(as_date(value))


def plan_table(plan: pd.DataFrame) -> pd.DataFrame:
    """The plan for people: RAG as symbol and word, UK dates, days overdue; in the plan's order."""
    return pd.DataFrame(
        {
            "RAG": each_value(plan["rag"], rag_label),
            "Days overdue": ["" if is_missing(d) else plural(int(d), "day") for d in plan["days_overdue"]],
            "Action ID": plan["action_id"],
            "Action": plan["action"],
            "Lead agency": plan["lead_agency"],
            "Locality": plan["locality"],
            "Source": [
                f"{t} {'' if is_missing(ref) else ref}".strip()
                for t, ref in zip(plan["source_type"], plan["source_ref"], strict=True)
            ],
            "Agreed": each_value(plan["date_agreed"], _uk_date),
            "Target date": each_value(plan["target_date"], _uk_date),
            "Status then": [
                _status_then({"is_open": o, "status": st})
                for o, st in zip(plan["is_open"], plan["status"], strict=True)
            ],
            "Completed": each_value(plan["completed_date"], _uk_date),
        }
    )


def open_by_agency_figure(counts: pd.DataFrame, as_at: date) -> go.Figure:
    """Horizontal stacked bars: open actions per lead agency, stacked Red, Amber, Green."""
    fig = new_figure()
    totals = counts.groupby("lead_agency")["actions"].sum().sort_values(kind="stable")
    agencies = list(totals.index)  # fewest at the bottom, most at the top
    for rag in RAG_ORDER:
        rows = counts[counts["rag"] == rag].set_index("lead_agency").reindex(agencies)
        if rows["actions"].isna().all():
            continue
        values = rows["actions"].astype("Float64")
        fig.add_trace(
            go.Bar(
                y=agencies,
                x=values,
                name=rag_label(rag),
                orientation="h",
                marker_color=RAG_COLOURS[rag],
                text=[
                    rag_label(rag).split(" ")[0] + f" {int(v)}" if not is_missing(v) else "" for v in values
                ],
                textposition="inside",
                insidetextanchor="middle",
                hovertemplate="%{y}: %{x} " + rag_label(rag) + "<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    _layout(
        fig, f"Open actions by lead agency as at {uk_date(as_at)}", "Lead agency", "Open actions (number)"
    )
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=agencies, rangemode="normal")
    if totals.max() <= 10:  # whole numbers only on a short axis
        fig.update_xaxes(dtick=1)
    fig.update_layout(
        hovermode="closest",
        height=180 + 38 * len(agencies),
        legend=dict(
            orientation="h", yanchor="top", y=-0.25 if len(agencies) > 3 else -0.5, x=0, traceorder="normal"
        ),
        margin=dict(l=220, r=20, t=60, b=40),
    )
    return fig
