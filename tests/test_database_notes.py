"""The database knows whether it holds the fictional sample data, so every output built from it can say so."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from helpers.workbooks import SESSION, SETTINGS, check_sheet, new_database, table
from test_migrations import old_database

from dashboard.core.db import connect, is_sample_database
from dashboard.ingest.load import load_sample_into, load_upload, undo_latest


def test_a_new_database_is_not_a_sample_database(tmp_path: Path) -> None:
    con = new_database(tmp_path / "pmf.duckdb")
    try:
        assert is_sample_database(con) is False
        load_upload(con, check_sheet("training_sessions", table(SESSION)), "analyst")  # real data
        assert is_sample_database(con) is False
    finally:
        con.close()


def test_loading_the_sample_workbooks_marks_the_database_for_good(tmp_path: Path) -> None:
    path = tmp_path / "pmf.duckdb"
    con = new_database(path)
    try:
        load_sample_into(con, SETTINGS)
        assert is_sample_database(con) is True
        # Real rows added, or a sample upload undone: what remains was still built on the sample.
        load_upload(
            con, check_sheet("training_sessions", table(SESSION, {"session_id": "REAL-1"})), "analyst"
        )
        undo_latest(con, "analyst")
        undo_latest(con, "analyst")
        assert is_sample_database(con) is True
    finally:
        con.close()
    # The mark is in the file: a read-only connection sees it too.
    reader = connect(path, read_only=True)
    try:
        assert is_sample_database(reader) is True
    finally:
        reader.close()


def test_a_sample_folder_with_no_workbooks_marks_nothing(tmp_path: Path) -> None:
    con = new_database(tmp_path / "pmf.duckdb")
    empty = tmp_path / "no-sample"
    empty.mkdir()
    try:
        assert load_sample_into(con, replace(SETTINGS, sample_dir=empty)) == []
        assert is_sample_database(con) is False
    finally:
        con.close()


def test_a_database_made_before_the_notes_table_says_no_until_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    old_database(path, 3)
    reader = connect(path, read_only=True)  # read-only: not migrated
    try:
        assert is_sample_database(reader) is False
    finally:
        reader.close()
    con = connect(path)
    try:
        assert is_sample_database(con) is False
    finally:
        con.close()


def test_a_sample_database_made_before_the_notes_table_is_marked_when_it_migrates(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    old_database(path, 3)
    con = connect(path)  # the current schema, then the sample loaded as the version before 004 did
    try:
        load_sample_into(con, SETTINGS)
        con.execute("DELETE FROM database_notes")
        con.execute("DELETE FROM schema_versions WHERE version = 4")
        con.execute("DROP TABLE database_notes")
    finally:
        con.close()
    con = connect(path)  # applies 004 again
    try:
        assert is_sample_database(con) is True
    finally:
        con.close()
