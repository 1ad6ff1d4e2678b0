"""Tables written for people to open in Excel: text that looks like a formula is written as text.

CSV: such text gets a leading apostrophe (a CSV has no cell types). XLSX: such text is written as a string
cell marked with Excel's "quote prefix" (the apostrophe Excel itself adds when text is typed starting with
=), so it is shown as typed and never evaluated. Numbers, negative ones included, stay numbers.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    """Text that Excel (or another spreadsheet) could take as a formula if it were typed or imported."""
    return isinstance(value, str) and value.startswith(_FORMULA_START)


def neutralise_formula(value: object) -> object:
    """Text starting like a formula gets a leading apostrophe, so Excel shows it and never runs it."""
    if looks_like_formula(value):
        return "'" + str(value)
    return value


def safe_for_spreadsheet(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or str(out[column].dtype).startswith("str"):
            out[column] = out[column].map(neutralise_formula)
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark so Excel reads accents and symbols correctly."""
    return safe_for_spreadsheet(frame).to_csv(index=False).encode("utf-8-sig")


# --- XLSX ------------------------------------------------------------------------------------------------


def cell_value(value: Any) -> Any:
    """A pandas or NumPy value as openpyxl writes it: missing -> None (an empty cell), Timestamp -> date
    (or datetime when it has a time), NumPy numbers -> Python numbers. Text is returned unchanged."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating) and math.isnan(float(value)):
        return None
    if isinstance(value, pd.Timestamp):
        moment = value.to_pydatetime()
        return moment.date() if moment == datetime.combine(moment.date(), datetime.min.time()) else moment
    if isinstance(value, np.datetime64):
        return cell_value(pd.Timestamp(value))
    if isinstance(value, np.bool_ | bool):
        return "Yes" if bool(value) else "No"
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | Decimal):
        return float(value)
    if isinstance(value, int | float | str | date):
        return value
    return str(value)


def write_cell(sheet: Worksheet, row: int, column: int, value: Any, number_format: str | None = None) -> Cell:
    """Write one value safely: text is always a text cell, never a formula, whatever it starts with.

    Text starting with = + - @ tab or carriage return is stored as a string cell with the quote prefix
    (reopened, its data_type is "s" and its value the original text). Numbers and dates keep their type;
    `number_format` is applied to them.
    """
    value = cell_value(value)
    cell = sheet.cell(row=row, column=column)
    if not isinstance(cell, Cell):
        raise ValueError(f"row {row}, column {column} is inside a merged range; write to its first cell")
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl makes any text starting with "=" a formula otherwise
        if looks_like_formula(value):
            cell.quotePrefix = True
    elif number_format and value is not None:
        cell.number_format = number_format
    return cell
