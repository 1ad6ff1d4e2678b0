"""Reading uploaded files into raw cell grids: .xlsx through python-calamine, .csv through the csv module."""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine

Cell = Any  # str, int, float, bool, datetime.date, datetime.datetime, datetime.time, datetime.timedelta


class UnreadableFile(ValueError):
    """The file is not a workbook or CSV file that can be read. The message is one sentence for the user."""


@dataclass
class RawSheet:
    """One sheet's cells, rows[0] being Excel row 1 (or the CSV file's first line)."""

    name: str
    rows: list[list[Cell]]


SUPPORTED_SUFFIXES = (".xlsx", ".csv")


def read_raw_sheets(data: bytes, file_name: str) -> list[RawSheet]:
    """Every sheet of an .xlsx workbook, or the single table of a .csv file, as raw cells."""
    suffix = Path(file_name).suffix.lower()
    if suffix == ".csv":
        return [RawSheet(Path(file_name).stem, _read_csv(data, file_name))]
    if suffix != ".xlsx":
        raise UnreadableFile(f"{file_name} is not an .xlsx workbook or a .csv file.")
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several exception types for a damaged file
        raise UnreadableFile(f"{file_name} could not be read as an Excel workbook ({_short(exc)}).") from exc
    sheets = []
    try:
        for meta in book.sheets_metadata:
            if str(meta.typ) != "SheetTypeEnum.WorkSheet" or str(meta.visible) != "SheetVisibleEnum.Visible":
                continue  # chart sheets, and hidden sheets such as a template's drop-down lists
            sheet = book.get_sheet_by_name(meta.name)
            sheets.append(RawSheet(meta.name, sheet.to_python(skip_empty_area=False)))
    except Exception as exc:
        raise UnreadableFile(f"{file_name} could not be read as an Excel workbook ({_short(exc)}).") from exc
    finally:
        book.close()
    return sheets


def _read_csv(data: bytes, file_name: str) -> list[list[Cell]]:
    for encoding in ("utf-8-sig", "cp1252"):  # Excel on Windows saves CSV as cp1252
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise UnreadableFile(f"{file_name} is not a text file.")
    if "\x00" in text:
        raise UnreadableFile(f"{file_name} is not a text CSV file.")
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))]
    except csv.Error as exc:
        raise UnreadableFile(f"{file_name} is not a well-formed CSV file ({exc}).") from exc


_DELIMITERS = (",", ";", "\t")  # Excel writes ";" where the decimal separator is a comma
_SNIFF_LINES = 50


def _delimiter(text: str) -> str:
    """The separator that splits the file's first lines into the most cells.

    csv.Sniffer wants every line split alike, so a title or note row above the header (which the contract
    allows) defeats it; counting cells does not. A tie goes to the comma.
    """

    def cells(delimiter: str) -> int:
        try:
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            return sum(len(row) for row in itertools.islice(reader, _SNIFF_LINES))
        except csv.Error:
            return 0

    return max(_DELIMITERS, key=cells)


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]
