"""The statutory and expected timescales of a serious incident review, read from the one place they are
written, queries/schema/011_review_timescales.sql (the review_timescales view that review_deadlines, and so
CR01-CR03, judge against), for the sentences and labels that name them.

Kept in the kpis layer so that every layer above (headlines, areas, publish, app) can word them.
"""

from __future__ import annotations

import duckdb

from dashboard.core.db import read_sql

TIMESCALES_FILE = "schema/011_review_timescales.sql"


def review_timescales() -> tuple[int, int, int]:
    """(notification working days, rapid review working days, LCSPR months) from TIMESCALES_FILE.

    The file depends on no table, so an in-memory database reads it; tests/test_review_deadlines.py checks
    that a migrated database says the same."""
    con = duckdb.connect(":memory:")
    try:
        con.execute(read_sql(TIMESCALES_FILE))
        row = con.execute(read_sql("meta/review_timescales.sql")).fetchone()
    finally:
        con.close()
    if row is None:
        raise RuntimeError(f"queries/{TIMESCALES_FILE} defines no timescales")
    return int(row[0]), int(row[1]), int(row[2])


NOTIFICATION_WORKING_DAYS, RAPID_REVIEW_WORKING_DAYS, LCSPR_MONTHS = review_timescales()
"""Notification within 5 working days of the LA becoming aware; rapid review within 15 working days of the
notification; LCSPR completed within 6 months of the decision to hold it (the values are the SQL file's)."""
