"""Safe exports: text that looks like a formula stays text, in CSV (apostrophe) and in XLSX (a string cell)."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from dashboard.core.exports import cell_value, csv_bytes, looks_like_formula, neutralise_formula, write_cell

HOSTILE = [
    '=HYPERLINK("http://example.com/steal","Click me")',
    "=1+2",
    "-1+2",
    "+44 1429 523 000",
    "@SUM(A1:A3)",
    "\tTabbed",
    "\rCarriage",
]
HARMLESS = ["Child KLT", "Step down from social care assessment", "1+2", "a=b", ""]


def _reopen(book: Workbook) -> tuple[Workbook, bytes]:
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    return load_workbook(io.BytesIO(data)), data


def _sheet_xml(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode("utf-8")


def test_formula_like_text_is_written_as_a_string_cell_never_a_formula() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row, text in enumerate(HOSTILE + HARMLESS, start=1):
        write_cell(sheet, row, 1, text)
    reopened, data = _reopen(book)
    assert "<f>" not in _sheet_xml(data) and "<f " not in _sheet_xml(data)
    cells = reopened.active
    assert cells is not None
    for row, text in enumerate(HOSTILE, start=1):
        cell = cells.cell(row, 1)
        assert cell.data_type == "s", text
        # The original text, no apostrophe added (openpyxl writing with lxml keeps a carriage return; without
        # lxml, XML reads it back as a line feed).
        assert cell.value in (text, text.replace("\r", "\n")), text
        assert cell.quotePrefix, text  # Excel shows it as typed text and never evaluates it
    for row, text in enumerate(HARMLESS, start=len(HOSTILE) + 1):
        cell = cells.cell(row, 1)
        assert cell.value == (text or None)
        if text:
            assert cell.data_type == "s" and not cell.quotePrefix


def test_numbers_and_dates_keep_their_types_negative_numbers_included() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    write_cell(sheet, 1, 1, -1)
    write_cell(sheet, 2, 1, np.int64(-2), "#,##0")
    write_cell(sheet, 3, 1, -0.25, "0.0%")
    write_cell(sheet, 4, 1, pd.Timestamp("2023-11-13"), "dd/mm/yyyy")
    write_cell(sheet, 5, 1, date(2024, 1, 25), "dd/mm/yyyy")
    write_cell(sheet, 6, 1, pd.NA, "#,##0")
    reopened, _ = _reopen(book)
    cells = reopened.active
    assert cells is not None
    assert [cells.cell(r, 1).value for r in range(1, 4)] == [-1, -2, -0.25]
    assert [cells.cell(r, 1).data_type for r in range(1, 4)] == ["n", "n", "n"]
    assert cells.cell(2, 1).number_format == "#,##0"
    assert cells.cell(3, 1).number_format == "0.0%"
    assert cells.cell(4, 1).value == datetime(2023, 11, 13)
    assert cells.cell(4, 1).number_format == "dd/mm/yyyy"
    assert cells.cell(5, 1).value == datetime(2024, 1, 25)
    assert cells.cell(6, 1).value is None


def test_cell_values_from_pandas() -> None:
    assert cell_value(pd.NA) is None
    assert cell_value(float("nan")) is None
    assert cell_value(pd.NaT) is None
    assert cell_value(None) is None
    assert cell_value(pd.Timestamp("2023-11-13")) == date(2023, 11, 13)
    assert cell_value(pd.Timestamp("2023-11-13 09:30")) == datetime(2023, 11, 13, 9, 30)
    assert cell_value(np.int32(7)) == 7 and type(cell_value(np.int32(7))) is int
    assert type(cell_value(np.float64(0.5))) is float
    assert cell_value("=1+2") == "=1+2"  # text is left to write_cell


def test_writing_into_a_merged_range_is_refused() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.merge_cells("A1:C1")
    with pytest.raises(ValueError, match="merged"):
        write_cell(sheet, 1, 2, "x")


def test_csv_neutralises_text_not_numbers() -> None:
    frame = pd.DataFrame(
        {
            "text": pd.Series(['=HYPERLINK("http://x")', "-1+2", "Child Joe"], dtype="str"),
            "number": [-1, 0, 2],
        }
    )
    text = csv_bytes(frame).decode("utf-8-sig").splitlines()
    assert text == ["text,number", '"\'=HYPERLINK(""http://x"")",-1', "'-1+2,0", "Child Joe,2"]


@pytest.mark.parametrize("text", HOSTILE)
def test_every_formula_start_is_recognised(text: str) -> None:
    assert looks_like_formula(text)
    assert neutralise_formula(text) == "'" + text


@pytest.mark.parametrize("value", [*HARMLESS, -1, -1.5, 0, None])
def test_other_values_are_left_alone(value: object) -> None:
    assert not looks_like_formula(value)
    assert neutralise_formula(value) == value
