"""A file with every cell wrong: every error is counted, but only the first are kept and shown, checking stops
far past what anyone reads, and the downloadable report still says where every kind of error is."""

from __future__ import annotations

import io
import time
import tracemalloc
from pathlib import Path

import pandas as pd
import pytest
from helpers.workbooks import SESSION, check, csv_bytes, new_database, table

import dashboard.ingest.validate
from dashboard.ingest.load import UploadRejected, load_upload
from dashboard.ingest.upload_report import KEPT_IN_ALL, SHOWN_IN_ALL, SHOWN_PER_COLUMN, Problem
from dashboard.ingest.workflow import report_csv

TS = "training_sessions"
ROWS = 3_000
# Every one of the 13 columns wrong in every row (each value distinct, as in a file shifted by a column).
WRONG_COLUMNS = {
    "session_id": lambda i: "",
    "session_date": lambda i: f"x{i}",
    "course_title": lambda i: "",
    "theme": lambda i: "y" * 1_001,
    "delivery_mode": lambda i: f"mode {i}",
    "locality": lambda i: f"place {i}",
    "status": lambda i: f"status {i}",
    "places_offered": lambda i: f"o{i}",
    "places_booked": lambda i: f"b{i}",
    "attended": lambda i: f"a{i}",
    "did_not_attend": lambda i: f"d{i}",
    "pre_confidence_avg": lambda i: f"p{i}",
    "post_confidence_avg": lambda i: f"q{i}",
}


def every_cell_wrong(rows: int = ROWS) -> bytes:
    header = list(WRONG_COLUMNS)
    body = [[make(i) for make in WRONG_COLUMNS.values()] for i in range(rows)]
    return csv_bytes([header, *body])


def test_every_error_is_counted_and_the_first_of_each_column_shown() -> None:
    data = every_cell_wrong()
    tracemalloc.start()
    started = time.perf_counter()
    report = check(data, "sessions.csv")
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    assert report.error_count == ROWS * len(WRONG_COLUMNS)  # 39,000
    # 10,000 in all, but never fewer than the 20 shown of any column.
    assert len(report.errors) <= KEPT_IN_ALL + SHOWN_PER_COLUMN * len(WRONG_COLUMNS)
    assert report.located == {}  # rows with errors are not kept
    shown = report.shown_errors()
    listed = [p for p in shown if p.row is not None]
    assert len(listed) <= SHOWN_IN_ALL
    for column in WRONG_COLUMNS:
        rows = [p.row for p in listed if p.column == column]
        assert rows == list(range(2, 2 + SHOWN_PER_COLUMN)), column  # the first 20 of each column
    more = [p for p in shown if p.row is None]
    assert more == [
        Problem("sessions", None, column, "", f"and {ROWS - SHOWN_PER_COLUMN:,} more like this")
        for column in WRONG_COLUMNS
    ]
    assert shown[0] == Problem("sessions", 2, "session_id", "", "is required but blank")
    # The screen table is the same list.
    assert len(report.error_table()) == len(shown)
    # Cheap: the whole check in well under the time and memory millions of error objects took.
    assert seconds < 10, seconds
    assert peak < 150 * 2**20, f"{peak / 2**20:.0f} MiB"


def test_the_download_keeps_the_first_ten_thousand_and_counts_the_rest_per_column() -> None:
    report = check(every_cell_wrong(), "sessions.csv")
    table_ = pd.read_csv(io.BytesIO(report_csv(report)), dtype={"row": "Int64"})
    errors = table_[(table_["kind"] == "error") & table_["row"].notna()]
    assert len(errors) == len(report.errors) <= KEPT_IN_ALL + SHOWN_PER_COLUMN * len(WRONG_COLUMNS)
    counts = table_[(table_["kind"] == "error") & table_["row"].isna()]
    found = {
        column: int(reason.removeprefix("and ").removesuffix(" more like this").replace(",", ""))
        for column, reason in zip(counts["column"], counts["reason"], strict=True)
    }
    kept = errors.groupby("column").size().to_dict()
    # Every column is in the download, and kept + more = every error of the column.
    assert {column: kept[column] + found.get(column, 0) for column in WRONG_COLUMNS} == dict.fromkeys(
        WRONG_COLUMNS, ROWS
    )
    assert min(kept.values()) >= SHOWN_PER_COLUMN


def test_checking_stops_far_past_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dashboard.ingest.validate, "STOP_AFTER", 5_000)
    report = check(every_cell_wrong(), "sessions.csv")
    # session_id and session_date (3,000 each) are checked, then checking stops.
    assert report.error_count == 2 * ROWS + 1
    assert {p.column for p in report.errors} == {"session_id", "session_date", None}
    assert report.errors[-1] == Problem(
        "sessions.csv",
        None,
        None,
        "",
        "checking stopped after 6,000 errors: correct these and upload again to check the rest",
    )


def test_a_few_errors_are_all_shown_with_no_summary_line() -> None:
    rows = table(SESSION, {"session_date": "soon"}, {"session_id": "S2", "attended": "x"})
    report = check(csv_bytes(rows), "sessions.csv")
    assert report.shown_errors() == report.errors == report.kept_errors()
    assert report.error_count == 2


def test_the_rejection_gives_the_full_count(tmp_path: Path) -> None:
    con = new_database(tmp_path / "pmf.duckdb")
    try:
        with pytest.raises(UploadRejected, match=r"39,000 error\(s\); nothing was stored"):
            load_upload(con, check(every_cell_wrong(), "sessions.csv"), "analyst", replace=TS)
    finally:
        con.close()
