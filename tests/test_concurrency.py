"""Concurrency and faults, against real database files: uploads at once, a busy database, a killed load.

- Several sessions on one connection (threads, each with its own cursor) upload at once: the uploads apply
  in turn, each whole. So do several sessions of the app, each through its own short read-write connection
  (dashboard/app/connections.py), while others read.
- A second process cannot open the database while the app has it: it is told so in one sentence, and
  nothing changes. Two `pmf load` at once: each is applied or refused with that sentence, never a mixture.
- A load killed with SIGKILL at random points (50,000 sessions, one transaction) leaves all of the upload or
  none of it, and the database opens again as the app opens it.

After each: the upload log agrees with the data (assert_log_matches_data) and undo gives back the state
before, exactly.
"""

from __future__ import annotations

import pickle
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import pytest
from helpers.pmf_cli import PROJECT_DIR, run_all, run_pmf, snapshot
from helpers.workbooks import (
    AUDIT,
    SESSION,
    SETTINGS,
    data_state,
    new_database,
    table,
    xlsx,
)
from test_hostile_files import raw_xlsx, sheet_data

import dashboard.ingest.load
from dashboard.core.db import DatabaseError, connect
from dashboard.ingest.contract import DATASET_NAMES
from dashboard.ingest.load import LoadResult, NothingToUndo, load_upload, undo_latest
from dashboard.ingest.sample import ensure_database
from dashboard.ingest.validate import validate_upload
from dashboard.ingest.workflow import apply_upload, check_upload

TS = "training_sessions"
BUSY = (
    "the database {path} is busy: another program (process {pid}) has it open and locked; "
    "close it and try again"
)


def count(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> int:
    return int(con.execute(sql, params or {}).fetchall()[0][0])


def assert_log_matches_data(con: duckdb.DuckDBPyConnection) -> None:
    """The upload log agrees with the data, upload by upload.

    An upload in force wrote added + replaced rows: they are in the table still, or were saved for undo by a
    later upload that overwrote them; it saved replaced + removed rows for its own undo. An undone upload
    left no row and no saved row behind.
    """
    uploads = con.execute("SELECT upload_id, undone_at IS NULL FROM uploads ORDER BY upload_id").fetchall()
    for upload_id, in_force in uploads:
        logged = {
            name: (added, replaced, removed)
            for name, added, replaced, removed in con.execute(
                "SELECT dataset, added, replaced, removed FROM upload_datasets WHERE upload_id = $u",
                {"u": upload_id},
            ).fetchall()
        }
        for name in DATASET_NAMES:
            params = {"u": upload_id}
            in_table = count(con, f"SELECT count(*) FROM {name} WHERE upload_id = $u", params)
            overwritten = count(
                con, f"SELECT count(*) FROM {name}__undo WHERE upload_id = $u AND undo_upload_id > $u", params
            )
            saved = count(con, f"SELECT count(*) FROM {name}__undo WHERE undo_upload_id = $u", params)
            added, replaced, removed = logged.get(name, (0, 0, 0))
            if in_force:
                assert in_table + overwritten == added + replaced, (upload_id, name, in_table, overwritten)
                assert saved == replaced + removed, (upload_id, name, saved)
            else:
                assert in_table == overwritten == saved == 0, (upload_id, name)
    assert (
        count(
            con, "SELECT count(*) FROM upload_datasets WHERE upload_id NOT IN (SELECT upload_id FROM uploads)"
        )
        == 0
    )


def undo_everything(con: duckdb.DuckDBPyConnection) -> int:
    undone = 0
    while True:
        try:
            undo_latest(con, "tester")
        except NothingToUndo:
            return undone
        undone += 1


def sessions_file(prefix: str, rows: int = 20, **shared: Any) -> bytes:
    """Sessions prefix-0 .. prefix-(rows-1), one audit case, and the session SHARED with these values."""
    sessions = [{"session_id": f"{prefix}-{i}"} for i in range(rows)]
    return xlsx(
        {
            TS: table(SESSION, *sessions, {"session_id": "SHARED", **shared}),
            "audits": table(AUDIT, {"case_ref": prefix}),
        }
    )


@pytest.fixture
def db_path(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "data" / "pmf.duckdb"
    new_database(path).close()
    yield path


# --- one process, several sessions of the app ------------------------------------------------------------


def test_uploads_from_several_sessions_at_once_apply_in_turn(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    con = connect(db_path)
    before = data_state(con)
    real_write = dashboard.ingest.load._write_dataset

    def slow_write(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.02)  # widen the window in which two loads would overlap if nothing kept them apart
        return real_write(*args, **kwargs)

    monkeypatch.setattr(dashboard.ingest.load, "_write_dataset", slow_write)
    files = {f"team{i}.xlsx": sessions_file(f"T{i}", course_title=f"from team {i}") for i in range(4)}
    start = threading.Barrier(len(files))

    def app_session(name: str) -> LoadResult:
        """What the Upload page does: check and preview (a dry run), then Confirm, on its own cursor."""
        cursor = con.cursor()
        try:
            start.wait()
            checked = check_upload(cursor, files[name], name, SETTINGS)
            assert checked.ok, checked.report.errors
            return apply_upload(cursor, checked, f"analyst of {name}")
        finally:
            cursor.close()

    with ThreadPoolExecutor(len(files)) as pool:
        results = list(pool.map(app_session, files))

    assert sorted(r.upload_id for r in results if r.upload_id is not None) == [1, 2, 3, 4]
    stored = {row[0] for row in con.execute("SELECT session_id FROM training_sessions").fetchall()}
    assert stored == {"SHARED"} | {f"T{t}-{i}" for t in range(4) for i in range(20)}
    last = max(results, key=lambda r: r.upload_id or 0)
    assert con.execute(
        "SELECT course_title FROM training_sessions WHERE session_id = 'SHARED'"
    ).fetchall() == [(f"from team {last.file_name[4]}",)]
    assert count(con, "SELECT count(*) FROM audits") == 4
    assert_log_matches_data(con)
    assert undo_everything(con) == 4
    assert data_state(con) == before
    con.close()
    reopened = connect(db_path)
    assert_log_matches_data(reopened)
    assert data_state(reopened) == before
    reopened.close()


def test_app_sessions_upload_at_once_on_their_own_connections_while_others_read(db_path: Path) -> None:
    """What the app does: each change opens its own read-write connection and closes it; page runs read
    through read-only ones meanwhile. The app's readers-writer lock keeps them apart in one process."""
    from dashboard.app import connections

    path = str(db_path)
    files = {f"team{i}.xlsx": sessions_file(f"A{i}", course_title=f"from team {i}") for i in range(4)}
    start = threading.Barrier(len(files) + 2)
    reads: list[int] = []

    def app_session(name: str) -> LoadResult:
        start.wait()
        with connections.writing(path) as con:
            checked = check_upload(con, files[name], name, SETTINGS)
            assert checked.ok, checked.report.errors
        with connections.writing(path) as con:
            return apply_upload(con, checked, f"analyst of {name}")

    def page_runs() -> None:
        start.wait()
        for _ in range(20):
            with connections.reading(path, wait=30) as con:
                reads.append(count(con, "SELECT count(*) FROM training_sessions"))

    with ThreadPoolExecutor(len(files) + 2) as pool:
        readers = [pool.submit(page_runs) for _ in range(2)]
        results = list(pool.map(app_session, files))
        for reader in readers:
            reader.result()

    assert sorted(r.upload_id for r in results if r.upload_id is not None) == [1, 2, 3, 4]
    assert len(reads) == 40 and all(n % 20 in (0, 1) for n in reads), reads  # whole uploads only
    con = connect(db_path)
    assert count(con, "SELECT count(*) FROM training_sessions") == 1 + 4 * 20
    assert_log_matches_data(con)
    assert undo_everything(con) == 4
    con.close()


def test_an_upload_and_an_undo_at_once(db_path: Path) -> None:
    con = connect(db_path)
    before = data_state(con)
    load_upload(con, validate_upload(sessions_file("FIRST"), "first.xlsx", SETTINGS), "analyst")
    second = validate_upload(sessions_file("SECOND", course_title="second"), "second.xlsx", SETTINGS)
    start = threading.Barrier(2)

    def upload() -> None:
        cursor = con.cursor()
        try:
            start.wait()
            load_upload(cursor, second, "analyst")
        finally:
            cursor.close()

    def undo() -> None:
        cursor = con.cursor()
        try:
            start.wait()
            undo_latest(cursor, "lead")
        finally:
            cursor.close()

    with ThreadPoolExecutor(2) as pool:
        for future in [pool.submit(upload), pool.submit(undo)]:
            future.result()
    # Either the undo took back the first upload and then the second was applied, or the second was applied
    # and then undone: one upload is in force, whichever, and the log says which.
    in_force = con.execute("SELECT file_name FROM uploads WHERE undone_at IS NULL").fetchall()
    assert len(in_force) == 1
    assert_log_matches_data(con)
    undo_everything(con)
    assert data_state(con) == before
    con.close()


# --- two processes -----------------------------------------------------------------------------------------

HOLD = (
    "import sys\n"
    "from dashboard.core.db import connect\n"
    "con = connect(sys.argv[1])\n"
    "print('holding', flush=True)\n"
    "sys.stdin.read()\n"
    "con.close()\n"
)


def test_a_second_process_is_told_the_database_is_busy(db_path: Path, tmp_path: Path) -> None:
    upload = tmp_path / "upload.xlsx"
    upload.write_bytes(sessions_file("P"))
    before = snapshot(db_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db_path)],
        cwd=PROJECT_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        busy = BUSY.format(path=db_path, pid=holder.pid)
        run = run_pmf("load", upload, db=db_path)
        assert run.returncode == 1, run
        assert run.stderr == f"pmf: {busy}\n", run
        with pytest.raises(DatabaseError) as refused:
            connect(db_path)
        assert str(refused.value) == busy
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    assert snapshot(db_path) == before
    assert run_pmf("load", upload, db=db_path).returncode == 0


def test_two_processes_loading_at_once(db_path: Path, tmp_path: Path) -> None:
    """Each is applied, or refused because the other has the database: both in turn, or one refused."""
    files = {}
    for name in ("a", "b"):
        files[name] = tmp_path / f"{name}.xlsx"
        files[name].write_bytes(sessions_file(name.upper(), course_title=name))
    runs = run_all({name: partial(run_pmf, "load", path, db=db_path) for name, path in files.items()})
    applied = [name for name, run in runs.items() if run.returncode == 0]
    for run in runs.values():
        if run.returncode != 0:
            assert run.returncode == 1 and "is busy: " in run.stderr, run
            assert len(run.stderr_lines) == 1, run
    assert applied, runs
    con = connect(db_path)
    stored = {row[0] for row in con.execute("SELECT session_id FROM training_sessions").fetchall()}
    assert stored == {"SHARED"} | {f"{name.upper()}-{i}" for name in applied for i in range(20)}
    assert count(con, "SELECT count(*) FROM uploads") == len(applied)
    assert_log_matches_data(con)
    con.close()
    for name in set(files) - set(applied):  # a refused load, tried again, goes through
        assert run_pmf("load", files[name], db=db_path).returncode == 0
    for _ in files:
        assert run_pmf("undo", db=db_path).returncode == 0
    con = connect(db_path)
    assert count(con, "SELECT count(*) FROM training_sessions") == 0
    assert_log_matches_data(con)
    con.close()


# --- a load killed half-way --------------------------------------------------------------------------------

BIG = 50_000

DRIVER = (
    "import pickle, sys, time\n"
    "from pathlib import Path\n"
    "from dashboard.core.db import connect\n"
    "from dashboard.ingest.load import load_upload\n"
    "report = pickle.loads(Path(sys.argv[2]).read_bytes())\n"
    "con = connect(sys.argv[1])\n"
    "Path(sys.argv[3]).write_text('loading')\n"
    "started = time.perf_counter()\n"
    "result = load_upload(con, report, 'kill test')\n"
    "took = time.perf_counter() - started\n"
    "con.close()\n"
    "Path(sys.argv[4]).write_text(f'{result.upload_id} {took}')\n"
)


@pytest.fixture(scope="module")
def big_upload(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """50,000 sessions in a workbook (written with the fast writer), validated once; the report pickled so
    that each killed process spends its time loading, not validating."""
    header = list(SESSION)
    rows = [header] + [
        [
            f"BIG-{i}",
            f"{1 + i % 28:02d}/{1 + i % 12:02d}/2023",
            "Neglect: the basics",
            "Virtual",
            "Stockton",
            20,
            15,
        ]
        for i in range(BIG)
    ]
    data = raw_xlsx({TS: sheet_data(rows)})
    report = validate_upload(data, "big.xlsx", SETTINGS)
    assert report.ok and len(report.frames[TS]) == BIG, report.errors[:3]
    path = tmp_path_factory.mktemp("big") / "big-report.pickle"
    path.write_bytes(pickle.dumps(report))
    return path, BIG


def run_driver(db: Path, report: Path, work: Path, kill_after: float | None) -> str:
    """Load the big upload in a child process; SIGKILL it `kill_after` seconds after it starts loading.

    Returns "all" when the load finished before the kill (or was not killed), "killed" otherwise.
    """
    marker, done = work / "loading", work / "done"
    marker.unlink(missing_ok=True)
    done.unlink(missing_ok=True)
    child = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(db), str(report), str(marker), str(done)], cwd=PROJECT_DIR
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, f"the driver ended before loading (exit {child.returncode})"
            assert time.monotonic() < deadline, "the driver never started loading"
            time.sleep(0.001)
        if kill_after is None:
            assert child.wait(timeout=120) == 0
            return "all"
        time.sleep(kill_after)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    return "all" if done.exists() else "killed"


def test_a_load_killed_mid_way_stores_all_or_nothing(
    big_upload: tuple[Path, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report, rows = big_upload
    base = tmp_path / "base.duckdb"
    con = new_database(base)
    load_upload(con, validate_upload(sessions_file("BASE", rows=5), "base.xlsx", SETTINGS), "analyst")
    before_sessions = count(con, "SELECT count(*) FROM training_sessions")
    before = data_state(con)
    con.close()

    # One load to the end, unkilled: how long the load takes sets the delays of the kills.
    db = tmp_path / "whole.duckdb"
    shutil.copyfile(base, db)
    assert run_driver(db, report, tmp_path, None) == "all"
    took = float((tmp_path / "done").read_text().split()[1])
    chance = random.Random(20261128)
    delays = [0.0, *(took * f * chance.uniform(0.8, 1.2) for f in (0.15, 0.3, 0.5, 0.7, 0.9)), took * 3]

    outcomes = []
    for attempt, delay in enumerate(delays):
        db = tmp_path / f"killed{attempt}.duckdb"
        shutil.copyfile(base, db)
        ran = run_driver(db, report, tmp_path, delay)
        # The app starts on it as it would after a crash: the file is there, so nothing is recreated.
        assert ensure_database(db, SETTINGS) == []
        con = connect(db)
        sessions = count(con, "SELECT count(*) FROM training_sessions")
        uploads = count(con, "SELECT count(*) FROM uploads")
        assert sessions in (before_sessions, before_sessions + rows), (delay, sessions)
        stored_all = sessions == before_sessions + rows
        assert uploads == (2 if stored_all else 1), (delay, uploads)
        assert ran == "killed" or stored_all, (delay, ran)
        assert_log_matches_data(con)
        if stored_all:
            undo_latest(con, "tester")
        assert data_state(con) == before, delay
        con.close()
        outcomes.append(f"{delay * 1000:.0f} ms: {'all' if stored_all else 'none'}")
    with capsys.disabled():
        print(
            f"\nkilled loads of {rows:,} sessions (the load takes {took * 1000:.0f} ms): "
            + ", ".join(outcomes)
        )
    assert any(o.endswith("none") for o in outcomes[1:]) or took < 0.05, outcomes
