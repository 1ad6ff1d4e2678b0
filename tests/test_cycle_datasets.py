"""The quarterly cycle's datasets, partnership_updates and kpi_commentary, through the same contract
machinery as the others: recognised by sheet name or headers, every error at its Excel row with nothing
stored, upsert by key, undo, replace, the upload log; quarters, KPI titles, https links and localities read
as the contract says, and text stored exactly as written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from helpers.workbooks import check, check_sheet, csv_bytes, data_state, new_database, table, xlsx

from dashboard.ingest.load import UploadRejected, load_upload, undo_latest, upload_history
from dashboard.ingest.upload_report import Problem

UPDATES = "partnership_updates"
COMMENTARY = "kpi_commentary"

UPDATE: dict[str, Any] = {
    "update_id": "U-01",
    "quarter": "2023-24 Q3",
    "section": "Work stream",
    "title": "Engagement of Children and Young People",
    "priority": "Engagement",
    "update": "Catalyst and HartlePower have run sessions with young people.",
    "status": "On track",
    "event_date": None,
    "link": "https://www.hartlepool.gov.uk/hsscp",
    "locality": None,
}
COMMENT: dict[str, Any] = {
    "kpi": "CR02",
    "quarter": "2023-24 Q3",
    "locality": None,
    "commentary": "One rapid review was late: a partner's chronology arrived after the deadline.",
    "action": "Chronologies requested on the day of the notification",
    "owner": "Business manager",
    "review_date": datetime(2024, 4, 30),
}


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = new_database(tmp_path / "pmf.duckdb")
    yield connection
    connection.close()


def stored(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql).fetchall()


def load(con: duckdb.DuckDBPyConnection, sheets: dict[str, list[list[Any]]], name: str = "cycle.xlsx") -> Any:
    report = check(xlsx(sheets), name)
    return load_upload(con, report, "analyst")


# --- recognising the sheets ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sheet_name", "dataset"),
    [
        ("partnership_updates", UPDATES),
        ("Partnership updates", UPDATES),
        ("kpi_commentary", COMMENTARY),
        ("KPI commentary", COMMENTARY),
    ],
)
def test_the_sheets_are_recognised_by_name(sheet_name: str, dataset: str) -> None:
    rows = table(UPDATE if dataset == UPDATES else COMMENT)
    report = check_sheet(sheet_name, rows)
    assert report.errors == []
    assert list(report.frames) == [dataset]


def test_a_single_sheet_is_recognised_by_its_headers() -> None:
    for base, dataset in ((UPDATE, UPDATES), (COMMENT, COMMENTARY)):
        report = check_sheet("Sheet1", table(base))
        assert report.errors == [] and list(report.frames) == [dataset]
    report = check(csv_bytes(table(COMMENT)), "commentary.csv")
    assert report.errors == [] and list(report.frames) == [COMMENTARY]


# --- values as the contract reads them ----------------------------------------------------------------------


def test_quarters_are_stored_as_the_canonical_label(con: duckdb.DuckDBPyConnection) -> None:
    spellings = ["2023-24 Q3", "Q3 2023-24", "2023/24 Q3", "Q3 2023/24", "2023-2024 Q3", "q1 2024-25"]
    rows = table(UPDATE, *({"update_id": f"U-{i}", "quarter": q} for i, q in enumerate(spellings)))
    load(con, {UPDATES: rows})
    assert stored(con, "SELECT update_id, quarter FROM partnership_updates ORDER BY update_id") == [
        ("U-0", "2023-24 Q3"),
        ("U-1", "2023-24 Q3"),
        ("U-2", "2023-24 Q3"),
        ("U-3", "2023-24 Q3"),
        ("U-4", "2023-24 Q3"),
        ("U-5", "2024-25 Q1"),
    ]


def test_a_kpi_title_is_stored_as_its_id_and_a_blank_locality_as_all_localities(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rows = table(
        COMMENT,
        {"kpi": "Rapid reviews on time"},
        {"kpi": "notifications ON TIME", "locality": "Stockton"},
        {"kpi": "TR02", "locality": "All"},
        {"kpi": "cr04", "locality": "Teeswide"},
    )
    load(con, {COMMENTARY: rows})
    assert stored(con, "SELECT kpi, quarter, locality FROM kpi_commentary ORDER BY kpi") == [
        ("CR01", "2023-24 Q3", "Stockton-on-Tees"),
        ("CR02", "2023-24 Q3", "All localities"),
        ("CR04", "2023-24 Q3", "Teeswide"),
        ("TR02", "2023-24 Q3", "All localities"),
    ]


def test_a_blank_update_locality_is_the_area_wide_value_and_synonyms_are_read(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rows = table(
        UPDATE,
        {"update_id": "U-1"},
        {
            "update_id": "U-2",
            "section": "Conference",
            "locality": "Hartlepool",
            "event_date": date(2024, 2, 6),
        },
        {"update_id": "U-3", "section": "E-bulletin", "status": None},
        {"update_id": "U-4", "section": "Guidance", "status": None},
    )
    load(con, {UPDATES: rows})
    assert stored(
        con, "SELECT update_id, section, status, event_date, locality FROM partnership_updates ORDER BY 1"
    ) == [
        ("U-1", "Work stream", "On track", None, "Teeswide"),
        ("U-2", "Event", "On track", date(2024, 2, 6), "Hartlepool"),
        ("U-3", "Communication", None, None, "Teeswide"),
        ("U-4", "Procedure", None, None, "Teeswide"),
    ]


def test_text_is_stored_exactly_as_written_html_and_all(con: duckdb.DuckDBPyConnection) -> None:
    script = "<script>alert(1)</script> & <b>bold</b> **not markdown** [x](javascript:alert(1))"
    load(con, {UPDATES: table(UPDATE, {"update": script, "title": "<i>Title</i>"})})
    load(con, {COMMENTARY: table(COMMENT, {"commentary": script})}, "second.xlsx")
    assert stored(con, 'SELECT title, "update" FROM partnership_updates') == [("<i>Title</i>", script)]
    assert stored(con, "SELECT commentary FROM kpi_commentary") == [(script,)]


def test_two_thousand_characters_of_text_are_accepted() -> None:
    report = check_sheet(UPDATES, table(UPDATE, {"update": "x" * 2000}))
    assert report.errors == []


# --- bad input: every error at its row, nothing stored -------------------------------------------------


def test_bad_commentary_is_refused_at_its_rows_and_nothing_is_stored(con: duckdb.DuckDBPyConnection) -> None:
    before = data_state(con)
    rows = table(
        COMMENT,
        {"kpi": "CR99"},
        {"kpi": "CR01", "quarter": "Q5 2023-24"},
        {"kpi": "CR03", "quarter": "2023-25 Q1"},
        {"kpi": "CR04", "commentary": "y" * 5000},
        {"kpi": "CR05", "locality": "Middlesbrough"},
        {"kpi": "CR06", "commentary": None},
        {"kpi": "TR01", "quarter": "2023-24"},
    )
    report = check(xlsx({COMMENTARY: rows}))
    assert [(p.row, p.column, p.reason) for p in report.errors] == [
        (
            2,
            "kpi",
            "is not a KPI of the catalogue: give its id (AP01 to TR06, as on the scorecard) or its title",
        ),
        (3, "quarter", "is not a quarter: there is no Q5, a financial year has Q1 to Q4 (2023-24 Q3)"),
        (
            4,
            "quarter",
            "is not a quarter: its financial year runs from 1 April to 31 March, so it is written with two "
            "years in a row, e.g. 2023-24 Q3",
        ),
        (5, "commentary", "is longer than 2,000 characters (5,000): shorten it"),
        (6, "locality", "is not one of: Hartlepool, Stockton-on-Tees, Teeswide, All localities"),
        (7, "commentary", "is required but blank"),
        (8, "quarter", "is a financial year, not a quarter: add the quarter, e.g. 2023-24 Q3"),
    ]
    assert report.errors[0].value == "CR99"
    with pytest.raises(UploadRejected):
        load_upload(con, report, "analyst")
    assert data_state(con) == before
    assert upload_history(con).empty


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "http://www.hartlepool.gov.uk",
        "data:text/html,<b>x</b>",
        "www.hartlepool.gov.uk",
    ],
)
def test_a_link_that_is_not_https_is_refused(link: str) -> None:
    report = check_sheet(UPDATES, table(UPDATE, {"link": link}))
    assert report.errors == [
        Problem(
            UPDATES,
            2,
            "link",
            link,
            "is not an https:// address: give the whole address, starting https:// "
            "(e.g. https://example.org/page)",
        )
    ]


def test_a_link_with_a_space_says_so() -> None:
    report = check_sheet(UPDATES, table(UPDATE, {"link": "https://www.example.org/a page"}))
    assert [p.reason for p in report.errors] == [
        "is not an https:// address (it has a space): give the whole address, starting https:// "
        "(e.g. https://example.org/page)"
    ]


def test_bad_updates_are_refused_at_their_rows(con: duckdb.DuckDBPyConnection) -> None:
    before = data_state(con)
    rows = table(
        UPDATE,
        {"update_id": "U-1", "update": "z" * 5000},
        {"update_id": "U-2", "section": "Gossip"},
        {"update_id": "U-3", "status": "Fine"},
        {"update_id": "U-4", "link": "javascript:alert(1)"},
        {"update_id": "U-4"},
    )
    report = check(xlsx({UPDATES: rows}))
    assert [(p.row, p.column, p.reason) for p in report.errors] == [
        (2, "update", "is longer than 2,000 characters (5,000): shorten it"),
        (
            3,
            "section",
            "is not one of: Work stream, Procedure, Event, Communication, Training programme, Other",
        ),
        (4, "status", "is not one of: On track, At risk, Off track, Complete"),
        (
            5,
            "link",
            "is not an https:// address: give the whole address, starting https:// (e.g. https://example.org/page)",
        ),
        (6, "update_id", "repeats the key of row 5 (update_id U-4): each row needs its own key"),
    ]
    with pytest.raises(UploadRejected):
        load_upload(con, report, "analyst")
    assert data_state(con) == before


def test_a_missing_required_column_is_named() -> None:
    headers_only = {k: v for k, v in COMMENT.items() if k != "commentary"}
    report = check_sheet(COMMENTARY, table(headers_only))
    assert [(p.row, p.reason) for p in report.errors] == [
        (1, "no header row with the required columns of kpi_commentary: missing commentary")
    ]


def test_an_old_text_column_keeps_its_1000_character_limit() -> None:
    report = check_sheet(UPDATES, table(UPDATE, {"title": "t" * 1500}))
    assert [(p.column, p.reason) for p in report.errors] == [
        ("title", "is longer than 1,000 characters (1,500): shorten it")
    ]


# --- loading: upsert, undo, replace, the log --------------------------------------------------------------


def test_upsert_by_key_then_undo_restores_exactly(con: duckdb.DuckDBPyConnection) -> None:
    first = load(
        con,
        {
            UPDATES: table(UPDATE, {"update_id": "U-1"}, {"update_id": "U-2", "status": "At risk"}),
            COMMENTARY: table(COMMENT, {}, {"locality": "Hartlepool"}),
        },
        "q3.xlsx",
    )
    assert [(c.dataset, c.added, c.replaced) for c in first.changes] == [(UPDATES, 2, 0), (COMMENTARY, 2, 0)]
    after_first = data_state(con)

    second = load(
        con,
        {
            UPDATES: table(UPDATE, {"update_id": "U-2", "status": "Complete"}, {"update_id": "U-3"}),
            COMMENTARY: table(COMMENT, {"quarter": "Q3 2023/24", "commentary": "Revised wording."}),
        },
        "q3 revised.xlsx",
    )
    assert [(c.dataset, c.added, c.replaced, c.unchanged) for c in second.changes] == [
        (UPDATES, 1, 1, 0),
        (COMMENTARY, 0, 1, 0),
    ]
    assert stored(con, "SELECT update_id, status FROM partnership_updates ORDER BY 1") == [
        ("U-1", "On track"),
        ("U-2", "Complete"),
        ("U-3", "On track"),
    ]
    assert stored(con, "SELECT locality, commentary FROM kpi_commentary ORDER BY 1") == [
        ("All localities", "Revised wording."),
        ("Hartlepool", COMMENT["commentary"]),
    ]
    log = upload_history(con)
    assert log[log["upload_id"] == second.upload_id][["dataset", "added", "replaced"]].values.tolist() == [
        [COMMENTARY, 0, 1],
        [UPDATES, 1, 1],
    ]

    undone = undo_latest(con, "analyst")
    assert undone.upload_id == second.upload_id
    assert undone.restored == {UPDATES: 2, COMMENTARY: 1}
    assert data_state(con) == after_first


def test_the_same_file_twice_changes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    sheets = {UPDATES: table(UPDATE), COMMENTARY: table(COMMENT)}
    load(con, sheets)
    again = load(con, sheets)
    assert not again.changed and again.upload_id is None
    assert [(c.dataset, c.unchanged) for c in again.changes] == [(UPDATES, 1), (COMMENTARY, 1)]


def test_replacing_the_whole_commentary_dataset(con: duckdb.DuckDBPyConnection) -> None:
    load(con, {COMMENTARY: table(COMMENT, {"kpi": "CR01"}, {"kpi": "CR02"})})
    before = data_state(con)
    report = check(xlsx({COMMENTARY: table(COMMENT, {"kpi": "CR03"})}))
    result = load_upload(con, report, "analyst", replace=COMMENTARY)
    assert [(c.added, c.removed) for c in result.changes] == [(1, 2)]
    assert stored(con, "SELECT kpi FROM kpi_commentary") == [("CR03",)]
    undo_latest(con, "analyst")
    assert data_state(con) == before
