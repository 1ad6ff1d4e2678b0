"""The partnership's updates for a quarter (the partnership_updates dataset): the work streams and priorities
with their status, procedures reviewed, events with their dates, communications, the training programme, in
the report's order. SQL: queries/cycle/updates_for.sql.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from dashboard.core.config import Settings
from dashboard.core.config import settings as current_settings
from dashboard.core.db import query_df
from dashboard.ingest.cells import CellError, parse_quarter
from dashboard.ingest.contract import DATASETS_BY_NAME

SECTIONS: tuple[str, ...] = DATASETS_BY_NAME["partnership_updates"].column("section").choices
"""The section choices in display order: Work stream, Procedure, Event, Communication, Training programme,
Other."""


def updates_for(
    con: duckdb.DuckDBPyConnection,
    quarter: str,
    locality: str | None = None,
    *,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """Every update of the quarter (None: every locality; a locality: its own and the area-wide ones), ordered
    by section (SECTIONS), priority, event date and title: every column of partnership_updates, then
    written_at and written_by (who last wrote the row, by upload or in the dashboard, and when).
    `settings` names the area-wide value (default: the configuration in force)."""
    try:
        label = parse_quarter(quarter)
    except CellError:
        label = quarter
    area_wide = (settings or current_settings()).area_wide
    return query_df(
        con,
        "cycle/updates_for.sql",
        {"quarter": label, "locality": locality, "area_wide": area_wide, "sections": list(SECTIONS)},
    )
