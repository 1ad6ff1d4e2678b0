"""The review timescales and working days, written once in SQL (queries/schema/011_review_timescales.sql and
012_shared_rules.sql): the Python constants that word sentences agree with the database, and the macros
agree with dashboard.core.periods."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from dashboard.areas import reviews
from dashboard.core.db import connect, read_sql
from dashboard.core.periods import add_working_days, working_days_between
from dashboard.kpis import timescales


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect(":memory:")
    yield connection
    connection.close()


def test_python_timescales_are_the_databases(con: duckdb.DuckDBPyConnection) -> None:
    assert timescales.review_timescales() == (
        timescales.NOTIFICATION_WORKING_DAYS,
        timescales.RAPID_REVIEW_WORKING_DAYS,
        timescales.LCSPR_MONTHS,
    )
    row = con.execute(read_sql("meta/review_timescales.sql")).fetchone()
    assert row == (reviews.NOTIFICATION_WORKING_DAYS, reviews.RAPID_REVIEW_WORKING_DAYS, reviews.LCSPR_MONTHS)
    assert row == (5, 15, 6)  # statutory guidance: 5 and 15 working days; 6 months expected for an LCSPR


def test_timescales_are_written_once() -> None:
    source = "".join(Path(m.__file__ or "").read_text(encoding="utf-8") for m in (reviews, timescales))
    assert "= 5\n" not in source and "= 15\n" not in source and "= 6\n" not in source
    deadlines = read_sql("schema/014_review_deadlines.sql").split(
        "CREATE OR REPLACE VIEW review_deadlines", 1
    )[1]
    assert "<= 5" not in deadlines and "<= 15" not in deadlines and "6 MONTH" not in deadlines


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2023, 12, 22), date(2024, 1, 3)),  # over Christmas and New Year
        (date(2024, 3, 28), date(2024, 4, 2)),  # over Easter
        (date(2024, 6, 1), date(2024, 6, 1)),  # a Saturday to itself
        (date(2024, 6, 1), date(2024, 6, 3)),  # Saturday to Monday: one working day
        (date(2024, 6, 10), date(2024, 6, 3)),  # backwards: negative
        (date(2025, 8, 22), date(2025, 9, 12)),  # over the August bank holiday
    ],
)
def test_working_days_macro_agrees_with_python(
    con: duckdb.DuckDBPyConnection, start: date, end: date
) -> None:
    got = con.execute("SELECT working_days($a::DATE, $b::DATE)", {"a": start, "b": end}).fetchone()
    assert got == (working_days_between(start, end),)


@pytest.mark.parametrize("start", [date(2023, 12, 22) + timedelta(days=i) for i in range(0, 120, 7)])
@pytest.mark.parametrize("days", [5, 15])
def test_working_day_after_agrees_with_python(con: duckdb.DuckDBPyConnection, start: date, days: int) -> None:
    got = con.execute("SELECT working_day_after($a::DATE, $n)", {"a": start, "n": days}).fetchone()
    if working_days_between(start - timedelta(days=1), start) == 1:  # a working day: as Python counts
        assert got == (add_working_days(start, days),)
    else:  # a weekend or a bank holiday: the SQL counts from the day itself (Python rolls it forward first)
        due = got[0]
        assert working_days_between(start, due) == days
        assert working_days_between(due - timedelta(days=1), due) == 1  # the deadline is a working day


def test_blank_dates_give_no_working_days(con: duckdb.DuckDBPyConnection) -> None:
    got = con.execute("SELECT working_days(NULL::DATE, DATE '2024-01-03'), working_day_after(NULL::DATE, 5)")
    assert got.fetchone() == (None, None)


def _notify(con: duckdb.DuckDBPyConnection, review_id: str, aware: date, notified: date) -> None:
    con.execute(
        "INSERT INTO reviews (review_id, locality, nature, la_aware_date, notification_date, upload_id) "
        "VALUES ($id, 'Hartlepool', 'Serious harm', $aware, $notified, 1)",
        {"id": review_id, "aware": aware, "notified": notified},
    )


def test_review_deadlines_judges_against_the_timescales() -> None:
    con = connect(":memory:")
    try:
        aware = date(2024, 6, 3)  # a Monday
        due = add_working_days(aware, reviews.NOTIFICATION_WORKING_DAYS)
        _notify(con, "ON", aware, due)
        _notify(con, "LATE", aware, add_working_days(aware, reviews.NOTIFICATION_WORKING_DAYS + 1))
        rows = con.execute(
            "SELECT review_id, notification_working_days, notification_due_date, notification_on_time, "
            "rr_due_date FROM review_deadlines ORDER BY review_id"
        ).fetchall()
    finally:
        con.close()
    late, on = rows
    assert on == ("ON", 5, due, True, add_working_days(due, reviews.RAPID_REVIEW_WORKING_DAYS))
    assert late[1:4] == (6, due, False)


def test_review_deadlines_joins_agree_with_the_macros() -> None:
    """review_deadlines counts working days with plain joins on the calendar (its hot path); the macros
    working_days and working_day_after say the same for every day of a year, weekends and holidays included."""
    con = connect(":memory:")
    try:
        con.execute(
            "INSERT INTO reviews (review_id, locality, nature, la_aware_date, notification_date, "
            "rr_completed_date, upload_id) "
            "SELECT 'R' || i, 'Hartlepool', 'Serious harm', DATE '2023-12-01' + i::INTEGER, "
            "DATE '2023-12-01' + i::INTEGER + (i % 11)::INTEGER, "
            "CASE WHEN i % 7 = 3 THEN NULL ELSE DATE '2023-12-01' + i::INTEGER + (i % 11 + i % 29)::INTEGER END, 1 "
            "FROM range(400) AS r(i)"
        )
        differ = con.execute(
            "SELECT count(*) FROM review_deadlines AS d CROSS JOIN review_timescales AS ts "
            "WHERE d.notification_working_days IS DISTINCT FROM working_days(la_aware_date, notification_date) "
            "OR notification_due_date IS DISTINCT FROM "
            "working_day_after(la_aware_date, ts.notification_working_days) "
            "OR rr_working_days IS DISTINCT FROM working_days(notification_date, rr_completed_date) "
            "OR rr_due_date IS DISTINCT FROM working_day_after(notification_date, ts.rapid_review_working_days)"
        ).fetchone()
        rows = con.execute("SELECT count(*) FROM review_deadlines").fetchone()
    finally:
        con.close()
    assert rows == (400,) and differ == (0,)
