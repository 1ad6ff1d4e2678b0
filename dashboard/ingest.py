"""Loading validated uploads into the store: upsert by key in one transaction, the upload log, and undo.

The statements live in queries/load/*.sql. Table and column names in them are filled in from the data
contract (dashboard/contract.py), never from anything a user typed; every value is a bound parameter.

Writes are serialised within a process (WRITE_LOCK): the app serves each browser session from its own
thread, each with its own cursor of one shared connection, and two uploads (or an upload and an undo)
must apply in turn rather than race for the next upload number or conflict inside DuckDB. Another process
cannot open the database to write while one has it (dashboard.db.connect says so plainly).
"""

from __future__ import annotations

import getpass
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from dashboard.config import Settings
from dashboard.contract import DATASET_NAMES, DATASETS_BY_NAME, Dataset
from dashboard.db import SAMPLE_DATA_NOTE, note_database, quote_identifier, read_sql, run_script, transaction
from dashboard.validate import UploadReport, check_against_store, validate_upload

# Held by load_upload (dry runs too: they write, then roll back) and by undo_latest.
WRITE_LOCK = threading.RLock()


class UploadRejected(ValueError):
    """The upload has errors; nothing was stored. `report` lists them all."""

    def __init__(self, report: UploadReport) -> None:
        super().__init__(f"{report.file_name}: {report.error_count:,} error(s); nothing was stored")
        self.report = report


class NothingToUndo(LookupError):
    pass


@dataclass(frozen=True)
class DatasetChange:
    dataset: str
    added: int
    replaced: int
    removed: int
    unchanged: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.replaced or self.removed)


@dataclass
class LoadResult:
    """What an upload did (or, for a dry run, would do)."""

    file_name: str
    upload_id: int | None  # None when nothing changed or for a dry run
    dry_run: bool
    changes: list[DatasetChange] = field(default_factory=list)
    report: UploadReport | None = None

    @property
    def changed(self) -> bool:
        return any(c.changed for c in self.changes)

    def summary_lines(self) -> list[str]:
        verb = "would be" if self.dry_run else "were"
        lines = []
        for c in self.changes:
            parts = [f"{c.added} added", f"{c.replaced} replaced"]
            if c.removed:
                parts.append(f"{c.removed} removed")
            parts.append(f"{c.unchanged} unchanged")
            lines.append(f"{c.dataset}: " + ", ".join(parts))
        if not any(c.added or c.replaced or c.removed or c.unchanged for c in self.changes):
            lines.append("The file holds no rows to load.")
        elif not self.changed:
            lines.append("Nothing changed: every row is already stored as it is in the file.")
        elif self.upload_id is not None:
            lines.append(f"Recorded as upload {self.upload_id}; `pmf undo` takes it back.")
        elif self.dry_run:
            lines.append(f"Dry run: these rows {verb} written; nothing was stored.")
        return lines


@dataclass(frozen=True)
class UndoResult:
    upload_id: int
    file_name: str
    # Every dataset the undo put back -> the rows the upload had written to it (0 when it only removed rows).
    restored: dict[str, int]


def _template(name: str, dataset: Dataset) -> str:
    table = quote_identifier(dataset.name)
    key_match = " AND ".join(f"i.{quote_identifier(k)} = t.{quote_identifier(k)}" for k in dataset.key)
    column_differs = read_sql("load/column_differs.sql").strip()
    differs = " OR ".join(column_differs.format(column=quote_identifier(c)) for c in dataset.column_names)
    return read_sql(f"load/{name}.sql").format(
        table=table,
        undo_table=quote_identifier(dataset.name + "__undo"),
        first_key=quote_identifier(dataset.key[0]),
        key_match=key_match,
        row_differs=f"({differs})",
    )


def _stored_session_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.execute(read_sql("uploads/stored_session_ids.sql")).fetchall()}


def _write_dataset(
    con: duckdb.DuckDBPyConnection, dataset: Dataset, frame: pd.DataFrame, upload_id: int, replace_all: bool
) -> DatasetChange:
    staged = frame.assign(upload_id=upload_id)
    con.register("incoming_frame", staged)
    try:
        run_script(con, _template("stage_incoming", dataset))
    finally:
        con.unregister("incoming_frame")
    run_script(con, _template("classify_incoming", dataset))
    params = {"upload_id": upload_id, "replace_all": replace_all}
    run_script(con, _template("save_for_undo", dataset), params)
    run_script(con, _template("write_changes", dataset), params)
    counts = dict(con.execute("SELECT change, count(*) FROM incoming_change GROUP BY change").fetchall())
    saved = con.execute(_template("count_saved", dataset), {"upload_id": upload_id}).fetchall()[0][0]
    replaced = int(counts.get("replaced", 0))
    return DatasetChange(
        dataset.name,
        int(counts.get("added", 0)),
        replaced,
        int(saved) - replaced,
        int(counts.get("unchanged", 0)),
    )


def load_upload(
    con: duckdb.DuckDBPyConnection,
    report: UploadReport,
    uploaded_by: str,
    replace: str | None = None,
    dry_run: bool = False,
) -> LoadResult:
    """Store a validated upload in one transaction, all or nothing.

    Rows whose key is stored replace the stored row, new keys are added, identical rows are left alone.
    With `replace`, that dataset's stored rows that are not in the file are removed. An upload that
    changes nothing is not recorded. Raises UploadRejected (storing nothing) if the report has errors.
    """
    if replace is not None and replace not in DATASETS_BY_NAME:
        raise ValueError(f"{replace!r} is not a dataset: " + ", ".join(DATASET_NAMES))
    if not report.ok:  # its errors first: the rows of a rejected file are not kept
        raise UploadRejected(report)
    if replace is not None and replace not in report.located:
        raise ValueError(f"cannot replace {replace}: {report.file_name} has no {replace} sheet")
    if replace is not None and report.located[replace].empty:
        raise ValueError(
            f"cannot replace {replace} with an empty sheet: that would delete every stored row. "
            "Upload the rows it should hold."
        )
    with WRITE_LOCK:
        return _load_upload(con, report, uploaded_by, replace, dry_run)


def _load_upload(
    con: duckdb.DuckDBPyConnection,
    report: UploadReport,
    uploaded_by: str,
    replace: str | None,
    dry_run: bool,
) -> LoadResult:
    if report.ok:
        check_against_store(report, _stored_session_ids(con))
    if not report.ok:
        raise UploadRejected(report)
    result = LoadResult(report.file_name, None, dry_run, report=report)
    con.execute("BEGIN TRANSACTION")
    try:
        upload_id = int(con.execute(read_sql("uploads/next_id.sql")).fetchall()[0][0])
        # Parents before children: sessions before their attendance.
        for name in DATASET_NAMES:
            if name in report.frames:
                change = _write_dataset(
                    con, DATASETS_BY_NAME[name], report.frames[name], upload_id, replace == name
                )
                result.changes.append(change)
        if dry_run or not result.changed:
            con.execute("ROLLBACK")
            return result
        run_script(
            con,
            read_sql("uploads/record_upload.sql"),
            {
                "upload_id": upload_id,
                "uploaded_at": datetime.now(),
                "uploaded_by": uploaded_by,
                "file_name": report.file_name,
                "file_hash": report.file_hash,
                "mode": "replace" if replace else "upsert",
                "replaced_dataset": replace,
            },
        )
        for change in result.changes:
            run_script(
                con,
                read_sql("uploads/record_dataset.sql"),
                {
                    "upload_id": upload_id,
                    "dataset": change.dataset,
                    "added": change.added,
                    "replaced": change.replaced,
                    "removed": change.removed,
                    "unchanged": change.unchanged,
                },
            )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    result.upload_id = upload_id
    return result


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path | str,
    settings: Settings,
    uploaded_by: str | None = None,
    replace: str | None = None,
    dry_run: bool = False,
    dataset: str | None = None,
) -> LoadResult:
    """Read, validate and load one file from disk (the CLI's and the sample loader's way in)."""
    path = Path(path)
    report = validate_upload(path.read_bytes(), path.name, settings, dataset)
    return load_upload(con, report, uploaded_by or current_user(), replace=replace, dry_run=dry_run)


def undo_latest(con: duckdb.DuckDBPyConnection, undone_by: str) -> UndoResult:
    """Restore every dataset to exactly what it was before the latest upload still in force."""
    with WRITE_LOCK:
        return _undo_latest(con, undone_by)


def _undo_latest(con: duckdb.DuckDBPyConnection, undone_by: str) -> UndoResult:
    latest = con.execute(read_sql("uploads/latest_applied.sql")).fetchall()
    if not latest:
        raise NothingToUndo("There is no upload to undo.")
    upload_id, file_name = int(latest[0][0]), str(latest[0][1])
    restored: dict[str, int] = {}
    with transaction(con):
        for name in DATASET_NAMES:
            dataset = DATASETS_BY_NAME[name]
            params = {"upload_id": upload_id}
            written = int(con.execute(_template("count_written", dataset), params).fetchall()[0][0])
            saved = int(con.execute(_template("count_saved", dataset), params).fetchall()[0][0])
            run_script(con, _template("undo_dataset", dataset), params)
            if written or saved:
                restored[name] = written
        run_script(
            con,
            read_sql("uploads/mark_undone.sql"),
            {"upload_id": upload_id, "undone_at": datetime.now(), "undone_by": undone_by},
        )
    return UndoResult(upload_id, file_name, restored)


def upload_history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The upload log, newest first: one row per upload and dataset."""
    return con.execute(read_sql("uploads/history.sql")).df()


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def load_sample_into(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[LoadResult]:
    """Load every sample workbook (the embedded default) into an empty database.

    The database is then marked as holding fictional sample data (dashboard.db.is_sample_database), for
    good: its outputs say so even once real rows are added.
    """
    results = []
    for path in sorted(settings.sample_dir.glob("*.xlsx")):
        results.append(load_file(con, path, settings, uploaded_by="sample data"))
        if results[-1].changed:
            note_database(con, SAMPLE_DATA_NOTE, f"fictional sample data from {path.name}")
    return results
