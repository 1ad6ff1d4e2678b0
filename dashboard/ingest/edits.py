"""A change made in the app is an upload of one row: checked by exactly the upload's rules, recorded in the
upload log (mode 'edit', or 'remove'), and undone by `undo_latest` like any upload.

Only the quarterly cycle's narrative datasets (contract.NARRATIVE_DATASETS: partnership_updates and
kpi_commentary) are written this way; the records (sessions, audits, reviews, actions) come from uploads.
A form's values may be Python values (str, date, None); they become one row of a sheet with the contract's
headers, so a form gets the upload's messages, naming the column and the reason (row numbers left out).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import duckdb
import pandas as pd

from dashboard.core.config import Settings
from dashboard.core.db import quote_identifier, read_sql, run_script, transaction
from dashboard.ingest.cells import CellError, is_blank, parse_quarter, parse_text
from dashboard.ingest.contract import DATASETS_BY_NAME, NARRATIVE_DATASETS, Dataset
from dashboard.ingest.load import (
    WRITE_LOCK,
    DatasetChange,
    LoadResult,
    UploadRejected,
    load_upload,
    next_upload_id,
    record_upload,
)
from dashboard.ingest.upload_report import Problem, Problems, UploadReport
from dashboard.ingest.validate import file_hash, validate_sheet
from dashboard.ingest.workbook import RawSheet

EDITED = "Edited in the dashboard"
REMOVED = "Removed in the dashboard"
# Columns the read APIs add to a row (dashboard.kpis.commentary, dashboard.areas.updates): ignored if given back.
_READ_ONLY = frozenset({"upload_id", "written_at", "written_by"})


class RowNotFound(LookupError):
    """remove_row was asked for a row that is not stored; str() is the message for the user."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "That row is not stored."


def _narrative(dataset: str) -> Dataset:
    if dataset not in NARRATIVE_DATASETS:
        raise ValueError(
            f"{dataset!r} cannot be edited in the dashboard: only " + ", ".join(NARRATIVE_DATASETS) + " can"
        )
    return DATASETS_BY_NAME[dataset]


def _cell(value: object) -> Any:
    """A form's value as a cell of a sheet: pandas' timestamps and missing values as Python's."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, float) and value != value:
        return None
    return value


def _described(dataset: Dataset, key_values: list[object]) -> str:
    """'kpi_commentary CR02, 2023-24 Q3, All localities': the dataset and the row's key, for the upload log."""
    return f"{dataset.name} " + ", ".join(str(v) for v in key_values)


def save_row(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    dataset: str,
    values: Mapping[str, object],
    user: str,
) -> LoadResult:
    """Add or replace one row of a narrative dataset, checked as an upload of it would be, and recorded as an
    upload (mode 'edit') that `undo_latest` takes back. A row identical to the stored one changes nothing and
    is not recorded (upload_id None). Raises UploadRejected, storing nothing, when a value breaks a rule;
    ValueError for a dataset that is not narrative or a column it does not have."""
    chosen = _narrative(dataset)
    unknown = sorted(set(values) - set(chosen.column_names) - _READ_ONLY)
    if unknown:
        raise ValueError(f"{dataset} has no column " + ", ".join(unknown))
    sheet = RawSheet(
        dataset, [list(chosen.column_names), [_cell(values.get(name)) for name in chosen.column_names]]
    )
    report = validate_sheet(sheet, dataset, settings, f"{EDITED}: {dataset}")
    if not report.ok:
        report.errors = Problems(replace(problem, row=None) for problem in report.errors)
        raise UploadRejected(report)
    frame = report.located[dataset]
    report.file_name = f"{EDITED}: " + _described(chosen, [frame[k].iloc[0] for k in chosen.key])
    return load_upload(con, report, user, mode="edit")


def _key_values(chosen: Dataset, key: Mapping[str, object]) -> list[object]:
    """The key as stored: a quarter as its label (Q3 2023/24 -> 2023-24 Q3), a blank with a default as the
    default (kpi_commentary's locality None -> All localities), text as the upload reads it."""
    values: list[object] = []
    problems: list[Problem] = []
    for name in chosen.key:
        column = chosen.column(name)
        value = _cell(key.get(name))
        if is_blank(value):
            if column.default is None:
                problems.append(Problem(chosen.name, None, name, "", "is required but blank"))
            values.append(column.default)
        elif column.kind == "quarter":
            try:
                values.append(parse_quarter(value))
            except CellError as exc:
                problems.append(Problem(chosen.name, None, name, parse_text(value), str(exc)))
        else:
            values.append(parse_text(value))
    if problems:
        raise UploadRejected(UploadReport(f"{REMOVED}: {chosen.name}", "", errors=Problems(problems)))
    return values


def remove_row(
    con: duckdb.DuckDBPyConnection, dataset: str, key: Mapping[str, object], user: str
) -> LoadResult:
    """Remove one stored row of a narrative dataset, named by its key (kpi_commentary: kpi, quarter and
    locality, None meaning All localities; partnership_updates: update_id). Kept for undo and recorded as
    an upload (mode 'remove', 1 removed) in one transaction: `undo_latest` puts it back exactly.
    Raises RowNotFound when no such row is stored, ValueError for a dataset that is not narrative."""
    chosen = _narrative(dataset)
    values = _key_values(chosen, key)
    described = _described(chosen, values)
    key_params = " AND ".join(f"t.{quote_identifier(name)} = $key_{i}" for i, name in enumerate(chosen.key))
    params: dict[str, object] = {f"key_{i}": value for i, value in enumerate(values)}
    table, undo_table = quote_identifier(chosen.name), quote_identifier(chosen.name + "__undo")
    file_name = f"{REMOVED}: {described}"
    change = DatasetChange(chosen.name, 0, 0, 1, 0)
    with WRITE_LOCK, transaction(con):
        count_sql = read_sql("load/count_row.sql").format(table=table, key_params=key_params)
        if not con.execute(count_sql, params).fetchall()[0][0]:
            raise RowNotFound(
                f"There is no {described} to remove: it is not stored (or was removed already)."
            )
        upload_id = next_upload_id(con)
        remove_sql = read_sql("load/remove_row.sql").format(
            table=table, undo_table=undo_table, key_params=key_params
        )
        run_script(con, remove_sql, {**params, "upload_id": upload_id})
        record_upload(
            con, upload_id, user, file_name, file_hash(file_name.encode()), "remove", None, [change]
        )
    return LoadResult(file_name, upload_id, False, changes=[change])
