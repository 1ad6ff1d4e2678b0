"""Training: sessions delivered by mode, fill, attendance and did-not-attend rates, confidence before and
after, attendance by agency, and the sessions themselves, for one period and locality.

The figures follow the KPI definitions TR01-TR06 (queries/kpi/TR*.sql): rates and confidence count
delivered sessions only. Locality None means every row, a named locality only its own rows, so Teeswide
sessions count under Teeswide and in the all-localities total, never twice. The queries are
queries/areas/training_*.sql, with the bound parameters $period_start, $period_end and $locality.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import ALL_COLOUR, ALL_LOCALITIES, FONT, bars_by_locality, new_figure
from dashboard.core.config import Settings
from dashboard.core.db import query_df
from dashboard.core.periods import Period
from dashboard.core.text import as_count
from dashboard.ingest.contract import DATASETS

DELIVERY_MODES: tuple[str, ...] = (
    next(d for d in DATASETS if d.name == "training_sessions").column("delivery_mode").choices
)

# The session list as people read it (and as the CSV download is written).
SESSION_COLUMNS = {
    "session_date": "Date",
    "session_id": "Session",
    "course_title": "Title",
    "theme": "Theme",
    "delivery_mode": "Mode",
    "locality": "Locality",
    "status": "Status",
    "places_offered": "Offered",
    "places_booked": "Booked",
    "attended": "Attended",
    "did_not_attend": "DNA",
    "pre_confidence_avg": "Pre",
    "post_confidence_avg": "Post",
}


def _params(period: Period, locality: str | None) -> dict[str, Any]:
    return {"period_start": period.start, "period_end": period.end, "locality": locality}


def _rate(numerator: int, denominator: int) -> float | None:
    return 100.0 * numerator / denominator if denominator else None


@dataclass(frozen=True)
class TrainingSummary:
    """The headline figures of one period and locality; a rate is None when its denominator is 0."""

    delivered: int
    cancelled: int
    fill_booked: int
    fill_offered: int
    attended: int
    booked: int
    did_not_attend: int
    dna_booked: int
    rated_sessions: int
    pre_confidence: float | None
    post_confidence: float | None
    elearning_completions: int = 0  # e-learning is recorded as completions by course and month, not sessions

    @property
    def has_sessions(self) -> bool:
        return self.delivered + self.cancelled + self.elearning_completions > 0

    @property
    def fill_rate(self) -> float | None:
        """TR02: places booked / places offered (%)."""
        return _rate(self.fill_booked, self.fill_offered)

    @property
    def attendance_rate(self) -> float | None:
        """TR03: attended / places booked (%)."""
        return _rate(self.attended, self.booked)

    @property
    def dna_rate(self) -> float | None:
        """TR04: did not attend / places booked (%)."""
        return _rate(self.did_not_attend, self.dna_booked)

    @property
    def uplift(self) -> float | None:
        """TR06: mean post minus mean pre confidence, over the sessions with both (points on 1 to 5)."""
        if self.pre_confidence is None or self.post_confidence is None:
            return None
        return self.post_confidence - self.pre_confidence


def _float(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def training_summary(con: duckdb.DuckDBPyConnection, period: Period, locality: str | None) -> TrainingSummary:
    row = query_df(con, "areas/training_summary.sql", _params(period, locality)).iloc[0]
    return _summary_from(row)


def training_summaries(
    con: duckdb.DuckDBPyConnection, period: Period, localities: Sequence[str | None]
) -> dict[str | None, TrainingSummary]:
    """training_summary for each of `localities` (None = all together) from one grouped query."""
    frame = query_df(
        con,
        "report/training_summaries.sql",
        {"period_start": period.start, "period_end": period.end},
    )
    rows = {None if bool(r["all_localities"]) else str(r["locality"]): r for _, r in frame.iterrows()}
    empty = pd.Series(dtype=object)
    return {name: _summary_from(rows[name]) if name in rows else _summary_from(empty) for name in localities}


def _summary_from(row: pd.Series) -> TrainingSummary:
    return TrainingSummary(
        delivered=as_count(row.get("delivered")),
        cancelled=as_count(row.get("cancelled")),
        fill_booked=as_count(row.get("fill_booked")),
        fill_offered=as_count(row.get("fill_offered")),
        attended=as_count(row.get("attended")),
        booked=as_count(row.get("booked")),
        did_not_attend=as_count(row.get("did_not_attend")),
        dna_booked=as_count(row.get("dna_booked")),
        rated_sessions=as_count(row.get("rated_sessions")),
        pre_confidence=_float(row.get("pre_confidence")),
        post_confidence=_float(row.get("post_confidence")),
        elearning_completions=as_count(row.get("elearning_completions")),
    )


# The columns of summary_table that hold rates and means (None when there is nothing to divide by).
SUMMARY_DECIMALS = (
    "Fill rate (%)",
    "Attendance rate (%)",
    "DNA rate (%)",
    "Confidence before",
    "Confidence after",
    "Uplift (points)",
)


def whole_number_ticks(fig: go.Figure, largest: float, axis: str = "y") -> go.Figure:
    """Counts: no 0.5 ticks on a short axis (Plotly's default for a maximum of 3)."""
    if largest <= 10:
        (fig.update_yaxes if axis == "y" else fig.update_xaxes)(tick0=0, dtick=1)
    return fig


def summary_table(summaries: Mapping[str, TrainingSummary]) -> pd.DataFrame:
    """One row per locality (name -> its summary, in the order given), for localities side by side."""
    return pd.DataFrame(
        {
            "Locality": list(summaries),
            "Delivered": [s.delivered for s in summaries.values()],
            "Cancelled": [s.cancelled for s in summaries.values()],
            "Fill rate (%)": [s.fill_rate for s in summaries.values()],
            "Attendance rate (%)": [s.attendance_rate for s in summaries.values()],
            "DNA rate (%)": [s.dna_rate for s in summaries.values()],
            "Confidence before": [s.pre_confidence for s in summaries.values()],
            "Confidence after": [s.post_confidence for s in summaries.values()],
            "Uplift (points)": [s.uplift for s in summaries.values()],
        }
    ).astype({c: "Float64" for c in SUMMARY_DECIMALS})


def _order(names: Sequence[str], preferred: Sequence[str]) -> list[str]:
    """`names` in the order of `preferred`, any others after them in their own order."""
    present = list(dict.fromkeys(names))
    return [n for n in preferred if n in present] + [n for n in present if n not in preferred]


def sessions_by_mode(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    locality: str | None,
    compare: bool = False,
    localities: Sequence[str] = (),
) -> pd.DataFrame:
    """Delivered sessions by delivery mode: columns locality, delivery_mode, sessions.

    A named locality (compare False): one row per mode for it. Otherwise (all localities, or localities
    compared, when the locality filter is not applied): one row per mode labelled "All localities" (every
    session once), then one row per locality and mode, localities in the order of `localities`. Missing
    combinations are 0; modes in the contract's order.
    """
    one_locality = locality if not compare else None
    rows = query_df(con, "areas/training_sessions_by_mode.sql", _params(period, one_locality))
    if rows.empty:
        return pd.DataFrame({"locality": [], "delivery_mode": [], "sessions": []}).astype(
            {"sessions": "int64"}
        )
    modes = _order(rows["delivery_mode"], DELIVERY_MODES)
    counts = {
        (loc if isinstance(loc, str) else ALL_LOCALITIES, m): int(n)
        for loc, m, n in zip(rows["locality"], rows["delivery_mode"], rows["sessions"], strict=True)
    }
    named = _order(rows["locality"].dropna(), localities)
    places = [one_locality] if one_locality else [ALL_LOCALITIES, *named]
    return pd.DataFrame(
        [
            {"locality": loc, "delivery_mode": m, "sessions": counts.get((loc, m), 0)}
            for loc in places
            for m in modes
        ]
    )


def attendance_by_agency(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    locality: str | None,
    compare: bool = False,
    localities: Sequence[str] = (),
) -> pd.DataFrame:
    """People attending delivered sessions by agency: columns locality, agency, attended, booked, sessions.

    Agencies with most attendees first. compare=False: one row per agency for the locality (labelled "All
    localities" when None); compare=True: one row per locality and agency, agencies ordered by their total.
    """
    rows = query_df(
        con, "areas/training_attendance_by_agency.sql", _params(period, None if compare else locality)
    )
    columns = ["locality", "agency", "attended", "booked", "sessions"]
    totals = rows[rows["locality"].isna()].sort_values(["attended", "agency"], ascending=[False, True])
    if not compare:
        return totals.assign(locality=locality or ALL_LOCALITIES)[columns].reset_index(drop=True)
    named = rows[rows["locality"].notna()]
    agency_rank = {a: i for i, a in enumerate(totals["agency"])}
    locality_rank = {loc: i for i, loc in enumerate(_order(named["locality"], localities))}
    ordered = named.assign(
        _agency=named["agency"].map(agency_rank), _locality=named["locality"].map(locality_rank)
    ).sort_values(["_agency", "_locality"])
    return ordered[columns].reset_index(drop=True)


def session_list(con: duckdb.DuckDBPyConnection, period: Period, locality: str | None) -> pd.DataFrame:
    """Every session of the period and locality, delivered or cancelled, with the columns people read."""
    rows = query_df(con, "areas/training_session_list.sql", _params(period, locality))
    return rows.rename(columns=SESSION_COLUMNS)[list(SESSION_COLUMNS.values())]


def sessions_by_mode_figure(frame: pd.DataFrame, colours: Mapping[str, str], period_label: str) -> go.Figure:
    """Grouped bars: delivery mode on the x-axis, one bar colour per locality."""
    fig = bars_by_locality(
        frame,
        x="delivery_mode",
        y="sessions",
        colour_by="locality",
        title=f"Training sessions delivered by delivery mode, {period_label}",
        x_title="Delivery mode",
        y_title="Sessions delivered (number)",
        colours=dict(colours),
    )
    return whole_number_ticks(fig, float(frame["sessions"].max()))


def attendance_by_agency_figure(
    frame: pd.DataFrame, colours: Mapping[str, str], period_label: str
) -> go.Figure:
    """Horizontal bars, the agency with most attendees at the top, one bar colour per locality."""
    fig = new_figure()
    agencies = list(dict.fromkeys(frame["agency"]))
    for name, rows in frame.groupby("locality", sort=False):
        fig.add_trace(
            go.Bar(
                y=rows["agency"],
                x=rows["attended"],
                orientation="h",
                name=str(name),
                marker_color=colours.get(str(name), ALL_COLOUR),
                text=rows["attended"],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}: %{x:,} attended<extra>" + str(name) + "</extra>",
            )
        )
    fig.update_layout(
        title=dict(text=f"People attending training by agency, {period_label}", x=0, xanchor="left"),
        font=FONT,
        barmode="group",
        height=max(320, 110 + 26 * len(agencies) * max(1, frame["locality"].nunique())),
        margin=dict(l=20, r=40, t=60, b=60),
        legend=dict(orientation="h", yanchor="top", y=-0.12, x=0),
        showlegend=frame["locality"].nunique() > 1,
    )
    fig.update_xaxes(title_text="People attending (number)", rangemode="tozero")
    fig.update_yaxes(
        title_text="Agency",
        type="category",
        categoryorder="array",
        categoryarray=agencies,
        autorange="reversed",
    )
    return whole_number_ticks(fig, float(frame["attended"].max()), axis="x")


def agencies_not_reached(
    con: duckdb.DuckDBPyConnection, period: Period, locality: str | None, settings: Settings
) -> list[str]:
    """The configured agencies (without "Other") with nobody attending a delivered session in the period:
    TR05's drill-down, the ones it does not reach."""
    from dashboard.kpis.drilldown import kpi_records

    rows = kpi_records(con, "TR05", period, locality, settings)
    return [
        str(a)
        for a, verdict in zip(rows["agency"], rows["counts_as"], strict=True)
        if verdict == "Not reached"
    ]
