"""Signing off a quarter: every KPI frozen for every locality, a late upload shown as a revision beside the
signed-off figure (and no longer once undone), reopen, and both events in the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from helpers.workbooks import SESSION, SETTINGS, check, table, xlsx

from dashboard.core.db import connect
from dashboard.core.periods import parse_period
from dashboard.core.text import format_value
from dashboard.ingest.edits import remove_row, save_row
from dashboard.ingest.load import load_upload, undo_latest
from dashboard.kpis.audit_log import audit_log
from dashboard.kpis.catalogue import kpis_for, load_catalogue
from dashboard.kpis.signoff import (
    SignOffError,
    current_signoff,
    reopen,
    revision_text,
    revisions,
    sign_off,
    with_signoff,
)

Q3 = parse_period("2023-24 Q3")
PLACES = [None, "Hartlepool", "Stockton-on-Tees", "Teeswide"]


@pytest.fixture
def con(sample_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect(sample_db)
    yield connection
    connection.close()


def late_session(con: duckdb.DuckDBPyConnection) -> None:
    """One more delivered training session in Hartlepool in 2023-24 Q3, uploaded after the sign-off."""
    rows = table(SESSION, {"session_id": "LATE-1", "session_date": "20/11/2023"})
    report = check(xlsx({"training_sessions": rows}), "late.xlsx")
    assert report.ok, report.errors
    load_upload(con, report, "late@example.org")


def shown(moment: datetime) -> str:
    """3 Dec 2026 09:05, as the messages write a moment."""
    return f"{moment.day} {moment:%b %Y %H:%M}"


def headline(frame: pd.DataFrame, kpi: str) -> pd.Series:
    rows = frame[(frame["kpi"] == kpi) & frame["category"].isna()]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_sign_off_freezes_every_kpi_for_every_locality(con: duckdb.DuckDBPyConnection) -> None:
    done = sign_off(con, Q3, SETTINGS, "ada@example.org")
    assert (done.period, done.signed_off_by) == ("2023-24 Q3", "ada@example.org")
    assert current_signoff(con, "2023-24 Q3") == done
    stored = con.execute(
        "SELECT kpi, locality, value FROM kpi_snapshot_rows WHERE snapshot_id = $id AND category IS NULL",
        {"id": done.snapshot_id},
    ).fetchall()
    kpis = [k.id for k in load_catalogue()]
    # one headline row per KPI and per locality (and all together), no more
    assert sorted((k, loc or "") for k, loc, _ in stored) == sorted(
        (k, loc or "") for k in kpis for loc in PLACES
    )
    values = {(k, loc): v for k, loc, v in stored}
    assert values["TR01", None] == 15  # the sample's 15 training sessions delivered in 2023-24 Q3
    categories = con.execute(
        "SELECT category, value FROM kpi_snapshot_rows WHERE snapshot_id = $id AND kpi = 'TR01' "
        "AND locality IS NULL AND category IS NOT NULL ORDER BY category",
        {"id": done.snapshot_id},
    ).fetchall()
    assert categories == [("Face to face", 5), ("Virtual", 10)]
    snapshot = con.execute(
        "SELECT kind, period, taken_by, reopened_at FROM kpi_snapshots WHERE kind = 'signoff'"
    ).fetchall()
    assert snapshot == [("signoff", "2023-24 Q3", "ada@example.org", None)]


def test_a_quarter_is_signed_off_once_and_a_year_never(con: duckdb.DuckDBPyConnection) -> None:
    first = sign_off(con, Q3, SETTINGS, "ada@example.org")
    with pytest.raises(SignOffError) as again:
        sign_off(con, Q3, SETTINGS, "bob@example.org")
    assert str(again.value) == (
        f"2023-24 Q3 is already signed off (by ada@example.org on {shown(first.signed_off_at)}): "
        "reopen it first to sign it off again"
    )
    with pytest.raises(SignOffError) as year:
        sign_off(con, parse_period("2023-24"), SETTINGS, "ada@example.org")
    assert str(year.value) == (
        "2023-24 is a year: quarters are signed off, so sign off its quarters one by one "
        "(2023-24 Q1, 2023-24 Q2, 2023-24 Q3, 2023-24 Q4)"
    )
    with pytest.raises(SignOffError, match=r"^2023-24 Q2 is not signed off: there is nothing to reopen$"):
        reopen(con, parse_period("2023-24 Q2"), "ada@example.org")
    assert con.execute("SELECT count(*) FROM kpi_snapshots WHERE kind = 'signoff'").fetchall() == [(1,)]


def test_a_late_upload_shows_as_a_revision_until_it_is_undone(con: duckdb.DuckDBPyConnection) -> None:
    assert revisions(con, Q3, SETTINGS).empty  # not signed off: nothing to revise
    done = sign_off(con, Q3, SETTINGS, "ada@example.org")
    assert revisions(con, Q3, SETTINGS).empty  # signed off, nothing changed since
    late_session(con)

    moved = revisions(con, Q3, SETTINGS)
    assert list(moved["kpi"]) == ["TR01", "TR03"]  # the sessions delivered, and the attendance rate (8 of 10)
    tr01 = moved.iloc[0]
    assert (tr01["signed_off_value"], tr01["value"], tr01["signed_off_at"]) == (15, 16, done.signed_off_at)
    assert list(revisions(con, Q3, SETTINGS, "Hartlepool")["kpi"]) == ["TR01", "TR03"]
    assert revisions(con, Q3, SETTINGS, "Stockton-on-Tees").empty  # the late session is in Hartlepool

    marked = with_signoff(con, kpis_for(con, Q3, SETTINGS), "2023-24 Q3")
    row = headline(marked, "TR01")
    assert (row["signed_off_value"], row["value"], bool(row["revised"])) == (15, 16, True)
    assert not headline(marked, "AU01")["revised"]
    assert headline(marked, "AU01")["signed_off_at"] == done.signed_off_at
    text = revision_text(
        format_value(row["value"], "count"),
        format_value(row["signed_off_value"], "count"),
        done.signed_off_at,
    )
    day = done.signed_off_at
    assert text == f"15, signed off {day.day} {day:%b %Y}; now 16"  # 3 Dec 2026: no leading zero

    undo_latest(con, "late@example.org")
    assert revisions(con, Q3, SETTINGS).empty
    assert not with_signoff(con, kpis_for(con, Q3, SETTINGS), "2023-24 Q3")["revised"].any()


def test_a_row_on_one_side_only_counts_as_revised(con: duckdb.DuckDBPyConnection) -> None:
    sign_off(con, Q3, SETTINGS, "ada@example.org")
    live = pd.DataFrame(
        {
            "kpi": ["TR01", "TR01", "TR01"],
            "period": ["2023-24 Q3", "2023-24 Q3", "2023-24 Q2"],
            "locality": [None, None, None],
            "category": [None, "Blended", None],  # no Blended row was signed off; Q2 is not signed off
            "value": [15.0, 1.0, 9.0],
        }
    )
    marked = with_signoff(con, live, "2023-24 Q3")
    assert list(marked["revised"]) == [False, True, False]
    assert marked["signed_off_value"].isna().tolist() == [False, True, True]
    assert marked["signed_off_at"].iloc[2] is None


def test_reopen_lifts_the_sign_off_and_a_new_one_takes_a_new_snapshot(con: duckdb.DuckDBPyConnection) -> None:
    first = sign_off(con, Q3, SETTINGS, "ada@example.org")
    late_session(con)
    lifted = reopen(con, Q3, "cy@example.org")
    assert lifted == first
    assert current_signoff(con, "2023-24 Q3") is None
    marked = with_signoff(con, kpis_for(con, Q3, SETTINGS), "2023-24 Q3")
    assert marked["signed_off_value"].isna().all() and not marked["revised"].any()
    assert marked["signed_off_at"].isna().all()
    assert revisions(con, Q3, SETTINGS).empty

    second = sign_off(con, Q3, SETTINGS, "ada@example.org")
    assert second.snapshot_id != first.snapshot_id
    assert (
        headline(with_signoff(con, kpis_for(con, Q3, SETTINGS), "2023-24 Q3"), "TR01")["signed_off_value"]
        == 16
    )
    kept = con.execute(
        "SELECT snapshot_id, reopened_by FROM kpi_snapshots WHERE kind = 'signoff' ORDER BY snapshot_id"
    ).fetchall()
    assert kept == [(first.snapshot_id, "cy@example.org"), (second.snapshot_id, None)]


def test_the_audit_log_lists_sign_off_and_reopen(con: duckdb.DuckDBPyConnection) -> None:
    done = sign_off(con, Q3, SETTINGS, "ada@example.org")
    reopen(con, Q3, "cy@example.org")
    log = audit_log(con)
    assert list(log.iloc[0][["user", "action", "detail"]]) == [
        "cy@example.org",
        "reopen",
        f"2023-24 Q3 reopened: its sign-off by ada@example.org on {shown(done.signed_off_at)} "
        "is lifted (kept for the record)",
    ]
    assert list(log.iloc[1][["at", "user", "action", "detail"]]) == [
        done.signed_off_at,
        "ada@example.org",
        "sign off",
        "2023-24 Q3 signed off: 19 KPIs for all localities, Hartlepool, Stockton-on-Tees and Teeswide",
    ]


def test_the_audit_log_reads_well_for_edits_and_removals(con: duckdb.DuckDBPyConnection) -> None:
    values = {"kpi": "CR02", "quarter": "Q4 2023/24", "commentary": "Two reviews were late: capacity."}
    save_row(con, SETTINGS, "kpi_commentary", values, "ed@example.org")
    save_row(con, SETTINGS, "kpi_commentary", {**values, "owner": "Business manager"}, "ed@example.org")
    remove_row(con, "kpi_commentary", {"kpi": "CR02", "quarter": "2023-24 Q4"}, "rem@example.org")
    undo_latest(con, "un@example.org")
    log = audit_log(con)
    described = "kpi_commentary CR02, 2023-24 Q4, All localities"
    assert [list(r) for r in log.head(4)[["user", "action"]].itertuples(index=False)] == [
        ["un@example.org", "undo"],
        ["rem@example.org", "remove"],
        ["ed@example.org", "edit"],
        ["ed@example.org", "edit"],
    ]
    details = list(log.head(4)["detail"])
    assert details[0].startswith("undid removal ") and details[0].endswith(f": {described})")
    assert details[1].endswith(f": {described} (removed)")
    assert details[2].endswith(f": {described} (changed)")
    assert details[3].endswith(f": {described} (added)")
