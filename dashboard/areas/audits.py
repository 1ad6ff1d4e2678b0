"""Multi-agency audits: each audit of a period with its cases split by locality and grade, the grades of the
localities side by side, and the cases of one audit.

The figures follow the KPI definitions AU01-AU04 (queries/kpi/AU*.sql); an audit belongs to the period of
its audit date. Locality None means every case, a named locality only its own cases. The queries are
queries/areas/audits_*.sql, with the bound parameters $period_start, $period_end and $locality.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go

from dashboard.areas.training import whole_number_ticks
from dashboard.charts import stacked_bars
from dashboard.core.db import query_df
from dashboard.core.periods import Period
from dashboard.core.text import uk_date
from dashboard.ingest.contract import DATASETS

# Best first, as the contract lists them.
GRADES: tuple[str, ...] = next(d for d in DATASETS if d.name == "audits").column("overall_grade").choices

# A sequential scale from dark (Outstanding) to light (Inadequate): ColorBrewer YlGnBu, whose steps stay
# distinct with the common colour-vision deficiencies; the grade is also written on each bar's hover.
GRADE_COLOURS: dict[str, str] = dict(zip(GRADES, ("#253494", "#2C7FB8", "#41B6C4", "#A1DAB4"), strict=False))

_GRADE_COLUMNS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}

CASE_COLUMNS = {
    "case_ref": "Case",
    "locality": "Locality",
    "age_band": "Age band",
    "case_level": "Case level",
    "lead_agency": "Lead agency",
    "overall_grade": "Grade",
    "actions_raised": "Actions raised",
    "actions_completed": "Actions completed",
}


def _params(period: Period, locality: str | None) -> dict[str, Any]:
    return {"period_start": period.start, "period_end": period.end, "locality": locality}


def _order(names: Sequence[str], preferred: Sequence[str]) -> list[str]:
    present = list(dict.fromkeys(names))
    return [n for n in preferred if n in present] + [n for n in present if n not in preferred]


def audit_list(
    con: duckdb.DuckDBPyConnection, period: Period, locality: str | None, localities: Sequence[str] = ()
) -> pd.DataFrame:
    """One row per audit in the period: ID, title, date, cases, cases per locality (a column for each of
    `localities` when locality is None, else for the locality), cases per grade, % good or better,
    actions raised and completed, and the date reported to the Exec group."""
    params = _params(period, locality)
    audits = query_df(con, "areas/audits_list.sql", params)
    split = query_df(con, "areas/audits_cases_by_locality.sql", params)
    places = [locality] if locality else _order(split["locality"], localities)
    counts = {
        (a, loc): int(n)
        for a, loc, n in zip(split["audit_id"], split["locality"], split["cases"], strict=True)
    }
    # Every column built first, then one DataFrame: a national table has a column per locality (301).
    columns: dict[str, object] = {
        "Audit": audits["audit_id"],
        "Title": audits["audit_title"],
        "Date": audits["audit_date"],
        "Cases": audits["cases"].astype("int64"),
    }
    for place in places:
        columns[place] = [counts.get((a, place), 0) for a in audits["audit_id"]]
    for column, label in _GRADE_COLUMNS.items():
        columns[label] = audits[column].astype("int64")
    columns["Good or better (%)"] = audits["good_or_better_pct"].astype("Float64")
    columns["Actions raised"] = audits["actions_raised"].astype("Int64")
    columns["Actions completed"] = audits["actions_completed"].astype("Int64")
    columns["Exec report"] = audits["exec_report_date"]
    table = pd.DataFrame(columns)
    return table


def audit_choices(audits: pd.DataFrame) -> dict[str, str]:
    """Audit ID -> a label for a drop-down list: '13 November 2023: Step down ... (6 cases)'."""
    return {
        str(a): f"{uk_date(pd.Timestamp(d).date())}: {t} ({n} case{'' if n == 1 else 's'})"
        for a, t, d, n in zip(audits["Audit"], audits["Title"], audits["Date"], audits["Cases"], strict=True)
    }


def audit_cases(
    con: duckdb.DuckDBPyConnection, period: Period, locality: str | None, audit_id: str | None = None
) -> pd.DataFrame:
    """The cases of one audit (None = every audit in the period), in the locality, with the columns people
    read; every audit's cases also carry the audit's ID, title and date."""
    rows = query_df(con, "areas/audits_cases.sql", {**_params(period, locality), "audit_id": audit_id})
    cases = rows.rename(columns=CASE_COLUMNS)
    cases["Actions raised"] = cases["Actions raised"].astype("Int64")
    cases["Actions completed"] = cases["Actions completed"].astype("Int64")
    if audit_id is not None:
        return cases[list(CASE_COLUMNS.values())].reset_index(drop=True)
    cases = cases.rename(
        columns={"audit_id": "Audit", "audit_title": "Audit title", "audit_date": "Audit date"}
    )
    return cases[["Audit", "Audit title", "Audit date", *CASE_COLUMNS.values()]].reset_index(drop=True)


def grades_by_locality(
    con: duckdb.DuckDBPyConnection, period: Period, locality: str | None, localities: Sequence[str] = ()
) -> pd.DataFrame:
    """Cases by grade for each locality with audited cases: columns locality, grade, cases, share (% of the
    locality's cases). Every grade appears for every locality (0 when none); grades best first, localities
    in the order of `localities`."""
    rows = query_df(con, "areas/audits_grades_by_locality.sql", _params(period, locality))
    if rows.empty:
        return pd.DataFrame({"locality": [], "grade": [], "cases": [], "share": []}).astype(
            {"cases": "int64", "share": "float64"}
        )
    counts = {
        (loc, g): int(n)
        for loc, g, n in zip(rows["locality"], rows["overall_grade"], rows["cases"], strict=True)
    }
    places = _order(rows["locality"], localities)
    grades = [*GRADES, *(g for g in dict.fromkeys(rows["overall_grade"]) if g not in GRADES)]
    frame = pd.DataFrame(
        [{"locality": loc, "grade": g, "cases": counts.get((loc, g), 0)} for g in grades for loc in places]
    )
    totals = frame.groupby("locality")["cases"].transform("sum")
    frame["share"] = 100.0 * frame["cases"] / totals
    return frame


def grades_figure(
    frame: pd.DataFrame, period_label: str, colours: Mapping[str, str] = GRADE_COLOURS
) -> go.Figure:
    """Stacked bars: one bar per locality, stacked by grade from Outstanding (bottom) to Inadequate (top)."""
    fig = stacked_bars(
        frame,
        x="locality",
        y="cases",
        stack_by="grade",
        title=f"Audited cases by grade and locality, {period_label}",
        x_title="Locality",
        y_title="Cases audited (number)",
        colours=dict(colours),
    )
    for trace in fig.data:
        shares = frame.loc[frame["grade"] == trace.name, "share"]
        trace.update(
            text=[f"{n:,}" if n else "" for n in trace.y],
            customdata=shares.to_numpy(),
            hovertemplate="%{x}: %{y} " + str(trace.name) + " (%{customdata:.0f}%)<extra></extra>",
            marker_line_color="#FFFFFF",
            marker_line_width=1,
            textangle=0,
            constraintext="none",
            insidetextanchor="middle",
        )
    fig.update_layout(hovermode="closest", legend_traceorder="normal")
    return whole_number_ticks(fig, float(frame.groupby("locality")["cases"].sum().max()))
