"""A change made in the app is an upload of one row (dashboard.ingest.edits): checked by the upload's rules
with the same reasons, stored, recorded in the upload log ('edit' or 'remove'), and undone exactly."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from helpers.workbooks import SETTINGS, check, data_state, new_database, table, whole_state, xlsx

from dashboard.ingest.edits import RowNotFound, remove_row, save_row
from dashboard.ingest.load import UploadRejected, load_upload, undo_latest, upload_history
from dashboard.ingest.upload_report import Problem

COMMENT: dict[str, Any] = {
    "kpi": "CR02",
    "quarter": "2023-24 Q3",
    "locality": None,
    "commentary": "One rapid review was late.",
    "action": "Chronologies requested on the day of the notification",
    "owner": "Business manager",
    "review_date": date(2024, 4, 30),
}
UPDATE: dict[str, Any] = {
    "update_id": "U-07",
    "quarter": "2023-24 Q3",
    "section": "Event",
    "title": "Neglect Active Learning Event",
    "priority": "Neglect",
    "update": "Practitioners met to learn about neglect.",
    "event_date": date(2024, 2, 6),
    "link": "https://www.hartlepool.gov.uk/hsscp",
}


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = new_database(tmp_path / "pmf.duckdb")
    yield connection
    connection.close()


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql).fetchall()


def test_a_saved_commentary_is_stored_logged_and_undone(con: duckdb.DuckDBPyConnection) -> None:
    before = data_state(con)
    result = save_row(con, SETTINGS, "kpi_commentary", COMMENT, "ann@hsscp")
    assert result.upload_id == 1
    assert result.file_name == "Edited in the dashboard: kpi_commentary CR02, 2023-24 Q3, All localities"
    assert rows(con, "SELECT * EXCLUDE (upload_id) FROM kpi_commentary") == [
        (
            "CR02",
            "2023-24 Q3",
            "All localities",
            "One rapid review was late.",
            "Chronologies requested on the day of the notification",
            "Business manager",
            date(2024, 4, 30),
        )
    ]
    log = upload_history(con)
    assert log[
        ["upload_id", "uploaded_by", "file_name", "mode", "dataset", "added", "replaced"]
    ].values.tolist() == [[1, "ann@hsscp", result.file_name, "edit", "kpi_commentary", 1, 0]]
    undone = undo_latest(con, "ann@hsscp")
    assert undone.file_name == result.file_name
    assert data_state(con) == before
    assert rows(con, "SELECT count(*) FROM kpi_commentary") == [(0,)]
    assert rows(con, "SELECT undone_by FROM uploads") == [("ann@hsscp",)]


def test_an_edit_replaces_the_uploaded_row_and_its_undo_brings_the_upload_back(
    con: duckdb.DuckDBPyConnection,
) -> None:
    uploaded = load_upload(con, check(xlsx({"kpi_commentary": table(COMMENT)})), "analyst")
    assert uploaded.upload_id == 1
    after_upload = data_state(con)
    edit = {**COMMENT, "quarter": "Q3 2023/24", "locality": "All localities", "commentary": "Revised."}
    result = save_row(con, SETTINGS, "kpi_commentary", edit, "bob")
    assert [(c.added, c.replaced) for c in result.changes] == [(0, 1)]
    assert rows(con, "SELECT commentary, upload_id FROM kpi_commentary") == [("Revised.", 2)]
    undo_latest(con, "bob")
    assert data_state(con) == after_upload


def test_saving_the_same_values_again_changes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    save_row(con, SETTINGS, "partnership_updates", UPDATE, "ann")
    again = save_row(con, SETTINGS, "partnership_updates", UPDATE, "ann")
    assert not again.changed and again.upload_id is None
    assert len(upload_history(con)) == 1


def test_an_update_from_a_form_takes_python_values_and_the_defaults(con: duckdb.DuckDBPyConnection) -> None:
    form = {**UPDATE, "event_date": pd.Timestamp("2024-03-28"), "status": None, "locality": ""}
    save_row(con, SETTINGS, "partnership_updates", form, "ann")
    assert rows(con, "SELECT section, event_date, status, locality FROM partnership_updates") == [
        ("Event", date(2024, 3, 28), None, "Teeswide")
    ]


def test_a_bad_value_raises_with_the_uploads_reasons_and_stores_nothing(
    con: duckdb.DuckDBPyConnection,
) -> None:
    before = whole_state(con)
    bad = {**UPDATE, "quarter": "Q5 2023-24", "link": "javascript:alert(1)", "update": "x" * 5000}
    with pytest.raises(UploadRejected) as raised:
        save_row(con, SETTINGS, "partnership_updates", bad, "ann")
    assert [(p.row, p.column, p.reason) for p in raised.value.report.errors] == [
        (None, "quarter", "is not a quarter: there is no Q5, a financial year has Q1 to Q4 (2023-24 Q3)"),
        (None, "update", "is longer than 2,000 characters (5,000): shorten it"),
        (
            None,
            "link",
            "is not an https:// address: give the whole address, starting https:// "
            "(e.g. https://example.org/page)",
        ),
    ]
    assert str(raised.value.report.errors[0]) == (
        'partnership_updates, quarter "Q5 2023-24": is not a quarter: there is no Q5, a financial year has Q1 '
        "to Q4 (2023-24 Q3)"
    )
    assert whole_state(con) == before


def test_an_unknown_kpi_and_a_missing_commentary_are_refused(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(UploadRejected) as raised:
        save_row(con, SETTINGS, "kpi_commentary", {**COMMENT, "kpi": "CR99", "commentary": "  "}, "ann")
    assert raised.value.report.errors == [
        Problem(
            "kpi_commentary",
            None,
            "kpi",
            "CR99",
            "is not a KPI of the catalogue: give its id (AP01 to TR06, as on the scorecard) or its title",
        ),
        Problem("kpi_commentary", None, "commentary", "", "is required but blank"),
    ]
    assert rows(con, "SELECT count(*) FROM uploads") == [(0,)]


def test_only_the_narrative_datasets_can_be_edited(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ValueError, match="'reviews' cannot be edited in the dashboard"):
        save_row(con, SETTINGS, "reviews", {"review_id": "X"}, "ann")
    with pytest.raises(ValueError, match="'actions' cannot be edited in the dashboard"):
        remove_row(con, "actions", {"action_id": "ACT-1"}, "ann")
    with pytest.raises(ValueError, match="kpi_commentary has no column comment"):
        save_row(con, SETTINGS, "kpi_commentary", {**COMMENT, "comment": "typo"}, "ann")


def test_a_removal_is_logged_and_undone_exactly(con: duckdb.DuckDBPyConnection) -> None:
    save_row(con, SETTINGS, "kpi_commentary", COMMENT, "ann")
    save_row(con, SETTINGS, "kpi_commentary", {**COMMENT, "locality": "Hartlepool"}, "ann")
    before = data_state(con)
    result = remove_row(
        con, "kpi_commentary", {"kpi": "CR02", "quarter": "Q3 2023-24", "locality": None}, "bob"
    )
    assert result.upload_id == 3
    assert result.file_name == "Removed in the dashboard: kpi_commentary CR02, 2023-24 Q3, All localities"
    assert result.summary_lines() == [
        "kpi_commentary: 0 added, 0 replaced, 1 removed, 0 unchanged",
        "Recorded as upload 3; `pmf undo` takes it back.",
    ]
    assert rows(con, "SELECT kpi, locality FROM kpi_commentary") == [("CR02", "Hartlepool")]
    log = upload_history(con)
    assert log[log["upload_id"] == 3][["uploaded_by", "mode", "dataset", "removed"]].values.tolist() == [
        ["bob", "remove", "kpi_commentary", 1]
    ]
    undo_latest(con, "bob")
    assert data_state(con) == before


def test_removing_an_update_then_undoing(con: duckdb.DuckDBPyConnection) -> None:
    save_row(con, SETTINGS, "partnership_updates", UPDATE, "ann")
    before = data_state(con)
    remove_row(con, "partnership_updates", {"update_id": "U-07"}, "ann")
    assert rows(con, "SELECT count(*) FROM partnership_updates") == [(0,)]
    undo_latest(con, "ann")
    assert data_state(con) == before


def test_removing_a_row_that_is_not_stored_says_so_and_records_nothing(
    con: duckdb.DuckDBPyConnection,
) -> None:
    with pytest.raises(RowNotFound) as raised:
        remove_row(con, "partnership_updates", {"update_id": "U-99"}, "ann")
    assert str(raised.value) == (
        "There is no partnership_updates U-99 to remove: it is not stored (or was removed already)."
    )
    assert rows(con, "SELECT count(*) FROM uploads") == [(0,)]
