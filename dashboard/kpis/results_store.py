"""The stored KPI results: every KPI's rows for every period held, computed when an upload ends
(dashboard.kpis.results) and read by every page, report, pack and `pmf kpis` (catalogue.compute_kpis).

They are snapshots of kind 'results' in the sign-off's tables (queries/schema/016 and 017): one per period,
each row a KPI query's own row (period, locality, category, numerator, denominator, value) with no target
and no RAG, so a target edit re-rates them without recomputing. They are stored under a *results key*, a
digest of everything the rows depend on: the uploads in force that changed KPI data, the schema, the day
(queries/results/data_state.sql), the KPI queries' text, and the configured localities and agencies. A
reader computes the key again and reads the stored rows only when the keys match, so stored results are
never served once anything they depend on has changed: an upload, an undo, a replace, a schema change, a
new day, an edited KPI file, a changed configuration. Then the figures are computed from the data, as before.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd

from dashboard.core.db import read_sql
from dashboard.ingest.contract import NARRATIVE_DATASETS

KIND = "results"
ROW_COLUMNS = ["kpi", "period", "locality", "category", "numerator", "denominator", "value"]


def results_key(
    con: duckdb.DuckDBPyConnection,
    queries: Sequence[tuple[str, str]],
    localities: Sequence[str],
    agencies: Sequence[str],
) -> str:
    """The digest the stored results are kept under: `queries` is every KPI's (id, SQL text), in catalogue
    order; `localities` the configured ones; `agencies` those TR05 reaches for."""
    state = con.execute(
        read_sql("results/data_state.sql"), {"narrative": list(NARRATIVE_DATASETS)}
    ).fetchall()
    parts = {
        "data": [str(part) for part in state[0]],
        "queries": [[kpi, hashlib.sha256(sql.encode()).hexdigest()] for kpi, sql in queries],
        "localities": list(localities),
        "agencies": list(agencies),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:40]


def stored_periods(con: duckdb.DuckDBPyConnection, key: str) -> dict[str, int]:
    """The periods held for `key`, each with its snapshot id (empty when there are none for that key)."""
    try:
        rows = con.execute(read_sql("results/current.sql"), {"key": key}).fetchall()
    except duckdb.CatalogException:  # a database read before its schema has the results columns
        return {}
    return {str(period): int(snapshot_id) for snapshot_id, period in rows}


def stored_rows(
    con: duckdb.DuckDBPyConnection,
    key: str,
    labels: Sequence[str],
    kpi_ids: Sequence[str],
    places: Sequence[str | None] | None = None,
) -> tuple[pd.DataFrame, np.ndarray] | None:
    """The stored rows of the periods `labels` (their queries' own rows, in their order) and the index in
    `kpi_ids` of each row's KPI; None when any of those periods is not stored under `key`. With `places`,
    only the rows of those localities (None: all localities together)."""
    held = stored_periods(con, key)
    wanted = list(dict.fromkeys(labels))
    if not wanted or any(label not in held for label in wanted):
        return None
    params = {
        "snapshot_ids": [held[label] for label in wanted],
        "every_place": places is None,
        "with_total": places is None or None in places,
        "named": [name for name in places or () if name is not None],
    }
    frame = con.execute(read_sql("results/rows.sql"), params).df()
    ordinal = {kpi: i for i, kpi in enumerate(kpi_ids)}
    index = frame["kpi"].map(ordinal)
    if index.isna().any():  # a KPI the catalogue no longer has: the key would have changed; compute instead
        return None
    return frame[ROW_COLUMNS[1:]], index.to_numpy(dtype=np.int64)
