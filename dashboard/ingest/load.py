"""Loading validated uploads into the store: upsert by key in one transaction, the upload log, and undo.

The statements live in queries/load/*.sql. Table and column names in them are filled in from the data
contract (dashboard/contract.py), never from anything a user typed; every value is a bound parameter.

Writes are serialised within a process (WRITE_LOCK): the app serves each browser session from its own
thread, each with its own cursor of one shared connection, and two uploads (or an upload and an undo)
must apply in turn rather than race for the next upload number or conflict inside DuckDB. Another process
cannot open the database to write while one has it (dashboard.core.db.connect says so plainly).
"""

from __future__ import annotations

import getpass
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from dataclasses import replace as replace_fields
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from dashboard.core.config import Settings
from dashboard.core.db import (
    SAMPLE_DATA_NOTE,
    note_database,
    quote_identifier,
    read_sql,
    run_script,
    transaction,
)
from dashboard.ingest.contract import DATASET_NAMES, DATASETS_BY_NAME, Dataset
from dashboard.ingest.gc_pause import collector_paused
from dashboard.ingest.store_rules import Stored, check_against_store
from dashboard.ingest.upload_report import UploadReport
from dashboard.ingest.validate import validate_upload

# Held by load_upload (dry runs too: they write, then roll back) and by undo_latest.
WRITE_LOCK = threading.RLock()


class UploadRejected(ValueError):
    """The upload has errors; nothing was stored. `report` lists them all."""

    def __init__(self, report: UploadReport, reports: Sequence[UploadReport] = ()) -> None:
        super().__init__(f"{report.file_name}: {report.error_count:,} error(s); nothing was stored")
        self.report = report
        self.reports = list(reports) or [report]  # every rejected file of the upload


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
    notes: list[str] = field(default_factory=list)  # what else it did, e.g. attendance removed with sessions

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
        lines.extend(self.notes)
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


def dataset_sql(name: str, dataset: Dataset) -> str:
    """queries/load/<name>.sql for one dataset: its table, undo table and key filled in from the contract."""
    return _template(name, dataset)


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
    mode: str = "upsert",
) -> LoadResult:
    """Store a validated upload in one transaction, all or nothing.

    Rows whose key is stored replace the stored row, new keys are added, identical rows are left alone.
    With `replace`, that dataset's stored rows that are not in the file are removed (and replacing
    training_sessions removes the attendance of the sessions it removes). An upload that changes nothing is
    not recorded. Raises UploadRejected (storing nothing) if the report has errors. `mode` is what the upload
    log records (with `replace`, always 'replace'): 'upsert', or 'edit' for a row written in the dashboard.
    """
    return load_uploads(con, [report], uploaded_by, replace=replace, dry_run=dry_run, mode=mode)


def load_uploads(
    con: duckdb.DuckDBPyConnection,
    reports: Sequence[UploadReport],
    uploaded_by: str,
    replace: str | None = None,
    dry_run: bool = False,
    mode: str = "upsert",
) -> LoadResult:
    """Store several validated files as ONE upload (`pmf load a.csv b.csv`): all of them or nothing.

    Every check against the store runs on every file before anything is written; a session in one file may be
    attended in another; a key in two files is an error. The upload is recorded once, under the files' names
    joined by ", ", and one undo takes all of it back. Raises UploadRejected (with every rejected report) if
    any file has an error.
    """
    reports = list(reports)
    if not reports:
        raise ValueError("no file to load")
    if replace is not None and replace not in DATASETS_BY_NAME:
        raise ValueError(f"{replace!r} is not a dataset: " + ", ".join(DATASET_NAMES))
    rejected = [report for report in reports if not report.ok]
    if rejected:  # their errors first: the rows of a rejected file are not kept
        raise UploadRejected(rejected[0], rejected)
    if replace is not None:
        holding = [report.located[replace] for report in reports if replace in report.located]
        if not holding:
            names = (
                reports[0].file_name
                if len(reports) == 1
                else "none of " + ", ".join(report.file_name for report in reports)
            )
            raise ValueError(f"cannot replace {replace}: {names} has no {replace} sheet")
        if all(frame.empty for frame in holding):
            raise ValueError(
                f"cannot replace {replace} with an empty sheet: that would delete every stored row. "
                "Upload the rows it should hold."
            )
    with WRITE_LOCK, collector_paused():
        return _load_uploads(con, reports, uploaded_by, replace, dry_run, mode)


def _stored(con: duckdb.DuckDBPyConnection, reports: list[UploadReport]) -> Stored:
    """What the checks against the store need to know of it, for these files."""
    audit_ids = sorted(
        {a for report in reports if "audits" in report.located for a in report.located["audits"]["audit_id"]}
    )
    audits: dict[str, list[tuple[str, str, date]]] = {}
    if audit_ids:
        rows = con.execute(read_sql("uploads/stored_audits.sql"), {"audit_ids": audit_ids}).fetchall()
        for audit_id, case_ref, title, day in rows:
            audits.setdefault(audit_id, []).append((case_ref, title, day))
    return Stored(frozenset(_stored_session_ids(con)), audits)


def _load_uploads(
    con: duckdb.DuckDBPyConnection,
    reports: list[UploadReport],
    uploaded_by: str,
    replace: str | None,
    dry_run: bool,
    mode: str,
) -> LoadResult:
    stored = _stored(con, reports)
    for report in reports:
        check_against_store(report, stored, reports, replace)
    rejected = [report for report in reports if not report.ok]
    if rejected:
        raise UploadRejected(rejected[0], rejected)
    file_name = ", ".join(report.file_name for report in reports)
    file_hash = ",".join(report.file_hash for report in reports)
    frames: dict[str, pd.DataFrame] = {}
    for report in reports:
        for name, frame in report.frames.items():
            frames[name] = pd.concat([frames[name], frame], ignore_index=True) if name in frames else frame
    result = LoadResult(file_name, None, dry_run, report=reports[0])
    con.execute("BEGIN TRANSACTION")
    try:
        upload_id = next_upload_id(con)
        # Parents before children: sessions before their attendance.
        for name in DATASET_NAMES:
            if name in frames:
                change = _write_dataset(con, DATASETS_BY_NAME[name], frames[name], upload_id, replace == name)
                result.changes.append(change)
        if replace == "training_sessions":
            _remove_orphan_attendance(con, upload_id, result)
        if dry_run or not result.changed:
            con.execute("ROLLBACK")
            return result
        record_upload(
            con,
            upload_id,
            uploaded_by,
            file_name,
            file_hash,
            "replace" if replace else mode,
            replace,
            result.changes,
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    result.upload_id = upload_id
    return result


def record_upload(
    con: duckdb.DuckDBPyConnection,
    upload_id: int,
    uploaded_by: str,
    file_name: str,
    file_hash: str,
    mode: str,
    replaced_dataset: str | None,
    changes: Sequence[DatasetChange],
) -> None:
    """The upload log's rows for one upload (inside the caller's transaction): who, when, what per dataset."""
    run_script(
        con,
        read_sql("uploads/record_upload.sql"),
        {
            "upload_id": upload_id,
            "uploaded_at": datetime.now(),
            "uploaded_by": uploaded_by,
            "file_name": file_name,
            "file_hash": file_hash,
            "mode": mode,
            "replaced_dataset": replaced_dataset,
        },
    )
    for change in changes:
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


def next_upload_id(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute(read_sql("uploads/next_id.sql")).fetchall()[0][0])


def _remove_orphan_attendance(con: duckdb.DuckDBPyConnection, upload_id: int, result: LoadResult) -> None:
    """Replacing training_sessions: the attendance of every session it removed goes too (kept for undo)."""
    orphans = int(con.execute(read_sql("load/count_orphan_attendance.sql")).fetchall()[0][0])
    if not orphans:
        return
    run_script(con, read_sql("load/remove_orphan_attendance.sql"), {"upload_id": upload_id})
    for index, change in enumerate(result.changes):
        if change.dataset == "training_attendance":
            result.changes[index] = replace_fields(change, removed=change.removed + orphans)
            break
    else:
        result.changes.append(DatasetChange("training_attendance", 0, 0, orphans, 0))
    rows = "row" if orphans == 1 else "rows"
    verb = "would be" if result.dry_run else ("was" if orphans == 1 else "were")
    result.notes.append(
        f"training_attendance: {orphans:,} {rows} of the removed training sessions {verb} removed with them."
    )


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

    The database is then marked as holding fictional sample data (dashboard.core.db.is_sample_database), for
    good: its outputs say so even once real rows are added.
    """
    results = []
    for path in sorted(settings.sample_dir.glob("*.xlsx")):
        results.append(load_file(con, path, settings, uploaded_by="sample data"))
        if results[-1].changed:
            note_database(con, SAMPLE_DATA_NOTE, f"fictional sample data from {path.name}")
    return results
