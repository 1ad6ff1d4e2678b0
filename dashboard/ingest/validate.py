"""From raw sheets to validated, typed rows per dataset: find the header, normalise, check every rule.

Validation is lazy: every problem in every sheet is collected, each with the sheet, the Excel row number as
Excel shows it, the column, the value and the reason, and nothing is stored unless there are none.

validate_upload never raises for anything a file holds: a file that cannot be read is one error in the
report (ingest/workbook.py says why, in one sentence), and should a bug let any other exception out of
the checks, the report says so (UNEXPECTED_PROBLEM) and the traceback goes to the log, never to the user.
Headers and sheet names are matched after Unicode folding (ingest/cells.py: fold); a header that only
looks like a contract column (a Cyrillic letter in it) is an error, not a column silently left out.

The jobs on the way: ingest/columns.py types each column cell by cell, ingest/rows.py checks the rules
between cells and rows, and ingest/upload_report.py holds what was found (Problem, UploadReport). The rules
that need the store or the other files of an upload are ingest/store_rules.py, run by ingest/load.py.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Sequence
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd

from dashboard.core.config import Settings
from dashboard.ingest import columns
from dashboard.ingest.cells import fold, is_blank, lookalike_note, parse_text, show, skeleton
from dashboard.ingest.columns import parse_column
from dashboard.ingest.contract import (
    DATASETS,
    DATASETS_BY_NAME,
    Dataset,
    dataset_for_sheet_name,
    looks_like_personal_data,
    normalise_header,
)
from dashboard.ingest.file_limits import UnreadableFile, display_name
from dashboard.ingest.gc_pause import collector_paused
from dashboard.ingest.rows import check_rows
from dashboard.ingest.upload_report import Problem, SheetResult, UploadReport
from dashboard.ingest.workbook import RawSheet, read_raw_sheets

HEADER_SEARCH_ROWS = 30  # title and note rows above the header
UNEXPECTED_PROBLEM = "could not be checked because of an unexpected problem in the dashboard"
_log = logging.getLogger(__name__)
_QUIET_SHEETS = {
    "notes",
    "instructions",
    "readme",
    "guidance",
}  # explanation sheets, ignored without a warning

STOP_AFTER = 200_000  # errors found: checking stops at the next column (a sheet has at most 200,000 rows)
STOPPED = "checking stopped after {count:,} errors: correct these and upload again to check the rest"


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def validate_upload(
    data: bytes, file_name: str, settings: Settings, dataset: str | None = None
) -> UploadReport:
    """Read and check one uploaded file. `dataset` names the dataset of a single-table file when ambiguous.

    Never raises: whatever the file holds, the answer is a report (see the module's docstring).
    """
    # The name is shown in reports and kept in the upload log: without control characters.
    report = UploadReport(file_name=display_name(file_name), file_hash=file_hash(data))
    try:
        with collector_paused():
            _validate(data, report.file_name, settings, dataset, report)
    except Exception as exc:  # a bug, not the file's fault: say so, keep the traceback for the log
        _log.exception("validating %r failed", file_name)
        report.located = {}
        report.errors.append(
            Problem(
                report.file_name,
                None,
                None,
                "",
                f"{UNEXPECTED_PROBLEM} ({type(exc).__name__}); nothing was stored: please send the file to "
                "whoever looks after the dashboard",
            )
        )
    return report


def _validate(
    data: bytes, file_name: str, settings: Settings, dataset: str | None, report: UploadReport
) -> None:
    if dataset is not None and dataset not in DATASETS_BY_NAME:
        report.errors.append(
            Problem(file_name, None, None, dataset, "is not a dataset: " + ", ".join(DATASETS_BY_NAME))
        )
        return
    try:
        sheets = read_raw_sheets(data, file_name)
    except UnreadableFile as exc:
        report.errors.append(Problem(file_name, None, None, "", str(exc)))
        return
    parsed: dict[str, list[pd.DataFrame]] = {}
    noun = "file" if file_name.lower().endswith(".csv") else "sheet"  # what the user would rename
    empty = {id(sheet) for sheet in sheets if _is_empty(sheet)}
    if sheets and len(empty) == len(sheets):
        if noun == "file" or len(sheets) == 1:
            reason = "is empty: it holds no cells"
        else:
            reason = "is empty: none of its sheets holds a cell"
        report.errors.append(Problem(file_name, None, None, "", reason))
        return
    for sheet in sheets:
        if id(sheet) in empty:
            if _named_dataset(sheet) is not None:
                report.warnings.append(
                    Problem(sheet.name, None, None, "", "sheet is empty: nothing to load from it")
                )
            continue
        if _stopped(report):
            break
        chosen = _choose_dataset(sheet, sheets, dataset, report, noun)
        if chosen is None:
            continue
        frame = _read_sheet(sheet, chosen, settings, report)
        if frame is not None:
            parsed.setdefault(chosen.name, []).append(frame)
    if _stopped(report):
        # Far past what anyone reads: say so, and keep nothing but the errors kept.
        report.errors.append(Problem(file_name, None, None, "", STOPPED.format(count=report.error_count)))
        report.errors.sort(key=lambda p: (p.sheet, p.row or 0))
        return
    if not parsed and not report.errors:
        report.errors.append(
            Problem(
                file_name, None, None, "", "holds no sheet of a known dataset: " + ", ".join(DATASETS_BY_NAME)
            )
        )
    frames = {
        name: pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        for name, parts in parsed.items()
    }
    for name, frame in frames.items():
        check_rows(DATASETS_BY_NAME[name], frame, report)
    # Rows with errors are never stored: do not keep them (a report may stay in the app's session).
    report.located = frames if report.ok else {}
    report.errors.sort(key=lambda p: (p.sheet, p.row or 0))


def validate_sheet(sheet: RawSheet, dataset: str, settings: Settings, file_name: str) -> UploadReport:
    """Check one sheet of cells already in memory (a form's row: dashboard.ingest.edits) as a sheet of that
    dataset in an upload is checked, with the same messages. Never raises for what the cells hold."""
    report = UploadReport(file_name=display_name(file_name), file_hash=file_hash(repr(sheet.rows).encode()))
    try:
        frame = _read_sheet(sheet, DATASETS_BY_NAME[dataset], settings, report)
        if frame is not None:
            check_rows(DATASETS_BY_NAME[dataset], frame, report)
            report.located = {dataset: frame} if report.ok else {}
    except Exception as exc:  # a bug, not the user's: as validate_upload says it
        _log.exception("checking a row of %s failed", dataset)
        report.located = {}
        report.errors.append(
            Problem(report.file_name, None, None, "", f"{UNEXPECTED_PROBLEM} ({type(exc).__name__})")
        )
    return report


def _stopped(report: UploadReport) -> bool:
    """So many errors were found that checking stops (STOP_AFTER)."""
    return report.error_count >= STOP_AFTER


def _is_empty(sheet: RawSheet) -> bool:
    return all(is_blank(cell) for row in sheet.rows for cell in row)


def _header_key(cell: Any) -> str:
    """A header cell as the contract's columns are matched: folded, then normalised."""
    return normalise_header(fold(cell)) if isinstance(cell, str) else normalise_header(cell)


def _named_dataset(sheet: RawSheet) -> Dataset | None:
    return dataset_for_sheet_name(fold(sheet.name))


# --- which dataset a sheet holds ---------------------------------------------------------------------


def _header_candidates(rows: list[list[Any]]) -> list[tuple[int, set[str]]]:
    out = []
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = {_header_key(c) for c in row if isinstance(c, str)} - {""}
        if names:
            out.append((index, names))
    return out


def _normalised_columns(dataset: Dataset) -> dict[str, str]:
    return dataset.header_map()


def _required_found(dataset: Dataset, names: set[str]) -> bool:
    return all(normalise_header(r) in names for r in dataset.required)


def _choose_dataset(
    sheet: RawSheet, sheets: list[RawSheet], wanted: str | None, report: UploadReport, noun: str = "sheet"
) -> Dataset | None:
    named = _named_dataset(sheet)
    if wanted is not None:
        # The user's choice is for the table whose dataset the file does not say itself: the only sheet, or
        # the sheets of a workbook not named after a dataset, explanation sheets such as Notes aside.
        if len(sheets) == 1:
            return DATASETS_BY_NAME[wanted]
        if named is None and normalise_header(fold(sheet.name)) not in _QUIET_SHEETS:
            return DATASETS_BY_NAME[wanted]
        return named
    if named is not None:
        return named
    candidates = _header_candidates(sheet.rows)
    matches = [d for d in DATASETS if any(_required_found(d, names) for _, names in candidates)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        report.errors.append(
            Problem(
                sheet.name,
                None,
                None,
                "",
                "could be "
                + " or ".join(d.name for d in matches)
                + f": name the {noun} after its dataset, or choose the dataset when uploading",
            )
        )
        return None
    if len(sheets) == 1:
        report.errors.append(
            Problem(
                sheet.name,
                None,
                None,
                "",
                f"is not a known dataset: name the {noun} after one of "
                + ", ".join(DATASETS_BY_NAME)
                + ", or give it that dataset's required columns",
            )
        )
    elif candidates and normalise_header(fold(sheet.name)) not in _QUIET_SHEETS:
        report.warnings.append(
            Problem(sheet.name, None, None, "", "sheet ignored: it is not one of the datasets")
        )
    return None


# --- one sheet -------------------------------------------------------------------------------------


def _column_letter(position: int) -> str:
    """Excel's letters for a column counted from 0 (0 -> A, 26 -> AA). Only for a message: openpyxl is
    imported when one is written, as the upload path otherwise never imports it (a few tenths of a second)."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(position + 1)


def _find_header(sheet: RawSheet, dataset: Dataset, report: UploadReport) -> int | None:
    best: tuple[int, int, set[str]] | None = None
    wanted = {normalise_header(r) for r in dataset.required}
    for index, names in _header_candidates(sheet.rows):
        if wanted <= names:
            return index
        hits = len(wanted & names)
        if best is None or hits > best[0]:
            best = (hits, index, names)
    missing = [r for r in dataset.required if best is None or normalise_header(r) not in best[2]]
    row = best[1] + 1 if best and best[0] else None
    reason = f"no header row with the required columns of {dataset.name}: missing " + ", ".join(missing)
    if best is not None:
        for position, cell in enumerate(sheet.rows[best[1]]):
            note = _lookalike_header(cell, {normalise_header(m) for m in missing})
            if note:
                reason += f" (the header in column {_column_letter(position)} has {note}: retype it)"
                break
    report.errors.append(Problem(sheet.name, row, None, "", reason))
    return None


def _lookalike_header(cell: Any, wanted: set[str]) -> str | None:
    """What makes a header cell only look like one of the `wanted` (normalised) column names, if it does."""
    if not isinstance(cell, str):
        return None
    folded = fold(cell)
    if normalise_header(folded) in wanted or normalise_header(skeleton(folded)) not in wanted:
        return None
    return lookalike_note(folded)


def _read_sheet(
    sheet: RawSheet, dataset: Dataset, settings: Settings, report: UploadReport
) -> pd.DataFrame | None:
    header_index = _find_header(sheet, dataset, report)
    if header_index is None:
        return None
    positions, ignored = _column_positions(sheet, header_index, dataset, report)
    body = sheet.rows[header_index + 1 :]
    if columns.FAST_PATHS:
        excel_rows, rows = _rows_with_values(body, header_index + 2)
    else:
        numbered = [(number, row) for number, row in enumerate(body, header_index + 2) if _has_value(row)]
        excel_rows, rows = [n for n, _ in numbered], [row for _, row in numbered]
    if rows and _is_total_row(rows[-1]):
        excel_rows, rows = excel_rows[:-1], rows[:-1]
    report.sheets.append(SheetResult(sheet.name, dataset.name, header_index + 1, len(rows), ignored))
    data: dict[str, Any] = {"_sheet": [sheet.name] * len(rows), "_row": excel_rows}
    shortest = min(map(len, rows), default=0)
    grid = _grid(rows) if columns.FAST_PATHS else None
    keys = {*dataset.key, *_REFERENCES.get(dataset.name, ())}
    for column in dataset.columns:
        if _stopped(report):
            return None
        at = positions.get(column.name)
        raw: Sequence[Any] | np.ndarray
        if at is None:
            raw = [None] * len(rows)
        elif grid is not None:
            raw = grid[:, at]
        elif at < shortest:
            raw = list(map(itemgetter(at), rows))
        else:
            raw = [row[at] if at < len(row) else None for row in rows]
        is_key = column.kind == "text" and column.name in keys
        data[column.name] = parse_column(column, raw, excel_rows, sheet.name, settings, report.errors, is_key)
    return pd.DataFrame(data)


def _grid(rows: list[list[Any]]) -> np.ndarray | None:
    """The rows as one two-dimensional object array (its columns are then views, taken in C), when every
    row has as many cells (as calamine gives them) and no cell is itself a sequence; else None."""
    if not rows or len(set(map(len, rows))) != 1 or not rows[0]:
        return None
    try:
        grid = np.array(rows, dtype=object)
    except ValueError:
        return None
    return grid if grid.shape == (len(rows), len(rows[0])) else None


def _column_positions(
    sheet: RawSheet, header_index: int, dataset: Dataset, report: UploadReport
) -> tuple[dict[str, int], list[str]]:
    """Where each contract column is in the header row (counted from 0), and the headers left out; a
    column given twice, or a header that only looks like a column, is an error."""
    known = _normalised_columns(dataset)
    positions: dict[str, int] = {}
    ignored: list[str] = []
    excel_row = header_index + 1
    for position, cell in enumerate(sheet.rows[header_index]):
        if is_blank(cell) or _header_key(cell) == "":
            continue
        name = known.get(_header_key(cell))
        if name is None:
            label = show(parse_text(cell))
            note = _lookalike_header(cell, set(known))
            if note is not None:
                report.errors.append(
                    Problem(
                        sheet.name,
                        excel_row,
                        known[normalise_header(skeleton(fold(cell)))],
                        label,
                        f"header only looks like this column: it has {note}; retype it",
                    )
                )
                continue
            ignored.append(label)
            report.warnings.append(Problem(sheet.name, excel_row, label, "", _left_out(label, dataset)))
        elif name in positions:
            report.errors.append(
                Problem(
                    sheet.name,
                    excel_row,
                    name,
                    parse_text(cell),
                    f"column appears twice (columns {_column_letter(positions[name])} and {_column_letter(position)})",
                )
            )
        else:
            positions[name] = position
    return positions, ignored


def _left_out(label: str, dataset: Dataset) -> str:
    """Why a header that is not one of the dataset's columns was not stored."""
    if looks_like_personal_data(label):
        return (
            "PERSONAL DATA? This column looks like names, dates of birth, NHS numbers or addresses. "
            "It was not stored: remove it from the spreadsheet, the dashboard must not hold it"
        )
    return f"column is not part of {dataset.name}: not stored"


# Text columns that name another row's key, folded as keys are (ingest/cells.py: fold_key).
_REFERENCES = {"actions": ("source_ref",)}


def _rows_with_values(body: list[list[Any]], first: int) -> tuple[list[int], list[list[Any]]]:
    """The Excel row numbers of the rows that hold a value, and those rows. A row whose first cell is text
    that starts with a letter or digit holds one (the usual row, told without a call per row); any other row
    is asked _has_value."""
    kept = [
        index
        for index, row in enumerate(body)
        if (row and row[0].__class__ is str and row[0][:1].isalnum()) or _has_value(row)
    ]
    if len(kept) == len(body):  # no blank row: the body as it is
        return list(range(first, first + len(body))), body
    return [first + index for index in kept], [body[index] for index in kept]


def _has_value(row: list[Any]) -> bool:
    """not all(is_blank(cell) for cell in row), without a call per cell."""
    for cell in row:
        if cell is None:
            continue
        if isinstance(cell, str):
            if cell.strip() == "":
                continue
        elif isinstance(cell, float) and math.isnan(cell):
            continue
        return True
    return False


def _is_total_row(row: list[Any]) -> bool:
    first = next((c for c in row if not is_blank(c)), None)
    return isinstance(first, str) and first.strip().rstrip(":").strip().lower() in (
        "total",
        "totals",
        "grand total",
    )
