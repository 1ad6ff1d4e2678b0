"""The PMF group's commentary on the KPIs (the kpi_commentary dataset): a quarter's commentary for one
locality, one KPI's commentary over the quarters with the wordings later edits replaced, and the Red KPIs
still waiting for one.

The KPI tables' figures for every locality together have locality None; their commentary is stored under
ALL_LOCALITIES. SQL: queries/cycle/commentary_*.sql.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from dashboard.core.db import query_df
from dashboard.ingest.cells import CellError, parse_quarter
from dashboard.ingest.contract import ALL_LOCALITIES

__all__ = ["ALL_LOCALITIES", "commentary_for", "commentary_history", "red_without_commentary"]


def _quarter(quarter: str) -> str:
    """A quarter as stored (its canonical label): 2023-24 Q3 however it is written; else as given."""
    try:
        return parse_quarter(quarter)
    except CellError:
        return quarter


def _locality(locality: str | None) -> str:
    return ALL_LOCALITIES if locality is None else locality


def commentary_for(con: duckdb.DuckDBPyConnection, quarter: str, locality: str | None) -> pd.DataFrame:
    """The commentary of every KPI that has one for the quarter and locality (None: every locality together),
    by KPI id: kpi, quarter, locality, commentary, action, owner, review_date, written_at, written_by."""
    return query_df(
        con, "cycle/commentary_for.sql", {"quarter": _quarter(quarter), "locality": _locality(locality)}
    )


def commentary_history(con: duckdb.DuckDBPyConnection, kpi: str, locality: str | None) -> pd.DataFrame:
    """One KPI's commentary for the locality (None: every locality together) in every quarter, newest quarter
    first: the current wording (current True) and, after it, each earlier wording a later upload or edit
    replaced or a removal took away (current False), with written_at / written_by and replaced_at /
    replaced_by. Columns: kpi, quarter, locality, commentary, action, owner, review_date, written_at,
    written_by, replaced_at, replaced_by, current."""
    return query_df(con, "cycle/commentary_history.sql", {"kpi": kpi, "locality": _locality(locality)})


def red_without_commentary(scorecard: pd.DataFrame, commentary: pd.DataFrame) -> list[str]:
    """The KPIs (ids, in the scorecard's order) whose headline row (category null) is rated Red and that have
    no commentary row: what the PMF group still has to write ("3 Red KPIs have no commentary yet").
    `scorecard` is dashboard.kpis.catalogue.kpis_for's; `commentary` is commentary_for's (same quarter and
    locality)."""
    if scorecard.empty:
        return []
    written = set(commentary["kpi"]) if "kpi" in commentary.columns else set()
    headline = scorecard[scorecard["category"].isna()]
    red = headline[headline["rag"].astype(object).eq("Red").fillna(False).astype(bool)]
    return [kpi for kpi in dict.fromkeys(red["kpi"]) if kpi not in written]
