"""What the pages show, built once per (database path, data version, filters) and kept for later reruns.

cache.py holds every query and KPI result; this module holds only what the pages make of them: the display
tables, the Plotly figures, the sparklines and the sentences. It is kept apart because shaping is not a
result of the core: each function here reads its inputs from cache.py (never from the database, and never a
second cache of the same result) and caches its own output, so a warm rerun only looks these up and hands
them to Streamlit (building a scorecard table with its sparklines, or a figure, costs more than the page's
Streamlit calls). They are kept as the objects themselves (st.cache_resource: no pickled copy to rebuild on
each hit), so callers must treat them as read-only: the pages only pass them to st.dataframe,
st.plotly_chart and the CSV download, none of which changes them. An upload, undo or target change gives a
new data version, so nothing stale is ever looked up (changes.refresh_after_change clears these too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts
from dashboard.app import cache
from dashboard.areas import actions, reviews
from dashboard.areas.audits import grades_figure
from dashboard.areas.training import attendance_by_agency_figure, sessions_by_mode_figure, summary_table
from dashboard.charts import ALL_LOCALITIES, MAX_CHARTED_LOCALITIES
from dashboard.core.config import settings
from dashboard.core.periods import parse_period
from dashboard.core.text import format_value, is_missing
from dashboard.kpis.catalogue import Kpi
from dashboard.kpis.commentary import red_without_commentary
from dashboard.kpis.headlines import headline_sentences
from dashboard.kpis.scorecard import (
    CASE_REVIEW_RATES,
    comparison_table,
    headline_trend,
    kpi_history,
    kpis_that_matter,
    scorecard_table,
)
from dashboard.kpis.scorecard import period_figures as scorecard_figures
from dashboard.kpis.signoff import revision_text


def _localities() -> tuple[str, ...]:
    return settings().all_localities


def charted_localities(locality: str | None) -> tuple[str, ...]:
    """The localities drawn one by one in a chart: every one when there are few, else only the chosen one."""
    names = _localities()
    if len(names) <= MAX_CHARTED_LOCALITIES:
        return names
    return (locality,) if locality else ()


def few_localities() -> bool:
    return len(_localities()) <= MAX_CHARTED_LOCALITIES


def metric_delta(now: float | None, then: float | None, unit: str) -> str | None:
    """A metric's signed change on the year before, in its unit ('+1.5 pts', '+0.25', '+3'); None when
    either is missing."""
    if now is None or then is None:
        return None
    change = now - then
    if unit == "percent":
        return f"{change:+.1f} pts"
    if unit == "points":
        return f"{change:+.2f}"
    return f"{change:+,.0f}"


DeltaColour = Literal["normal", "inverse", "off"]


def delta_colour(direction: str) -> DeltaColour:
    """st.metric's delta_color for a KPI's better direction."""
    return "inverse" if direction == "lower" else ("off" if direction == "none" else "normal")


# Overview ------------------------------------------------------------------------------------------------

#: The overview's headline figures: (KPI, label).
HEADLINE_METRICS = (
    ("TR01", "Training sessions"),
    ("CR04", "Notifications"),
    ("AU01", "Cases audited"),
    ("AP02", "Overdue actions"),
)


@dataclass(frozen=True)
class Metric:
    label: str
    value: str
    delta: str | None
    delta_color: DeltaColour
    help: str


def has_data(card: pd.DataFrame) -> bool:
    """Whether a scorecard holds anything: a count above zero, or a rate with a denominator."""
    counts = card[(card["unit"] == "count") & card["category"].isna()]["value"].fillna(0).sum()
    return bool(counts) or bool(card["denominator"].notna().any())


def headline_metrics(card: pd.DataFrame, year_before: str) -> list[Metric | None]:
    """HEADLINE_METRICS of a scorecard, each with its change on the year before (None: not in the card)."""
    heads = card[card["category"].isna()].set_index("kpi")
    shown: list[Metric | None] = []
    for kpi_id, label in HEADLINE_METRICS:
        if kpi_id not in heads.index:
            shown.append(None)
            continue
        row = heads.loc[kpi_id]
        missing = is_missing(row["previous_value"]) or is_missing(row["value"])
        now, then = (None, None) if missing else (float(row["value"]), float(row["previous_value"]))
        shown.append(
            Metric(
                label,
                format_value(row["value"], row["unit"]),
                metric_delta(now, then, row["unit"]),
                delta_colour(row["direction"]),
                f"{row['title']}; change on {year_before}",
            )
        )
    return shown


@st.cache_resource(show_spinner=False, max_entries=256)
def scorecard(
    path: str, version: str, period: str, locality: str | None, every_twelve_months: bool = False
) -> pd.DataFrame:
    """The overview's scorecard table, sparklines included; the case-review rates (or, asked, every KPI)
    also over the 12 months to the period's end."""
    card = cache.scorecard(path, version, period, locality)
    trend = cache.trend(path, version, (locality,))
    chosen = tuple(card["kpi"].unique()) if every_twelve_months else CASE_REVIEW_RATES
    return scorecard_table(card, trend, locality, settings().min_denominator, chosen)


#: The scorecard's marker for a KPI that carries commentary for the period and locality.
HAS_COMMENTARY = "✎ Yes"


def commented_kpis(path: str, version: str, period: str, locality: str | None) -> frozenset[str]:
    """The KPIs with commentary for a quarter and locality (none for a year: commentary is per quarter)."""
    if not parse_period(period).is_quarter:
        return frozenset()
    return frozenset(cache.kpi_commentary(path, version, period, locality)["kpi"])


@st.cache_resource(show_spinner=False, max_entries=256)
def cycle_scorecard(
    path: str,
    version: str,
    period: str,
    locality: str | None,
    every_twelve_months: bool,
    signed: str,
) -> pd.DataFrame:
    """The overview's scorecard with a Commentary column and, once the period is signed off, each value
    that moved since written as a revision ("15, signed off 12 Jan 2024; now 16"), never silently."""
    table = scorecard(path, version, period, locality, every_twelve_months).copy()
    if table.empty:
        return table
    noted = commented_kpis(path, version, period, locality)
    table.insert(
        table.columns.get_loc("RAG") + 1,
        "Commentary",
        [HAS_COMMENTARY if k in noted else "" for k in table["KPI"]],
    )
    revised = revised_values(path, version, period, locality, signed)
    table["Value"] = [revised.get(k, v) for k, v in zip(table["KPI"], table["Value"], strict=True)]
    return table


def revised_values(path: str, version: str, period: str, locality: str | None, signed: str) -> dict[str, str]:
    """KPI -> its revision text, for the headline values that moved since the period was signed off."""
    if not signed:
        return {}
    card = cache.signed_off_scorecard(path, version, period, locality, signed)
    moved = card[card["category"].isna() & card["revised"].fillna(False).astype(bool)]
    return {
        str(r.kpi): revision_text(
            format_value(r.value, r.unit), format_value(r.signed_off_value, r.unit), r.signed_off_at
        )
        for r in moved.itertuples(index=False)
    }


def red_without_commentary_sentence(path: str, version: str, period: str, locality: str | None) -> str:
    """'3 Red KPIs have no commentary yet: CR02, TR04, AP02' ('' when none, and for a year)."""
    if not parse_period(period).is_quarter:
        return ""
    missing = red_without_commentary(
        cache.scorecard(path, version, period, locality),
        cache.kpi_commentary(path, version, period, locality),
    )
    if not missing:
        return ""
    verb = "KPI has" if len(missing) == 1 else "KPIs have"
    return f"{len(missing)} Red {verb} no commentary yet: {', '.join(missing)}"


@st.cache_resource(show_spinner=False, max_entries=64)
def overview_trends(
    path: str, version: str, period: str, locality: str | None, compare: bool
) -> tuple[go.Figure, ...]:
    """The overview's small multiples: a trend panel for each of the KPIs that matter this period (Red first,
    then Amber, then Green; kpis_that_matter), each with its target line. Compare on: every locality's line
    beside All localities (Hartlepool beside Stockton-on-Tees); off: All localities and the chosen locality."""
    card = cache.scorecard(path, version, period, locality)
    catalogue = {k.id: k for k in cache.catalogue(path, version)}
    chosen: tuple[str, ...] = (locality,) if locality else ()
    shown = charted_localities(locality) if compare else chosen
    trend = cache.trend(path, version, (None, *shown))
    colours = charts.locality_colours(_localities())
    figures = []
    for kpi_id in kpis_that_matter(card):
        series = headline_trend(trend, kpi_id)
        series = series[series["locality"].isna() | series["locality"].isin(shown)]
        if kpi_id not in catalogue or not series["value"].notna().any():
            continue
        figures.append(charts.trend_panel(series, catalogue[kpi_id], list(shown), colours))
    return tuple(figures)


def ready_overview(path: str, version: str, period: str, locality: str | None) -> pd.DataFrame | None:
    """Make now what the overview shows for a period and locality (compare off): its headlines, scorecard
    with commentary and sign-off, and trend panels. Called by a change made in the app once it is stored, so
    the first person to open the overview afterwards, in any session of this server (the caches are the
    server's), finds it made instead of making it. Returns the scorecard table the page shows (None when the
    period holds no data)."""
    card = cache.scorecard(path, version, period, locality)
    if not has_data(card):
        return None
    chosen = parse_period(period)
    headlines(path, version, period, locality, "this quarter" if chosen.is_quarter else "this year")
    state = cache.current_signoff(path, version, period) if chosen.is_quarter else None
    red_without_commentary_sentence(path, version, period, locality)
    overview_trends(path, version, period, locality, False)
    return cycle_scorecard(path, version, period, locality, False, cache.signoff_key(state))


@st.cache_resource(show_spinner=False, max_entries=256)
def headlines(path: str, version: str, period: str, locality: str | None, span: str) -> tuple[str, ...]:
    return tuple(headline_sentences(cache.scorecard(path, version, period, locality), span))


@st.cache_resource(show_spinner=False, max_entries=16)
def comparison(path: str, version: str, period: str) -> pd.DataFrame:
    """Every locality's scorecard side by side."""
    names = _localities()
    every = cache.every_scorecard(path, version, period)
    cards = {name: every[name] for name in names}
    return comparison_table(cards, names, settings().min_denominator)


def catalogue_table(path: str, version: str) -> pd.DataFrame:
    """The KPI catalogue page's table: every KPI with its target and tolerance in force (a few dozen rows,
    made on each run: the tolerances follow the configuration)."""
    catalogue = cache.catalogue(path, version)
    return pd.DataFrame(
        {
            "KPI": [k.id for k in catalogue],
            "Area": [k.area for k in catalogue],
            "Title": [k.title for k in catalogue],
            "Unit": [k.unit for k in catalogue],
            "Better": [k.direction if k.direction != "none" else "context only" for k in catalogue],
            "Target": [format_value(k.target, k.unit) if k.has_target else "no target" for k in catalogue],
            "Amber within": [_tolerance_text(k) for k in catalogue],
            "Breakdown": [k.category or "" for k in catalogue],
        }
    )


def _tolerance_text(kpi: Kpi) -> str:
    if not kpi.has_target:
        return "–"
    amount = kpi.tolerance_amount(settings())
    return f"{amount:g} pts" if kpi.unit == "percent" else f"{amount:g}"


# KPI detail ----------------------------------------------------------------------------------------------


def target_words(kpi: Kpi) -> tuple[str, str]:
    """A KPI's target and amber tolerance in words, as the KPI detail page states them."""
    if not kpi.has_target:
        return "no target (context only)", "–"
    better = "higher" if kpi.direction == "higher" else "lower"
    if kpi.unit == "percent":
        tolerance = format_value(kpi.tolerance_amount(settings()), "points") + " percentage points"
    else:
        tolerance = format_value(kpi.tolerance_amount(settings()), kpi.unit)
    return f"{format_value(kpi.target, kpi.unit)} ({better} is better)", tolerance


@dataclass(frozen=True)
class TrendChart:
    figure: go.Figure | None  # None: no value in any quarter
    localities: tuple[str, ...]  # drawn besides "All localities"


@st.cache_resource(show_spinner=False, max_entries=128)
def kpi_trend(path: str, version: str, kpi_id: str, locality: str | None) -> TrendChart:
    cfg = settings()
    kpi = {k.id: k for k in cache.catalogue(path, version)}[kpi_id]
    shown = charted_localities(locality)
    series = headline_trend(cache.trend(path, version, (None, *shown)), kpi_id)
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
    card = cache.scorecard(path, version, period, locality)
    return tuple(scorecard_figures(card, kpi_id, period, settings().min_denominator))


@st.cache_resource(show_spinner=False, max_entries=128)
def history(path: str, version: str, kpi_id: str, locality: str | None, compare: bool) -> pd.DataFrame:
    shown: list[str | None] = [None, *_localities()] if compare else [locality]
    return kpi_history(
        cache.trend(path, version, tuple(shown)),
        kpi_id,
        shown,
        settings().min_denominator,
    )


# Training ------------------------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=32)
def training_comparison(path: str, version: str, period: str) -> pd.DataFrame | None:
    """Localities side by side (None when the period has no session)."""
    summaries = {
        ALL_LOCALITIES: cache.training_summary(path, version, period, None),
        **{name: cache.training_summary(path, version, period, name) for name in _localities()},
    }
    return summary_table(summaries) if summaries[ALL_LOCALITIES].has_sessions else None


@st.cache_resource(show_spinner=False, max_entries=64)
def sessions_by_mode(
    path: str, version: str, period: str, locality: str | None, compare: bool
) -> go.Figure | None:
    frame = cache.sessions_by_mode(path, version, period, locality, compare)
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
        frame = cache.attendance_by_agency(path, version, period, None, False)
        if locality and not frame.empty:
            frame = pd.concat(
                [frame, cache.attendance_by_agency(path, version, period, locality, False)],
                ignore_index=True,
            )
    else:
        frame = cache.attendance_by_agency(path, version, period, locality, compare)
    if frame.empty:
        return None
    colours = charts.locality_colours(_localities())
    return attendance_by_agency_figure(frame, colours, period)


# Audits --------------------------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=64)
def grades(path: str, version: str, period: str, locality: str | None) -> go.Figure | None:
    frame = cache.grades_by_locality(path, version, period, locality)
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
    active = cache.active_reviews(path, version, start, end, locality)
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
    plan = cache.action_plan(path, version, as_at, locality, due_soon_days)
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
    plan = cache.action_plan(path, version, as_at, locality, due_soon_days)
    shown = actions.filter_plan(plan, agencies, sources)
    by_agency = actions.open_by_agency(shown)
    return PlanView(
        shown=shown,
        counts=actions.rag_counts(shown),
        by_agency=None if by_agency.empty else actions.open_by_agency_figure(by_agency, as_at),
        table=actions.plan_table(shown),
    )


def clear() -> None:
    """Drop every view (changes.refresh_after_change calls it, with cache.clear_results)."""
    for cached in (
        scorecard,
        cycle_scorecard,
        overview_trends,
        headlines,
        comparison,
        kpi_trend,
        history,
        period_figures,
        training_comparison,
        sessions_by_mode,
        attendance_by_agency,
        grades,
        case_reviews,
        plan_options,
        action_plan,
    ):
        cached.clear()
