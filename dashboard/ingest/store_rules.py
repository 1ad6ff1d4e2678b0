"""The rules that need more than one file: between an upload and what the store holds (an attendance row
names a stored session; a stored case of an audit agrees on its title and date), and between the files of
one upload (no key in two of them). Run by ingest/load.py just before loading.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from dashboard.ingest.contract import DATASETS_BY_NAME
from dashboard.ingest.rows import PlainColumns, fmt
from dashboard.ingest.upload_report import UploadReport


@dataclass(frozen=True)
class Stored:
    """What the store holds that the rules between an upload and the store need (ingest reads it)."""

    session_ids: frozenset[str] = frozenset()
    # audit_id -> its stored cases: (case_ref, audit_title, audit_date)
    audits: dict[str, list[tuple[str, str, date]]] = field(default_factory=dict)


def _values(report: UploadReport, dataset: str, column: str) -> set[Any]:
    frame = report.located.get(dataset)
    return set() if frame is None else set(frame[column].dropna())


def _check_attendance_sessions(
    report: UploadReport, stored: Stored, upload: Sequence[UploadReport], replace: str | None
) -> None:
    """Attendance must name a session in the same upload (any of its files) or already stored, and stays."""
    attendance = report.located.get("training_attendance")
    if attendance is None:
        return
    replacing = replace == "training_sessions"  # the stored sessions not in the upload are removed
    known = set() if replacing else set(stored.session_ids)
    for part in upload:
        known |= _values(part, "training_sessions", "session_id")
    reason = (
        "is not a training session in this upload, which replaces every stored session"
        if replacing
        else "is not a training session stored or in this upload"
    )
    for session, sheet, row in zip(
        attendance["session_id"], attendance["_sheet"], attendance["_row"], strict=True
    ):
        if session is not None and session not in known:
            report.errors.add(sheet, int(row), "session_id", str(session), reason)


def _check_audits_against_store(
    report: UploadReport, stored: Stored, upload: Sequence[UploadReport], replace: str | None
) -> None:
    """One audit has one title and date: a stored case of the audit that this upload leaves as it is must agree."""
    audits = report.located.get("audits")
    if audits is None or replace == "audits":  # replace: the stored cases not in the upload are removed
        return
    overwritten: set[tuple[str, str]] = set()
    for part in upload:
        frame = part.located.get("audits")
        if frame is not None:
            overwritten |= set(zip(frame["audit_id"], frame["case_ref"], strict=True))
    columns = PlainColumns(audits)
    for index, audit_id in enumerate(columns["audit_id"]):
        kept = [case for case in stored.audits.get(audit_id, []) if (audit_id, case[0]) not in overwritten]
        if not kept:
            continue
        case_ref, title, day = kept[0]
        for column, theirs in (("audit_title", title), ("audit_date", day)):
            mine = columns[column][index]
            if mine is None:
                continue
            differs = pd.Timestamp(mine) != pd.Timestamp(theirs) if column == "audit_date" else mine != theirs
            if differs:
                report.errors.add(
                    columns["_sheet"][index],
                    int(columns["_row"][index]),
                    column,
                    fmt(mine),
                    f"differs from the stored case {case_ref} of the same audit_id {audit_id} ({fmt(theirs)}): "
                    f"one audit has one {column.replace('audit_', '')}; to change it, upload every case of the audit",
                )


def _check_across_files(report: UploadReport, earlier: Sequence[UploadReport]) -> None:
    """Files loaded as one upload: a key given twice, or an audit given two titles or dates, is an error."""
    for name, frame in report.located.items():
        key = list(DATASETS_BY_NAME[name].key)
        seen = _earlier_keys(name, key, earlier)
        if not seen:
            continue
        _check_keys_across(report, frame, key, seen)
        if name == "audits":
            _check_audits_across(report, frame, _earlier_audits(earlier))


def _earlier_keys(
    name: str, key: list[str], earlier: Sequence[UploadReport]
) -> dict[tuple[Any, ...], tuple[str, int]]:
    """Each key of the dataset in the earlier files -> where it first is (file and sheet, row)."""
    seen: dict[tuple[Any, ...], tuple[str, int]] = {}
    for other in earlier:
        theirs = other.located.get(name)
        if theirs is None:
            continue
        for values in zip(*(theirs[k] for k in key), theirs["_sheet"], theirs["_row"], strict=True):
            seen.setdefault(tuple(values[:-2]), (_in_file(other.file_name, values[-2]), int(values[-1])))
    return seen


def _earlier_audits(earlier: Sequence[UploadReport]) -> dict[Any, tuple[str, int, Any, Any]]:
    """Each audit_id in the earlier files -> where it first is (file and sheet, row), its title and date."""
    audits: dict[Any, tuple[str, int, Any, Any]] = {}
    for other in earlier:
        theirs = other.located.get("audits")
        if theirs is None:
            continue
        for audit_id, title, day, sheet, row in zip(
            theirs["audit_id"],
            theirs["audit_title"],
            theirs["audit_date"],
            theirs["_sheet"],
            theirs["_row"],
            strict=True,
        ):
            audits.setdefault(audit_id, (_in_file(other.file_name, sheet), int(row), title, day))
    return audits


def _check_keys_across(
    report: UploadReport, frame: pd.DataFrame, key: list[str], seen: dict[tuple[Any, ...], tuple[str, int]]
) -> None:
    for values in zip(*(frame[k] for k in key), frame["_sheet"], frame["_row"], strict=True):
        first = seen.get(tuple(values[:-2]))
        if first is None:
            continue
        shown = ", ".join(f"{k} {v}" for k, v in zip(key, values[:-2], strict=True))
        report.errors.add(
            values[-2],
            int(values[-1]),
            key[-1],
            str(values[-3]),
            f"repeats the key of {first[0]} row {first[1]} ({shown}): each row needs its own key",
        )


def _check_audits_across(
    report: UploadReport, frame: pd.DataFrame, audits: dict[Any, tuple[str, int, Any, Any]]
) -> None:
    for audit_id, title, day, sheet, row in zip(
        frame["audit_id"],
        frame["audit_title"],
        frame["audit_date"],
        frame["_sheet"],
        frame["_row"],
        strict=True,
    ):
        other_row = audits.get(audit_id)
        if other_row is None:
            continue
        for column, mine, theirs in (
            ("audit_title", title, other_row[2]),
            ("audit_date", day, other_row[3]),
        ):
            if mine != theirs:
                report.errors.add(
                    sheet,
                    int(row),
                    column,
                    fmt(mine),
                    f"differs from {other_row[0]} row {other_row[1]} of the same audit_id "
                    f"{audit_id} ({fmt(theirs)}): one audit has one {column.replace('audit_', '')}",
                )


def _in_file(file_name: str, sheet: str) -> str:
    """'a.csv' for a CSV file (its one sheet), 'a.xlsx training_sessions' for a workbook's sheet."""
    return file_name if file_name.lower().endswith(".csv") else f"{file_name} {sheet}"


def check_against_store(
    report: UploadReport,
    stored: Stored,
    upload: Sequence[UploadReport] = (),
    replace: str | None = None,
) -> None:
    """The rules that need the database, run by ingest just before loading. `upload` is every file of the one
    upload (this report among them): a session in one may be attended in another, and no key may be in two."""
    files = list(upload) or [report]
    before = report.error_count
    _check_attendance_sessions(report, stored, files, replace)
    _check_audits_against_store(report, stored, files, replace)
    position = next((i for i, part in enumerate(files) if part is report), 0)
    _check_across_files(report, files[:position])
    if report.error_count > before:
        report.errors.sort(key=lambda p: (p.sheet, p.row or 0))
