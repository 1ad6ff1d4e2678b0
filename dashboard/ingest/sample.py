"""The embedded default: a database created from the sample workbooks when there is none, and the data range."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from dashboard.core.config import Settings
from dashboard.core.db import connect, database_exists, read_sql
from dashboard.core.periods import Period, period_of, quarters_between
from dashboard.ingest.load import load_sample_into


def ensure_database(path: Path, settings: Settings) -> list[str]:
    """Create the database from the sample workbooks when there is none; say what was done."""
    if database_exists(path):
        return []
    con = connect(path)
    try:
        results = load_sample_into(con, settings)
    except BaseException:
        con.close()
        path.unlink(missing_ok=True)
        raise
    con.close()
    lines = [f"Created {path} from the sample workbooks in {settings.sample_dir}:"]
    for result in results:
        counts = "; ".join(line for line in result.summary_lines() if " added, " in line)
        lines.append(f"  {result.file_name}: {counts}")
    return lines


def data_quarters(con: duckdb.DuckDBPyConnection, today: date | None = None) -> list[Period]:
    """Every quarter from the first event held to the last (or the current quarter when there is no data)."""
    first, last = con.execute(read_sql("meta/event_date_range.sql")).fetchall()[0]
    if first is None:
        current = period_of(today or date.today())
        return [current]
    return quarters_between(first, last)
