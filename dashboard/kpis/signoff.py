"""Signing off a quarter: the PMF group freezes every KPI's figures for it, and later changes show as revisions.

A sign-off is a snapshot (queries/schema/016_kpi_snapshots.sql, kind 'signoff') of every KPI, every category
and every locality (and all of them together) of one quarter, as compute_kpis gives them at that moment. At
most one sign-off of a quarter is in force; a reopen lifts it (the snapshot is kept for the record, marked
reopened) and a new sign-off then takes a new snapshot. A figure that a late upload moves is shown beside its
signed-off value (`with_signoff`, `revision_text`, `revisions`), never silently.
"""

from __future__ import annotations

import contextlib
import random
import time
from dataclasses import dataclass
from datetime import datetime

import duckdb
import numpy as np
import pandas as pd

from dashboard.core.config import Settings
from dashboard.core.db import data_version, read_sql
from dashboard.core.periods import Period
from dashboard.ingest.load import WRITE_LOCK
from dashboard.kpis.catalogue import compute_kpis

KIND = "signoff"
#: Values closer than this are the same figure (floating point noise is no revision).
TOLERANCE = 1e-9
SNAPSHOT_COLUMNS = [
    "kpi",
    "period",
    "locality",
    "category",
    "numerator",
    "denominator",
    "value",
    "target",
    "rag",
]
REVISION_COLUMNS = ["kpi", "title", "locality", "signed_off_value", "value", "unit", "signed_off_at"]
#: How many times a sign-off is tried when the data or another sign-off changed while it was being taken.
ATTEMPTS = 20
BUSY = "The sign-off was not saved because the data kept changing while it was taken: try again."


@dataclass(frozen=True)
class SignOff:
    snapshot_id: int
    period: str
    signed_off_at: datetime
    signed_off_by: str


class SignOffError(ValueError):
    """A sign-off or reopen that cannot be done; str() is the message shown to the user."""


def day_text(moment: datetime) -> str:
    """3 Jan 2024: the day of a sign-off, as people read it (no leading zero)."""
    return f"{moment.day} {moment:%b %Y}"


def when(moment: datetime) -> str:
    """3 Jan 2024 10:03: when a sign-off was taken, as people read it."""
    return f"{day_text(moment)} {moment:%H:%M}"


def current_signoff(con: duckdb.DuckDBPyConnection, period_label: str) -> SignOff | None:
    """The sign-off of the period in force, or None (never signed off, or reopened since)."""
    rows = con.execute(read_sql("signoff/current.sql"), {"kind": KIND, "period": period_label}).fetchall()
    if not rows:
        return None
    snapshot_id, period, taken_at, taken_by = rows[0]
    return SignOff(int(snapshot_id), str(period), taken_at, str(taken_by))


def _refuse_year(period: Period, doing: str) -> None:
    if not period.is_quarter:
        quarters = ", ".join(q.label for q in period.quarters())
        raise SignOffError(
            f"{period.label} is a year: quarters are signed off, so {doing} its quarters one by one ({quarters})"
        )


def sign_off(con: duckdb.DuckDBPyConnection, period: Period, settings: Settings, user: str) -> SignOff:
    """Freeze every KPI of the quarter, every category and every locality (and all together), as signed off
    by `user` now. Refused for a year, and for a quarter already signed off (reopen it first)."""
    _refuse_year(period, "sign off")
    for attempt in range(ATTEMPTS):
        with WRITE_LOCK:  # no upload of this process between computing the figures and storing them
            done = _attempt(con, period, settings, user)
        if done is not None:
            return done
        time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
    raise SignOffError(BUSY)


def _attempt(con: duckdb.DuckDBPyConnection, period: Period, settings: Settings, user: str) -> SignOff | None:
    """One try: the figures computed, then stored with the data unchanged since; None when another process
    changed the data (or took the snapshot id) meanwhile."""
    _refuse_if_signed_off(con, period.label)
    version = data_version(con)
    rows = compute_kpis(con, [period], settings)[SNAPSHOT_COLUMNS]
    con.execute("BEGIN TRANSACTION")
    try:
        return _store(con, period.label, rows, user, version)
    except (duckdb.ConstraintException, duckdb.TransactionException) as exc:
        _roll_back(con)
        if not _lost_a_race(exc):
            raise
        return None
    except BaseException:
        _roll_back(con)
        raise


def _refuse_if_signed_off(con: duckdb.DuckDBPyConnection, label: str) -> None:
    existing = current_signoff(con, label)
    if existing is not None:
        raise SignOffError(
            f"{label} is already signed off (by {existing.signed_off_by} on {when(existing.signed_off_at)}): "
            "reopen it first to sign it off again"
        )


def _store(
    con: duckdb.DuckDBPyConnection, label: str, rows: pd.DataFrame, user: str, version: str
) -> SignOff | None:
    """Inside the caller's transaction: the snapshot and its rows, committed; None (rolled back) when the data
    changed since `rows` were computed, so that the caller computes them again."""
    if data_version(con) != version:
        _roll_back(con)
        return None
    _refuse_in_transaction(con, label)
    taken_at = datetime.now()
    snapshot_id = int(
        con.execute(
            read_sql("signoff/new_snapshot.sql"),
            {"kind": KIND, "period": label, "taken_at": taken_at, "taken_by": user},
        ).fetchall()[0][0]
    )
    frame = rows.copy()
    for column in ("locality", "category", "rag"):
        frame[column] = pd.Series(frame[column].to_numpy(dtype=object, na_value=None), dtype=object)
        frame[column] = frame[column].map(lambda v: v if isinstance(v, str) else None)
    con.register("snapshot_rows_frame", frame)
    try:
        con.execute(read_sql("signoff/store_rows.sql"), {"snapshot_id": snapshot_id})
    finally:
        con.unregister("snapshot_rows_frame")
    con.execute("COMMIT")
    return SignOff(snapshot_id, label, taken_at, user)


def _refuse_in_transaction(con: duckdb.DuckDBPyConnection, label: str) -> None:
    try:
        _refuse_if_signed_off(con, label)
    except SignOffError:
        _roll_back(con)
        raise


def reopen(con: duckdb.DuckDBPyConnection, period: Period, user: str) -> SignOff:
    """Lift the quarter's sign-off (kept for the record, marked reopened by `user` now); return it. Refused
    when the quarter is not signed off."""
    _refuse_year(period, "reopen")
    with WRITE_LOCK:
        existing = current_signoff(con, period.label)
        if existing is None:
            raise SignOffError(f"{period.label} is not signed off: there is nothing to reopen")
        changed = con.execute(
            read_sql("signoff/reopen.sql"),
            {"snapshot_id": existing.snapshot_id, "reopened_at": datetime.now(), "reopened_by": user},
        ).fetchall()
    if not changed:  # reopened by someone else a moment ago
        raise SignOffError(f"{period.label} is not signed off: there is nothing to reopen")
    return existing


def snapshot_rows(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> pd.DataFrame:
    """A snapshot's figures in the KPI runner's columns (SNAPSHOT_COLUMNS); locality and category None."""
    frame = con.execute(read_sql("signoff/rows.sql"), {"snapshot_id": snapshot_id}).df()
    for column in ("locality", "category", "rag"):
        frame[column] = pd.Series(frame[column].to_numpy(dtype=object, na_value=None), dtype=object)
    return frame


def snapshot_scope(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> tuple[int, list[str | None]]:
    """How many KPIs the snapshot holds, and its localities: None (all together) first, then by name."""
    kpis, localities = con.execute(read_sql("signoff/scope.sql"), {"snapshot_id": snapshot_id}).fetchall()[0]
    places = sorted(localities or [], key=lambda p: (p != "", p))
    return int(kpis), [p or None for p in places]


def _key(kpi: object, locality: object, category: object) -> tuple[str, str | None, str | None]:
    def text(v: object) -> str | None:
        return v if isinstance(v, str) else None

    return str(kpi), text(locality), text(category)


def with_signoff(con: duckdb.DuckDBPyConnection, table: pd.DataFrame, period_label: str) -> pd.DataFrame:
    """`table` (columns kpi, period, locality, category, value: live figures, never published ones) with
    signed_off_value (Float64: NA when the period is not signed off or the snapshot has no such row),
    signed_off_at (a datetime on the period's rows when it is signed off, else None) and revised (True when
    signed off and the live value, numerator or denominator differs: a value on one side and none on the
    other differs too)."""
    out = table.copy()
    n = len(out)
    signoff = current_signoff(con, period_label)
    if signoff is None:
        out["signed_off_value"] = pd.array([pd.NA] * n, dtype="Float64")
        out["signed_off_at"] = pd.Series([None] * n, dtype=object, index=out.index)
        out["revised"] = pd.Series(np.zeros(n, dtype=bool), index=out.index)
        return out
    frozen = snapshot_rows(con, signoff.snapshot_id)
    keys_frozen = [
        _key(k, loc, cat)
        for k, loc, cat in zip(frozen["kpi"], frozen["locality"], frozen["category"], strict=True)
    ]
    in_period = (out["period"] == period_label).to_numpy(dtype=bool)
    keys = [
        _key(k, loc, cat) for k, loc, cat in zip(out["kpi"], out["locality"], out["category"], strict=True)
    ]
    # A figure is revised when its value, its numerator or its denominator moved: "2 of 4" becoming "3 of 6"
    # keeps 50% but is not the figure that was signed off.
    moved = np.zeros(len(out), dtype=bool)
    old = np.full(len(out), np.nan)
    for column in ("value", "numerator", "denominator"):
        if column not in out.columns or column not in frozen.columns:
            continue
        signed = dict(zip(keys_frozen, pd.to_numeric(frozen[column], errors="coerce"), strict=True))
        before = np.array(
            [signed.get(key, np.nan) if here else np.nan for key, here in zip(keys, in_period, strict=True)],
            dtype="float64",
        )
        now = pd.to_numeric(out[column], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        both = ~np.isnan(before) & ~np.isnan(now)
        with np.errstate(invalid="ignore"):
            moved |= np.where(both, np.abs(before - now) > TOLERANCE, np.isnan(before) != np.isnan(now))
        if column == "value":
            old = before
    array = pd.array(old, dtype="Float64")
    array[np.isnan(old)] = pd.NA
    out["signed_off_value"] = pd.Series(array, index=out.index)
    out["signed_off_at"] = pd.Series(
        [signoff.signed_off_at if here else None for here in in_period], dtype=object, index=out.index
    )
    out["revised"] = pd.Series(in_period & moved, index=out.index)
    return out


def revision_text(live: str, signed: str, signed_at: datetime) -> str:
    """'15, signed off 12 Jan 2024; now 16': the signed-off value, when, and the live one (both formatted)."""
    return f"{signed}, signed off {day_text(signed_at)}; now {live}"


def revisions(
    con: duckdb.DuckDBPyConnection, period: Period, settings: Settings, locality: str | None = None
) -> pd.DataFrame:
    """The headline rows of the period and locality (None = all together) whose value moved since the
    period was signed off: REVISION_COLUMNS, in catalogue order; empty when it is not signed off."""
    if current_signoff(con, period.label) is None:
        return pd.DataFrame(columns=REVISION_COLUMNS)
    table = compute_kpis(con, [period], settings)
    mine = table["locality"].isna() if locality is None else table["locality"] == locality
    headline = table[mine & table["category"].isna()].reset_index(drop=True)
    marked = with_signoff(con, headline, period.label)
    return marked[marked["revised"]][REVISION_COLUMNS].reset_index(drop=True)


def _lost_a_race(exc: duckdb.Error) -> bool:
    """True when a save failed only because another save committed the same id (or row) first."""
    text = str(exc).lower()
    return "duplicate key" in text or "conflict" in text


def _roll_back(con: duckdb.DuckDBPyConnection) -> None:
    """End the transaction; a failed COMMIT has already ended it, and then there is nothing to do."""
    with contextlib.suppress(duckdb.TransactionException):
        con.execute("ROLLBACK")
