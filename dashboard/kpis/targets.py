"""KPI targets and tolerances set by the PMF group: stored in the database, every change kept with who and when."""

from __future__ import annotations

import contextlib
import random
import time
from datetime import datetime

import duckdb
import pandas as pd

from dashboard.core.control_chars import show_control_chars_in
from dashboard.core.db import read_sql
from dashboard.core.text import format_value, is_missing
from dashboard.kpis.catalogue import Kpi, load_catalogue


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


#: The target history as everyone sees it: what changed and when.
HISTORY_COLUMNS = ("When", "KPI", "Target", "Amber within")
#: Added for admins only, as in the audit log of the same events (which only admins read).
WHO_AND_WHY_COLUMNS = ("Changed by", "Reason")


def target_history(
    con: duckdb.DuckDBPyConnection, catalogue: list[Kpi] | None = None, *, who_and_why: bool = False
) -> pd.DataFrame:
    """Every target change, newest first, in words: HISTORY_COLUMNS, plus WHO_AND_WHY_COLUMNS when
    `who_and_why` (admins). 'When' stays a timestamp for the page to format; a KPI's unit comes from
    `catalogue` (default: the KPI files)."""
    units = {k.id: k.unit for k in (catalogue if catalogue is not None else load_catalogue())}
    rows = con.execute(read_sql("kpi_targets/history.sql")).df()
    history = pd.DataFrame(
        {
            "When": rows["changed_at"],
            "KPI": rows["kpi"],
            "Target": [
                "no target" if is_missing(target) else format_value(target, units.get(kpi, "count"))
                for kpi, target in zip(rows["kpi"], rows["target"], strict=True)
            ],
            "Amber within": [
                describe_tolerance(tolerance, units.get(kpi, "count"))
                for kpi, tolerance in zip(rows["kpi"], rows["tolerance"], strict=True)
            ],
        }
    )
    if not who_and_why:
        return history
    history["Changed by"] = rows["changed_by"]
    history["Reason"] = ["–" if is_missing(r) else r for r in rows["reason"]]
    return show_control_chars_in(history, WHO_AND_WHY_COLUMNS)


def describe_tolerance(tolerance: str | None, unit: str) -> str:
    """None -> 'default'; '10%' -> '10% of the target'; '5' -> '5 pts' for a percentage, else in its unit."""
    if tolerance is None or is_missing(tolerance):
        return "default"
    if tolerance.endswith("%"):
        return f"{tolerance} of the target"
    amount = float(tolerance)
    if unit == "percent":
        return f"{amount:g} pts"
    return format_value(amount, unit) if unit == "days" else f"{amount:g}"
