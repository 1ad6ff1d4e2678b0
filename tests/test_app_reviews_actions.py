"""The Case reviews and Action plan pages (AppTest on the sample data) and their core, dashboard.areas.reviews and
dashboard.areas.actions, on small hand-made fixtures.

Expected dates are worked out by hand in the comments. Christmas 2023: Monday 25 and Tuesday 26 December and
Monday 1 January 2024 are bank holidays.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from dashboard.areas import actions, reviews
from dashboard.core.db import connect

Q3_START, Q3_END = date(2023, 10, 1), date(2023, 12, 31)


# --- the pages ---------------------------------------------------------------------------------------------


def _open_q3(at: Any, page: str) -> Any:
    at.run()
    at.sidebar.selectbox(key="fy").set_value("2023-24").run()
    at.sidebar.selectbox(key="quarter").set_value("Q3").run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _frame(at: Any, column: str) -> pd.DataFrame:
    """The one table with that column (AppTest does not expose a dataframe's key)."""
    found = [e.value for e in at.dataframe if column in e.value.columns]
    assert len(found) == 1, f"{len(found)} tables with a {column!r} column"
    return found[0]


def test_case_reviews_page_q3_shows_the_newsletters_reviews_on_time(app: Any) -> None:
    """The newsletter's three reviews carry no invented lateness: RV's rapid review took 24 working days
    with an extension the Panel agreed."""
    at = _open_q3(app, "app_pages/case_reviews.py")
    assert [s.value for s in at.success] == [
        "No step was late in 2023-24 Q3: every deadline that fell due was met."
    ]
    table = _frame(at, "Outcome").set_index("Review")
    assert list(table.index) == ["JM", "RV", "KLT"]
    rr_days = "Rapid review working days (target 15)"
    assert table.loc["RV", "Rapid review completed"] == "2 November 2023"
    assert table.loc["RV", rr_days] == "24 · ✔ On time"
    assert table.loc["RV", "Learning event"] == "25 January 2024"
    assert table.loc["RV", "Recall event"] == "26 February 2024"
    assert table.loc["RV", "Published"] == "–"  # the sample invents no publication for RV
    assert table.loc["KLT", "Notified"] == "16 October 2023"
    assert table.loc["KLT", "Rapid review completed"] == "3 November 2023"
    assert table.loc["KLT", rr_days] == "14 · ✔ On time"
    assert table.loc["KLT", "Outcome"] == "No LCSPR"
    assert table.loc["JM", "Published"] == "14 December 2023 as Child Joe"
    assert table.loc["JM", "Completion"] == "✔ On time"
    assert len(at.get("plotly_chart")) == 1


def test_case_reviews_page_lists_the_steps_late_in_the_quarter_their_deadline_fell(app: Any) -> None:
    at = _open_q3(app, "app_pages/case_reviews.py")
    at.sidebar.selectbox(key="fy").set_value("2021-22").run()
    at.sidebar.selectbox(key="quarter").set_value("Q4").run()
    assert not at.exception
    assert [w.value for w in at.warning] == ["**2 late steps in 2021-22 Q4**"]
    late = _frame(at, "Step")
    assert late[["Review", "Due by", "Done", "Status"]].to_dict("records") == [
        {"Review": "ATW", "Due by": "20 January 2022", "Done": "24 January 2022", "Status": "✖ Late"},
        # sent in April, in the next quarter: late in the quarter its deadline fell in
        {"Review": "SL", "Due by": "14 March 2022", "Done": "6 April 2022", "Status": "✖ Late"},
    ]


def test_case_reviews_page_empty_period_says_no_data(app: Any) -> None:
    at = _open_q3(app, "app_pages/case_reviews.py")
    at.sidebar.selectbox(key="fy").set_value("2022-23").run()
    at.sidebar.selectbox(key="quarter").set_value("Q1").run()
    at.sidebar.selectbox(key="locality").set_value("Hartlepool").run()
    assert not at.exception
    assert [i.value for i in at.info] == ["No data for this period."]
    assert len(at.get("plotly_chart")) == 0


def _plain_sql_rag_counts(path: Path, as_at: date) -> dict[str, int]:
    """The RAG rules of domain.md written out again, independently of queries/areas/actions_as_at.sql."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute(
            """
            SELECT
                count(*) FILTER (WHERE completed_date IS NOT NULL AND completed_date <= $d) AS blue,
                count(*) FILTER (WHERE (completed_date IS NULL OR completed_date > $d) AND target_date < $d) AS red,
                count(*) FILTER (WHERE (completed_date IS NULL OR completed_date > $d) AND target_date >= $d
                                 AND (target_date <= $d + 30 OR status = 'At risk')) AS amber,
                count(*) FILTER (WHERE (completed_date IS NULL OR completed_date > $d)
                                 AND target_date > $d + 30 AND status <> 'At risk') AS green
            FROM actions
            WHERE date_agreed IS NULL OR date_agreed <= $d
            """,
            {"d": as_at},
        ).fetchall()
    finally:
        con.close()
    blue, red, amber, green = rows[0]
    return {"Red": red, "Amber": amber, "Green": green, "Blue": blue}


def test_action_plan_page_q3_overdue_first_and_counts(app: Any, sample_db: Path) -> None:
    expected = _plain_sql_rag_counts(sample_db, Q3_END)  # before the app holds the database open
    at = _open_q3(app, "app_pages/action_plan.py")
    assert expected["Red"] >= 1
    shown = {m.label.split("[")[1].rstrip("]").split(" ")[1]: int(m.value) for m in at.metric}
    assert shown == expected
    table = _frame(at, "Action ID")
    assert len(table) == sum(expected.values())
    red = expected["Red"]
    assert list(table["RAG"][:red]) == ["✖ Red"] * red
    assert "✖ Red" not in set(table["RAG"][red:])
    # ACT-033: target 30 November 2023, completed 17 January 2024: open and 31 days overdue on 31 December.
    late = table.set_index("Action ID").loc["ACT-033"]
    assert (late["Days overdue"], late["Target date"]) == ("31 days", "30 November 2023")
    assert late["Status then"] == actions.COMPLETED_LATER
    assert len(at.get("plotly_chart")) == 1

    at.multiselect(key="agency").set_value(["Children's social care"]).run()
    assert not at.exception
    filtered = _frame(at, "Action ID")
    assert 0 < len(filtered) < len(table)
    assert set(filtered["Lead agency"]) == {"Children's social care"}
    assert sum(int(m.value) for m in at.metric) == len(filtered)


# --- the core: reviews -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def empty_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("core") / "empty.duckdb"
    connect(path).close()
    return path


@pytest.fixture
def con(empty_db_template: Path, tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """An empty PMF database (schema and working-day calendar), private to the test."""
    path = tmp_path / "core.duckdb"
    path.write_bytes(empty_db_template.read_bytes())
    connection = connect(path)
    yield connection
    connection.close()


def _add_review(con: duckdb.DuckDBPyConnection, review_id: str, **dates: Any) -> None:
    row: dict[str, Any] = {
        "review_id": review_id,
        "locality": "Hartlepool",
        "nature": "Serious harm",
        "harm_type": "Neglect",
        "la_aware_date": None,
        "notification_date": None,
        "rr_completed_date": None,
        "rr_outcome": None,
        "lcspr_decision_date": None,
        "learning_event_date": None,
        "recall_event_date": None,
        "lcspr_published_date": None,
        "published_name": None,
        "upload_id": 1,
    }
    row.update(dates)
    columns = ", ".join(row)
    con.execute(f"INSERT INTO reviews ({columns}) VALUES ({', '.join('$' + k for k in row)})", row)


def _review(con: duckdb.DuckDBPyConnection, review_id: str, start: date, end: date) -> pd.Series:
    frame = reviews.active_reviews(con, start, end, None).set_index("review_id")
    return frame.loc[review_id]


def _d(value: Any) -> date:
    return pd.Timestamp(value).date()


def test_rapid_review_deadline_skips_christmas_bank_holidays(con: duckdb.DuckDBPyConnection) -> None:
    # Notified Friday 22 December 2023 (day 0). Working days: 27, 28, 29 December (3); 2 to 5 January (7);
    # 8 to 12 January (12); 15, 16, 17 January (15). So due Wednesday 17 January 2024; without the bank
    # holidays of 25, 26 December and 1 January it would be 12 January.
    _add_review(con, "ONTIME", notification_date=date(2023, 12, 22), rr_completed_date=date(2024, 1, 17))
    _add_review(con, "LATE", notification_date=date(2023, 12, 22), rr_completed_date=date(2024, 1, 18))
    on_time = _review(con, "ONTIME", Q3_START, Q3_END)
    late = _review(con, "LATE", Q3_START, Q3_END)
    assert _d(on_time["rr_due_date"]) == date(2024, 1, 17)
    assert (on_time["rr_working_days"], on_time["rr_status"]) == (15, "On time")
    assert (late["rr_working_days"], late["rr_status"]) == (16, "Late")


def test_notification_deadline_skips_bank_holidays(con: duckdb.DuckDBPyConnection) -> None:
    # LA aware Friday 22 December 2023: 27, 28, 29 December, 2, 3 January = 5 working days -> 3 January 2024.
    _add_review(con, "N", la_aware_date=date(2023, 12, 22), notification_date=date(2024, 1, 4))
    row = _review(con, "N", Q3_START, Q3_END)
    assert _d(row["notification_due_date"]) == date(2024, 1, 3)
    assert (row["notification_working_days"], row["notification_status"]) == (6, "Late")


def test_notification_on_a_weekend_counts_as_cr01(con: duckdb.DuckDBPyConnection) -> None:
    # Aware Friday 6 October 2023; due Friday 13 October; notified Saturday 14 October: still 5 working days.
    _add_review(con, "W", la_aware_date=date(2023, 10, 6), notification_date=date(2023, 10, 14))
    row = _review(con, "W", Q3_START, Q3_END)
    assert _d(row["notification_due_date"]) == date(2023, 10, 13)
    assert (row["notification_working_days"], row["notification_status"]) == (5, "On time")


def test_lcspr_deadline_six_calendar_months_as_cr03(con: duckdb.DuckDBPyConnection) -> None:
    # 31 August 2023 + 6 months: 31 February does not exist, so the month's last day, 29 February 2024.
    common = dict(
        notification_date=date(2023, 8, 10),
        rr_completed_date=date(2023, 8, 31),
        rr_outcome="LCSPR",
        lcspr_decision_date=date(2023, 8, 31),
    )
    _add_review(con, "ONTIME", lcspr_published_date=date(2024, 2, 29), published_name="Child A", **common)
    _add_review(con, "LATE", lcspr_published_date=date(2024, 3, 1), **common)
    _add_review(con, "OPEN", **common)
    cr03_deadline = con.execute("SELECT (DATE '2023-08-31' + INTERVAL 6 MONTH)::DATE").fetchall()[0][0]
    assert cr03_deadline == date(2024, 2, 29)
    frame = reviews.active_reviews(con, Q3_START, Q3_END, None).set_index("review_id")
    assert {_d(d) for d in frame["lcspr_due_date"]} == {date(2024, 2, 29)}
    assert frame.loc["ONTIME", "lcspr_status"] == "On time"
    assert frame.loc["LATE", "lcspr_status"] == "Late"
    assert frame.loc["OPEN", "lcspr_status"] == "Not yet due"  # as at 31 December 2023
    q4 = reviews.active_reviews(con, date(2024, 1, 1), date(2024, 3, 31), None).set_index("review_id")
    assert q4.loc["OPEN", "lcspr_status"] == "Overdue"  # 29 February passed before 31 March


def test_unfinished_steps_as_at_period_end(con: duckdb.DuckDBPyConnection) -> None:
    # Notified 2 October 2023: rapid review due 23 October. Not done: overdue at the end of Q3.
    _add_review(con, "PENDING", notification_date=date(2023, 10, 2))
    row = _review(con, "PENDING", Q3_START, Q3_END)
    assert _d(row["rr_due_date"]) == date(2023, 10, 23)
    assert row["rr_status"] == "Overdue"
    assert row["notification_status"] == "Not known"  # no LA aware date: cannot be judged, as CR01
    late = reviews.late_steps(
        pd.DataFrame([row.rename(None)]).reset_index(names="review_id"), Q3_START, Q3_END
    )
    assert list(late["Status"]) == ["✖ Overdue"]
    assert list(late["Due by"]) == ["23 October 2023"]


def test_active_reviews_overlap_the_period_and_follow_the_locality(con: duckdb.DuckDBPyConnection) -> None:
    _add_review(con, "BEFORE", notification_date=date(2023, 5, 1), rr_completed_date=date(2023, 5, 19))
    _add_review(con, "AFTER", la_aware_date=date(2024, 1, 2), notification_date=date(2024, 1, 3))
    _add_review(
        con,
        "RUNNING",  # LCSPR started before the period, published after it
        notification_date=date(2023, 3, 1),
        rr_completed_date=date(2023, 3, 20),
        rr_outcome="LCSPR",
        lcspr_decision_date=date(2023, 3, 20),
        lcspr_published_date=date(2024, 2, 1),
    )
    _add_review(
        con,
        "ENDS_IN",
        notification_date=date(2023, 9, 15),
        rr_completed_date=date(2023, 10, 2),
        locality="Stockton-on-Tees",
    )
    everyone = reviews.active_reviews(con, Q3_START, Q3_END, None)
    assert list(everyone["review_id"]) == ["RUNNING", "ENDS_IN"]
    stockton = reviews.active_reviews(con, Q3_START, Q3_END, "Stockton-on-Tees")
    assert list(stockton["review_id"]) == ["ENDS_IN"]
    assert reviews.active_reviews(con, Q3_START, Q3_END, "Teeswide").empty


def test_late_steps_belong_to_the_period_their_deadline_fell_in(con: duckdb.DuckDBPyConnection) -> None:
    # Rapid review due 16 October 2023, sent late in November: listed for Q3. The LCSPR, due to be completed
    # by 10 May 2024 and published (no final report recorded) on 20 May: listed for 2024-25 Q1, not for Q3.
    _add_review(
        con,
        "QX",
        la_aware_date=date(2023, 9, 21),
        notification_date=date(2023, 9, 25),
        rr_completed_date=date(2023, 11, 10),
        rr_outcome="LCSPR",
        lcspr_decision_date=date(2023, 11, 10),
        lcspr_published_date=date(2024, 5, 20),
        published_name="Child Q",
    )
    q3 = reviews.active_reviews(con, Q3_START, Q3_END, None)
    assert list(reviews.late_steps(q3, Q3_START, Q3_END)["Step"]) == [
        "Rapid review: 34 working days after notification (target 15)"
    ]
    q1 = reviews.active_reviews(con, date(2024, 4, 1), date(2024, 6, 30), None)
    late = reviews.late_steps(q1, date(2024, 4, 1), date(2024, 6, 30))
    assert list(late["Review"]) == ["QX (Child Q)"]
    assert list(late["Due by"]) == ["10 May 2024"]


def test_timeline_figure_has_titles_and_marks_late_steps(con: duckdb.DuckDBPyConnection) -> None:
    _add_review(
        con,
        "QX",
        la_aware_date=date(2023, 9, 21),
        notification_date=date(2023, 9, 25),
        rr_completed_date=date(2023, 11, 10),
    )
    frame = reviews.active_reviews(con, Q3_START, Q3_END, None)
    points = reviews.timeline_points(frame)
    assert set(points["step"]) == {
        "LA aware",
        "Notification",
        "Rapid review",
        "Notification due",
        "Rapid review due",
    }
    fig = reviews.timeline_figure(points, "2023-24 Q3", Q3_START, Q3_END)
    assert fig.layout.title.text and fig.layout.xaxis.title.text == "Date" and fig.layout.yaxis.title.text
    late = [t for t in fig.data if t.name == "✖ Late"]
    assert len(late) == 1 and list(late[0].text) == ["✖ Late"]
    assert late[0].marker.color == "#B2182B"


# --- the core: actions -------------------------------------------------------------------------------------

AS_AT = date(2024, 1, 15)


def _add_action(con: duckdb.DuckDBPyConnection, action_id: str, target: date, **values: Any) -> None:
    row: dict[str, Any] = {
        "action_id": action_id,
        "source_type": "LCSPR",
        "source_ref": "JM",
        "action": f"Action {action_id}",
        "lead_agency": "Police",
        "locality": "Hartlepool",
        "date_agreed": date(2023, 6, 1),
        "target_date": target,
        "status": "On track",
        "completed_date": None,
        "upload_id": 1,
    }
    row.update(values)
    con.execute(f"INSERT INTO actions ({', '.join(row)}) VALUES ({', '.join('$' + k for k in row)})", row)


def test_action_rag_boundaries(con: duckdb.DuckDBPyConnection) -> None:
    _add_action(con, "DUE30", AS_AT + timedelta(days=30))  # due exactly in 30 days: Amber
    _add_action(con, "DUE31", AS_AT + timedelta(days=31))  # 31 days: Green
    _add_action(con, "ATRISK", AS_AT + timedelta(days=90), status="At risk")  # reported at risk: Amber
    _add_action(con, "TODAY", AS_AT)  # due on the as-at day: not yet overdue, Amber
    _add_action(con, "YESTERDAY", AS_AT - timedelta(days=1))  # past its target: Red, 1 day overdue
    _add_action(  # completed after the as-at date: still open then, so Red, 45 days overdue
        con, "LATER", date(2023, 12, 1), status="Complete", completed_date=AS_AT + timedelta(days=1)
    )
    _add_action(con, "DONE", date(2023, 12, 1), status="Complete", completed_date=AS_AT)  # Blue
    _add_action(con, "NOT_AGREED", date(2024, 6, 1), date_agreed=AS_AT + timedelta(days=1))  # left out
    _add_action(con, "NO_AGREED_DATE", date(2024, 6, 1), date_agreed=None)  # kept: Green
    _add_action(con, "TEESWIDE", date(2023, 11, 1), locality="Teeswide")  # Red, not in Hartlepool's plan
    plan = actions.action_plan(con, AS_AT, None, 30)
    rag = dict(zip(plan["action_id"], plan["rag"], strict=True))
    assert rag == {
        "DUE30": "Amber",
        "DUE31": "Green",
        "ATRISK": "Amber",
        "TODAY": "Amber",
        "YESTERDAY": "Red",
        "LATER": "Red",
        "DONE": "Blue",
        "NO_AGREED_DATE": "Green",
        "TEESWIDE": "Red",
    }
    overdue = {a: d for a, d in zip(plan["action_id"], plan["days_overdue"], strict=True) if not pd.isna(d)}
    assert overdue == {"YESTERDAY": 1, "LATER": 45, "TEESWIDE": 75}
    # Overdue first, most overdue first; then open by target date; completed last.
    assert list(plan["action_id"]) == [
        "TEESWIDE",
        "LATER",
        "YESTERDAY",
        "TODAY",
        "DUE30",
        "DUE31",
        "ATRISK",
        "NO_AGREED_DATE",
        "DONE",
    ]
    assert actions.rag_counts(plan) == {"Red": 3, "Amber": 3, "Green": 2, "Blue": 1}
    hartlepool = actions.action_plan(con, AS_AT, "Hartlepool", 30)
    assert "TEESWIDE" not in set(hartlepool["action_id"])
    shorter = actions.action_plan(con, AS_AT, None, 29)
    assert shorter.set_index("action_id").loc["DUE30", "rag"] == "Green"

    table = actions.plan_table(plan)
    assert list(table["RAG"][:3]) == ["✖ Red"] * 3 and table["RAG"].iloc[-1] == "■ Blue"
    assert list(table["Days overdue"][:3]) == ["75 days", "45 days", "1 day"]
    assert table.set_index("Action ID").loc["LATER", "Status then"] == actions.COMPLETED_LATER


def test_action_filters_and_open_by_agency(con: duckdb.DuckDBPyConnection) -> None:
    _add_action(con, "P1", date(2023, 12, 1))
    _add_action(con, "P2", date(2024, 6, 1), source_type="Audit")
    _add_action(con, "H1", date(2024, 6, 1), lead_agency="Early help")
    _add_action(
        con,
        "H2",
        date(2023, 1, 1),
        lead_agency="Early help",
        status="Complete",
        completed_date=date(2023, 1, 1),
    )
    plan = actions.action_plan(con, AS_AT, None, 30)
    assert actions.filter_options(plan) == (["Early help", "Police"], ["Audit", "LCSPR"])
    assert list(actions.filter_plan(plan, ["Police"])["action_id"]) == ["P1", "P2"]
    assert list(actions.filter_plan(plan, ["Police"], ["Audit"])["action_id"]) == ["P2"]
    assert len(actions.filter_plan(plan)) == 4
    by_agency = actions.open_by_agency(plan)
    assert by_agency.to_dict("records") == [
        {"lead_agency": "Police", "rag": "Red", "actions": 1},
        {"lead_agency": "Early help", "rag": "Green", "actions": 1},
        {"lead_agency": "Police", "rag": "Green", "actions": 1},
    ]
    fig = actions.open_by_agency_figure(by_agency, AS_AT)
    assert fig.layout.title.text == "Open actions by lead agency as at 15 January 2024"
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    assert [t.name for t in fig.data] == ["✖ Red", "✔ Green"]


def test_as_at_date_is_period_end_or_today() -> None:
    assert actions.as_at_date(Q3_END, today=date(2026, 11, 28)) == Q3_END
    assert actions.as_at_date(date(2027, 3, 31), today=date(2026, 11, 28)) == date(2026, 11, 28)
