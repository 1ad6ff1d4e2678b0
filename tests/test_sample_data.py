"""The sample workbooks (data/sample) reproduce the HSSCP newsletter for 2023-24 Q3, through `pmf kpis` and
through the database that `pmf init` builds from them; they cover 2021-22 to 2024-25 for both localities;
they are plausible and honest about the three real case references; and data/make_sample.py regenerates
exactly them.

The newsletter says, in its own words: "1 serious incident notification was received during this quarter";
"Child KLT (Category: Fatal - Abuse) The rapid review agreed not to progress to a LCSPR"; "the full report
for Child Joe was published in December 2023" (JM); "The rapid review for this case was completed in
November 2023 leading to a LCSPR. This LCSPR Learning Event is scheduled for 25th January 2024 and the
Recall Event is scheduled for 26th February 2024" (RV); "'Step down from social care assessment' took place
on 13th November 2023. The audit reviewed 6 cases ... (3 cases from Hartlepool and 3 cases from Stockton on
Tees). The audit report will be presented to the HSSCP Exec group in February 2024"; "5 face to
face/in-person and 10 virtual training sessions".

KLT, JM and RV are real case references: the sample gives them those facts and nothing remarkable besides
(no step late, no harm type the newsletter does not give, no Panel response, RV not published).
"""

from __future__ import annotations

import calendar
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from helpers.pmf_cli import PROJECT_DIR, SAMPLE_DIR, categories, headline, kpi_rows
from openpyxl import load_workbook

from dashboard.core.config import settings
from dashboard.core.periods import Period, add_working_days, period_of, working_days_between
from dashboard.kpis.catalogue import compute_kpis

Q3 = "2023-24 Q3"
Q3_START, Q3_END = date(2023, 10, 1), date(2023, 12, 31)
NEWSLETTER_CASES = ("KLT", "JM", "RV")
LOCALITIES = ("Hartlepool", "Stockton-on-Tees")
QUARTERS = [Period(year, quarter) for year in range(2021, 2025) for quarter in (1, 2, 3, 4)]


@pytest.fixture(scope="module")
def con(cli_sample_db) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the database `pmf init` made (no `pmf` command uses that file afterwards)."""
    connection = duckdb.connect(str(cli_sample_db[0]), read_only=True)
    yield connection
    connection.close()


def rows(con: duckdb.DuckDBPyConnection, sql: str, **params: object) -> list[tuple]:
    return con.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def q3(sample_kpis) -> list[dict]:
    return sample_kpis(Q3)


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
        "SELECT review_id, nature, harm_type, rr_outcome, lcspr_decision_date, lcspr_published_date "
        "FROM reviews WHERE notification_date BETWEEN $a AND $b",
        a=Q3_START,
        b=Q3_END,
    )
    assert len(notified) == 1
    review_id, nature, harm_type, outcome, lcspr_decision, published = notified[0]
    assert (review_id, nature, harm_type) == ("KLT", "Child death", "Abuse")
    assert outcome == "No LCSPR"  # the rapid review agreed not to progress to an LCSPR
    assert (lcspr_decision, published) == (None, None)


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
    assert categories(q3, "CR05") == {"LCSPR": 1, "No LCSPR": 1}  # RV and KLT
    assert headline(q3, "CR05")["value"] == 2


def test_rapid_reviews_completed_and_due_in_q3_are_klt_and_rv_both_on_time(con):
    reviews = reviews_by_id(con)
    completed = {r for r, row in reviews.items() if in_q3(row["rr_completed_date"])}
    due = {r for r, row in reviews.items() if in_q3(add_working_days(row["notification_date"], 15))}
    assert completed == due == {"KLT", "RV"}
    klt, rv = reviews["KLT"], reviews["RV"]
    assert working_days_between(klt["notification_date"], klt["rr_completed_date"]) <= 15
    assert not klt["rr_extension_agreed"]
    # RV was notified in Q2 (the quarter had one notification, KLT's) and its rapid review was completed in
    # November: on time only within a longer timescale agreed with the Panel, which the sample records.
    assert period_of(rv["notification_date"]).label == "2023-24 Q2"
    assert (rv["rr_completed_date"].year, rv["rr_completed_date"].month) == (2023, 11)
    assert rv["rr_extension_agreed"] is True


# --- the three real case references: the newsletter's facts, nothing remarkable besides -----------------


def reviews_by_id(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    cursor = con.execute("SELECT * FROM reviews")
    names = [d[0] for d in cursor.description]
    return {row["review_id"]: row for row in (dict(zip(names, r, strict=True)) for r in cursor.fetchall())}


def in_q3(day: date | None) -> bool:
    return day is not None and Q3_START <= day <= Q3_END


def six_months_after(day: date) -> date:
    month0 = day.month - 1 + 6
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@pytest.mark.parametrize("case", NEWSLETTER_CASES)
def test_the_newsletters_cases_are_never_late(con, case):
    review = reviews_by_id(con)[case]
    notified, sent = review["notification_date"], review["rr_completed_date"]
    assert review["la_aware_date"] is not None
    assert working_days_between(review["la_aware_date"], notified) <= 5
    assert sent is not None
    assert working_days_between(notified, sent) <= 15 or review["rr_extension_agreed"], review
    if review["rr_outcome"] == "LCSPR":
        deadline = six_months_after(review["lcspr_decision_date"])
        assert review["final_report_date"] is not None and review["final_report_date"] <= deadline
        if review["lcspr_published_date"] is not None:
            assert review["lcspr_published_date"] <= deadline


def test_jm_final_report_and_publication_within_6_months_and_rv_not_published(con):
    reviews = reviews_by_id(con)
    jm, rv = reviews["JM"], reviews["RV"]
    assert jm["final_report_date"] <= six_months_after(jm["lcspr_decision_date"])
    assert jm["lcspr_published_date"] <= six_months_after(jm["lcspr_decision_date"])
    assert (jm["published_name"], jm["publication_delay_reason"]) == ("Child Joe", None)
    assert (rv["lcspr_published_date"], rv["published_name"], rv["publication_delay_reason"]) == (
        None,
        None,
        None,
    )
    assert rv["final_report_date"] <= six_months_after(rv["lcspr_decision_date"])
    assert (rv["learning_event_date"], rv["recall_event_date"]) == (date(2024, 1, 25), date(2024, 2, 26))


def test_the_newsletters_cases_carry_nothing_it_does_not_say(con):
    reviews = reviews_by_id(con)
    assert {case: reviews[case]["harm_type"] for case in NEWSLETTER_CASES} == {
        "KLT": "Abuse",
        "JM": None,
        "RV": None,
    }
    for case in NEWSLETTER_CASES:
        assert (reviews[case]["panel_response"], reviews[case]["panel_response_date"]) == (None, None), case
    # Nothing in the action plan is said to come from KLT's or RV's reviews (JM's recommendations are in it).
    sources = rows(con, "SELECT DISTINCT source_ref FROM actions WHERE source_ref IN ('KLT', 'JM', 'RV')")
    assert sources == [("JM",)]


# --- the fictional rest: plausible, and showing what the KPIs must handle -------------------------------


def test_notifications_split_between_the_localities_as_their_child_populations(con):
    counts = dict(rows(con, "SELECT locality, count(*) FROM reviews GROUP BY ALL"))
    # Hartlepool has about a third of the two localities' children: about 1 : 2.2.
    assert 1.8 <= counts["Stockton-on-Tees"] / counts["Hartlepool"] <= 2.6, counts


def test_the_fictional_reviews_show_late_pending_withdrawn_extended_and_delayed_steps(con):
    fictional = [row for r, row in reviews_by_id(con).items() if r not in NEWSLETTER_CASES]
    assert any(r["rr_outcome"] == "Notification withdrawn" for r in fictional)
    assert any(r["rr_extension_agreed"] for r in fictional)
    assert any(r["la_aware_date"] is None for r in fictional)
    assert any(
        r["publication_delay_reason"] == "Parallel criminal proceedings"
        and r["final_report_date"] is not None
        and r["lcspr_published_date"] is None
        for r in fictional
    )
    assert any(
        r["la_aware_date"] is not None
        and working_days_between(r["la_aware_date"], r["notification_date"]) > 5
        for r in fictional
    )
    # A rapid review still not sent at the end of the quarter in which its 15th working day fell: once sent
    # in a later quarter, once never sent by the end of the sample.
    not_sent_in_time = []
    for r in fictional:
        if r["rr_extension_agreed"]:
            continue
        quarter = period_of(add_working_days(r["notification_date"], 15))
        if quarter.end <= date(2025, 3, 31) and (
            r["rr_completed_date"] is None or r["rr_completed_date"] > quarter.end
        ):
            not_sent_in_time.append((quarter.label, r["rr_completed_date"] is None))
    assert {never for _, never in not_sent_in_time} == {True, False}, not_sent_in_time
    # An LCSPR completed more than 6 months after the decision to hold it, and one still under way.
    lcsprs = [r for r in fictional if r["rr_outcome"] == "LCSPR"]
    assert any(
        r["final_report_date"] is not None
        and r["final_report_date"] > six_months_after(r["lcspr_decision_date"])
        for r in lcsprs
    )
    assert any(r["final_report_date"] is None for r in lcsprs)


# --- training and audits: plausible ---------------------------------------------------------------------


def test_no_training_session_between_23_december_and_2_january(con):
    held = rows(
        con,
        "SELECT session_id, session_date FROM training_sessions WHERE delivery_mode <> 'E-learning' "
        "AND ((month(session_date) = 12 AND day(session_date) >= 23) "
        "OR (month(session_date) = 1 AND day(session_date) <= 2))",
    )
    assert held == []


def test_e_learning_is_recorded_as_monthly_completions_not_as_40_place_sessions(con):
    elearning = rows(
        con,
        "SELECT course_title, session_date, places_offered, places_booked, attended, did_not_attend, status "
        "FROM training_sessions WHERE delivery_mode = 'E-learning' ORDER BY session_date, course_title",
    )
    assert len(elearning) >= 12
    for title, day, offered, booked, attended, no_show, status in elearning:
        assert offered is None, (title, day)  # completions, not places
        assert booked == attended > 0 and no_show in (None, 0) and status == "Delivered", (title, day)
    months = [(title, day.year, day.month) for title, day, *_ in elearning]
    assert len(months) == len(set(months))  # one row per course per month
    registers = rows(
        con,
        "SELECT count(*) FROM training_attendance JOIN training_sessions USING (session_id) "
        "WHERE delivery_mode = 'E-learning'",
    )
    assert registers == [(0,)]


def test_audited_cases_are_led_by_the_agency_that_holds_them(con):
    statutory = rows(
        con,
        "SELECT DISTINCT lead_agency FROM audits WHERE lead_agency IS NOT NULL "
        "AND case_level IN ('Child in need', 'Child protection', 'Looked after')",
    )
    assert statutory == [("Children's social care",)]
    early_help = rows(
        con,
        "SELECT DISTINCT lead_agency FROM audits WHERE lead_agency IS NOT NULL AND case_level = 'Early help'",
    )
    assert early_help == [("Early help",)]
    babies_led_by_schools = rows(
        con, "SELECT case_ref FROM audits WHERE age_band = 'Under 1' AND lead_agency = 'School/college'"
    )
    assert babies_led_by_schools == []


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
    # quarterly.xlsx is written by data/make_quarterly_sample.py (tests/test_sample_cycle.py regenerates it)
    committed = sorted(p.name for p in SAMPLE_DIR.glob("*.xlsx") if p.name != "quarterly.xlsx")
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
