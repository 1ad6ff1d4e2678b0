"""The app's one cache of query and KPI results, keyed on the database path and the data version.

Every st.cache_data / st.cache_resource of a result the core computes lives here: a page asks for a result
with (path, version, filters), so a rerun with the same filters does no database work, and an upload, undo
or target change (which gives a new data version) refreshes everything. views.py keeps only what the pages
*make* of these results (display tables, figures, sparklines), built from the functions below and never
a second copy of one of them. Nothing touches the database at import time.

The data version is read once per script run, by the entry point (`read_data_version`: from the database
only when the file changed, connections.py), and kept in st.session_state for the pages of that run
(`data_key`); a change made from the app reads it again (`clear_results`), and a change made by another
program (`pmf load`) shows on the next page view. No private Streamlit API is needed for that. The app never
holds the database: each read opens a read-only connection and closes it (`cursor`), each change a
read-write one (`writer`).

Costs kept off each rerun (bench/README.md has the figures): the KPI table of a period (every locality) is
computed once and each locality's scorecard is cut from it; the large KPI tables (a national trend has about
250,000 rows) and the records behind a KPI are cached as objects rather than pickled copies (st.cache_resource),
so a cache hit costs no copy: callers treat those as read-only (the KPI tables are handed out as
copy-on-write views, so even a change to one never reaches the cache).
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from dashboard.app import connections
from dashboard.areas import actions, audits, reviews, training, updates
from dashboard.core.config import Settings, settings
from dashboard.core.db import data_quarters, database_exists, is_sample_database
from dashboard.core.periods import parse_period
from dashboard.ingest.template_workbooks import template_bytes
from dashboard.kpis import catalogue as kpis
from dashboard.kpis import commentary, drilldown, signoff
from dashboard.publish import pack, pdf, report

# The connection and the data version -------------------------------------------------------------------


def database_path() -> Path:
    return settings().database_path.resolve()


def missing_database() -> Path | None:
    """The configured database's path when there is no file there (only `pmf init` or `pmf serve` creates
    one: a mistyped PMF_DB must not become a new empty database); None when it exists."""
    path = database_path()
    return None if database_exists(path) else path


@contextmanager
def cursor() -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the database for one use, closed after it, so the app never holds the file
    (connections.py): `with cache.cursor() as cur: ...`. DatabaseBusy when another program is writing to
    it for longer than a page waits."""
    with connections.reading(str(database_path())) as con:
        yield con


@contextmanager
def writer(on_wait: Callable[[], None] | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection for one change (upload, undo, target), closed after it; waits its turn while
    another program writes, calling `on_wait` once if it has to."""
    with connections.writing(str(database_path()), on_wait) as con:
        yield con


_DATA_KEY = "_pmf_data_key"  # st.session_state: (database path, data version) of this script run


def read_data_version(fresh: bool = False) -> tuple[str, str]:
    """Read the data version and keep it for this script run: the entry point calls it once per run, before
    the filters and the page ask for it. The file is opened only when it changed since it was last read
    (by this app or any other program), so a warm page run needs no connection. The day is part of it: a
    review step whose deadline passed today is late from today (the KPI results are keyed on it too)."""
    path = str(database_path())
    version = connections.current_version(path, fresh=fresh)
    key = (path, f"{version}@{date.today().isoformat()}@{_settings_stamp(settings())}")
    st.session_state[_DATA_KEY] = key
    return key


def _settings_stamp(cfg: Settings) -> str:
    """A digest of the configuration in force: a changed file (localities, agencies, tolerances...) is read
    on the next page view (core.config.settings), and every cached figure made with the old one is dropped.
    Worked out once per Settings object (settings() hands out the same one while the file is unchanged)."""
    held = _STAMP.get("settings")
    if held is None or held[0] is not cfg:
        held = (cfg, hashlib.sha256(repr(cfg).encode()).hexdigest()[:12])
        _STAMP["settings"] = held
    return held[1]


_STAMP: dict[str, tuple[Settings, str]] = {}


def data_key() -> tuple[str, str]:
    """(database path, data version) of this script run: the first two arguments of every cached result."""
    key: tuple[str, str] | None = st.session_state.get(_DATA_KEY)
    if key is None or key[0] != str(database_path()):
        return read_data_version()
    return key


def clear_results() -> None:
    """Drop every cached query and KPI result, and read the data version again (after an upload, undo or
    target change: changes.refresh_after_change calls it, with views.clear for what the pages made)."""
    st.cache_data.clear()
    for cached in (_period_kpis, every_scorecard, _trend_kpis, records, signed_off_scorecard):
        cached.clear()
    read_data_version(fresh=True)


# Core results --------------------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=64)
def quarters(path: str, version: str) -> tuple[str, ...]:
    """Every quarter the data holds, oldest first."""
    with cursor() as cur:
        return tuple(p.label for p in data_quarters(cur))


@st.cache_data(show_spinner=False, max_entries=8)
def holds_sample_data(path: str, version: str) -> bool:
    """Whether the database holds the fictional sample workbooks (every page then says so)."""
    with cursor() as cur:
        return is_sample_database(cur)


@st.cache_data(show_spinner=False, max_entries=8)
def catalogue(path: str, version: str) -> list[kpis.Kpi]:
    with cursor() as cur:
        return kpis.with_target_overrides(cur, kpis.load_catalogue())


# Room for every locality's scorecard of several periods: "Compare localities" asks for each one, and a
# national configuration has about 300 (with 256 entries the least recently used were evicted as the loop
# went on, so every rerun recomputed them all).
@st.cache_data(show_spinner=False, max_entries=4096)
def scorecard(path: str, version: str, period: str, locality: str | None) -> pd.DataFrame:
    """kpis.kpis_for for one locality: its rows of the period, the year before and the 12 months to its end,
    read alone from the stored results (a page of one place reads a few dozen rows, not every locality's)."""
    with cursor() as cur:
        table = kpis.compute_kpis(
            cur, kpis.scorecard_periods(parse_period(period)), settings(), localities=[locality]
        )
    return kpis.scorecard_from(table, parse_period(period), locality)


@st.cache_resource(show_spinner=False, max_entries=8)
def every_scorecard(path: str, version: str, period: str) -> dict[str | None, pd.DataFrame]:
    """Every place's scorecard of the period (the overview's "Compare localities"), cut from one table of
    every locality (read-only: handed out as cached, not copied)."""
    table = _period_kpis(path, version, period)
    return kpis.scorecards_by_place(table, parse_period(period), [None, *settings().all_localities])


@st.cache_resource(show_spinner=False, max_entries=32)
def _period_kpis(path: str, version: str, period: str) -> pd.DataFrame:
    """Every KPI and locality for the period and the year before."""
    with cursor() as cur:
        return kpis.compute_kpis(cur, kpis.scorecard_periods(parse_period(period)), settings())


@st.cache_resource(show_spinner=False, max_entries=32)
def _trend_kpis(
    path: str, version: str, periods: tuple[str, ...], places: tuple[str | None, ...] | None
) -> pd.DataFrame:
    with cursor() as cur:
        return kpis.compute_kpis(cur, [parse_period(p) for p in periods], settings(), localities=places)


def trend(path: str, version: str, places: tuple[str | None, ...] | None = None) -> pd.DataFrame:
    """Every KPI for every quarter held, for the places given (None in them: all localities together), or
    for every one (the default).

    Cached as the object itself (st.cache_resource): unpickling a copy on every rerun cost more than the
    page's own work at national scale. The caller gets a shallow copy, and pandas' copy-on-write keeps any
    change it makes to its own copy, never to the cached table.
    """
    return _trend_kpis(path, version, quarters(path, version), places).copy(deep=False)


@st.cache_resource(show_spinner=False, max_entries=256)
def records(path: str, version: str, kpi_id: str, period: str, locality: str | None) -> pd.DataFrame:
    """The records behind a KPI (read-only: the page only shows it and offers it as CSV)."""
    with cursor() as cur:
        return drilldown.kpi_records(cur, kpi_id, parse_period(period), locality)


# Training and audits -------------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=256)
def training_summary(path: str, version: str, period: str, locality: str | None) -> training.TrainingSummary:
    with cursor() as cur:
        return training.training_summary(cur, parse_period(period), locality)


@st.cache_data(show_spinner=False, max_entries=128)
def sessions_by_mode(
    path: str, version: str, period: str, locality: str | None, compare: bool
) -> pd.DataFrame:
    names = settings().all_localities
    with cursor() as cur:
        return training.sessions_by_mode(cur, parse_period(period), locality, compare, names)


@st.cache_data(show_spinner=False, max_entries=128)
def attendance_by_agency(
    path: str, version: str, period: str, locality: str | None, compare: bool
) -> pd.DataFrame:
    names = settings().all_localities
    with cursor() as cur:
        return training.attendance_by_agency(cur, parse_period(period), locality, compare, names)


@st.cache_data(show_spinner=False, max_entries=64)
def agencies_not_reached(path: str, version: str, period: str, locality: str | None) -> tuple[str, ...]:
    """The configured agencies with nobody at a delivered session of the period (TR05's drill-down)."""
    with cursor() as cur:
        return tuple(training.agencies_not_reached(cur, parse_period(period), locality, settings()))


@st.cache_data(show_spinner=False, max_entries=128)
def session_list(path: str, version: str, period: str, locality: str | None) -> pd.DataFrame:
    with cursor() as cur:
        return training.session_list(cur, parse_period(period), locality)


@st.cache_data(show_spinner=False, max_entries=128)
def audit_list(path: str, version: str, period: str, locality: str | None) -> pd.DataFrame:
    with cursor() as cur:
        return audits.audit_list(cur, parse_period(period), locality, settings().all_localities)


@st.cache_data(show_spinner=False, max_entries=128)
def grades_by_locality(path: str, version: str, period: str, locality: str | None) -> pd.DataFrame:
    with cursor() as cur:
        return audits.grades_by_locality(cur, parse_period(period), locality, settings().all_localities)


@st.cache_data(show_spinner=False, max_entries=256)
def audit_cases(
    path: str, version: str, period: str, locality: str | None, audit_id: str | None
) -> pd.DataFrame:
    with cursor() as cur:
        return audits.audit_cases(cur, parse_period(period), locality, audit_id)


# Case reviews and the action plan ------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=64)
def active_reviews(
    path: str, version: str, period_start: date, period_end: date, locality: str | None
) -> pd.DataFrame:
    with cursor() as cur:
        return reviews.active_reviews(cur, period_start, period_end, locality)


@st.cache_data(show_spinner=False, max_entries=64)
def action_plan(
    path: str, version: str, as_at: date, locality: str | None, due_soon_days: int
) -> pd.DataFrame:
    with cursor() as cur:
        return actions.action_plan(cur, as_at, locality, due_soon_days)


# The quarterly cycle: commentary, partnership updates, sign-off -----------------------------------------
# A sign-off or a reopening changes the data version (core.db.data_version counts the snapshots), so these
# are refreshed like every other result; the scorecards with signed-off values are keyed on the snapshot too.


@st.cache_data(show_spinner=False, max_entries=128)
def kpi_commentary(path: str, version: str, quarter: str, locality: str | None) -> pd.DataFrame:
    """The commentary of every KPI for a quarter and locality (None: all localities)."""
    with cursor() as cur:
        return commentary.commentary_for(cur, quarter, locality)


@st.cache_data(show_spinner=False, max_entries=128)
def kpi_commentary_history(path: str, version: str, kpi_id: str, locality: str | None) -> pd.DataFrame:
    """A KPI's commentary for every quarter, newest first, with the earlier wordings edits replaced."""
    with cursor() as cur:
        return commentary.commentary_history(cur, kpi_id, locality)


@st.cache_data(show_spinner=False, max_entries=64)
def partnership_updates(path: str, version: str, quarter: str, locality: str | None) -> pd.DataFrame:
    """The quarter's partnership updates for a locality (its own and the Teeswide ones), in section order."""
    with cursor() as cur:
        return updates.updates_for(cur, quarter, locality)


@st.cache_data(show_spinner=False, max_entries=64)
def current_signoff(path: str, version: str, period: str) -> signoff.SignOff | None:
    """The sign-off in force for a quarter (None: not signed off)."""
    with cursor() as cur:
        return signoff.current_signoff(cur, period)


def signoff_key(state: signoff.SignOff | None) -> str:
    """What the results that show sign-off are keyed on besides the data version ("" when not signed off)."""
    return "" if state is None else str(state.snapshot_id)


@st.cache_resource(show_spinner=False, max_entries=256)
def signed_off_scorecard(
    path: str, version: str, period: str, locality: str | None, signed: str
) -> pd.DataFrame:
    """The scorecard with its signed-off values and whether each moved since (signoff.with_signoff)."""
    card = scorecard(path, version, period, locality)
    if not signed:
        return card.assign(
            signed_off_value=pd.array([None] * len(card), dtype="Float64"),
            signed_off_at=pd.Series([None] * len(card), dtype=object),
            revised=False,
        )
    with cursor() as cur:
        return signoff.with_signoff(cur, card, period)


# Reports and downloads -----------------------------------------------------------------------------------


@st.cache_data(show_spinner="Writing the report…", max_entries=16)
def report_html(
    path: str, version: str, period: str, locality: str | None, publish: bool, kind: str = "quarterly"
) -> str:
    with cursor() as cur:
        return report.build_report(cur, parse_period(period), settings(), locality, publish, kind=kind)


@st.cache_data(show_spinner="Printing the PDF…", max_entries=8)
def report_pdf_bytes(
    path: str, version: str, period: str, locality: str | None, publish: bool, kind: str = "quarterly"
) -> bytes:
    """The same report printed to PDF by headless Chromium (a few seconds; made when first asked for)."""
    html = report_html(path, version, period, locality, publish, kind)
    with tempfile.TemporaryDirectory(prefix="pmf-pdf-") as work:
        return pdf.report_pdf(html, Path(work) / "report.pdf").read_bytes()


@st.cache_data(show_spinner="Writing the Word document…", max_entries=8)
def report_docx_bytes(
    path: str, version: str, period: str, locality: str | None, publish: bool, kind: str = "quarterly"
) -> bytes:
    """The report as a Word document (.docx), for the business manager to edit before sending it."""
    from dashboard.publish.report_docx import report_docx  # python-docx: loaded when a document is asked for

    with cursor() as cur:
        return report_docx(cur, parse_period(period), settings(), locality, publish, kind=kind)


@st.cache_data(show_spinner="Writing the KPI pack…", max_entries=8)
def kpi_pack(path: str, version: str, period: str, publish: bool) -> bytes:
    """The KPI pack workbook (scorecard, area sheets, definitions) for the period."""
    with cursor() as cur:
        return pack.kpi_pack_bytes(cur, parse_period(period), settings(), publish=publish)


def template(dataset_names: tuple[str, ...] | None) -> bytes:
    """Template workbooks take a moment to write (about a second): each is made once per configuration and
    kept across uploads (they hold no data, only the configuration's choices)."""
    return _template(_settings_stamp(settings()), dataset_names)


@st.cache_resource(show_spinner=False, max_entries=16)
def _template(stamp: str, dataset_names: tuple[str, ...] | None) -> bytes:
    return template_bytes(settings(), list(dataset_names) if dataset_names else None)
