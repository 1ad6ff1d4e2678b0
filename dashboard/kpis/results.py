"""KPI results ready when an upload ends: every KPI, for every period held and every locality, computed once
and stored (dashboard.kpis.results_store has the table and the key), so that the first page view after an
upload reads them instead of running the KPI queries.

`refresh_results` is called by whatever changed the data, on its own write connection, before it reports the
change done: `pmf load`, `pmf undo`, `pmf init`/`pmf serve` (the sample, a new day, a changed configuration),
and the app's upload, undo and edits (dashboard.app.changes). A target edit or a sign-off needs no refresh
(targets and RAG are applied when the rows are read). Nothing depends on the refresh having run: a reader
whose key does not match the stored one computes the figures itself.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from dashboard.core.config import Settings
from dashboard.core.db import data_quarters, read_sql, run_script, transaction
from dashboard.core.periods import Period, TwelveMonths
from dashboard.ingest.load import WRITE_LOCK
from dashboard.kpis import results_store
from dashboard.kpis.catalogue import Span, load_catalogue, results_key, run_queries

REFRESHED_BY = "the upload's KPI results"
LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refreshed:
    """What a refresh did: whether it computed (False: the stored results were current), how many periods
    and rows it stored, and how long it took."""

    computed: bool
    periods: int
    rows: int
    seconds: float
    failed: str | None = None  # why they could not be stored (the figures are then computed when read)

    def line(self) -> str:
        if self.failed:
            return f"KPI results: not stored ({self.failed}); the figures are computed as they are read."
        if not self.computed:
            return "KPI results: already up to date."
        return f"KPI results: {self.periods} periods, {self.rows:,} rows computed in {self.seconds:.2f} s."


def held_spans(con: duckdb.DuckDBPyConnection) -> list[Span]:
    """Every period a page, report or pack can ask for on this data: every quarter held, every financial year
    of them, the 12 months to each quarter, and the same quarter and year a year before each (a scorecard's
    comparison)."""
    quarters = data_quarters(con)
    years = list(dict.fromkeys(Period(q.start_year) for q in quarters))
    spans: list[Span] = []
    for period in [*quarters, *years]:
        spans.append(period)
    for period in [*quarters, *years]:
        spans.append(period.year_before)
    spans.extend(TwelveMonths(q) for q in quarters)
    return list(dict.fromkeys(spans))


def is_current(con: duckdb.DuckDBPyConnection, settings: Settings) -> bool:
    """Whether the stored results are those of the data, the KPI queries and the configuration as they are
    now, for every period held (read-only: `pmf serve` asks before it opens the database to write)."""
    held = results_store.stored_periods(con, results_key(con, load_catalogue(), settings))
    return _all_held(held, held_spans(con))


def _all_held(held: dict[str, int], spans: list[Span]) -> bool:
    return bool(held) and all(span.label in held for span in spans)


def refresh_results(con: duckdb.DuckDBPyConnection, settings: Settings) -> Refreshed:
    """Compute and store every KPI for every period held and every locality, unless the stored results are
    already those of the data, the KPI queries and the configuration as they are now. `con` must be able to
    write; the stored results are replaced in one transaction."""
    started = time.perf_counter()
    with WRITE_LOCK:  # no upload of this process between computing the rows and storing them
        kpis = load_catalogue()
        key = results_key(con, kpis, settings)
        spans = held_spans(con)
        held = results_store.stored_periods(con, key)
        if _all_held(held, spans):
            return Refreshed(False, len(held), 0, time.perf_counter() - started)
        try:
            rows, kpi_index = run_queries(con, kpis, spans, settings)
            frame = rows.assign(kpi=[kpis[i].id for i in kpi_index], position=range(len(rows)))
            periods = pd.DataFrame({"ordinal": range(1, len(spans) + 1), "period": [s.label for s in spans]})
            _store(con, key, periods, frame)
        except duckdb.Error as exc:  # the change itself is done: the pages compute what is not stored
            reason = str(exc).splitlines()[0]
            LOG.warning("KPI results not stored: %s", reason)
            return Refreshed(False, 0, 0, time.perf_counter() - started, failed=reason)
    return Refreshed(True, len(spans), len(frame), time.perf_counter() - started)


def _store(con: duckdb.DuckDBPyConnection, key: str, periods: pd.DataFrame, rows: pd.DataFrame) -> None:
    cursor = con.cursor()
    try:
        cursor.register("results_periods_frame", periods)
        cursor.register("results_rows_frame", rows)
        with transaction(cursor):
            run_script(cursor, read_sql("results/clear.sql"))
            params = {"key": key, "taken_at": datetime.now(), "taken_by": REFRESHED_BY}
            run_script(cursor, read_sql("results/store_snapshots.sql"), params)
            run_script(cursor, read_sql("results/store_rows.sql"), params)
    finally:
        cursor.close()
