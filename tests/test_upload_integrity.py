"""What an upload does to rows it does not hold (issue 10, items 8-11): replacing sessions takes their attendance
with them; an audit keeps one title and date across uploads; keys that only look alike are one key; several
files are one upload, all or nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from helpers.workbooks import (
    ACTION,
    ATTENDANCE,
    AUDIT,
    SESSION,
    check,
    check_sheet,
    column_values,
    csv_bytes,
    data_state,
    new_database,
    table,
    the_error,
    whole_state,
    xlsx,
)

from dashboard.ingest.load import (
    DatasetChange,
    UploadRejected,
    load_upload,
    load_uploads,
    undo_latest,
    upload_history,
)
from dashboard.ingest.validate import Problem

TS, TA = "training_sessions", "training_attendance"


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = new_database(tmp_path / "pmf.duckdb")
    yield connection
    connection.close()


def load(con: duckdb.DuckDBPyConnection, data: bytes, name: str = "upload.xlsx", **options: Any) -> Any:
    report = check(data, name)
    assert report.errors == [], report.errors
    return load_upload(con, report, "analyst", **options)


def attendance(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute("SELECT session_id, agency, attended FROM training_attendance ORDER BY ALL").fetchall()


# --- 8. replacing training_sessions takes the attendance of the removed sessions with them ----------------


def two_sessions_with_attendance() -> bytes:
    return xlsx(
        {
            TS: table(SESSION, {"session_id": "S1"}, {"session_id": "S2"}),
            TA: table(
                ATTENDANCE,
                {"session_id": "S1", "agency": "Police"},
                {"session_id": "S2", "agency": "Police"},
                {"session_id": "S2", "agency": "Probation"},
            ),
        }
    )


def test_replacing_sessions_removes_the_attendance_of_the_removed_ones_and_says_so(
    con: duckdb.DuckDBPyConnection,
) -> None:
    load(con, two_sessions_with_attendance())
    before, saved = whole_state(con), data_state(con)
    preview = load(con, xlsx({TS: table(SESSION, {"session_id": "S1"})}), replace=TS, dry_run=True)
    assert preview.summary_lines()[:3] == [
        "training_sessions: 0 added, 0 replaced, 1 removed, 1 unchanged",
        "training_attendance: 0 added, 0 replaced, 2 removed, 0 unchanged",
        "training_attendance: 2 rows of the removed training sessions would be removed with them.",
    ]
    assert whole_state(con) == before  # a dry run stores nothing

    result = load(con, xlsx({TS: table(SESSION, {"session_id": "S1"})}), replace=TS)
    assert result.changes == [DatasetChange(TS, 0, 0, 1, 1), DatasetChange(TA, 0, 0, 2, 0)]
    assert "training_attendance: 2 rows of the removed training sessions were removed with them." in (
        result.summary_lines()
    )
    assert attendance(con) == [("S1", "Police", 3)]  # no orphan left
    history = upload_history(con)
    latest = history[(history["upload_id"] == 2) & (history["dataset"] == TA)]
    assert latest["removed"].tolist() == [2]

    # A later session reusing the id S2 does not get the old attendance back.
    load(con, xlsx({TS: table(SESSION, {"session_id": "S2", "course_title": "Another course"})}))
    assert attendance(con) == [("S1", "Police", 3)]

    undo_latest(con, "analyst")
    undo_latest(con, "analyst")  # the replace: both datasets exactly as before it
    assert data_state(con) == saved


def test_replacing_sessions_with_attendance_in_the_same_file(con: duckdb.DuckDBPyConnection) -> None:
    load(con, two_sessions_with_attendance())
    before = data_state(con)
    data = xlsx(
        {
            TS: table(SESSION, {"session_id": "S1"}, {"session_id": "S3"}),
            TA: table(ATTENDANCE, {"session_id": "S3", "agency": "Police", "attended": 2}),
        }
    )
    result = load(con, data, replace=TS)
    # S2 and its two attendance rows go; S3's attendance is added.
    assert result.changes == [DatasetChange(TS, 1, 0, 1, 1), DatasetChange(TA, 1, 0, 2, 0)]
    assert attendance(con) == [("S1", "Police", 3), ("S3", "Police", 2)]
    undo_latest(con, "analyst")
    assert data_state(con) == before


def test_attendance_of_a_session_the_replace_removes_is_refused(con: duckdb.DuckDBPyConnection) -> None:
    load(con, two_sessions_with_attendance())
    before = whole_state(con)
    data = xlsx(
        {
            TS: table(SESSION, {"session_id": "S1"}),
            TA: table(ATTENDANCE, {"session_id": "S2", "agency": "Police"}),
        }
    )
    with pytest.raises(UploadRejected) as rejected:
        load(con, data, replace=TS)
    assert rejected.value.report.errors == [
        Problem(
            TA,
            2,
            "session_id",
            "S2",
            "is not a training session in this upload, which replaces every stored session",
        )
    ]
    assert whole_state(con) == before


# --- 9. one audit has one title and date, against the stored rows too ---------------------------------------


def test_an_upload_cannot_give_a_stored_audit_another_title_or_date(con: duckdb.DuckDBPyConnection) -> None:
    load(con, xlsx({"audits": table(AUDIT, {"case_ref": "C1"}, {"case_ref": "C2"})}))
    before = whole_state(con)
    rows = table(AUDIT, {"case_ref": "C3", "audit_title": "Exploitation", "audit_date": "01/03/2025"})
    with pytest.raises(UploadRejected) as rejected:
        load_upload(con, check_sheet("audits", rows), "analyst")
    assert rejected.value.report.errors == [
        Problem(
            "audits",
            2,
            "audit_title",
            "Exploitation",
            "differs from the stored case C1 of the same audit_id AUD1 (Neglect): one audit has one title; "
            "to change it, upload every case of the audit",
        ),
        Problem(
            "audits",
            2,
            "audit_date",
            "01/03/2025",
            "differs from the stored case C1 of the same audit_id AUD1 (01/09/2023): one audit has one date; "
            "to change it, upload every case of the audit",
        ),
    ]
    assert whole_state(con) == before
    # The same title and date written otherwise is the same audit.
    load_upload(
        con, check_sheet("audits", table(AUDIT, {"case_ref": "C3", "audit_date": "1 September 2023"})), "a"
    )


def test_an_audit_corrected_on_every_case_or_by_replace_is_accepted(con: duckdb.DuckDBPyConnection) -> None:
    load(con, xlsx({"audits": table(AUDIT, {"case_ref": "C1"}, {"case_ref": "C2"})}))
    fixed = {"audit_title": "Neglect: step down"}
    load(con, xlsx({"audits": table(AUDIT, {"case_ref": "C1", **fixed}, {"case_ref": "C2", **fixed})}))
    assert con.execute("SELECT DISTINCT audit_title FROM audits").fetchall() == [("Neglect: step down",)]
    load(
        con, xlsx({"audits": table(AUDIT, {"case_ref": "C9", "audit_date": "02/09/2023"})}), replace="audits"
    )
    assert con.execute("SELECT case_ref, audit_date::VARCHAR FROM audits").fetchall() == [
        ("C9", "2023-09-02")
    ]


# --- 10. keys that only look alike are one key ----------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "ACT\u2011001",  # non-breaking hyphen, as Word types it
        "ACT\u2013001",  # en dash
        "ACT\u2212001",  # minus sign
        "\uff21\uff23\uff34-\uff10\uff10\uff11",  # full-width letters and digits
        " ACT-001 ",
    ],
)
def test_a_key_typed_with_look_alike_characters_is_the_same_key(
    con: duckdb.DuckDBPyConnection, typed: str
) -> None:
    load(con, xlsx({"actions": table(ACTION, {"action_id": "ACT-001"})}))
    result = load(con, xlsx({"actions": table(ACTION, {"action_id": typed, "status": "At risk"})}))
    assert [(c.added, c.replaced) for c in result.changes] == [(0, 1)]
    assert con.execute("SELECT action_id, status FROM actions").fetchall() == [("ACT-001", "At risk")]


def test_inner_no_break_and_doubled_spaces_in_a_key_are_one_space() -> None:
    rows = table(AUDIT, {"case_ref": "C\u00a01"}, {"case_ref": "C  1"}, {"case_ref": "C\u202f2"})
    report = check_sheet("audits", rows)
    assert report.errors == [
        Problem(
            "audits",
            3,
            "case_ref",
            "C 1",
            "repeats the key of row 2 (audit_id AUD1, case_ref C 1): each row needs its own key",
        )
    ]


def test_every_key_column_and_source_ref_are_folded() -> None:
    sheets = {
        TS: table(SESSION, {"session_id": "S\u20111"}),
        TA: table(ATTENDANCE, {"session_id": "S-1"}),
        "reviews": table(
            {
                "review_id": "R\u20111",
                "locality": "Hartlepool",
                "nature": "Other",
                "notification_date": "10/01/2024",
            }
        ),
        "actions": table(ACTION, {"action_id": "A\u20111", "source_ref": "R\u20111"}),
        "audits": table(AUDIT, {"audit_id": "AUD\u20111", "case_ref": "C\u20111"}),
    }
    report = check(xlsx(sheets))
    assert column_values(report, TS, "session_id") == ["S-1"]
    assert column_values(report, "reviews", "review_id") == ["R-1"]
    assert column_values(report, "actions", "action_id") == ["A-1"]
    assert column_values(report, "actions", "source_ref") == ["R-1"]
    assert column_values(report, "audits", "audit_id") == ["AUD-1"]
    assert column_values(report, "audits", "case_ref") == ["C-1"]
    # Other text is kept as typed.
    titled = check_sheet(TS, table(SESSION, {"course_title": "Neglect \u2013 the basics"}))
    assert column_values(titled, TS, "course_title") == ["Neglect \u2013 the basics"]


def test_a_key_mixing_a_look_alike_letter_is_refused_naming_it() -> None:
    report = check_sheet("actions", table(ACTION, {"action_id": "\u0410CT-001"}))
    assert the_error(report) == Problem(
        "actions",
        2,
        "action_id",
        "\u0410CT-001",
        'has "\u0410" (Cyrillic capital letter a) in place of the Latin "A": retype it',
    )


# --- 11. several files are one upload, all or nothing -------------------------------------------------------


def test_several_files_are_one_upload_and_one_undo(con: duckdb.DuckDBPyConnection) -> None:
    before = whole_state(con)
    sessions = check(csv_bytes(table(SESSION, {"session_id": "S1"})), "a.csv")
    visits = check(csv_bytes(table(ATTENDANCE, {"session_id": "S1"})), "b.csv")  # S1 is in a.csv
    result = load_uploads(con, [sessions, visits], "analyst")
    assert result.upload_id == 1 and result.file_name == "a.csv, b.csv"
    assert [(c.dataset, c.added) for c in result.changes] == [(TS, 1), (TA, 1)]
    history = upload_history(con)
    assert history["upload_id"].tolist() == [1, 1] and set(history["file_name"]) == {"a.csv, b.csv"}
    undo_latest(con, "analyst")
    assert {k: v for k, v in whole_state(con).items() if k not in ("uploads", "upload_datasets")} == {
        k: v for k, v in before.items() if k not in ("uploads", "upload_datasets")
    }


def test_a_file_refused_at_its_store_check_stores_no_file(con: duckdb.DuckDBPyConnection) -> None:
    load(con, xlsx({"audits": table(AUDIT)}))
    before = whole_state(con)
    good = check(csv_bytes(table(SESSION, {"session_id": "S1"})), "a.csv")
    orphan = check(csv_bytes(table(ATTENDANCE, {"session_id": "NOPE"})), "b.csv")
    clash = check(csv_bytes(table(AUDIT, {"case_ref": "C2", "audit_title": "Other"})), "c.csv")
    assert good.ok and orphan.ok and clash.ok  # each file is fine on its own
    with pytest.raises(UploadRejected) as rejected:
        load_uploads(con, [good, orphan, clash], "analyst")
    assert [r.file_name for r in rejected.value.reports] == ["b.csv", "c.csv"]
    assert orphan.errors == [
        Problem("b", 2, "session_id", "NOPE", "is not a training session stored or in this upload")
    ]
    assert [p.column for p in clash.errors] == ["audit_title"]
    assert good.ok
    assert whole_state(con) == before  # a.csv was not stored either


def test_a_key_in_two_files_of_one_upload_is_an_error(con: duckdb.DuckDBPyConnection) -> None:
    first = check(csv_bytes(table(SESSION, {"session_id": "S1"})), "a.csv")
    second = check(csv_bytes(table(SESSION, {"session_id": "S2"}, {"session_id": "S1"})), "b.csv")
    with pytest.raises(UploadRejected):
        load_uploads(con, [first, second], "analyst")
    assert second.errors == [
        Problem(
            "b",
            3,
            "session_id",
            "S1",
            "repeats the key of a.csv row 2 (session_id S1): each row needs its own key",
        )
    ]
    assert whole_state(con) == {k: [] for k in whole_state(con)}


def test_an_audit_given_two_titles_in_two_files_of_one_upload_is_an_error(
    con: duckdb.DuckDBPyConnection,
) -> None:
    first = check(xlsx({"audits": table(AUDIT, {"case_ref": "C1"})}), "a.xlsx")
    second = check(csv_bytes(table(AUDIT, {"case_ref": "C2", "audit_title": "Exploitation"})), "b.csv")
    with pytest.raises(UploadRejected):
        load_uploads(con, [first, second], "analyst")
    assert second.errors == [
        Problem(
            "b",
            2,
            "audit_title",
            "Exploitation",
            "differs from a.xlsx audits row 2 of the same audit_id AUD1 (Neglect): one audit has one title",
        )
    ]
