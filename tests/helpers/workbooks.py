"""Building upload files for the tests: small .xlsx workbooks (openpyxl) and .csv bytes, made in memory.

A sheet is given as a list of rows, rows[0] being Excel row 1; None is an empty cell. `table` builds a
header row and data rows from one valid record per dataset (below) and the changes each row makes to it,
so that a test shows only what matters to it.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from openpyxl import Workbook

from dashboard.core.config import DEFAULT_CONFIG_PATH, Settings, load_settings
from dashboard.core.db import connect
from dashboard.ingest.contract import DATASET_NAMES
from dashboard.ingest.upload_report import Problem, UploadReport
from dashboard.ingest.validate import validate_upload

# The packaged defaults (Hartlepool, Stockton-on-Tees, Teeswide and the HSSCP agencies), whatever
# PMF_CONFIG says in the environment.
SETTINGS: Settings = load_settings(DEFAULT_CONFIG_PATH)

Row = Sequence[Any]

# One valid row per dataset, with only the required columns (dates as analysts type them).
SESSION: dict[str, Any] = {
    "session_id": "S1",
    "session_date": "13/11/2023",
    "course_title": "Neglect: the basics",
    "delivery_mode": "Face to face",
    "locality": "Hartlepool",
    "places_booked": 10,
    "attended": 8,
}
ATTENDANCE: dict[str, Any] = {"session_id": "S1", "agency": "Police", "booked": 4, "attended": 3}
AUDIT: dict[str, Any] = {
    "audit_id": "AUD1",
    "audit_title": "Neglect",
    "audit_date": "01/09/2023",
    "case_ref": "C1",
    "locality": "Hartlepool",
    "overall_grade": "Good",
}
REVIEW: dict[str, Any] = {
    "review_id": "KLT",
    "locality": "Hartlepool",
    "nature": "Child death",
    "notification_date": "10/01/2024",
}
ACTION: dict[str, Any] = {
    "action_id": "ACT1",
    "source_type": "Audit",
    "action": "Refresh the neglect guidance",
    "lead_agency": "Police",
    "locality": "Teeswide",
    "target_date": "31/03/2024",
    "status": "On track",
}
VALID: dict[str, dict[str, Any]] = {
    "training_sessions": SESSION,
    "training_attendance": ATTENDANCE,
    "audits": AUDIT,
    "partnership_updates": {
        "update_id": "U1",
        "quarter": "2023-24 Q3",
        "section": "Event",
        "title": "Neglect Active Learning Event",
        "update": "Practitioners met.",
        "event_date": "06/02/2024",
    },
    "kpi_commentary": {"kpi": "CR02", "quarter": "2023-24 Q3", "commentary": "One review was late."},
    "reviews": REVIEW,
    "actions": ACTION,
}


def table(base: Mapping[str, Any], *changes: Mapping[str, Any], above: Iterable[Row] = ()) -> list[list[Any]]:
    """`above` rows (titles, notes), a header row, then one row per change: `base` updated by the change.

    The header holds base's columns then any other column a change names; a column a row does not give
    is an empty cell. With no changes there is one row, `base` itself.
    """
    columns = list(base)
    for change in changes:
        columns += [c for c in change if c not in columns]
    records = [{**base, **change} for change in changes] if changes else [dict(base)]
    return [list(r) for r in above] + [columns] + [[record.get(c) for c in columns] for record in records]


def xlsx(sheets: Mapping[str, Sequence[Row]], hidden: Iterable[str] = ()) -> bytes:
    """A workbook with these sheets, in order; each row written from column A of the next Excel row."""
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        if name in hidden:
            sheet.sheet_state = "hidden"
        for excel_row, row in enumerate(rows, start=1):
            for excel_column, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(excel_row, excel_column, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: Sequence[Row], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    """A CSV file as Excel would save it (None is an empty field)."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return text.getvalue().encode(encoding)


def with_cached_value(
    data: bytes, sheet_number: int, cell: str, cached: str, cell_type: str | None = None
) -> bytes:
    """The workbook with Excel's cached result `cached` written into the formula cell `cell`.

    openpyxl writes formulas without a cached value (`<f>..</f><v />`, or `<v></v>` when it writes with lxml,
    which python-docx brings), as if never calculated; Excel saves
    the last result next to the formula, and that is what an upload holds. `cell_type` "str" marks a text
    result (numbers need none).
    """
    part = f"xl/worksheets/sheet{sheet_number}.xml"
    pattern = re.compile(rf'<c r="{cell}"([^>]*)><f>(.*?)</f>(?:<v\s*/>|<v></v>)')
    kind = f' t="{cell_type}"' if cell_type else ""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == part:
                xml = content.decode("utf-8")
                assert pattern.search(xml), f"no formula without a cached value in {cell} of {part}"
                xml = pattern.sub(lambda m: f'<c r="{cell}"{m[1]}{kind}><f>{m[2]}</f><v>{cached}</v>', xml)
                content = xml.encode("utf-8")
            target.writestr(item, content)
    return out.getvalue()


def check(data: bytes, file_name: str = "upload.xlsx", dataset: str | None = None) -> UploadReport:
    """validate_upload with the default settings."""
    return validate_upload(data, file_name, SETTINGS, dataset)


def check_sheet(name: str, rows: Sequence[Row]) -> UploadReport:
    """validate_upload of a workbook holding this one sheet."""
    return check(xlsx({name: rows}))


def column_values(report: UploadReport, dataset: str, column: str) -> list[Any]:
    """The typed values of one column, NULLs as None, in upload order (the report must have no errors)."""
    assert report.errors == [], report.errors
    series = report.frames[dataset][column]
    return [None if pd.isna(value) else value for value in series.astype(object)]


def the_error(report: UploadReport) -> Problem:
    """The one error of the report."""
    assert len(report.errors) == 1, report.errors
    return report.errors[0]


# --- the database ------------------------------------------------------------------------------------


@cache
def _empty_database() -> bytes:
    """A new database file, schema and calendar made once per test run (connect() takes a while)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "empty.duckdb"
        connect(path).close()
        return path.read_bytes()


def new_database(path: Path) -> duckdb.DuckDBPyConnection:
    """A connection to a new, empty database file at `path`, as connect() would make it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_empty_database())
    return connect(path)


DATA_TABLES: tuple[str, ...] = DATASET_NAMES
UNDO_TABLES: tuple[str, ...] = tuple(f"{name}__undo" for name in DATASET_NAMES)
LOG_TABLES: tuple[str, ...] = ("uploads", "upload_datasets")


def contents(con: duckdb.DuckDBPyConnection, tables: Iterable[str]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a fixed order: for comparing the whole state before and after."""
    return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall() for t in tables}


def data_state(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    """The datasets and what is kept to undo the uploads in force."""
    return contents(con, DATA_TABLES + UNDO_TABLES)


def whole_state(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    """The datasets, the undo tables and the upload log."""
    return contents(con, DATA_TABLES + UNDO_TABLES + LOG_TABLES)
