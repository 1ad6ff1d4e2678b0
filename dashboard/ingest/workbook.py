"""Reading uploaded files into raw cell grids: .xlsx through python-calamine, .csv through the csv module.

Nothing in an uploaded file is trusted. Every refusal is an UnreadableFile whose message is one sentence for
the user; nothing here lets any other exception out for a bad file.

- Size: at most MAX_FILE_BYTES (the Streamlit upload limit), and not empty (the limits: file_limits.py).
- Content, not only the name: a PDF, an old .xls (or a password-protected workbook: both are OLE2 files) and
  a macro-enabled workbook (.xlsm) are refused saying what to upload instead.
- An .xlsx is checked before calamine opens it (xlsx_guard.py): the zip container, zip bombs, and the size of
  every sheet, which calamine would otherwise allocate whole.
- Formulas are never evaluated: calamine reads the value Excel cached when it last calculated.
- CSV: read by csv_reader.py, with its encodings and limits.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine

from dashboard.ingest.csv_reader import read_csv
from dashboard.ingest.file_limits import (
    MAX_FILE_BYTES,
    MAX_SHEETS,
    MB,
    UnreadableFile,
    check_size_of_sheet,
    damaged_message,
    macros_message,
    shown_name,
)
from dashboard.ingest.xlsx_guard import ZIP_SIGNATURE, check_xlsx

Cell = Any  # str, int, float, bool, datetime.date, datetime.datetime, datetime.time, datetime.timedelta


@dataclass
class RawSheet:
    """One sheet's cells, rows[0] being Excel row 1 (or the CSV file's first line)."""

    name: str
    rows: list[list[Cell]]


SUPPORTED_SUFFIXES = (".xlsx", ".csv")
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam")

_PDF = b"%PDF"
_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")  # .xls, and Excel's password-protected .xlsx


class _Ahead:
    """One file being read in the background (read_ahead): its result or the exception it raised."""

    def __init__(self, data: bytes, file_name: str) -> None:
        self.data, self.file_name = data, file_name
        self.done = threading.Event()
        self.sheets: list[RawSheet] | None = None
        self.error: BaseException | None = None


_AHEAD: dict[int, _Ahead] = {}  # id(data) -> its read, until read_raw_sheets takes it
_AHEAD_LOCK = threading.Lock()


def read_ahead(files: Sequence[tuple[str, bytes]]) -> None:
    """Start reading these files (name, bytes), one after another in one background thread, so that the
    caller can import what it needs meanwhile (`pmf load`: pandas and DuckDB, while calamine parses the
    sheet with the interpreter free). read_raw_sheets of the same bytes object then takes the result (or
    raises what reading raised), in the same order of checks: nothing reaches calamine before xlsx_guard.
    """
    from dashboard.ingest.gc_pause import collector_paused

    entries = [_Ahead(data, name) for name, data in files]
    with _AHEAD_LOCK:
        for entry in entries:
            _AHEAD[id(entry.data)] = entry

    def work() -> None:
        with collector_paused():
            for entry in entries:
                try:
                    entry.sheets = _read_raw_sheets(entry.data, entry.file_name)
                except BaseException as exc:  # handed to the reader of the result, which raises it
                    entry.error = exc
                finally:
                    entry.done.set()

    threading.Thread(target=work, name="pmf-read-ahead", daemon=True).start()


def read_raw_sheets(data: bytes, file_name: str) -> list[RawSheet]:
    """Every sheet of an .xlsx workbook, or the single table of a .csv file, as raw cells."""
    with _AHEAD_LOCK:
        entry = _AHEAD.get(id(data))
        if entry is not None and entry.data is data and entry.file_name == file_name:
            del _AHEAD[id(data)]
        else:
            entry = None
    if entry is None:
        return _read_raw_sheets(data, file_name)
    entry.done.wait()
    if entry.error is not None:
        raise entry.error
    assert entry.sheets is not None
    return entry.sheets


def _read_raw_sheets(data: bytes, file_name: str) -> list[RawSheet]:
    name = shown_name(file_name)
    suffix = Path(file_name).suffix.lower()
    if suffix in MACRO_SUFFIXES:
        raise UnreadableFile(macros_message(name))
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableFile(f"{name} is not an .xlsx workbook or a .csv file.")
    if not data:
        raise UnreadableFile(f"{name} is empty (0 bytes): check it is the right file and upload it again.")
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(
            f"{name} is {math.ceil(len(data) / MB * 10) / 10:.1f} MB, more than the {MAX_FILE_BYTES // MB} MB "
            "an upload may be: split it into smaller files."
        )
    if data.startswith(_PDF):
        raise UnreadableFile(
            f"{name} is a PDF document, not a spreadsheet: upload the .xlsx workbook or a .csv file instead."
        )
    if data.startswith(_OLE2):
        raise UnreadableFile(
            f"{name} is an old-style Excel (.xls) workbook or a password-protected one: open it in Excel, "
            "remove any password and save it as an Excel Workbook (.xlsx), then upload that."
        )
    if suffix == ".csv":
        if data.startswith(ZIP_SIGNATURE):
            raise UnreadableFile(
                f"{name} is not a CSV file but a zip file such as an Excel workbook: if it is a workbook, "
                "upload it with its .xlsx name."
            )
        return [RawSheet(shown_name(Path(file_name).stem), read_csv(data, name))]
    if not data.startswith(ZIP_SIGNATURE):
        raise UnreadableFile(damaged_message(name))
    check_xlsx(data, name)
    return _read_workbook(data, name)


def _read_workbook(data: bytes, name: str) -> list[RawSheet]:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except BaseException as exc:  # calamine raises several types, a Rust panic included, for a damaged file
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise UnreadableFile(damaged_message(name)) from exc
    sheets = []
    try:
        metadata = book.sheets_metadata
        if len(metadata) > MAX_SHEETS:
            raise UnreadableFile(
                f"{name} has {len(metadata)} sheets, more than the {MAX_SHEETS} a workbook may have: "
                "upload a workbook with a sheet per dataset."
            )
        for meta in metadata:
            if str(meta.typ) != "SheetTypeEnum.WorkSheet" or str(meta.visible) != "SheetVisibleEnum.Visible":
                continue  # chart sheets, and hidden sheets such as a template's drop-down lists
            rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            sheet_name = shown_name(meta.name, 100)
            check_size_of_sheet(name, sheet_name, len(rows), max(map(len, rows), default=0))
            sheets.append(RawSheet(sheet_name, rows))
    except UnreadableFile:
        raise
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise UnreadableFile(damaged_message(name)) from exc
    finally:
        book.close()
    return sheets
