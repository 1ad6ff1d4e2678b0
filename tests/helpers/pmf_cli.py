"""Helpers for the tests that run `pmf` as a user would: a subprocess, its exit code and its output."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from openpyxl import Workbook

from dashboard.ingest.contract import DATASET_NAMES

PROJECT_DIR = Path(__file__).resolve().parents[2]
SAMPLE_DIR = PROJECT_DIR / "data" / "sample"


@dataclass(frozen=True, repr=False)
class Run:
    """What one `pmf` command did."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def __repr__(self) -> str:  # what pytest shows when an assertion about the run fails
        return (
            f"pmf {' '.join(self.args)} -> exit {self.returncode}\n"
            f"--- stdout\n{self.stdout}--- stderr\n{self.stderr}"
        )

    @property
    def stderr_lines(self) -> list[str]:
        return self.stderr.splitlines()


def run_pmf(*args: str | Path, db: Path, cwd: Path | None = None, timeout: float = 60) -> Run:
    """`python -m dashboard.cli ARGS` with PMF_DB=`db` and the default configuration."""
    env = {k: v for k, v in os.environ.items() if k not in ("PMF_CONFIG", "PMF_DB")}
    env["PMF_DB"] = str(db)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    done = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", *(str(a) for a in args)],
        cwd=cwd or PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return Run(tuple(str(a) for a in args), done.returncode, done.stdout, done.stderr)


def run_all(jobs: dict[Any, Callable[[], Run]]) -> dict[Any, Run]:
    """Run independent `pmf` commands side by side (never two on one database: each opens it to write)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


def kpi_rows(records: list[dict[str, Any]], kpi: str) -> dict[str | None, dict[str, Any]]:
    """One KPI's records keyed by category (None = the headline row); fails on a repeated category."""
    rows: dict[str | None, dict[str, Any]] = {}
    for record in records:
        if record["kpi"] == kpi:
            assert record["category"] not in rows, f"{kpi} category {record['category']!r} appears twice"
            rows[record["category"]] = record
    assert None in rows, f"{kpi} has no headline row"
    return rows


def headline(records: list[dict[str, Any]], kpi: str) -> dict[str, Any]:
    return kpi_rows(records, kpi)[None]


def categories(records: list[dict[str, Any]], kpi: str) -> dict[str, Any]:
    """Breakdown category -> value, without the headline."""
    return {c: r["value"] for c, r in kpi_rows(records, kpi).items() if c is not None}


def snapshot(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every data table, and the upload log, in a stable order."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = {
            name: con.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall() for name in DATASET_NAMES
        }
        tables["uploads"] = con.execute(
            "SELECT upload_id, file_name, mode, undone_at IS NULL FROM uploads ORDER BY ALL"
        ).fetchall()
    return tables


def query(path: Path, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or {}).fetchall()


def write_book(path: Path, sheets: dict[str, tuple[list[str], list[list[Any]]]]) -> Path:
    """A workbook with one sheet per entry: a header row, then the rows."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, (header, rows) in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path
