"""What the pages show, built once per (database path, data version, filters) and kept for later reruns.

state.py and the area caches keep query and KPI results; this module keeps what the pages make of them: the
display tables, the Plotly figures and the sparklines. A warm rerun then only looks these up and hands them
to Streamlit. They are kept as the objects themselves (st.cache_resource: no pickled copy to rebuild on each
hit), so callers must treat them as read-only: the pages only pass them to st.dataframe, st.plotly_chart and
the CSV download, none of which changes them. An upload, undo or target change gives a new data version, so
nothing stale is ever looked up (refresh_after_change clears these too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts
from dashboard.app import area_cache, area_cache_reviews, state
from dashboard.areas import actions, reviews
from dashboard.areas.audits import grades_figure
from dashboard.areas.training import agencies_not_reached as agencies_missing
from dashboard.areas.training import attendance_by_agency_figure, sessions_by_mode_figure, summary_table
from dashboard.charts import ALL_LOCALITIES, MAX_CHARTED_LOCALITIES
from dashboard.core.periods import parse_period
from dashboard.kpis.headlines import headline_sentences
from dashboard.kpis.scorecard import (
    CASE_REVIEW_RATES,
    comparison_table,
    headline_trend,
    kpi_history,
    scorecard_table,
)
from dashboard.kpis.scorecard import period_figures as scorecard_figures


def _localities() -> tuple[str, ...]:
    return state.app_settings().all_localities


def _all_quarters(path: str, version: str) -> tuple[str, ...]:
    return tuple(state.quarters(path, version))


def charted_localities(locality: str | None) -> tuple[str, ...]:
    """The localities drawn one by one in a chart: every one when there are few, else only the chosen one."""
    names = _localities()
    if len(names) <= MAX_CHARTED_LOCALITIES:
        return names
    return (locality,) if locality else ()


def few_localities() -> bool:
    return len(_localities()) <= MAX_CHARTED_LOCALITIES


# Overview ------------------------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=256)
def scorecard(
    path: str, version: str, period: str, locality: str | None, every_twelve_months: bool = False
) -> pd.DataFrame:
    """The overview's scorecard table, sparklines included; the case-review rates (or, asked, every KPI)
    also over the 12 months to the period's end."""
    card = state.scorecard(path, version, period, locality)
    trend = state.trend(path, version, _all_quarters(path, version))
    chosen = tuple(card["kpi"].unique()) if every_twelve_months else CASE_REVIEW_RATES
    return scorecard_table(card, trend, locality, state.app_settings().min_denominator, chosen)


@st.cache_resource(show_spinner=False, max_entries=256)
def headlines(path: str, version: str, period: str, locality: str | None, span: str) -> tuple[str, ...]:
    return tuple(headline_sentences(state.scorecard(path, version, period, locality), span))


@st.cache_resource(show_spinner=False, max_entries=16)
def comparison(path: str, version: str, period: str) -> pd.DataFrame:
    """Every locality's scorecard side by side."""
    names = _localities()
    cards = {name: state.scorecard(path, version, period, name) for name in names}
    return comparison_table(cards, names, state.app_settings().min_denominator)


# KPI detail ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendChart:
    figure: go.Figure | None  # None: no value in any quarter
    localities: tuple[str, ...]  # drawn besides "All localities"


@st.cache_resource(show_spinner=False, max_entries=128)
def kpi_trend(path: str, version: str, kpi_id: str, locality: str | None) -> TrendChart:
    cfg = state.app_settings()
    kpi = {k.id: k for k in state.catalogue(path, version)}[kpi_id]
    series = headline_trend(state.trend(path, version, _all_quarters(path, version)), kpi_id)
    shown = charted_localities(locality)
    if not series["value"].notna().any():
        return TrendChart(None, shown)
    series = series[series["locality"].isna() | series["locality"].isin(shown)]
    colours = charts.locality_colours(cfg.all_localities)
    figure = charts.kpi_trend(series, kpi, list(shown), colours, kpi.tolerance_amount(cfg))
    return TrendChart(figure, shown)


@st.cache_resource(show_spinner=False, max_entries=128)
def period_figures(
    path: str, version: str, kpi_id: str, period: str, locality: str | None
) -> tuple[tuple[str, str], ...]:
    card = state.scorecard(path, version, period, locality)
    return tuple(scorecard_figures(card, kpi_id, period, state.app_settings().min_denominator))


@st.cache_resource(show_spinner=False, max_entries=128)
def history(path: str, version: str, kpi_id: str, locality: str | None, compare: bool) -> pd.DataFrame:
    shown: list[str | None] = [None, *_localities()] if compare else [locality]
    return kpi_history(
        state.trend(path, version, _all_quarters(path, version)),
        kpi_id,
        shown,
        state.app_settings().min_denominator,
    )


@st.cache_resource(show_spinner=False, max_entries=128)
def records(path: str, version: str, kpi_id: str, period: str, locality: str | None) -> pd.DataFrame:
    return state.records(path, version, kpi_id, period, locality)


# Training ------------------------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=32)
def training_comparison(path: str, version: str, period: str) -> pd.DataFrame | None:
    """Localities side by side (None when the period has no session)."""
    summaries = {
        ALL_LOCALITIES: area_cache.training_summary(path, version, period, None),
        **{name: area_cache.training_summary(path, version, period, name) for name in _localities()},
    }
    return summary_table(summaries) if summaries[ALL_LOCALITIES].has_sessions else None


@st.cache_resource(show_spinner=False, max_entries=64)
def sessions_by_mode(
    path: str, version: str, period: str, locality: str | None, compare: bool
) -> go.Figure | None:
    frame = area_cache.sessions_by_mode(path, version, period, locality, compare)
    if frame.empty:
        return None
    if not few_localities():
        keep = {ALL_LOCALITIES, *([locality] if locality else [])}
        frame = frame[frame["locality"].isin(keep)]
    colours = charts.locality_colours(_localities())
    return sessions_by_mode_figure(frame, colours, period)


@st.cache_resource(show_spinner=False, max_entries=64)
def attendance_by_agency(
    path: str, version: str, period: str, locality: str | None, compare: bool
) -> go.Figure | None:
    if compare and not few_localities():
        # One bar per agency for all localities together, and for the chosen one beside it.
        frame = area_cache.attendance_by_agency(path, version, period, None, False)
        if locality and not frame.empty:
            frame = pd.concat(
                [frame, area_cache.attendance_by_agency(path, version, period, locality, False)],
                ignore_index=True,
            )
    else:
        frame = area_cache.attendance_by_agency(path, version, period, locality, compare)
    if frame.empty:
        return None
    colours = charts.locality_colours(_localities())
    return attendance_by_agency_figure(frame, colours, period)


@st.cache_resource(show_spinner=False, max_entries=64)
def agencies_not_reached(path: str, version: str, period: str, locality: str | None) -> tuple[str, ...]:
    """The configured agencies with nobody at a delivered session of the period (TR05's drill-down)."""
    cur = state.cursor()
    try:
        return tuple(agencies_missing(cur, parse_period(period), locality, state.app_settings()))
    finally:
        cur.close()


# Audits --------------------------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=64)
def grades(path: str, version: str, period: str, locality: str | None) -> go.Figure | None:
    frame = area_cache.grades_by_locality(path, version, period, locality)
    return None if frame.empty else grades_figure(frame, period)


# Case reviews --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewsView:
    late: pd.DataFrame
    timeline: go.Figure
    table: pd.DataFrame
    not_judged: list[str]


@st.cache_resource(show_spinner=False, max_entries=32)
def case_reviews(
    path: str, version: str, label: str, start: date, end: date, locality: str | None
) -> ReviewsView | None:
    active = area_cache_reviews.active_reviews(path, version, start, end, locality)
    if active.empty:
        return None
    return ReviewsView(
        late=reviews.late_steps(active, start, end),
        timeline=reviews.timeline_figure(reviews.timeline_points(active), label, start, end),
        table=reviews.review_table(active),
        not_judged=reviews.not_judged_sentences(active, start, end),
    )


# Action plan ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanView:
    shown: pd.DataFrame  # the plan's rows kept by the filters
    counts: dict[str, int]
    by_agency: go.Figure | None  # None: no open action
    table: pd.DataFrame


@st.cache_resource(show_spinner=False, max_entries=32)
def plan_options(
    path: str, version: str, as_at: date, locality: str | None, due_soon_days: int
) -> tuple[list[str], list[str]] | None:
    """The lead agencies and sources of the plan for its filters (None when the plan is empty)."""
    plan = area_cache_reviews.action_plan(path, version, as_at, locality, due_soon_days)
    return None if plan.empty else actions.filter_options(plan)


@st.cache_resource(show_spinner=False, max_entries=32)
def action_plan(
    path: str,
    version: str,
    as_at: date,
    locality: str | None,
    due_soon_days: int,
    agencies: tuple[str, ...],
    sources: tuple[str, ...],
) -> PlanView:
    plan = area_cache_reviews.action_plan(path, version, as_at, locality, due_soon_days)
    shown = actions.filter_plan(plan, agencies, sources)
    by_agency = actions.open_by_agency(shown)
    return PlanView(
        shown=shown,
        counts=actions.rag_counts(shown),
        by_agency=None if by_agency.empty else actions.open_by_agency_figure(by_agency, as_at),
        table=actions.plan_table(shown),
    )


def refresh_after_change() -> None:
    """After an upload, undo or target change: drop every cached result and view."""
    state.clear_results()
    clear()


def clear() -> None:
    for cached in (
        scorecard,
        headlines,
        comparison,
        kpi_trend,
        history,
        records,
        training_comparison,
        sessions_by_mode,
        attendance_by_agency,
        grades,
        case_reviews,
        plan_options,
        action_plan,
    ):
        cached.clear()
