"""Schema migrations: a database made by an earlier version opens, migrates and keeps every row."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
from helpers.workbooks import REVIEW, check_sheet, table

from dashboard.core.db import SCHEMA_DIR, connect
from dashboard.ingest.load import load_upload, undo_latest


def old_database(path: Path, last_version: int) -> None:
    """A database file with the schema files up to `last_version` applied, as that version made it."""
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE schema_versions "
        "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    for file in sorted(SCHEMA_DIR.glob("*.sql")):
        version = int(file.name.split("_")[0])
        if version <= last_version:
            con.execute(file.read_text(encoding="utf-8"))
            con.execute(
                "INSERT INTO schema_versions VALUES ($v, $n, $t)",
                {"v": version, "n": file.stem.split("_", 1)[1], "t": datetime(2024, 1, 1)},
            )
    con.close()


OLD_COLUMNS = (
    "review_id, locality, nature, harm_type, la_aware_date, notification_date, rr_completed_date, rr_outcome, "
    "lcspr_start_date, learning_event_date, recall_event_date, lcspr_published_date, published_name, upload_id"
)


def test_a_database_before_the_reviews_timeliness_migration_keeps_its_reviews(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    old_database(path, 2)
    con = duckdb.connect(str(path))
    # Upload 1 stored two reviews; upload 2 replaced KLT, keeping the row it overwrote for undo.
    con.execute(
        f"INSERT INTO reviews ({OLD_COLUMNS}) VALUES "
        "('JM', 'Stockton-on-Tees', 'Serious harm', 'Neglect', '2023-03-01', '2023-03-02', '2023-03-20', "
        " 'LCSPR', '2023-03-20', '2023-06-01', '2023-07-01', '2023-09-15', 'Child Joe', 1), "
        "('KLT', 'Hartlepool', 'Child death', NULL, NULL, '2023-10-13', '2023-11-03', 'No further review', "
        " NULL, NULL, NULL, NULL, NULL, 2)"
    )
    con.execute(
        f"INSERT INTO reviews__undo (undo_upload_id, {OLD_COLUMNS}) VALUES "
        "(2, 'KLT', 'Hartlepool', 'Child death', NULL, NULL, '2023-10-13', NULL, NULL, "
        " NULL, NULL, NULL, NULL, NULL, 1)"
    )
    con.execute(
        "INSERT INTO uploads (upload_id, uploaded_at, uploaded_by, file_name, file_hash, mode) VALUES "
        "(1, '2024-01-01', 'a', 'one.xlsx', 'h1', 'upsert'), (2, '2024-01-02', 'a', 'two.xlsx', 'h2', 'upsert')"
    )
    con.close()

    con = connect(path)  # migrates
    try:
        assert con.execute("SELECT max(version) FROM schema_versions").fetchall()[0][0] >= 3
        assert con.execute(
            "SELECT review_id, rr_outcome, rr_extension_agreed, panel_response, panel_response_date, "
            "lcspr_decision_date, final_report_date, lcspr_published_date, publication_delay_reason, "
            "published_name, upload_id FROM reviews ORDER BY review_id"
        ).fetchall() == [
            (
                "JM",
                "LCSPR",
                False,
                None,
                None,
                date(2023, 3, 20),
                None,
                date(2023, 9, 15),
                None,
                "Child Joe",
                1,
            ),
            ("KLT", "No LCSPR", False, None, None, None, None, None, None, None, 2),
        ]
        columns = [row[0] for row in con.execute("DESCRIBE reviews").fetchall()]
        assert "lcspr_start_date" not in columns and "lcspr_decision_date" in columns
        undo_columns = [row[0] for row in con.execute("DESCRIBE reviews__undo").fetchall()]
        assert undo_columns == ["undo_upload_id", *columns]

        # Undo of the upload made before the migration restores the row it overwrote.
        undo_latest(con, "tester")
        assert con.execute(
            "SELECT review_id, rr_completed_date, rr_outcome, upload_id FROM reviews ORDER BY review_id"
        ).fetchall() == [("JM", date(2023, 3, 20), "LCSPR", 1), ("KLT", None, None, 1)]

        # A new upload writes the new columns; the key still holds.
        rows = table(
            REVIEW,
            {"review_id": "JM", "locality": "Stockton-on-Tees", "notification_date": "02/03/2023"},
        )
        result = load_upload(con, check_sheet("reviews", rows), "tester")
        assert [(c.added, c.replaced) for c in result.changes] == [(0, 1)]
    finally:
        con.close()


def test_a_new_database_has_the_same_reviews_columns_as_a_migrated_one(tmp_path: Path) -> None:
    old_path = tmp_path / "old.duckdb"
    old_database(old_path, 2)
    migrated = connect(old_path)
    new = connect(tmp_path / "new.duckdb")
    try:
        for name in ("reviews", "reviews__undo"):
            assert (
                migrated.execute(f"DESCRIBE {name}").fetchall() == new.execute(f"DESCRIBE {name}").fetchall()
            )
    finally:
        migrated.close()
        new.close()


def test_a_database_before_the_quarterly_cycle_gains_its_tables_and_keeps_its_uploads(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    old_database(path, 14)
    con = duckdb.connect(str(path))  # as that version left it, with one upload of a review
    try:
        load_upload(con, check_sheet("reviews", table(REVIEW)), "tester")
        assert con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'kpi_commentary'"
        ).fetchall() == [(0,)]
    finally:
        con.close()

    con = connect(path)  # migrates, as `pmf init` or any write command does
    try:
        assert {row[0] for row in con.execute("SELECT version FROM schema_versions").fetchall()} >= {14, 15}
        commentary = table(
            {"kpi": "CR02", "quarter": "Q3 2023-24", "commentary": "Late information from a partner."}
        )
        result = load_upload(con, check_sheet("kpi_commentary", commentary), "tester")
        assert [(c.dataset, c.added) for c in result.changes] == [("kpi_commentary", 1)]
        assert con.execute("SELECT kpi, quarter, locality FROM kpi_commentary").fetchall() == [
            ("CR02", "2023-24 Q3", "All localities")
        ]
        undo_latest(con, "tester")
        undo_latest(con, "tester")  # the review uploaded before the migration
        assert con.execute("SELECT count(*) FROM reviews").fetchall() == [(0,)]
        assert con.execute("SELECT count(*) FROM kpi_commentary").fetchall() == [(0,)]
    finally:
        con.close()
