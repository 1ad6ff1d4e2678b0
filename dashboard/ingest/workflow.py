"""The app's upload workflow over ingest: check a file and preview what it would change, then apply it."""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb
import pandas as pd

from dashboard.core.config import Settings
from dashboard.core.exports import csv_bytes
from dashboard.ingest.load import LoadResult, UploadRejected, load_upload
from dashboard.ingest.upload_report import Problem, UploadReport
from dashboard.ingest.validate import validate_upload

# Characters that make Markdown anywhere in a line; "-", "." and ")" only do at its start ("- x", "1. x").
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|<>~$:])")
_LINE_START = re.compile(r"^(\s*)(-|\d+(?=[.)]))")
_WWW = re.compile(r"\b(www)\.", re.IGNORECASE)


def as_text(text: object) -> str:
    """Stored or uploaded text (a file name, a reason) to put in a Markdown message or label, shown exactly as
    written: every Markdown character is escaped, so `![x](https://...)` is never an image, nor `**` bold.
    Plain names (more-training.xlsx) are left as they are."""
    escaped = _MARKDOWN.sub(r"\\\1", str(text))
    escaped = _WWW.sub(r"\1\\.", escaped)  # not made a link
    return _LINE_START.sub(lambda m: m[1] + ("\\-" if m[2] == "-" else m[2] + "\\"), escaped, count=1)


@dataclass
class CheckedUpload:
    """A validated file and, when it has no errors, what loading it would change."""

    report: UploadReport
    preview: LoadResult | None

    @property
    def ok(self) -> bool:
        return self.report.ok and self.preview is not None


def check_upload(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    settings: Settings,
    replace: str | None = None,
    dataset: str | None = None,
) -> CheckedUpload:
    """Validate the file and compute the exact change (a dry run, rolled back). Stores nothing."""
    report = validate_upload(data, file_name, settings, dataset)
    if not report.ok:
        return CheckedUpload(report, None)
    try:
        preview = load_upload(con, report, "preview", replace=replace, dry_run=True)
    except UploadRejected as exc:
        return CheckedUpload(exc.report, None)
    except ValueError as exc:  # replace mode asked of a dataset the file lacks, or with an empty sheet
        report.errors.append(Problem(file_name, None, None, "", str(exc)))
        return CheckedUpload(report, None)
    return CheckedUpload(report, preview)


def apply_upload(
    con: duckdb.DuckDBPyConnection, checked: CheckedUpload, uploaded_by: str, replace: str | None = None
) -> LoadResult:
    return load_upload(con, checked.report, uploaded_by, replace=replace)


def preview_table(result: LoadResult) -> pd.DataFrame:
    return pd.DataFrame(
        [(c.dataset, c.added, c.replaced, c.removed, c.unchanged) for c in result.changes],
        columns=["Dataset", "Rows added", "Rows replaced", "Rows removed", "Rows unchanged"],
    )


def report_csv(report: UploadReport) -> bytes:
    """The validation report as a download: errors (the first 10,000, then how many more each column has),
    then warnings."""
    errors = report.download_table().assign(kind="error")
    warnings = report.warning_table().assign(kind="warning")
    both = pd.concat([errors, warnings], ignore_index=True)[
        ["kind", "sheet", "row", "column", "value", "reason"]
    ]
    return csv_bytes(both)


def kpi_changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """KPIs whose headline value differs between two scorecards of the same period and locality."""
    key = ["kpi", "category"]
    left = before[before["category"].isna()][[*key, "title", "value", "unit"]]
    right = after[after["category"].isna()][[*key, "value"]]
    merged = left.merge(right, on=key, suffixes=("_before", "_after"), how="outer")
    changed = merged[
        merged["value_before"].fillna(-1e18).astype("float64")
        != merged["value_after"].fillna(-1e18).astype("float64")
    ]
    return changed[["kpi", "title", "value_before", "value_after", "unit"]].reset_index(drop=True)
