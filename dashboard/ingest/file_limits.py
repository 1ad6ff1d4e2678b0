"""What an uploaded file may be: the limits on its size and shape, and the one-sentence refusals.

Every refusal is an UnreadableFile whose message is one sentence for the user, naming the file as it can be
shown (without control characters, and cut short when very long).
"""

from __future__ import annotations

import re


class UnreadableFile(ValueError):
    """The file is not a workbook or CSV file that can be read. The message is one sentence for the user."""


MB = 1024 * 1024
MAX_FILE_BYTES = 20 * MB  # the same as server.maxUploadSize in .streamlit/config.toml
MAX_UNPACKED_BYTES = 200 * MB  # every part of an .xlsx together, unpacked (Excel packs sheets ~5-15 to 1)
MAX_COMPRESSION_RATIO = 100  # unpacked / packed, for any part over RATIO_CHECKED_FROM
RATIO_CHECKED_FROM = MB  # a smaller part cannot hurt, however well it packs
MAX_ZIP_PARTS = 10_000  # a workbook has a few dozen
MAX_CENTRAL_DIRECTORY_BYTES = 4 * MB
MAX_SHEETS = 50
MAX_ROWS = 200_000  # per sheet, title and header rows included
MAX_COLUMNS = 200
MAX_CELLS = 5_000_000  # rows x columns of one sheet's used rectangle (and the shared strings of a workbook)
MAX_SEPARATORS_PER_LINE = 10_000  # a CSV line with more cannot be a table of at most MAX_COLUMNS columns


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def display_name(text: str) -> str:
    """A file's or sheet's name without control characters, as it can be shown and stored."""
    return _CONTROL.sub("", text)


def shown_name(text: str, limit: int = 120) -> str:
    """A name from the file (or the file's own name) as it can be shown in one line of a report."""
    shown = display_name(text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def macros_message(name: str) -> str:
    return f"{name} contains macros; save it as a plain .xlsx workbook (no macros) and upload that."


def damaged_message(name: str) -> str:
    return (
        f"{name} could not be read as an Excel workbook: it is damaged, incomplete or not an .xlsx file; "
        "open it in Excel, save it as an Excel Workbook (.xlsx) and upload that."
    )


def crafted_message(name: str, what: str) -> str:
    return f"{name} was not opened: {what}, which no ordinary workbook does (it may be built to overload the server)."


def too_big(rows: int, columns: int) -> bool:
    return rows > MAX_ROWS or columns > MAX_COLUMNS or rows * columns > MAX_CELLS


def check_size_of_sheet(name: str, sheet: str, rows: int, columns: int) -> None:
    where = f"sheet {sheet} of {name}"
    if rows > MAX_ROWS:
        raise UnreadableFile(
            f"{where} has cells down to row {rows:,}, more than the {MAX_ROWS:,} rows a sheet may have: "
            "delete the rows below your data, or split it."
        )
    if columns > MAX_COLUMNS:
        raise UnreadableFile(
            f"{where} has cells as far right as column {columns:,}, more than the {MAX_COLUMNS} columns a "
            "sheet may have: delete the columns to the right of your data."
        )
    if rows * columns > MAX_CELLS:
        raise UnreadableFile(
            f"{where} spans {rows:,} rows by {columns} columns, more than the {MAX_CELLS:,} cells a sheet "
            "may have: delete unused rows and columns, or split it."
        )
