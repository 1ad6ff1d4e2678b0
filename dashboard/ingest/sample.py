"""The embedded default: a database created from the sample workbooks when there is none."""

from __future__ import annotations

from pathlib import Path

from dashboard.core.config import Settings
from dashboard.core.db import connect, database_exists
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
