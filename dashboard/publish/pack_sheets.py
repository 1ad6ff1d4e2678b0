"""Writing the KPI pack's sheets: number formats, and a table written with a filled header, filters, a
frozen header, fitted column widths and RAG cells filled (the word in the cell, never colour alone).

Every cell is written through dashboard.core.exports.write_cell, so text from an upload that starts like a
formula ("=HYPERLINK(...)", "-1+2") stays text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from dashboard.charts import RAG_COLOURS
from dashboard.core.exports import cell_value, write_cell
from dashboard.publish.suppression import SUPPRESSED

PERCENT_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
DATE_FORMAT = "dd/mm/yyyy"
VALUE_FORMATS: dict[str, str] = {
    "percent": PERCENT_FORMAT,
    "count": COUNT_FORMAT,
    "points": "+0.00;-0.00;0.00",
    "days": '#,##0" days"',
}
CHANGE_FORMATS: dict[str, str] = {
    "percent": '+0.0" pts";-0.0" pts";0.0" pts"',
    "count": "+#,##0;-#,##0;0",
    "points": "+0.00;-0.00;0.00",
    "days": '+#,##0" days";-#,##0" days";0" days"',
}
TOLERANCE_FORMATS: dict[str, str] = {
    "percent": '0.0" percentage points"',
    "count": "#,##0.0",
    "points": '0.00" points"',
    "days": '#,##0.0" days"',
}

TITLE_ROW, SUBTITLE_ROW, MARKING_ROW, HEADER_ROW = 1, 2, 3, 4
FIRST_DATA_ROW = HEADER_ROW + 1
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_THIN = Side(style="thin", color="BFBFBF")
_RAG_FILLS = {rag: PatternFill("solid", fgColor=colour.lstrip("#")) for rag, colour in RAG_COLOURS.items()}
_RAG_FONT = Font(bold=True, color="FFFFFF")
_MAX_WIDTH = 60


# --- writing tables ------------------------------------------------------------------------------------


@dataclass
class SheetTable:
    """A table as it goes on a sheet: headers, then rows of (value, number format) cells."""

    headers: list[str]
    rows: list[list[tuple[Any, str | None]]] = field(default_factory=list)
    rag_columns: tuple[str, ...] = ()
    bold_rows: set[int] = field(default_factory=set)  # indexes into rows


def frame_table(
    frame: pd.DataFrame, formats: Mapping[str, str], rag_columns: tuple[str, ...] = ()
) -> SheetTable:
    headers = [str(c) for c in frame.columns]
    rows = [
        [(value, formats.get(header)) for header, value in zip(headers, record, strict=True)]
        for record in frame.itertuples(index=False, name=None)
    ]
    return SheetTable(headers, rows, rag_columns)


def _display_length(value: Any, number_format: str | None) -> int:
    """Roughly how many characters Excel shows for the value: for fitting the column."""
    value = cell_value(value)
    if value is None:
        return 0
    if isinstance(value, str):
        return max((len(line) for line in value.splitlines()), default=0)
    if isinstance(value, datetime | date):
        return 10
    suffix = sum(len(text) for text in re.findall(r'"([^"]*)"', (number_format or "").split(";")[0]))
    number = float(value)
    if number_format and "%" in number_format and '"' not in number_format:
        return len(f"{100 * number:.1f}%")
    if number.is_integer() and "0.0" not in (number_format or ""):
        return len(f"{number:+,.0f}") + suffix
    return len(f"{number:+,.2f}") + suffix


def write_heading(sheet: Worksheet, title: str, subtitle: str) -> None:
    write_cell(sheet, TITLE_ROW, 1, title).font = Font(bold=True, size=14)
    write_cell(sheet, SUBTITLE_ROW, 1, subtitle).font = Font(italic=True)


def write_table(sheet: Worksheet, table: SheetTable, freeze_column: int = 1) -> int:
    """The table from HEADER_ROW, with filters, frozen header and fitted widths; returns its last row."""
    for index, header in enumerate(table.headers, start=1):
        cell = write_cell(sheet, HEADER_ROW, index, header)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    rag_indexes = {table.headers.index(c) + 1 for c in table.rag_columns}
    row_number = HEADER_ROW
    for position, row in enumerate(table.rows):
        row_number = FIRST_DATA_ROW + position
        for index, (value, number_format) in enumerate(row, start=1):
            cell = write_cell(sheet, row_number, index, value, number_format)
            cell.border = Border(bottom=_THIN)
            if index in rag_indexes and cell.value in _RAG_FILLS:
                cell.fill = _RAG_FILLS[str(cell.value)]
                cell.font = _RAG_FONT
                cell.alignment = Alignment(horizontal="center")
            elif cell.value == SUPPRESSED:
                cell.alignment = Alignment(horizontal="right")
            elif isinstance(cell.value, str) and len(cell.value) > _MAX_WIDTH:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if position in table.bold_rows:
                cell.font = Font(bold=True, color=cell.font.color)
    for index, header in enumerate(table.headers, start=1):
        longest = max([_display_length(row[index - 1][0], row[index - 1][1]) for row in table.rows] or [0])
        header_width = min(len(header), 24) if longest < len(header) else len(header)
        sheet.column_dimensions[get_column_letter(index)].width = min(
            _MAX_WIDTH, max(8, longest + 2, header_width + 2)
        )
    last_column = get_column_letter(len(table.headers))
    if table.rows:
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{row_number}"
    sheet.freeze_panes = f"{get_column_letter(freeze_column)}{FIRST_DATA_ROW}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    return row_number


def write_note(sheet: Worksheet, row: int, text: str, italic: bool = True) -> None:
    write_cell(sheet, row, 1, text).font = Font(italic=italic)


# --- the scorecard ------------------------------------------------------------------------------------


def as_stored(value: Any, unit: str) -> Any:
    """Percentages are stored as fractions (85.3 -> 0.853) for the 0.0% format."""
    if value is None or value == SUPPRESSED:
        return value
    return float(value) / 100 if unit == "percent" else value
