"""Sign-off and publication together (found in review): a published output never names who signed off,
never shows a signed-off figure or a revision beside a figure it hides, and counts only the revisions it shows;
a rate whose numerator and denominator moved but whose percentage did not is still a revision."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
from helpers.pmf_cli import run_pmf

from dashboard.core.config import load_settings
from dashboard.core.periods import parse_period
from dashboard.kpis.catalogue import kpis_for
from dashboard.kpis.signoff import with_signoff
from dashboard.publish.report import build_report

Q3 = "2023-24 Q3"


def _sign_off_as(db: Path, user: str) -> None:
    run = run_pmf("signoff", "--period", Q3, "--user", user, db=db)
    assert run.returncode == 0, run


def _move_snapshot(
    db: Path, kpi: str, numerator: float, denominator: float, locality: str | None = None
) -> None:
    """What a late upload would do to the live figure, done to the signed-off one instead (the same test)."""
    con = duckdb.connect(str(db))
    try:
        where = "locality IS NULL" if locality is None else "locality = $locality"
        con.execute(
            f"UPDATE kpi_snapshot_rows SET numerator = $n, denominator = $d, value = 100.0 * $n / $d "
            f"WHERE kpi = $kpi AND category IS NULL AND {where} "
            "AND snapshot_id IN (SELECT snapshot_id FROM kpi_snapshots WHERE kind = 'signoff')",
            {
                "n": numerator,
                "d": denominator,
                "kpi": kpi,
                **({} if locality is None else {"locality": locality}),
            },
        )
    finally:
        con.close()


def _headline(rows: list[dict[str, Any]], kpi: str) -> dict[str, Any]:
    return next(r for r in rows if r["kpi"] == kpi and r["category"] is None)


def test_a_rate_with_the_same_percentage_but_other_counts_is_revised(cli_db: Path) -> None:
    _sign_off_as(cli_db, "ada")
    _move_snapshot(cli_db, "AU02", 16, 24)  # live 4 of 6 = 66.7%, signed off 16 of 24 = 66.7%
    con = duckdb.connect(str(cli_db), read_only=True)
    try:
        card = kpis_for(con, parse_period(Q3), load_settings())
        marked = with_signoff(con, card, Q3)
    finally:
        con.close()
    au02 = marked[(marked["kpi"] == "AU02") & marked["category"].isna()].iloc[0]
    assert bool(au02["revised"]) and round(float(au02["signed_off_value"]), 1) == 66.7
    tr01 = marked[(marked["kpi"] == "TR01") & marked["category"].isna()].iloc[0]
    assert not bool(tr01["revised"])


def test_published_kpis_never_name_the_signer_nor_show_sign_off_beside_a_hidden_figure(cli_db: Path) -> None:
    _sign_off_as(cli_db, "Alice Secret")
    _move_snapshot(cli_db, "AU02", 16, 24)
    internal = run_pmf("kpis", "--period", Q3, db=cli_db)
    assert "Signed off by Alice Secret" in internal.stdout
    published = run_pmf("kpis", "--period", Q3, "--publish", db=cli_db)
    assert published.returncode == 0, published
    assert "Alice Secret" not in published.stdout
    assert "Signed off on " in published.stdout
    rows = json.loads(run_pmf("kpis", "--period", Q3, "--publish", "--format", "json", db=cli_db).stdout)
    au02 = _headline(rows, "AU02")
    assert au02["numerator"] == "c" and au02["value"] == "c"
    assert au02["signed_off_value"] == "c" and au02["revised"] is None  # nothing to read a hidden count from
    tr02 = _headline(rows, "TR02")  # published in full: its sign-off is shown
    assert tr02["revised"] is False and tr02["signed_off_value"] == tr02["value"]


def test_a_published_report_counts_only_the_revisions_it_shows(cli_db: Path) -> None:
    _sign_off_as(cli_db, "ada")
    _move_snapshot(cli_db, "CR02", 1, 2, locality="Hartlepool")  # a case figure of one locality
    _move_snapshot(cli_db, "TR02", 300, 381, locality="Hartlepool")  # an activity figure: published in full
    con = duckdb.connect(str(cli_db), read_only=True)
    try:
        internal = build_report(con, parse_period(Q3), load_settings(), locality="Hartlepool")
        published = build_report(con, parse_period(Q3), load_settings(), locality="Hartlepool", publish=True)
    finally:
        con.close()
    assert "2 figures have changed since sign-off" in internal
    assert "1 figure has changed since sign-off" in published
    assert "each is marked as revised" in published and "its signed-off value" not in published
    assert "Signed off on " in published and " by ada" not in published
