"""Drill-down: the records behind one KPI for one period and locality, and how each one counts.

queries/kpi/<ID>.records.sql, beside the KPI's own queries/kpi/<ID>.sql, lists the rows that KPI counts for one
period and locality (numerator or denominator or, for counts, the counted rows), ending with a column
`counts_as` that says in plain English how each row counts ('On time', 'Late', 'Overdue', 'Counted'...).
Parameters are bound: $period_start, $period_end (DATE) and $locality (VARCHAR, NULL = all localities
together; otherwise that locality's own rows, Teeswide being a locality of its own). A drill-down shares its
KPI's inclusion rules through the views and macros of queries/schema/012_shared_rules.sql.
"""

from __future__ import annotations

import re

import duckdb
import pandas as pd

from dashboard.core.config import QUERIES_DIR, Settings
from dashboard.core.config import settings as current_settings
from dashboard.core.db import query_df
from dashboard.core.periods import Period
from dashboard.kpis.catalogue import KPI_DIR, RECORDS_SUFFIX, register_agencies

RECORDS_DIR = KPI_DIR
VERDICT_COLUMN = "counts_as"
_KPI_ID = re.compile(r"^[A-Z]{2}\d{2}$")


class UnknownKpiError(KeyError):
    """A KPI id with no records query, queries/kpi/<ID>.records.sql."""

    def __init__(self, kpi_id: str) -> None:
        super().__init__(kpi_id)
        self.kpi_id = kpi_id

    def __str__(self) -> str:
        return f"no drill-down for KPI {self.kpi_id!r}: {records_file(self.kpi_id)} does not exist"


class RecordsQueryError(RuntimeError):
    """A records query whose result does not end with the counts_as column."""


def records_file(kpi_id: str) -> str:
    """The KPI's records query, relative to queries/: kpi/<ID>.records.sql."""
    return f"{RECORDS_DIR.relative_to(QUERIES_DIR).as_posix()}/{kpi_id}{RECORDS_SUFFIX}"


def has_records(kpi_id: str) -> bool:
    """Whether the KPI has a records query (an id like TR01; anything else is never a file name)."""
    return bool(_KPI_ID.fullmatch(kpi_id)) and (QUERIES_DIR / records_file(kpi_id)).is_file()


def kpi_records(
    con: duckdb.DuckDBPyConnection,
    kpi_id: str,
    period: Period,
    locality: str | None,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """The records the KPI counts for the period and locality (None = all localities together).

    One row per record, the last column `counts_as`; for TR05 one row per agency reached.
    """
    if not has_records(kpi_id):
        raise UnknownKpiError(kpi_id)
    register_agencies(con, settings or current_settings())
    frame = query_df(
        con,
        records_file(kpi_id),
        {"period_start": period.start, "period_end": period.end, "locality": locality},
    )
    if not len(frame.columns) or frame.columns[-1] != VERDICT_COLUMN:
        raise RecordsQueryError(f"{records_file(kpi_id)} must end with a {VERDICT_COLUMN} column")
    return frame
