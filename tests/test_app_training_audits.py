"""The Training and Audits pages: the core (dashboard.areas.training, dashboard.areas.audits, queries/areas/*.sql) on the
sample data, and the pages in AppTest as a user drives them through the sidebar.

Expected values come from the newsletter (2023-24 Q3: 15 sessions delivered, 5 face to face and 10
virtual; one audit, "Step down from social care assessment", 13 November 2023, 6 cases, 3 Hartlepool and
3 Stockton-on-Tees) or from plain SQL counts written here, never from the functions under test.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest

from dashboard.areas import audits, training
from dashboard.charts import ALL_LOCALITIES
from dashboard.core.config import QUERIES_DIR, settings
from dashboard.core.db import connect
from dashboard.core.periods import Period, parse_period
from dashboard.kpis.catalogue import compute_kpis

Q3 = parse_period("2023-24 Q3")
YEAR = parse_period("2023-24")
EMPTY = parse_period("2030-31 Q1")
H, S, T = "Hartlepool", "Stockton-on-Tees", "Teeswide"
LOCALITIES = (H, S, T)
NO_DATA = "No data for this period."
STEP_DOWN = "Step down from social care assessment"


@pytest.fixture
def con(sample_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect(sample_db)
    yield connection
    connection.close()


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> Any:
    return con.execute(sql, params).fetchall()[0][0]


def _range(period: Period, locality: str | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {"a": period.start, "b": period.end}
    if locality is not None:
        params["loc"] = locality
    return params


# --- the SQL files ----------------------------------------------------------------------------------------

AREA_FILES = sorted((QUERIES_DIR / "areas").glob("training_*.sql")) + sorted(
    (QUERIES_DIR / "areas").glob("audits_*.sql")
)


@pytest.mark.parametrize("path", AREA_FILES, ids=lambda p: p.name)
def test_area_queries_take_the_period_and_locality_as_bound_parameters(path: Path) -> None:
    sql = path.read_text(encoding="utf-8")
    assert sql.startswith("--"), "each query says what it returns"
    names = set(re.findall(r"\$([a-z_]+)", sql))
    assert {"period_start", "period_end", "locality"} <= names
    assert names <= {"period_start", "period_end", "locality", "audit_id"}
    assert "{" not in sql, "no Python formatting placeholders"


def test_the_core_never_imports_streamlit() -> None:
    for module in (training, audits):
        source = Path(module.__file__ or "").read_text(encoding="utf-8")
        assert "streamlit" not in source


# --- training core ----------------------------------------------------------------------------------------


def test_newsletter_quarter_training(con: duckdb.DuckDBPyConnection) -> None:
    summary = training.training_summary(con, Q3, None)
    assert summary.delivered == 15
    assert summary.cancelled == 1
    by_mode = training.sessions_by_mode(con, Q3, None)
    totals = by_mode[by_mode["locality"] == ALL_LOCALITIES].set_index("delivery_mode")["sessions"]
    assert totals.to_dict() == {"Face to face": 5, "Virtual": 10}


def test_training_summary_agrees_with_the_kpis(con: duckdb.DuckDBPyConnection) -> None:
    table = compute_kpis(con, [Q3, YEAR], settings())
    headline = table[table["category"].isna()]
    for period in (Q3, YEAR):
        for locality in (None, *LOCALITIES):
            summary = training.training_summary(con, period, locality)
            rows = headline[(headline["period"] == period.label)]
            rows = rows[rows["locality"].isna()] if locality is None else rows[rows["locality"] == locality]
            kpi = {
                k: (None if pd.isna(v) else float(v)) for k, v in zip(rows["kpi"], rows["value"], strict=True)
            }
            where = f"{period.label} {locality}"
            assert summary.delivered == kpi["TR01"], where
            assert summary.fill_rate == pytest.approx(kpi["TR02"]), where
            assert summary.attendance_rate == pytest.approx(kpi["TR03"]), where
            assert summary.dna_rate == pytest.approx(kpi["TR04"]), where
            if kpi["TR06"] is None:
                assert summary.uplift is None, where
            else:
                assert summary.uplift == pytest.approx(kpi["TR06"]), where


def test_a_locality_counts_only_its_own_sessions(con: duckdb.DuckDBPyConnection) -> None:
    expected = _scalar(
        con,
        "SELECT count(*) FROM training_sessions WHERE status = 'Delivered' AND locality = $loc "
        "AND session_date BETWEEN $a AND $b",
        _range(Q3, H),
    )
    assert expected != 15
    assert training.training_summary(con, Q3, H).delivered == expected
    hartlepool = training.sessions_by_mode(con, Q3, H)
    assert set(hartlepool["locality"]) == {H}
    assert hartlepool["sessions"].sum() == expected


def test_teeswide_sessions_count_once(con: duckdb.DuckDBPyConnection) -> None:
    for period in (Q3, YEAR):
        total = training.training_summary(con, period, None)
        parts = [training.training_summary(con, period, loc) for loc in LOCALITIES]
        assert total.delivered == sum(p.delivered for p in parts)
        assert total.attended == sum(p.attended for p in parts)
        assert parts[2].delivered > 0  # the sample has Teeswide sessions in both periods
        both = training.sessions_by_mode(con, period, None, compare=True, localities=LOCALITIES)
        assert list(dict.fromkeys(both["locality"])) == [ALL_LOCALITIES, H, S, T]
        named = both[both["locality"] != ALL_LOCALITIES].groupby("delivery_mode")["sessions"].sum()
        totals = both[both["locality"] == ALL_LOCALITIES].set_index("delivery_mode")["sessions"]
        assert named.to_dict() == totals.to_dict()


def test_compare_shows_every_locality_whatever_the_filter(con: duckdb.DuckDBPyConnection) -> None:
    frame = training.sessions_by_mode(con, Q3, H, compare=True, localities=LOCALITIES)
    assert list(dict.fromkeys(frame["locality"])) == [ALL_LOCALITIES, H, S, T]
    teeswide_f2f = frame[(frame["locality"] == T) & (frame["delivery_mode"] == "Face to face")]
    assert teeswide_f2f["sessions"].tolist() == [0]  # a missing combination is a 0 bar, not a gap


def test_attendance_by_agency(con: duckdb.DuckDBPyConnection) -> None:
    frame = training.attendance_by_agency(con, Q3, None)
    assert frame["attended"].is_monotonic_decreasing
    assert (frame["attended"] > 0).all()
    expected = _scalar(
        con,
        "SELECT sum(a.attended) FROM training_attendance a JOIN training_sessions s USING (session_id) "
        "WHERE s.status = 'Delivered' AND s.session_date BETWEEN $a AND $b",
        _range(Q3),
    )
    assert frame["attended"].sum() == expected
    csc = _scalar(
        con,
        "SELECT sum(a.attended) FROM training_attendance a JOIN training_sessions s USING (session_id) "
        "WHERE s.status = 'Delivered' AND s.session_date BETWEEN $a AND $b "
        "AND a.agency = 'Children''s social care' AND s.locality = $loc",
        _range(Q3, H),
    )
    mine = training.attendance_by_agency(con, Q3, H)
    assert set(mine["locality"]) == {H}
    assert mine.set_index("agency").loc["Children's social care", "attended"] == csc
    compared = training.attendance_by_agency(con, Q3, None, compare=True, localities=LOCALITIES)
    assert compared["attended"].sum() == expected
    assert list(dict.fromkeys(compared["agency"])) == list(frame["agency"])  # agencies by their total


def test_session_list(con: duckdb.DuckDBPyConnection) -> None:
    frame = training.session_list(con, Q3, None)
    assert list(frame.columns) == list(training.SESSION_COLUMNS.values())
    assert len(frame) == 16  # 15 delivered and 1 cancelled
    assert frame["Status"].value_counts().to_dict() == {"Delivered": 15, "Cancelled": 1}
    delivered = frame[frame["Status"] == "Delivered"]
    assert delivered["Mode"].value_counts().to_dict() == {"Virtual": 10, "Face to face": 5}
    assert frame["Date"].is_monotonic_increasing
    assert set(training.session_list(con, Q3, T)["Locality"]) == {T}


def test_summary_table_has_a_row_per_locality(con: duckdb.DuckDBPyConnection) -> None:
    summaries = {ALL_LOCALITIES: training.training_summary(con, Q3, None)} | {
        loc: training.training_summary(con, Q3, loc) for loc in LOCALITIES
    }
    table = training.summary_table(summaries)
    assert table["Locality"].tolist() == [ALL_LOCALITIES, H, S, T]
    assert table["Delivered"].tolist()[0] == 15 == sum(table["Delivered"].tolist()[1:])


def test_training_figures_have_titles_and_units(con: duckdb.DuckDBPyConnection) -> None:
    colours = {H: "#0072B2", S: "#E69F00", T: "#009E73", ALL_LOCALITIES: "#333333"}
    fig = training.sessions_by_mode_figure(
        training.sessions_by_mode(con, Q3, None, localities=LOCALITIES), colours, Q3.label
    )
    assert "2023-24 Q3" in fig.layout.title.text
    assert fig.layout.xaxis.title.text == "Delivery mode"
    assert "(number)" in fig.layout.yaxis.title.text
    assert [t.name for t in fig.data] == [ALL_LOCALITIES, H, S, T]
    assert [t.marker.color for t in fig.data] == [colours[n] for n in (ALL_LOCALITIES, H, S, T)]
    agencies = training.attendance_by_agency_figure(
        training.attendance_by_agency(con, Q3, None), colours, "x"
    )
    assert "(number)" in agencies.layout.xaxis.title.text and agencies.layout.yaxis.title.text == "Agency"


# --- audits core ------------------------------------------------------------------------------------------


def test_newsletter_quarter_audit(con: duckdb.DuckDBPyConnection) -> None:
    table = audits.audit_list(con, Q3, None, LOCALITIES)
    assert len(table) == 1
    row = table.iloc[0]
    assert row["Title"] == STEP_DOWN
    assert pd.Timestamp(row["Date"]).date() == date(2023, 11, 13)
    assert (row["Cases"], row[H], row[S]) == (6, 3, 3)
    assert T not in table.columns  # no Teeswide cases, so no empty column
    assert sum(row[g] for g in audits.GRADES) == 6
    assert pd.Timestamp(row["Exec report"]).date().strftime("%Y-%m") == "2024-02"
    good = _scalar(
        con,
        "SELECT count(*) FILTER (WHERE overall_grade IN ('Outstanding', 'Good')) * 100.0 / count(*) "
        "FROM audits WHERE audit_date BETWEEN $a AND $b",
        _range(Q3),
    )
    assert row["Good or better (%)"] == pytest.approx(good)
    assert audits.audit_choices(table) == {"MAA-2023-03": f"13 November 2023: {STEP_DOWN} (6 cases)"}


def test_audit_list_for_a_locality_counts_its_own_cases(con: duckdb.DuckDBPyConnection) -> None:
    table = audits.audit_list(con, YEAR, H, LOCALITIES)
    expected = _scalar(
        con,
        "SELECT count(*) FROM audits WHERE locality = $loc AND audit_date BETWEEN $a AND $b",
        _range(YEAR, H),
    )
    assert table["Cases"].sum() == expected
    assert (table["Cases"] == table[H]).all()
    assert S not in table.columns


def test_audit_cases(con: duckdb.DuckDBPyConnection) -> None:
    cases = audits.audit_cases(con, Q3, None, "MAA-2023-03")
    assert list(cases.columns) == list(audits.CASE_COLUMNS.values())
    assert len(cases) == 6
    assert cases["Locality"].value_counts().to_dict() == {H: 3, S: 3}
    assert len(audits.audit_cases(con, Q3, H, "MAA-2023-03")) == 3
    everything = audits.audit_cases(con, YEAR, None)
    assert len(everything) == _scalar(
        con, "SELECT count(*) FROM audits WHERE audit_date BETWEEN $a AND $b", _range(YEAR)
    )
    assert audits.audit_cases(con, Q3, None, "no such audit").empty


def test_grades_by_locality(con: duckdb.DuckDBPyConnection) -> None:
    frame = audits.grades_by_locality(con, YEAR, None, LOCALITIES)
    assert list(dict.fromkeys(frame["grade"])) == [
        "Outstanding",
        "Good",
        "Requires improvement",
        "Inadequate",
    ]
    assert list(dict.fromkeys(frame["locality"])) == [H, S]
    for loc in (H, S):
        mine = frame[frame["locality"] == loc].set_index("grade")
        for grade in audits.GRADES:
            expected = _scalar(
                con,
                "SELECT count(*) FROM audits WHERE locality = $loc AND overall_grade = $g "
                "AND audit_date BETWEEN $a AND $b",
                {**_range(YEAR, loc), "g": grade},
            )
            assert mine.loc[grade, "cases"] == expected, (loc, grade)
        assert mine["share"].sum() == pytest.approx(100)
    assert set(audits.grades_by_locality(con, YEAR, S, LOCALITIES)["locality"]) == {S}


def test_grades_figure_is_ordered_and_sequential(con: duckdb.DuckDBPyConnection) -> None:
    fig = audits.grades_figure(audits.grades_by_locality(con, Q3, None, LOCALITIES), Q3.label)
    assert [t.name for t in fig.data] == list(audits.GRADES)
    assert [t.marker.color for t in fig.data] == [audits.GRADE_COLOURS[g] for g in audits.GRADES]
    lightness = [sum(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in audits.GRADE_COLOURS.values()]
    assert lightness == sorted(lightness), "dark (Outstanding) to light (Inadequate)"
    assert fig.layout.xaxis.title.text == "Locality" and "(number)" in fig.layout.yaxis.title.text
    assert "2023-24 Q3" in fig.layout.title.text


# --- an empty period --------------------------------------------------------------------------------------


def test_an_empty_period_gives_empty_results(con: duckdb.DuckDBPyConnection) -> None:
    summary = training.training_summary(con, EMPTY, None)
    assert not summary.has_sessions
    assert summary.fill_rate is None and summary.uplift is None and summary.dna_rate is None
    for compare in (False, True):
        assert training.sessions_by_mode(con, EMPTY, None, compare, LOCALITIES).empty
        assert training.attendance_by_agency(con, EMPTY, None, compare, LOCALITIES).empty
    assert training.session_list(con, EMPTY, None).empty
    assert audits.audit_list(con, EMPTY, None, LOCALITIES).empty
    assert audits.audit_cases(con, EMPTY, None).empty
    assert audits.grades_by_locality(con, EMPTY, None, LOCALITIES).empty


# --- the pages in AppTest ---------------------------------------------------------------------------------


def _open(at: Any, page: str, fy: str = "2023-24", quarter: str = "Q3", locality: str | None = None) -> Any:
    at.run()
    at.sidebar.selectbox(key="fy").set_value(fy).run()
    at.sidebar.selectbox(key="quarter").set_value(quarter).run()
    if locality is not None:
        at.sidebar.selectbox(key="locality").set_value(locality).run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _metric(at: Any, label: str) -> str:
    values = [str(m.value) for m in at.metric if m.label == label]
    assert values, f"no metric {label!r}: {[m.label for m in at.metric]}"
    return values[0]


def _table(at: Any, column: str) -> pd.DataFrame:
    for element in at.dataframe:
        if column in element.value.columns:
            return element.value
    raise AssertionError(f"no table with {column!r}: {[list(e.value.columns) for e in at.dataframe]}")


def _chart_traces(at: Any) -> list[list[dict[str, Any]]]:
    """Each Plotly chart's traces, with y decoded from Plotly's binary arrays."""
    charts = []
    for element in at.get("plotly_chart"):
        traces = json.loads(element.proto.spec)["data"]
        for trace in traces:
            for axis in ("x", "y"):
                value = trace.get(axis)
                if isinstance(value, dict) and "bdata" in value:
                    trace[axis] = np.frombuffer(
                        base64.b64decode(value["bdata"]), dtype=value["dtype"]
                    ).tolist()
        charts.append(traces)
    return charts


def _infos(at: Any) -> list[str]:
    return [str(i.value) for i in at.info]


def test_training_page_shows_the_newsletter_quarter(app: Any) -> None:
    at = _open(app, "app_pages/training.py")
    assert at.title[0].value == "Training"
    assert _metric(at, "Sessions delivered") == "15"
    assert _metric(at, "Cancelled sessions") == "1"
    for label in ("Fill rate", "Attendance rate", "Did-not-attend rate"):
        assert _metric(at, label).endswith("%")
    assert _metric(at, "Confidence uplift") != "–"
    sessions = _table(at, "Mode")
    assert len(sessions) == 16
    delivered = sessions[sessions["Status"] == "Delivered"]
    assert delivered["Mode"].value_counts().to_dict() == {"Virtual": 10, "Face to face": 5}
    modes, agencies = _chart_traces(at)
    total = next(t for t in modes if t["name"] == ALL_LOCALITIES)
    assert dict(zip(total["x"], total["y"], strict=True)) == {"Face to face": 5, "Virtual": 10}
    assert len(agencies) == 1 and agencies[0]["x"] == sorted(agencies[0]["x"], reverse=True)
    assert at.get("download_button")
    assert NO_DATA not in _infos(at)


def test_training_page_for_hartlepool_shows_hartlepools_numbers(app: Any, sample_db: Path) -> None:
    con = duckdb.connect(str(sample_db))
    try:
        expected = _scalar(
            con,
            "SELECT count(*) FROM training_sessions WHERE status = 'Delivered' AND locality = 'Hartlepool' "
            "AND session_date BETWEEN DATE '2023-10-01' AND DATE '2023-12-31'",
            {},
        )
    finally:
        con.close()
    assert expected != 15
    at = _open(app, "app_pages/training.py", locality=H)
    assert _metric(at, "Sessions delivered") == str(expected)
    sessions = _table(at, "Mode")
    assert set(sessions["Locality"]) == {H}
    assert (sessions["Status"] == "Delivered").sum() == expected
    (modes, _agencies) = _chart_traces(at)
    assert [t["name"] for t in modes] == [H]
    assert sum(modes[0]["y"]) == expected


def test_training_page_compares_the_localities(app: Any) -> None:
    at = _open(app, "app_pages/training.py")
    at.sidebar.toggle(key="compare").set_value(True).run()
    assert not at.exception
    table = _table(at, "Delivered")
    assert table["Locality"].tolist() == [ALL_LOCALITIES, H, S, T]
    assert table["Delivered"].tolist()[0] == 15 == sum(table["Delivered"].tolist()[1:])
    modes, agencies = _chart_traces(at)
    assert [t["name"] for t in modes] == [ALL_LOCALITIES, H, S, T]
    assert {t["name"] for t in agencies} == {H, S, T}


def test_audits_page_shows_the_step_down_audit(app: Any) -> None:
    at = _open(app, "app_pages/audits.py")
    assert at.title[0].value == "Audits"
    table = _table(at, "Title")
    assert table["Title"].tolist() == [STEP_DOWN]
    row = table.iloc[0]
    assert (row["Cases"], row[H], row[S]) == (6, 3, 3)
    assert pd.Timestamp(row["Date"]).date() == date(2023, 11, 13)
    cases = _table(at, "Case")
    assert len(cases) == 6
    assert cases["Locality"].value_counts().to_dict() == {H: 3, S: 3}
    assert at.selectbox(key="audit").value == "MAA-2023-03"
    (grades,) = _chart_traces(at)
    assert [t["name"] for t in grades] == list(audits.GRADES)
    assert sum(sum(t["y"]) for t in grades) == 6


def test_audits_page_follows_the_period_and_the_chosen_audit(app: Any) -> None:
    at = _open(app, "app_pages/audits.py", quarter="Whole year")
    table = _table(at, "Title")
    assert len(table) == 4
    assert at.selectbox(key="audit").options[2].startswith("13 November 2023: Step down")
    at.selectbox(key="audit").set_value("MAA-2023-03").run()
    assert not at.exception
    assert _table(at, "Case")["Case"].str.startswith("A23-03-").all()
    at.sidebar.selectbox(key="quarter").set_value("Q4").run()  # the chosen audit is not in Q4
    assert not at.exception
    assert _table(at, "Title")["Title"].tolist() == ["Disabled children and safeguarding"]
    assert at.selectbox(key="audit").value == "MAA-2023-04"


@pytest.fixture
def empty_app(app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The app on a database with the schema and no data: the filters offer the current quarter only."""
    path = tmp_path / "empty.duckdb"
    connect(path).close()
    monkeypatch.setenv("PMF_DB", str(path))
    return app


@pytest.mark.parametrize(
    ("page", "sections"),
    [("app_pages/training.py", 5), ("app_pages/audits.py", 3)],
    ids=["training", "audits"],
)
def test_a_period_with_no_data_says_so_in_every_section(empty_app: Any, page: str, sections: int) -> None:
    at = empty_app
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert _infos(at) == [NO_DATA] * sections
    assert not at.get("plotly_chart")
    assert not at.dataframe
    assert not at.metric


@pytest.mark.parametrize("period", [Q3, YEAR, EMPTY], ids=lambda p: p.label)
def test_grouped_training_summaries_equal_one_query_per_locality(con, period: Period) -> None:
    """The report's one grouped query gives what one query per locality gives."""
    names = [None, *LOCALITIES]
    grouped = training.training_summaries(con, period, names)
    for (
        name
    ) in names:  # (the grouped query adds the confidence scores in another order: compare them approximately)
        assert dataclasses.asdict(grouped[name]) == pytest.approx(
            dataclasses.asdict(training.training_summary(con, period, name))
        )
