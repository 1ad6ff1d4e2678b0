"""`pmf kpis` under the publication rule and the small-denominator rule, and `pmf load` of several files as
one upload (all of them or nothing)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from helpers.pmf_cli import run_pmf
from helpers.workbooks import ATTENDANCE, SESSION, csv_bytes, table

CASE_KPIS = {"AU02", "AU03", "CR01", "CR02", "CR03", "CR04", "CR05", "CR06"}


def _kpis(db: Path, *extra: str) -> list[dict]:
    done = run_pmf("kpis", "--period", "2023-24 Q3", "--format", "json", *extra, db=db)
    assert done.returncode == 0, done
    return json.loads(done.stdout)


def test_a_rate_below_the_minimum_denominator_has_no_rag(cli_db: Path) -> None:
    rows = {(r["kpi"], r["category"]): r for r in _kpis(cli_db)}
    cr02 = rows["CR02", None]
    assert cr02["denominator"] == 2  # two rapid reviews due in the quarter: fewer than 5
    assert cr02["value"] == 100 and cr02["rag"] is None  # "2 of 2", not "100% Green"
    assert rows["TR02", None]["rag"] == "Green"  # 381 places offered: judged


def test_the_text_table_says_n_of_n(cli_db: Path) -> None:
    done = run_pmf("kpis", "--period", "2023-24 Q3", db=cli_db)
    cr02 = next(line for line in done.stdout.splitlines() if line.startswith("CR02"))
    assert "2 of 2" in cr02 and "Green" not in cr02 and "Red" not in cr02
    ap03 = next(line for line in done.stdout.splitlines() if line.startswith("AP03"))
    assert "n = 2" in ap03 and "31 / 2" not in ap03


def test_published_kpis_hold_no_case_split_and_all_the_activity(cli_db: Path) -> None:
    rows = _kpis(cli_db, "--publish")
    for row in rows:
        if row["kpi"] in CASE_KPIS:
            assert row["locality"] is None and row["category"] is None, row
    case = {r["kpi"]: r for r in rows if r["kpi"] in CASE_KPIS}
    assert case["CR04"]["value"] == "c"  # one notification: a count from 1 to 5
    by_mode = {r["category"]: r["value"] for r in rows if r["kpi"] == "TR01" and r["locality"] is None}
    assert by_mode == {None: 15, "Face to face": 5, "Virtual": 10}  # the newsletter's activity, in full
    hartlepool = _kpis(cli_db, "--publish", "--locality", "Hartlepool")
    assert not [r for r in hartlepool if r["kpi"] in CASE_KPIS]  # no case figure for a locality
    assert next(r for r in hartlepool if r["kpi"] == "AU01")["value"] == 3  # the audit's sample: activity


def test_several_files_are_one_upload_all_or_nothing(cli_db: Path, tmp_path: Path) -> None:
    """`pmf load a.csv b.csv` used to store a when b was refused at its check against the store."""
    sessions = tmp_path / "a.csv"
    sessions.write_bytes(csv_bytes(table(SESSION, {"session_id": "NEW-1"})))
    attendance = tmp_path / "b.csv"
    attendance.write_bytes(csv_bytes(table(ATTENDANCE, {"session_id": "NOT-STORED"})))

    def count() -> int:
        con = duckdb.connect(str(cli_db), read_only=True)
        try:
            return int(con.execute("SELECT count(*) FROM training_sessions").fetchall()[0][0])
        finally:
            con.close()

    before = count()
    done = run_pmf("load", sessions, attendance, db=cli_db)
    assert done.returncode == 1, done
    assert "NOT-STORED" in done.stderr and "Nothing was stored." in done.stderr
    assert count() == before
    good = tmp_path / "c.csv"
    good.write_bytes(csv_bytes(table(ATTENDANCE, {"session_id": "NEW-1"})))
    done = run_pmf("load", sessions, good, db=cli_db)
    assert done.returncode == 0, done
    assert count() == before + 1
    undone = run_pmf("undo", db=cli_db)  # one upload: one undo takes both files back
    assert undone.returncode == 0, undone
    assert count() == before
