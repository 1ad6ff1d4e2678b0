"""The KPI files' header lines, read without the rest of the catalogue: what a KPI is called.

queries/kpi/<ID>.sql opens with lines such as `-- id: CR02` and `-- title: Rapid reviews on time`, up to the
first line of SQL. dashboard.kpis.catalogue parses the whole header with read_header; the upload checks (the
ingest layer, which may not import the KPI layer) read the ids and titles with kpi_names, so a commentary
row may name a KPI by either.
"""

from __future__ import annotations

import re
from pathlib import Path

from dashboard.core.config import QUERIES_DIR

KPI_DIR = QUERIES_DIR / "kpi"
RECORDS_SUFFIX = ".records.sql"
"""queries/kpi/<ID>.records.sql: the KPI's drill-down, beside it (dashboard.kpis.drilldown); not a KPI."""

HEADER_LINE = re.compile(r"^--\s*([a-z_]+)\s*:\s*(.*?)\s*$")


def read_header(text: str) -> dict[str, str]:
    """The `-- key: value` lines at the top of a KPI file, up to its first line of SQL."""
    header: dict[str, str] = {}
    for line in text.splitlines():
        match = HEADER_LINE.match(line)
        if not match:
            if line.strip() and not line.startswith("--"):
                break
            continue
        header[match[1]] = match[2]
    return header


def kpi_files(directory: Path = KPI_DIR) -> list[Path]:
    """The KPI files of the directory, <ID>.sql, leaving out the drill-downs beside them."""
    return sorted(p for p in directory.glob("*.sql") if not p.name.endswith(RECORDS_SUFFIX))


def kpi_names(directory: Path = KPI_DIR) -> dict[str, str]:
    """Every KPI's id -> its title, in id order (a file without both lines is left out: the catalogue
    refuses it with the reason)."""
    names: dict[str, str] = {}
    for path in kpi_files(directory):
        header = read_header(path.read_text(encoding="utf-8"))
        if header.get("id") and header.get("title"):
            names[header["id"]] = header["title"]
    return names
