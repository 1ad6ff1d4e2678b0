"""The sample workbooks (data/sample) reproduce the HSSCP newsletter for 2023-24 Q3, through `pmf kpis` and
through the database that `pmf init` builds from them; they cover 2021-22 to 2024-25 for both localities;
and data/make_sample.py regenerates exactly them.

Newsletter (shared/seed/hsscp-newsletter-2023-24-q3.txt): 1 serious incident notification, Child KLT
(fatal, abuse), whose rapid review did not progress to an LCSPR; JM's LCSPR published as Child Joe in
December 2023; RV's rapid review completed in November 2023 leading to an LCSPR, learning event 25 January
2024, recall event 26 February 2024; the audit 'Step down from social care assessment' on 13 November 2023,
6 cases, 3 Hartlepool and 3 Stockton-on-Tees, report to the Exec group in February 2024; 5 face to face and
10 virtual training sessions.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook
from pmf_cli import PROJECT_DIR, SAMPLE_DIR, categories, headline, kpi_rows

from dashboard.config import settings
from dashboard.kpis import compute_kpis
from dashboard.periods import Period, period_of, working_days_between

Q3 = "2023-24 Q3"
Q3_START, Q3_END = date(2023, 10, 1), date(2023, 12, 31)
NEWSLETTER = PROJECT_DIR.parent / "shared" / "seed" / "hsscp-newsletter-2023-24-q3.txt"
LOCALITIES = ("Hartlepool", "Stockton-on-Tees")
QUARTERS = [Period(year, quarter) for year in range(2021, 2025) for quarter in (1, 2, 3, 4)]


@pytest.fixture(scope="module")
def con(cli_sample_db) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the database `pmf init` made (no `pmf` command uses that file afterwards)."""
    connection = duckdb.connect(str(cli_sample_db[0]), read_only=True)
    yield connection
    connection.close()


def rows(con: duckdb.DuckDBPyConnection, sql: str, **params: object) -> list[tuple]:
    return con.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def q3(sample_kpis) -> list[dict]:
    return sample_kpis(Q3)


# --- the newsletter's own words --------------------------------------------------------------------------


@pytest.mark.skipif(not NEWSLETTER.is_file(), reason="the newsletter is not beside the project")
def test_the_facts_below_are_the_newsletters():
    text = " ".join(NEWSLETTER.read_text(encoding="utf-8").split())
    for phrase in (
        "1 serious incident notification was received during this quarter",
        "Child KLT (Category: Fatal - Abuse)** The rapid review agreed not to progress to a LCSPR",
        "the full report for **Child Joe** was published in December 2023",
        "The rapid review for this case was completed in November 2023 leading to a LCSPR",
        "Learning Event is scheduled for 25th January 2024",
        "Recall Event is scheduled for 26th February 2024",
        "'Step down from social care assessment' took place on 13th November 2023",
        "The audit reviewed 6 cases",
        "3 cases from Hartlepool and 3 cases from Stockton on Tees",
        "presented to the HSSCP Exec group in February 2024",
        "5 face to face/in-person and 10 virtual training sessions",
    ):
        assert phrase in text, phrase


# --- training --------------------------------------------------------------------------------------------


def test_training_sessions_in_q3_through_pmf_kpis(q3):
    tr01 = headline(q3, "TR01")
    assert (tr01["value"], tr01["numerator"], tr01["unit"]) == (15, 15, "count")
    assert categories(q3, "TR01") == {"Face to face": 5, "Virtual": 10}


def test_training_sessions_in_q3_in_the_database(con):
    delivered = rows(
        con,
        "SELECT delivery_mode, count(*) FROM training_sessions "
        "WHERE status = 'Delivered' AND session_date BETWEEN $a AND $b GROUP BY ALL ORDER BY ALL",
        a=Q3_START,
        b=Q3_END,
    )
    assert delivered == [("Face to face", 5), ("Virtual", 10)]


# --- serious incidents and case reviews ------------------------------------------------------------------


def test_one_notification_in_q3_klt_child_death_abuse_not_lcspr(con, q3):
    cr04 = kpi_rows(q3, "CR04")
    assert cr04[None]["value"] == 1
    assert categories(q3, "CR04") == {"Child death": 1}
    notified = rows(
        con,
        "SELECT review_id, nature, harm_type, rr_outcome, lcspr_start_date, lcspr_published_date "
        "FROM reviews WHERE notification_date BETWEEN $a AND $b",
        a=Q3_START,
        b=Q3_END,
    )
    assert len(notified) == 1
    review_id, nature, harm_type, outcome, lcspr_start, published = notified[0]
    assert (review_id, nature, harm_type) == ("KLT", "Child death", "Abuse")
    assert outcome is not None and outcome != "LCSPR"  # the rapid review agreed not to progress to an LCSPR
    assert (lcspr_start, published) == (None, None)


def test_jm_lcspr_published_as_child_joe_in_december_2023(con, q3):
    assert headline(q3, "CR06")["value"] == 1
    published = rows(
        con,
        "SELECT review_id, published_name, lcspr_published_date, rr_outcome FROM reviews "
        "WHERE lcspr_published_date BETWEEN $a AND $b",
        a=Q3_START,
        b=Q3_END,
    )
    assert len(published) == 1
    review_id, name, day, outcome = published[0]
    assert (review_id, name, outcome) == ("JM", "Child Joe", "LCSPR")
    assert (day.year, day.month) == (2023, 12)


def test_rv_rapid_review_in_november_2023_leading_to_an_lcspr_with_its_events(con, q3):
    [(completed, outcome, learning, recall)] = rows(
        con,
        "SELECT rr_completed_date, rr_outcome, learning_event_date, recall_event_date "
        "FROM reviews WHERE review_id = 'RV'",
    )
    assert (completed.year, completed.month) == (2023, 11)
    assert outcome == "LCSPR"
    assert learning == date(2024, 1, 25)
    assert recall == date(2024, 2, 26)
    assert categories(q3, "CR05") == {"LCSPR": 1, "No further review": 1}  # RV and KLT
    assert headline(q3, "CR05")["value"] == 2


def test_rapid_reviews_on_time_in_q3_is_one_of_two(con, q3):
    cr02 = headline(q3, "CR02")
    assert (cr02["numerator"], cr02["denominator"], cr02["value"], cr02["unit"]) == (1, 2, 50, "percent")
    completed = rows(
        con,
        "SELECT review_id, notification_date, rr_completed_date FROM reviews "
        "WHERE rr_completed_date BETWEEN $a AND $b ORDER BY review_id",
        a=Q3_START,
        b=Q3_END,
    )
    days = {review_id: working_days_between(notified, done) for review_id, notified, done in completed}
    assert set(days) == {"KLT", "RV"}
    assert days["KLT"] <= 15 < days["RV"], days


# --- the multi-agency audit ------------------------------------------------------------------------------


def test_step_down_audit_on_13_november_2023(con, q3):
    assert headline(q3, "AU01")["value"] == 6
    audits = rows(
        con,
        "SELECT DISTINCT audit_id, audit_title, audit_date, exec_report_date FROM audits "
        "WHERE audit_date BETWEEN $a AND $b",
        a=Q3_START,
        b=Q3_END,
    )
    assert len(audits) == 1
    audit_id, title, day, exec_report = audits[0]
    assert (title, day) == ("Step down from social care assessment", date(2023, 11, 13))
    assert (exec_report.year, exec_report.month) == (2024, 2)
    by_locality = rows(
        con,
        "SELECT locality, count(*) FROM audits WHERE audit_id = $id GROUP BY ALL ORDER BY ALL",
        id=audit_id,
    )
    assert by_locality == [("Hartlepool", 3), ("Stockton-on-Tees", 3)]


@pytest.mark.parametrize("locality", ["Hartlepool", "Stockton-on-Tees"])
def test_step_down_audit_cases_by_locality_through_pmf_kpis(sample_kpis, locality):
    assert headline(sample_kpis(Q3, locality), "AU01")["value"] == 3


# --- coverage: 2021-22 to 2024-25, both localities, every quarter ---------------------------------------


def test_events_fall_within_2021_22_to_2024_25(con):
    for table, column in (
        ("training_sessions", "session_date"),
        ("audits", "audit_date"),
        ("reviews", "notification_date"),
        ("actions", "date_agreed"),
    ):
        [(first, last)] = rows(con, f"SELECT min({column}), max({column}) FROM {table}")
        assert date(2021, 4, 1) <= first and last <= date(2025, 3, 31), (table, first, last)
    [(first, last)] = rows(con, "SELECT min(session_date), max(session_date) FROM training_sessions")
    assert (period_of(first).label, period_of(last).label) == ("2021-22 Q1", "2024-25 Q4")


def test_sessions_delivered_in_every_quarter_for_both_localities(con):
    delivered = rows(
        con,
        "SELECT session_date, locality FROM training_sessions WHERE status = 'Delivered'",
    )
    seen = {(period_of(day).label, locality) for day, locality in delivered}
    for quarter in QUARTERS:
        for locality in LOCALITIES:
            assert (quarter.label, locality) in seen, (quarter.label, locality)


def test_tr01_positive_in_every_quarter_for_both_localities_and_all(con):
    """The same computation `pmf kpis` runs, for all sixteen quarters at once."""
    table = compute_kpis(con, QUARTERS, settings())
    tr01 = table[(table["kpi"] == "TR01") & table["category"].isna()]
    values = {(p, loc): v for p, loc, v in zip(tr01["period"], tr01["locality"], tr01["value"], strict=True)}
    for quarter in QUARTERS:
        for locality in (None, *LOCALITIES):
            assert values[quarter.label, locality] > 0, (quarter.label, locality)


@pytest.mark.parametrize("year", ["2021-22", "2024-25"])
def test_first_and_last_years_through_pmf_kpis(sample_kpis, year):
    records = sample_kpis(year)
    assert {r["period"] for r in records} == {year}
    for kpi in ("TR01", "AU01"):
        assert headline(records, kpi)["value"] > 0, kpi


def test_every_dataset_has_rows_for_both_localities(con):
    for table in ("training_sessions", "audits", "reviews", "actions"):
        present = {loc for (loc,) in rows(con, f"SELECT DISTINCT locality FROM {table}")}
        assert set(LOCALITIES) <= present, table


# --- regenerating the sample -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("regenerated")
    done = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "data" / "make_sample.py"), str(out)],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Checked the newsletter's 2023-24 Q3 facts" in done.stdout, done.stdout
    return out


def _cells(path: Path) -> dict[str, list[tuple]]:
    book = load_workbook(path, read_only=True)
    try:
        return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}
    finally:
        book.close()


def test_regenerating_the_sample_gives_the_committed_workbooks(regenerated):
    committed = sorted(p.name for p in SAMPLE_DIR.glob("*.xlsx"))
    assert committed == ["actions.xlsx", "audits.xlsx", "reviews.xlsx", "training.xlsx"]
    assert sorted(p.name for p in regenerated.glob("*.xlsx")) == committed
    for name in committed:
        mine, theirs = _cells(regenerated / name), _cells(SAMPLE_DIR / name)
        assert list(mine) == list(theirs), name
        for sheet in theirs:
            assert mine[sheet] == theirs[sheet], f"{name} sheet {sheet} differs from the committed workbook"


def test_regenerating_the_sample_gives_the_committed_readme(regenerated):
    assert (regenerated / "README.md").read_text(encoding="utf-8") == (SAMPLE_DIR / "README.md").read_text(
        encoding="utf-8"
    )
