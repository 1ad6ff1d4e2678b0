"""Reading an uploaded .csv file into rows of text cells, refusing what would cost memory before it does.

UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark (Excel's "Unicode text") or
Windows-1252; NUL bytes, a field over the csv module's field limit, a line with an absurd number of
separators, and too many rows or columns are refused (UnreadableFile) before they cost memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re

from dashboard.ingest.file_limits import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_SEPARATORS_PER_LINE,
    UnreadableFile,
    shown_name,
)


def _decode(data: bytes, name: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")  # Excel on Windows saves CSV as cp1252
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(
        f'{name} is not a text file this dashboard can read: save it from Excel as "CSV UTF-8" and upload that.'
    )


def read_csv(data: bytes, name: str) -> list[list[str]]:
    text = _decode(data, name)
    if "\x00" in text:
        raise UnreadableFile(f"{name} is not a text CSV file: it holds NUL bytes, as binary files do.")
    _check_separators(text, name)
    rows: list[list[str]] = []
    cells = 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)):
            if len(rows) >= MAX_ROWS:
                raise UnreadableFile(
                    f"{name} has more than {MAX_ROWS:,} lines, the most a file may have: split it."
                )
            width = next((i + 1 for i in range(len(row) - 1, -1, -1) if row[i].strip()), 0)
            if width > MAX_COLUMNS:
                raise UnreadableFile(
                    f"{name} has {width:,} columns on line {len(rows) + 1:,}, more than the {MAX_COLUMNS} a "
                    "table may have: check it is the right file and its separator."
                )
            cells += len(row)
            if cells > MAX_CELLS:
                raise UnreadableFile(
                    f"{name} has more than {MAX_CELLS:,} cells, the most a file may have: split it."
                )
            rows.append(row)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise UnreadableFile(
                f"{name} has a field of more than {csv.field_size_limit():,} characters, so it is not a table "
                "this dashboard can read: check it is the right file."
            ) from exc
        raise UnreadableFile(f"{name} is not a well-formed CSV file ({_short(exc)}).") from exc
    return rows


def _check_separators(text: str, name: str) -> None:
    """Refuse a line with an absurd number of separators before the csv module turns it into a list."""
    if len(text) <= MAX_SEPARATORS_PER_LINE:
        return
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        if len(line) > MAX_SEPARATORS_PER_LINE and any(
            line.count(d) > MAX_SEPARATORS_PER_LINE for d in _DELIMITERS
        ):
            raise UnreadableFile(
                f"{name} has a line (line {number:,}) with more than {MAX_SEPARATORS_PER_LINE:,} separators, "
                f"far more than the {MAX_COLUMNS} columns a table may have: check it is the right file."
            )


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
    return shown_name(text, 160)
