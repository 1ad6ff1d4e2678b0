"""The upload's fast paths (issue 15) against the cell-by-cell reference (dashboard.ingest.columns.FAST_PATHS
off): on mixed workbooks, the same typed frames, the same errors in the same order, the same stored rows."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from helpers.workbooks import (
    ACTION,
    REVIEW,
    SESSION,
    VALID,
    check,
    csv_bytes,
    data_state,
    new_database,
    table,
    xlsx,
)

from dashboard.ingest import columns
from dashboard.ingest.load import UploadRejected, load_upload
from dashboard.ingest.upload_report import UploadReport
from dashboard.ingest.workbook import read_ahead

TS = "training_sessions"


def both(data: bytes, file_name: str = "upload.xlsx") -> tuple[UploadReport, UploadReport]:
    """The file checked with the fast paths, then cell by cell."""
    fast = check(data, file_name)
    columns.FAST_PATHS = False
    try:
        slow = check(data, file_name)
    finally:
        columns.FAST_PATHS = True
    return fast, slow


def assert_same(fast: UploadReport, slow: UploadReport) -> None:
    assert fast.errors == slow.errors
    assert fast.errors.total == slow.errors.total
    assert fast.warnings == slow.warnings
    assert fast.sheets == slow.sheets
    assert fast.frames.keys() == slow.frames.keys()
    for name, frame in fast.frames.items():
        pd.testing.assert_frame_equal(frame, slow.frames[name], check_exact=True)


# Cells of every kind a column meets: good ones, blanks, text in number columns, dates as text, bad ones.
SESSION_CELLS: dict[str, list[Any]] = {
    "session_id": ["S-1", " S-2", "S\u20111", "ＳＡ-9", "S  3", "", None, 17, 17.0, True, "S-1", "x" * 1_001],
    "session_date": [
        date(2023, 11, 13),
        datetime(2023, 11, 13),
        datetime(2023, 11, 13, 9, 30),
        "13/11/2023",
        "13 November 2023",
        "2023-11-13 00:00:00",
        "31/02/2024",
        "13/11/9999",
        "tomorrow",
        45243,
        time(9, 30),
        "",
        None,
    ],
    "course_title": ["Neglect", "Neglect ", "Neg\u200blect", "Line\nbreak", "", None, 12, 12.5, "é", "  "],
    "theme": ["Neglect", "", None, "Neglect\u00a0", True, date(2024, 1, 4), "y" * 1_001],
    "delivery_mode": ["Face to face", "F2F", "virtual", "Zoom", "By pigeon", "", None, "Virtuаl", 3],
    "locality": ["Hartlepool", "hartlepool", "Teeswide", "Middlesbrough", "", None, "Stockton on Tees"],
    "status": ["Delivered", "Cancelled", "", None, "Postponed", "delivered"],
    "places_offered": [12, 12.0, "12", " 12 ", 12.5, -1, "twelve", True, "", None, 2_000_000, float("nan")],
    "places_booked": [10, 10.0, "10", 0, -0.0, 0.0, 3.5, False, "", None, "1e3"],
    "attended": [8, 8.0, "8", 11, "", None, -2],
    "did_not_attend": [1, 2.0, 20, "", None, "2"],
    "pre_confidence_avg": [2.4, 3, "3.5", 0.0, -0.0, 0.5, 6, "", None, "n/a", True, float("inf")],
    "post_confidence_avg": [4.2, 4, "4.2", 5.0, "", None, 5.5],
}


def mixed_sessions(rows: int, seed: int) -> list[dict[str, Any]]:
    """`rows` sessions whose cells are drawn from SESSION_CELLS (a fixed seed: the same file every run)."""
    pick = random.Random(seed)
    out = []
    for index in range(rows):
        row = {name: pick.choice(cells) for name, cells in SESSION_CELLS.items()}
        if pick.random() < 0.5:  # plenty of good keys too, so that repeats stand out
            row["session_id"] = f"S-{index}"
        out.append(row)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_mixed_training_sessions_give_the_same_frames_and_errors(seed: int) -> None:
    rows = mixed_sessions(400, seed)
    data = xlsx({TS: [list(SESSION_CELLS), *([r[c] for c in SESSION_CELLS] for r in rows)]})
    fast, slow = both(data)
    assert len(fast.errors) > 100  # every kind of bad cell is in there
    assert {p.column for p in fast.errors} == set(SESSION_CELLS)
    assert_same(fast, slow)


def test_good_sessions_give_the_same_frames_and_no_errors() -> None:
    good = [
        {
            "session_id": f"TS-{n:05d}",
            "session_date": date(2023, 4, 1 + n % 28),
            "course_title": ["Neglect: the basics", "Domestic abuse"][n % 2],
            "theme": ["Neglect", ""][n % 2],
            "delivery_mode": ["Face to face", "Virtual", "Online"][n % 3],
            "locality": ["Hartlepool", "Teeswide"][n % 2],
            "status": ["", "Cancelled"][n % 2],
            "places_booked": n % 30,
            "attended": n % 30 - n % 3,
            "did_not_attend": [None, n % 3][n % 2],
            "pre_confidence_avg": [None, 2.5][n % 2],
        }
        for n in range(300)
    ]
    columns_ = list(good[0])
    data = xlsx({TS: [columns_, *([r[c] for c in columns_] for r in good)]})
    fast, slow = both(data)
    assert fast.errors == []
    assert fast.frames[TS]["session_id"].tolist()[:2] == ["TS-00000", "TS-00001"]
    assert fast.frames[TS]["delivery_mode"].tolist()[:3] == ["Face to face", "Virtual", "Virtual"]
    assert fast.frames[TS]["status"].tolist()[:2] == ["Delivered", "Cancelled"]
    assert_same(fast, slow)


def test_a_count_more_than_booked_is_found_at_the_same_rows() -> None:
    data = xlsx(
        {
            TS: table(
                SESSION,
                *({"session_id": f"S{n}", "did_not_attend": n % 15} for n in range(60)),
            )
        }
    )
    fast, slow = both(data)
    assert [p.row for p in fast.errors] == [n + 2 for n in range(60) if n % 15 > 10]
    assert {p.reason for p in fast.errors} == {"is more than places_booked (10)"}
    assert_same(fast, slow)


def test_the_rules_between_columns_of_reviews_and_actions_are_the_same() -> None:
    reviews = table(
        REVIEW,
        *(
            {
                "review_id": f"R{n}",
                "la_aware_date": ["01/01/2024", "20/01/2024", None][n % 3],
                "rr_completed_date": [None, "05/01/2024", "01/03/2024"][n % 3],
                "rr_outcome": [None, "LCSPR", "No further review"][(n // 3) % 3],
                "lcspr_decision_date": [None, "01/02/2024"][n % 2],
            }
            for n in range(36)
        ),
    )
    actions = table(
        ACTION,
        *(
            {
                "action_id": f"A{n}",
                "status": ["Complete", "On track"][n % 2],
                "completed_date": [None, "01/02/2024", None][n % 3],
            }
            for n in range(24)
        ),
    )
    fast, slow = both(xlsx({"reviews": reviews, "actions": actions}))
    assert len(fast.errors) > 20
    assert_same(fast, slow)


def test_every_dataset_with_blank_rows_a_total_row_and_notes_above() -> None:
    sheets = {
        name: table(row, {}, {}, above=[["A title"], []]) + [[None] * 3, ["Total", 3]]
        for name, row in VALID.items()
    }
    fast, slow = both(xlsx(sheets))
    assert_same(fast, slow)


def test_a_csv_file_with_ragged_rows_is_the_same() -> None:
    rows: list[list[Any]] = [list(SESSION), list(SESSION.values())]
    rows.append(list(SESSION.values())[:4])  # a short row: its last columns blank
    rows.append([*SESSION.values(), "an extra cell"])
    fast, slow = both(csv_bytes(rows), "training_sessions.csv")
    assert len(fast.errors) == 5  # the short row's three required columns, and the key S1 twice repeated
    assert_same(fast, slow)


@pytest.fixture
def two_databases(tmp_path: Path) -> Iterator[tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection]]:
    first, second = new_database(tmp_path / "fast.duckdb"), new_database(tmp_path / "slow.duckdb")
    yield first, second
    first.close()
    second.close()


def test_the_stored_rows_are_the_same(
    two_databases: tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection],
) -> None:
    good = [r for r in mixed_sessions(300, 4)]
    fast, slow = both(xlsx({TS: [list(SESSION_CELLS), *([r[c] for c in SESSION_CELLS] for r in good)]}))
    for report, con in zip((fast, slow), two_databases, strict=True):
        with pytest.raises(UploadRejected):
            load_upload(con, report, "analyst")
    clean = xlsx({TS: table(SESSION, *({"session_id": f"S{n}", "attended": n % 9} for n in range(200)))})
    fast, slow = both(clean)
    assert fast.errors == []
    for report, con in zip((fast, slow), two_databases, strict=True):
        assert load_upload(con, report, "analyst").changes[0].added == 200
    first, second = (data_state(con) for con in two_databases)
    assert first[TS] == second[TS]
    assert len(first[TS]) == 200


TRICKY_TEXTS = [
    " S-2",
    "S-3 ",
    "S  3",
    "ＳＡ-9",
    "S\u20111",
    "Neg\u200blect",
    "é",
    "",
    "x" * 1_001,
    "a\u00a0b",
]


@pytest.mark.parametrize("first", TRICKY_TEXTS)
def test_text_columns_of_text_only_whatever_comes_first(first: str) -> None:
    """Every cell text, so that the columns are judged all at once unless one text is not as it should be:
    each tricky text first, among good ones, in the key and in free-text columns."""
    texts = [first, *(f"S-{n}" for n in range(30)), *(t for t in TRICKY_TEXTS if t != first)]
    sessions = [
        {**SESSION, "session_id": text, "course_title": text or "Neglect", "theme": text} for text in texts
    ]
    good_only = [{**SESSION, "session_id": f"S-{n}", "theme": f"T {n}"} for n in range(30)]
    for rows in (sessions, [sessions[0], *good_only]):
        names = list(rows[0])
        fast, slow = both(xlsx({TS: [names, *([r[c] for c in names] for r in rows)]}))
        assert_same(fast, slow)


def test_a_file_read_ahead_gives_the_same_report() -> None:
    """pmf load reads its files in a background thread while it imports (read_ahead): the same report,
    and a damaged file the same one error, as when read in turn."""
    good = xlsx({TS: table(SESSION, *({"session_id": f"S{n}", "did_not_attend": n % 12} for n in range(50)))})
    damaged = good[: len(good) // 2]
    files = [("good.xlsx", good), ("damaged.xlsx", damaged)]
    in_turn = [check(data, name) for name, data in files]
    read_ahead(files)
    ahead = [check(data, name) for name, data in files]
    for first, second in zip(ahead, in_turn, strict=True):
        assert_same(first, second)
    assert ahead[0].errors[0].reason.startswith("is more than places_booked")
    assert [p.sheet for p in ahead[1].errors] == ["damaged.xlsx"]
    assert (
        ahead[1]
        .errors[0]
        .reason.startswith(
            "damaged.xlsx could not be read as an Excel workbook: it is damaged, incomplete or not an .xlsx file"
        )
    )
