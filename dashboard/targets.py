"""KPI targets and tolerances set by the PMF group: stored in the database, every change kept with who and when."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from dashboard.db import read_sql, transaction
from dashboard.kpis import Kpi


class TargetError(ValueError):
    """A target or tolerance that cannot be used; the message says why."""


def parse_tolerance(text: str | None) -> str | None:
    """'' -> None (the configured default); '5' -> '5'; '10%' -> '10%'."""
    cleaned = (text or "").strip().replace(" ", "")
    if not cleaned:
        return None
    try:
        number = float(cleaned.rstrip("%"))
    except ValueError:
        raise TargetError(f"tolerance {text!r} is not a number or a percentage such as 10%") from None
    if number < 0:
        raise TargetError("a tolerance cannot be negative")
    return cleaned


def set_target(
    con: duckdb.DuckDBPyConnection,
    kpi: Kpi,
    target: float | None,
    tolerance: str | None,
    changed_by: str,
    reason: str = "",
) -> None:
    """Record a new target (None = no target) and tolerance for `kpi`; the latest change is in force."""
    if kpi.direction == "none" and target is not None:
        raise TargetError(f"{kpi.id} is a count for context: it has no direction, so it takes no target")
    if target is not None and kpi.unit == "percent" and not 0 <= target <= 100:
        raise TargetError("a percentage target must be between 0 and 100")
    with transaction(con):
        con.execute(
            read_sql("kpi_targets/record_change.sql"),
            {
                "kpi": kpi.id,
                "target": target,
                "tolerance": parse_tolerance(tolerance),
                "changed_at": datetime.now(),
                "changed_by": changed_by,
                "reason": reason.strip() or None,
            },
        )


def target_history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(read_sql("kpi_targets/history.sql")).df()
