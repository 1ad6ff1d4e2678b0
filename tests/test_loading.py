"""Loading validated uploads into a real database file: upsert by key, replace, the upload log, undo, dry run,
and all-or-nothing when a load fails half-way.

"The same state" is always checked as the full, ordered contents of the tables, not as counts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from helpers.workbooks import (
    ACTION,
    AUDIT,
    REVIEW,
    SESSION,
    check,
    contents,
    csv_bytes,
    data_state,
    new_database,
    table,
    whole_state,
    xlsx,
)

import dashboard.ingest.load
from dashboard.core.db import connect
from dashboard.ingest.load import (
    DatasetChange,
    LoadResult,
    NothingToUndo,
    load_upload,
    undo_latest,
    upload_history,
)

TS = "training_sessions"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "pmf.duckdb"


@pytest.fixture
def con(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = new_database(db_path)
    yield connection
    connection.close()


def load(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str = "upload.xlsx",
    by: str = "analyst",
    replace: str | None = None,
    dry_run: bool = False,
) -> LoadResult:
    report = check(data, file_name)
    assert report.errors == [], report.errors
    return load_upload(con, report, by, replace=replace, dry_run=dry_run)


def sessions(*changes: dict[str, Any]) -> bytes:
    return xlsx({TS: table(SESSION, *changes)})


def stored_sessions(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute(
        "SELECT session_id, course_title, attended, upload_id FROM training_sessions ORDER BY session_id"
    ).fetchall()


# A first upload with rows in four datasets, and a second that changes some of them.
FIRST = xlsx(
    {
        TS: table(
            SESSION,
            {"session_id": "S1"},
            {"session_id": "S2", "attended": 5, "pre_confidence_avg": 2.5, "post_confidence_avg": 4},
            {"session_id": "S3", "status": "Cancelled", "attended": 0, "theme": "Exploitation"},
        ),
        "training_attendance": table(
            {"session_id": "S1", "agency": "Police", "booked": 4, "attended": 3},
            {"agency": "Police"},
            {"agency": "School/college"},
        ),
        "audits": table(
            AUDIT, {"case_ref": "C1"}, {"case_ref": "C2", "actions_raised": 3, "actions_completed": 1}
        ),
        "actions": table(
            ACTION,
            {"action_id": "A1"},
            {"action_id": "A2", "status": "Complete", "completed_date": "01/03/2024"},
        ),
    }
)
SECOND = xlsx(
    {
        TS: table(
            SESSION,
            {"session_id": "S1"},  # unchanged
            {
                "session_id": "S2",
                "attended": 6,
                "pre_confidence_avg": 2.5,
                "post_confidence_avg": 4,
            },  # replaced
            {"session_id": "S4", "course_title": "Exploitation"},  # added; S3 is not in the file
        ),
        "audits": table(AUDIT, {"case_ref": "C2", "actions_raised": 3, "actions_completed": 3}),  # replaced
    }
)


# --- upsert by key -----------------------------------------------------------------------------------


def test_upsert_replaces_changed_rows_adds_new_ones_and_leaves_the_rest(
    con: duckdb.DuckDBPyConnection,
) -> None:
    first = load(con, FIRST, "first.xlsx")
    assert first.upload_id == 1
    assert first.changes == [
        DatasetChange(TS, 3, 0, 0, 0),
        DatasetChange("training_attendance", 2, 0, 0, 0),
        DatasetChange("audits", 2, 0, 0, 0),
        DatasetChange("actions", 2, 0, 0, 0),
    ]
    before = data_state(con)
    second = load(con, SECOND, "second.xlsx")
    assert second.upload_id == 2
    assert second.changes == [DatasetChange(TS, 1, 1, 0, 1), DatasetChange("audits", 0, 1, 0, 0)]
    assert stored_sessions(con) == [
        ("S1", "Neglect: the basics", 8, 1),
        ("S2", "Neglect: the basics", 6, 2),
        ("S3", "Neglect: the basics", 0, 1),
        ("S4", "Exploitation", 8, 2),
    ]
    assert con.execute(
        "SELECT case_ref, actions_completed, upload_id FROM audits ORDER BY ALL"
    ).fetchall() == [
        ("C1", None, 1),
        ("C2", 3, 2),
    ]
    after = data_state(con)
    for name in ("training_attendance", "actions"):  # not in the second file: untouched
        assert after[name] == before[name]


def test_every_column_is_stored_as_typed(con: duckdb.DuckDBPyConnection) -> None:
    data = xlsx(
        {
            TS: table(
                SESSION,
                {
                    "session_date": date(2023, 11, 13),
                    "delivery_mode": "Zoom",
                    "locality": "Both",
                    "places_offered": "12",
                    "did_not_attend": 2.0,
                    "pre_confidence_avg": 2.75,
                    "theme": "  Neglect ",
                },
            ),
            "reviews": table(
                REVIEW,
                {
                    "nature": "Fatal",
                    "la_aware_date": "9th Jan 2024",
                    "rr_completed_date": "2024-01-31",
                    "rr_outcome": "lcspr",
                    "rr_extension_agreed": "no",
                    "lcspr_start_date": "15 February 2024",  # the old header of lcspr_decision_date
                    "final_report_date": "01/08/2024",
                    "publication_delay_reason": "Parallel criminal proceedings",
                },
            ),
        }
    )
    load(con, data)
    assert con.execute("SELECT * FROM training_sessions").fetchall() == [
        (
            "S1",
            date(2023, 11, 13),
            "Neglect: the basics",
            "Neglect",
            "Virtual",
            "Teeswide",
            "Delivered",
            12,
            10,
            8,
            2,
            2.75,
            None,
            1,
        )
    ]
    assert con.execute("SELECT * FROM reviews").fetchall() == [
        (
            "KLT",
            "Hartlepool",
            "Child death",
            None,
            date(2024, 1, 9),
            date(2024, 1, 10),
            date(2024, 1, 31),
            "LCSPR",
            False,  # rr_extension_agreed
            None,  # panel_response
            None,  # panel_response_date
            date(2024, 2, 15),  # lcspr_decision_date
            None,
            None,
            date(2024, 8, 1),  # final_report_date
            None,
            "Parallel criminal proceedings",
            None,
            1,
        )
    ]


def test_a_blank_optional_cell_is_stored_as_null_not_zero(con: duckdb.DuckDBPyConnection) -> None:
    load(con, sessions({"places_offered": None, "did_not_attend": None, "theme": "  "}))
    assert con.execute(
        "SELECT places_offered, did_not_attend, theme, pre_confidence_avg FROM training_sessions"
    ).fetchall() == [(None, None, None, None)]


def test_personal_data_columns_are_never_stored(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    personal = {
        "Child name": "Joe Bloggs",
        "DOB": "01/02/2015",
        "NHS number": "943 476 5919",
        "Address": "1 Church Street",
        "Postcode": "TS24 7QS",
    }
    data = xlsx({"audits": table(AUDIT, {"case_ref": "C1", **personal})})
    report = check(data)
    assert [w.column for w in report.warnings] == list(personal)
    assert all(w.reason.startswith("PERSONAL DATA?") for w in report.warnings)
    load_upload(con, report, "analyst")
    tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
    everything = contents(con, tables)
    text = repr(everything)
    for value in personal.values():
        assert value not in text
    columns = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns").fetchall()}
    assert not {"child_name", "dob", "nhs_number", "address", "postcode", "Child name"} & columns
    con.close()
    raw = db_path.read_bytes()
    for value in personal.values():
        assert value.encode() not in raw


# --- the same file twice -----------------------------------------------------------------------------


def test_the_same_file_twice_changes_nothing_the_second_time(con: duckdb.DuckDBPyConnection) -> None:
    load(con, FIRST, "first.xlsx")
    before = whole_state(con)
    again = load(con, FIRST, "first.xlsx")
    assert again.upload_id is None and not again.changed
    assert again.changes == [
        DatasetChange(TS, 0, 0, 0, 3),
        DatasetChange("training_attendance", 0, 0, 0, 2),
        DatasetChange("audits", 0, 0, 0, 2),
        DatasetChange("actions", 0, 0, 0, 2),
    ]
    assert again.summary_lines()[-1] == "Nothing changed: every row is already stored as it is in the file."
    assert whole_state(con) == before


def test_the_same_rows_as_csv_change_nothing(con: duckdb.DuckDBPyConnection) -> None:
    rows = table(SESSION, {"session_id": "S1", "session_date": date(2023, 11, 13), "places_booked": 10.0})
    load(con, xlsx({TS: rows}))
    before = whole_state(con)
    as_text = table(SESSION, {"session_id": " S1", "session_date": "13 November 2023", "places_booked": "10"})
    assert not load(con, csv_bytes(as_text), "sessions.csv").changed
    assert whole_state(con) == before


# --- replace mode ------------------------------------------------------------------------------------


def test_replace_removes_the_rows_not_in_the_file(con: duckdb.DuckDBPyConnection) -> None:
    load(con, FIRST)
    before = data_state(con)
    result = load(con, SECOND, "second.xlsx", replace=TS)
    assert result.changes == [DatasetChange(TS, 1, 1, 1, 1), DatasetChange("audits", 0, 1, 0, 0)]
    assert result.summary_lines()[0] == "training_sessions: 1 added, 1 replaced, 1 removed, 1 unchanged"
    assert [r[0] for r in stored_sessions(con)] == ["S1", "S2", "S4"]
    # Only the dataset asked for is replaced: audits C1 is not in the file and stays.
    assert con.execute("SELECT case_ref FROM audits ORDER BY 1").fetchall() == [("C1",), ("C2",)]
    assert data_state(con)["actions"] == before["actions"]
    history = upload_history(con)
    latest = history[history["upload_id"] == 2]
    assert set(latest["mode"]) == {"replace"} and set(latest["replaced_dataset"]) == {TS}
    assert latest.set_index("dataset").loc[TS, ["added", "replaced", "removed", "unchanged"]].tolist() == [
        1,
        1,
        1,
        1,
    ]


def test_replace_with_only_removals_is_recorded(con: duckdb.DuckDBPyConnection) -> None:
    load(con, sessions({"session_id": "S1"}, {"session_id": "S2"}))
    result = load(con, sessions({"session_id": "S1"}), replace=TS)
    assert result.upload_id == 2
    assert result.changes == [DatasetChange(TS, 0, 0, 1, 1)]
    assert [r[0] for r in stored_sessions(con)] == ["S1"]


def test_replace_needs_a_dataset_in_the_file(con: duckdb.DuckDBPyConnection) -> None:
    report = check(sessions())
    with pytest.raises(ValueError, match="cannot replace audits: upload.xlsx has no audits sheet"):
        load_upload(con, report, "analyst", replace="audits")
    with pytest.raises(ValueError, match="'people' is not a dataset"):
        load_upload(con, report, "analyst", replace="people")
    assert all(rows == [] for rows in whole_state(con).values())


# --- undo --------------------------------------------------------------------------------------------


def test_undo_restores_the_state_before_an_upsert_exactly(con: duckdb.DuckDBPyConnection) -> None:
    load(con, FIRST, "first.xlsx")
    before = data_state(con)
    load(con, SECOND, "second.xlsx")
    assert data_state(con) != before
    undone = undo_latest(con, "lead analyst")
    assert (undone.upload_id, undone.file_name) == (2, "second.xlsx")
    assert undone.restored == {TS: 2, "audits": 1}
    assert data_state(con) == before


def test_undo_restores_the_state_before_a_replace_exactly(con: duckdb.DuckDBPyConnection) -> None:
    load(con, FIRST, "first.xlsx")
    before = data_state(con)
    load(con, SECOND, "second.xlsx", replace=TS)
    undone = undo_latest(con, "lead analyst")
    assert undone.restored == {TS: 2, "audits": 1}
    assert data_state(con) == before


def test_undo_of_a_replace_that_only_removed_rows(con: duckdb.DuckDBPyConnection) -> None:
    load(con, sessions({"session_id": "S1"}, {"session_id": "S2"}))
    before = data_state(con)
    load(con, sessions({"session_id": "S1"}), replace=TS)
    assert undo_latest(con, "lead analyst").restored == {TS: 0}
    assert data_state(con) == before


def test_undoing_twice_walks_back_two_uploads_then_there_is_nothing_to_undo(
    con: duckdb.DuckDBPyConnection,
) -> None:
    empty = data_state(con)
    load(con, FIRST, "first.xlsx")
    after_first = data_state(con)
    load(con, SECOND, "second.xlsx", replace=TS)
    assert undo_latest(con, "lead").upload_id == 2
    assert data_state(con) == after_first
    assert undo_latest(con, "lead").upload_id == 1
    assert data_state(con) == empty
    with pytest.raises(NothingToUndo, match="There is no upload to undo."):
        undo_latest(con, "lead")
    log = con.execute("SELECT upload_id, undone_by, undone_at IS NOT NULL FROM uploads ORDER BY 1").fetchall()
    assert log == [(1, "lead", True), (2, "lead", True)]


def test_an_upload_after_an_undo_gets_a_new_number_and_undoes_alone(con: duckdb.DuckDBPyConnection) -> None:
    load(con, FIRST, "first.xlsx")
    after_first = data_state(con)
    load(con, SECOND, "second.xlsx")
    undo_latest(con, "lead")
    third = load(con, sessions({"session_id": "S1", "attended": 2}), "third.xlsx")
    assert third.upload_id == 3
    assert undo_latest(con, "lead").upload_id == 3
    assert data_state(con) == after_first
    assert undo_latest(con, "lead").upload_id == 1


def test_an_empty_database_has_nothing_to_undo(con: duckdb.DuckDBPyConnection) -> None:
    assert upload_history(con).empty
    with pytest.raises(NothingToUndo):
        undo_latest(con, "lead")


def test_undo_after_reopening_the_database(db_path: Path) -> None:
    first = connect(db_path)  # made by connect() itself, not copied
    load(first, FIRST)
    before = data_state(first)
    load(first, SECOND)
    first.close()
    again = connect(db_path)
    undo_latest(again, "lead")
    assert data_state(again) == before
    again.close()


# --- dry run -----------------------------------------------------------------------------------------


def test_a_dry_run_reports_the_changes_and_stores_nothing(con: duckdb.DuckDBPyConnection) -> None:
    load(con, FIRST)
    before = whole_state(con)
    result = load(con, SECOND, dry_run=True, replace=TS)
    assert result.dry_run and result.upload_id is None
    assert result.changes == [DatasetChange(TS, 1, 1, 1, 1), DatasetChange("audits", 0, 1, 0, 0)]
    assert result.summary_lines()[-1] == "Dry run: these rows would be written; nothing was stored."
    assert whole_state(con) == before


def test_a_dry_run_on_an_empty_database(con: duckdb.DuckDBPyConnection) -> None:
    before = whole_state(con)
    assert load(con, FIRST, dry_run=True).changes[0] == DatasetChange(TS, 3, 0, 0, 0)
    assert whole_state(con) == before


# --- the upload log ----------------------------------------------------------------------------------


def test_the_upload_log_records_who_when_which_file_its_hash_and_the_counts(
    con: duckdb.DuckDBPyConnection,
) -> None:
    start = datetime.now()
    load(con, FIRST, "first.xlsx", by="a.analyst")
    load(con, SECOND, "second.xlsx", by="b.analyst", replace=TS)
    end = datetime.now()
    history = upload_history(con)
    assert list(history.columns) == [
        "upload_id",
        "uploaded_at",
        "uploaded_by",
        "file_name",
        "file_hash",
        "mode",
        "replaced_dataset",
        "undone_at",
        "undone_by",
        "dataset",
        "added",
        "replaced",
        "removed",
        "unchanged",
    ]
    rows = [
        (
            r.upload_id,
            r.uploaded_by,
            r.file_name,
            r.file_hash,
            r.mode,
            r.dataset,
            r.added,
            r.replaced,
            r.removed,
            r.unchanged,
        )
        for r in history.itertuples()
    ]
    first_hash, second_hash = hashlib.sha256(FIRST).hexdigest(), hashlib.sha256(SECOND).hexdigest()
    assert rows == [
        (2, "b.analyst", "second.xlsx", second_hash, "replace", "audits", 0, 1, 0, 0),
        (2, "b.analyst", "second.xlsx", second_hash, "replace", TS, 1, 1, 1, 1),
        (1, "a.analyst", "first.xlsx", first_hash, "upsert", "actions", 2, 0, 0, 0),
        (1, "a.analyst", "first.xlsx", first_hash, "upsert", "audits", 2, 0, 0, 0),
        (1, "a.analyst", "first.xlsx", first_hash, "upsert", "training_attendance", 2, 0, 0, 0),
        (1, "a.analyst", "first.xlsx", first_hash, "upsert", TS, 3, 0, 0, 0),
    ]
    times = list(history["uploaded_at"])
    assert all(start <= t.to_pydatetime() <= end for t in times)
    assert times[0] >= times[-1]
    assert history["undone_at"].isna().all()
    undo_latest(con, "c.lead")
    latest = upload_history(con).iloc[0]
    assert latest["undone_by"] == "c.lead" and start <= latest["undone_at"].to_pydatetime() <= datetime.now()


def test_an_upload_that_changes_one_dataset_records_the_unchanged_ones_too(
    con: duckdb.DuckDBPyConnection,
) -> None:
    load(con, FIRST)
    changed = xlsx({TS: table(SESSION, {"session_id": "S9"}), "audits": table(AUDIT, {"case_ref": "C1"})})
    load(con, changed, "more.xlsx")
    log = con.execute("SELECT * FROM upload_datasets WHERE upload_id = 2 ORDER BY dataset").fetchall()
    assert log == [(2, "audits", 0, 0, 0, 1), (2, TS, 1, 0, 0, 0)]


# --- a load that fails half-way ----------------------------------------------------------------------


def test_a_failure_half_way_through_a_load_leaves_everything_as_it_was(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(con, FIRST, "first.xlsx")
    before = whole_state(con)
    real_write = dashboard.ingest.load._write_dataset
    written: list[str] = []

    def write_then_fail(*args: Any, **kwargs: Any) -> DatasetChange:
        if written:
            raise RuntimeError("disk full")
        change = real_write(*args, **kwargs)
        written.append(change.dataset)
        # The first dataset really is written inside the transaction before the failure.
        assert con.execute("SELECT count(*) FROM training_sessions WHERE session_id = 'S4'").fetchall() == [
            (1,)
        ]
        return change

    monkeypatch.setattr(dashboard.ingest.load, "_write_dataset", write_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        load(con, SECOND, "second.xlsx", replace=TS)
    assert written == [TS]
    assert whole_state(con) == before
    monkeypatch.undo()
    # The connection is still usable and the same upload then goes through whole, as upload 2.
    assert load(con, SECOND, "second.xlsx", replace=TS).upload_id == 2


def test_an_interrupted_first_load_stores_nothing(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = whole_state(con)
    calls = 0
    real_write = dashboard.ingest.load._write_dataset

    def fail_second(*args: Any, **kwargs: Any) -> DatasetChange:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt  # not only Exception: the transaction is rolled back for anything
        return real_write(*args, **kwargs)

    monkeypatch.setattr(dashboard.ingest.load, "_write_dataset", fail_second)
    with pytest.raises(KeyboardInterrupt):
        load(con, FIRST)
    assert whole_state(con) == before


def test_replacing_a_dataset_with_an_empty_sheet_is_refused(con: duckdb.DuckDBPyConnection) -> None:
    load(con, sessions({"session_id": "S1"}, {"session_id": "S2"}))
    before = whole_state(con)
    empty = xlsx({TS: [list(SESSION)]})  # the header row and nothing else
    report = check(empty, "empty.xlsx")
    with pytest.raises(ValueError, match="cannot replace training_sessions with an empty sheet"):
        load_upload(con, report, "analyst", replace=TS)
    assert whole_state(con) == before


def test_a_file_with_no_rows_says_so(con: duckdb.DuckDBPyConnection) -> None:
    result = load(con, xlsx({TS: [list(SESSION)]}), "blank-template.xlsx")
    assert result.upload_id is None
    assert result.summary_lines()[-1] == "The file holds no rows to load."
