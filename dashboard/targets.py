"""KPI targets and tolerances set by the PMF group: stored in the database, every change kept with who and when."""

from __future__ import annotations

import contextlib
import random
import time
from datetime import datetime

import duckdb
import pandas as pd

from dashboard.db import read_sql
from dashboard.kpis import Kpi


class TargetError(ValueError):
    """A target or tolerance that cannot be used; the message says why."""


#: How many times a save is tried when other saves keep committing first (each retry takes the next id).
SAVE_ATTEMPTS = 50
BUSY = "The target was not saved because other target changes kept being saved at the same moment: try again."


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
    values = {
        "kpi": kpi.id,
        "target": target,
        "tolerance": parse_tolerance(tolerance),
        "changed_by": changed_by,
        "reason": reason.strip() or None,
    }
    for attempt in range(SAVE_ATTEMPTS):
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(read_sql("kpi_targets/record_change.sql"), {**values, "changed_at": datetime.now()})
            con.execute("COMMIT")
            return
        except (duckdb.ConstraintException, duckdb.TransactionException) as exc:
            _roll_back(con)
            if not _lost_a_race(exc):
                raise
        except BaseException:
            _roll_back(con)
            raise
        # Another admin's change took this id first: wait a moment (longer each time), then take the next.
        time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
    raise TargetError(BUSY)


def _lost_a_race(exc: duckdb.Error) -> bool:
    """True when a save failed only because another save committed the same change id (or row) first."""
    text = str(exc).lower()
    return "duplicate key" in text or "conflict" in text


def _roll_back(con: duckdb.DuckDBPyConnection) -> None:
    """End the failed transaction; a failed COMMIT has already ended it, and then there is nothing to do."""
    with contextlib.suppress(duckdb.TransactionException):
        con.execute("ROLLBACK")


def target_history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(read_sql("kpi_targets/history.sql")).df()
