"""`pmf` beside the dashboard: read commands open the database read-only and never migrate it, a writer waits
a moment for the file and then names who holds it, `pmf backup` copies it while others read it, and
`pmf serve` is a service (`--check` says whether the app can read its database; SIGTERM stops the server).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb
import pytest
from helpers.pmf_cli import PROJECT_DIR, Run, query, run_pmf, snapshot

import dashboard.core.db
from dashboard.core.db import DatabaseError, connect, connect_read_only, migrate

Q3 = "2023-24 Q3"

# A process that opens the database (read-only or to write), says so, and holds it until its stdin closes.
HOLD = (
    "import sys\n"
    "from dashboard.core.db import connect, connect_read_only\n"
    "con = connect_read_only(sys.argv[1]) if sys.argv[2] == 'read' else connect(sys.argv[1])\n"
    "print('holding', flush=True)\n"
    "sys.stdin.read()\n"
    "con.close()\n"
)


@contextmanager
def held(db: Path, mode: str, name: str = "python") -> Iterator[subprocess.Popen[str]]:
    """Another process holding `db` (`mode` "read" or "write"), its command line starting with `name`."""
    holder = subprocess.Popen(
        [name, "-c", HOLD, str(db), mode],
        executable=sys.executable,
        cwd=PROJECT_DIR,
        # named otherwise than python, it would not find its virtual environment: give it this one's path
        env=dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p)),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        yield holder
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)


def kpis_json(db: Path) -> Run:
    return run_pmf("kpis", "--period", Q3, "--format", "json", db=db)


@pytest.fixture(scope="module")
def expected(cli_sample_db: tuple[Path, Run]) -> str:
    run = kpis_json(cli_sample_db[0])
    assert run.returncode == 0 and run.stderr == "", run
    return run.stdout


# --- read commands: read-only, never migrating --------------------------------------------------------------


def test_kpis_reads_a_read_only_file_and_leaves_it_as_it_was(cli_db: Path, expected: str) -> None:
    """Before: `pmf kpis` opened the file to write (and migrated it), refused on a read-only copy."""
    before = cli_db.read_bytes()
    cli_db.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    cli_db.parent.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)
    try:
        run = kpis_json(cli_db)
        others = [
            run_pmf("uploads", db=cli_db),
            run_pmf("audit-log", db=cli_db),
            run_pmf("serve", "--check", db=cli_db),
        ]
    finally:
        cli_db.parent.chmod(stat.S_IRWXU)
        cli_db.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert run.returncode == 0 and run.stderr == "", run
    assert run.stdout == expected
    for other in others:
        assert other.returncode == 0 and other.stderr == "", other
    assert cli_db.read_bytes() == before
    assert sorted(p.name for p in cli_db.parent.iterdir()) == [cli_db.name]  # no write-ahead log either


def test_kpis_works_while_another_process_reads(cli_db: Path, expected: str) -> None:
    with held(cli_db, "read"):
        run = kpis_json(cli_db)
        report = run_pmf("report", "--period", Q3, "-o", cli_db.parent / "r.html", db=cli_db)
    assert run.returncode == 0 and run.stdout == expected, run
    assert report.returncode == 0, report


@pytest.fixture
def old_schema_db(tmp_path: Path) -> Path:
    """A database made by an older version: the last schema file not applied yet."""
    path = tmp_path / "old.duckdb"
    files = dashboard.core.db.schema_files()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dashboard.core.db, "schema_files", lambda: files[:-1])
        con = duckdb.connect(str(path))
        migrate(con)
        con.close()
    return path


def test_a_read_command_on_an_older_schema_says_to_upgrade_and_changes_nothing(old_schema_db: Path) -> None:
    before = old_schema_db.read_bytes()
    upgrade = f"the database at {old_schema_db} needs upgrading: run `pmf init` (or any write command)"
    for run in (kpis_json(old_schema_db), run_pmf("serve", "--check", db=old_schema_db)):
        assert run.returncode == 1 and run.stdout == "", run
        assert run.stderr_lines == [f"pmf: {upgrade}"], run
    with pytest.raises(DatabaseError, match="needs upgrading"):
        connect_read_only(old_schema_db)
    assert old_schema_db.read_bytes() == before
    init = run_pmf("init", db=old_schema_db)
    assert init.returncode == 0, init
    assert init.stdout.splitlines()[0] == f"Brought the schema of {old_schema_db} up to date.", init
    assert init.stdout.splitlines()[1].startswith("KPI results: "), init  # stored for the data it holds
    assert kpis_json(old_schema_db).returncode == 0


# --- a writer waits its turn, then names who holds the file -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "holder", "advice"),
    [
        ("python", "another program", "close it and try again"),
        ("pmf", "another `pmf` command", "wait for it to finish and try again"),
        ("streamlit", "the dashboard", "close it and try again"),
    ],
)
def test_busy_names_the_process_holding_the_file(
    cli_db: Path, name: str, holder: str, advice: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dashboard.core.db, "BUSY_WAIT", 0.3)
    with held(cli_db, "write", name) as process, pytest.raises(DatabaseError) as refused:
        connect(cli_db)
    assert str(refused.value) == (
        f"the database {cli_db} is busy: {holder} (process {process.pid}) has it open and locked; {advice}"
    )


def test_a_load_waits_for_a_short_hold_then_goes_through(cli_db: Path) -> None:
    """Before: refused at once while another process had the file open, even for a moment."""
    with held(cli_db, "write", "pmf"):
        env = {k: v for k, v in os.environ.items() if k not in ("PMF_CONFIG", "PMF_DB")}
        load = subprocess.Popen(
            [sys.executable, "-m", "dashboard.cli", "undo", "--db", str(cli_db)],
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(1.5)  # the undo is waiting for the file meanwhile
        assert load.poll() is None
    out, err = load.communicate(timeout=60)
    assert load.returncode == 0 and out.startswith("Undid upload 5"), (out, err)


# --- backup ------------------------------------------------------------------------------------------------


CATALOGUE = [
    "SELECT table_name, column_count, estimated_size FROM duckdb_tables() ORDER BY ALL",
    "SELECT table_name, column_name, data_type FROM information_schema.columns ORDER BY ALL",  # and views'
    "SELECT function_name, macro_definition FROM duckdb_functions() "
    "WHERE function_type LIKE '%macro' AND NOT internal ORDER BY ALL",
    "SELECT table_name, constraint_type, constraint_text FROM duckdb_constraints() ORDER BY ALL",
]


def test_backup_while_another_process_reads_gives_the_same_figures(cli_db: Path, expected: str) -> None:
    copy = cli_db.parent / "backup" / "copy.duckdb"
    copy.parent.mkdir()
    with held(cli_db, "read"):
        run = run_pmf("backup", "-o", copy, db=cli_db)
    assert run.returncode == 0 and run.stderr == "", run
    assert sorted(p.name for p in copy.parent.iterdir()) == ["copy.duckdb"]
    restored = kpis_json(copy)
    assert restored.returncode == 0 and restored.stdout == expected, restored
    assert run_pmf("uploads", db=copy).stdout == run_pmf("uploads", db=cli_db).stdout
    assert snapshot(copy) == snapshot(cli_db)
    for catalogue in CATALOGUE:  # tables, views, macros (the calendar's), constraints: all of the schema
        assert query(copy, catalogue) == query(cli_db, catalogue), catalogue
    views = [row[0] for row in query(cli_db, "SELECT view_name FROM duckdb_views() WHERE NOT internal")]
    assert views
    for view in views:  # the same rows (its SQL is stored re-written, e.g. an EXCLUDE list reordered)
        assert query(copy, f"SELECT * FROM {view} ORDER BY ALL") == query(
            cli_db, f"SELECT * FROM {view} ORDER BY ALL"
        )
    again = run_pmf("backup", "-o", copy, db=cli_db)  # replaces an older copy whole
    assert again.returncode == 0 and kpis_json(copy).stdout == expected, again


def test_backup_refuses_to_overwrite_the_database(cli_db: Path) -> None:
    run = run_pmf("backup", "-o", cli_db, db=cli_db)
    assert run.returncode == 2 and len(run.stderr_lines) == 1, run


# --- pmf serve ---------------------------------------------------------------------------------------------


def test_serve_check_says_the_app_can_read_its_database(cli_db: Path) -> None:
    run = run_pmf("serve", "--check", db=cli_db)
    assert run.returncode == 0 and run.stderr == "", run
    assert run.stdout.startswith(f"ok: {cli_db}, schema {dashboard.core.db.schema_files()[-1][0]}, "), run
    assert " last upload #5 (training.xlsx) at " in run.stdout and len(run.stdout.splitlines()) == 1, run


def test_serve_check_says_why_it_cannot(tmp_path: Path) -> None:
    missing = tmp_path / "none.duckdb"
    run = run_pmf("serve", "--check", db=missing)
    assert run.returncode == 1 and run.stdout == "", run
    assert run.stderr_lines == [
        f"pmf: there is no database at {missing}: `pmf serve` creates it from the sample workbooks, "
        "or run `pmf init`"
    ], run
    assert not missing.exists()
    damaged = tmp_path / "damaged.duckdb"
    damaged.write_text("not a database")
    run = run_pmf("serve", "--check", db=damaged)
    assert run.returncode == 1 and len(run.stderr_lines) == 1, run
    assert run.stderr.startswith(f"pmf: cannot open the database {damaged}: "), run


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl+C"])
def test_a_signal_stops_pmf_serve_and_its_server(cli_db: Path, tmp_path: Path, stop: signal.Signals) -> None:
    """Before: `pmf serve` ran Streamlit as a child; SIGTERM stopped `pmf` and left the server listening."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("PMF_LOCAL_MODE", "PMF_CONFIG")}
    env.update(HOME=str(tmp_path), PMF_DB=str(cli_db))
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "dashboard.cli", "serve", "--local", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # so that the test can clean up whatever is left, whatever happens
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.read().decode().strip() == "ok":
                        break
            except OSError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, (
                tmp_path / "serve.log"
            ).read_text()
            time.sleep(0.3)
        assert b"streamlit" in Path(f"/proc/{process.pid}/cmdline").read_bytes()  # the server is that pid
        process.send_signal(stop)
        process.wait(timeout=30)
        deadline = time.monotonic() + 10
        while _listening(port) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _listening(port)
        assert not Path(f"/proc/{process.pid}").exists()
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        log.close()
    shutil.rmtree(tmp_path / ".streamlit", ignore_errors=True)
