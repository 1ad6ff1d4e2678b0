"""The DuckDB store: open it, bring its schema up to date, and run SQL files with bound parameters."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from dashboard.core.config import QUERIES_DIR
from dashboard.core.periods import Period, bank_holidays, period_of, quarters_between

SCHEMA_DIR = QUERIES_DIR / "schema"
_SCHEMA_FILE_RE = re.compile(r"^(\d+)_([a-z0-9_]+)\.sql$")
CALENDAR_FIRST_YEAR = 2000
CALENDAR_LAST_YEAR = 2050


class DatabaseError(RuntimeError):
    """The database cannot be opened or is not a PMF database."""


BUSY = "the database {path} is busy: {holder} has it open and locked; {advice}"
NEEDS_UPGRADE = "the database at {path} needs upgrading: run `pmf init` (or any write command)"
BUSY_WAIT = 5.0  # seconds an open waits, trying again, for another process to let go of the file
_BUSY_POLL = 0.1


def schema_files() -> list[tuple[int, str, Path]]:
    """queries/schema/NNN_name.sql, in order of NNN."""
    found = []
    for path in SCHEMA_DIR.glob("*.sql"):
        match = _SCHEMA_FILE_RE.match(path.name)
        if not match:
            raise DatabaseError(f"schema file {path.name} is not named NNN_name.sql")
        found.append((int(match[1]), match[2], path))
    return sorted(found)


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply every schema file not yet recorded, each in its own transaction; return the versions applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_versions "
        "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_versions").fetchall()}
    applied = []
    for version, name, path in schema_files():
        if version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(path.read_text(encoding="utf-8"))
            con.execute(
                "INSERT INTO schema_versions VALUES ($v, $n, $t)",
                {"v": version, "n": name, "t": datetime.now()},
            )
            if name == "core":
                _fill_calendar(con)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied


def calendar_frame(
    first_year: int = CALENDAR_FIRST_YEAR, last_year: int = CALENDAR_LAST_YEAR
) -> pd.DataFrame:
    days = pd.date_range(date(first_year, 1, 1), date(last_year, 12, 31), freq="D")
    hols = {pd.Timestamp(d) for d in bank_holidays(first_year, last_year)}
    working = (days.day_of_week < 5) & ~days.isin(list(hols))
    return pd.DataFrame(
        {
            "day": days.date,
            "is_working_day": working,
            "working_day_index": working.cumsum().astype("int32"),
        }
    )


def _fill_calendar(con: duckdb.DuckDBPyConnection) -> None:
    frame = calendar_frame()
    con.register("calendar_frame", frame)
    try:
        con.execute("INSERT INTO calendar SELECT day, is_working_day, working_day_index FROM calendar_frame")
    finally:
        con.unregister("calendar_frame")


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if need be) the database at `path` with its schema up to date: for writers. Waits up
    to BUSY_WAIT seconds while another process holds the file. With `read_only`, the file as it is, its
    schema neither brought up to date nor checked (`connect_read_only` checks it)."""
    target = str(path)
    if target != ":memory:":
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    con = _open(target, read_only=read_only)
    if not read_only:
        migrate(con)
    return con


def connect_read_only(path: Path | str) -> duckdb.DuckDBPyConnection:
    """Open the existing database at `path` to read, never migrating it: many processes may read one file
    at once (and read a file they may not write). Refused in one sentence when its schema is behind."""
    target = str(path)
    con = _open(target, read_only=True)
    if not schema_is_current(con):
        con.close()
        raise DatabaseError(NEEDS_UPGRADE.format(path=target))
    return con


def schema_is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Every schema file of this version of the code has been applied to the database."""
    try:
        done = {row[0] for row in con.execute("SELECT version FROM schema_versions").fetchall()}
    except duckdb.CatalogException:
        return False
    return {version for version, _, _ in schema_files()} <= done


def _open(target: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    """duckdb.connect, trying again for up to BUSY_WAIT seconds while another process holds the file."""
    deadline = time.monotonic() + BUSY_WAIT
    while True:
        try:
            return duckdb.connect(target, read_only=read_only)
        except duckdb.IOException as exc:
            # Only one process may open the file to write (DuckDB's rule): say so plainly, not in DuckDB's words.
            text = str(exc)
            if "Could not set lock" not in text and "Conflicting lock" not in text:
                raise DatabaseError(f"cannot open the database {target}: {text.splitlines()[0]}") from exc
            if time.monotonic() >= deadline:
                raise DatabaseError(busy_message(target, text)) from exc
            time.sleep(_BUSY_POLL)


def busy_message(target: str, duckdb_error: str) -> str:
    """The "busy" sentence, naming the process DuckDB's error says holds the file."""
    pid = re.search(r"\(PID (\d+)\)", duckdb_error)
    if pid is None:
        return BUSY.format(path=target, holder="another program", advice="close it and try again")
    kind = holder_kind(int(pid[1]))
    holder = {"pmf": "another `pmf` command", "dashboard": "the dashboard"}.get(kind, "another program")
    advice = "wait for it to finish and try again" if kind == "pmf" else "close it and try again"
    return BUSY.format(path=target, holder=f"{holder} (process {pid[1]})", advice=advice)


def holder_kind(pid: int) -> str:
    """What process `pid` is: "pmf" (pmf, python -m dashboard.cli), "dashboard" (Streamlit), else "other"."""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "other"
    words = [Path(a.decode(errors="replace")).name for a in args if a]
    if "streamlit" in words or any(w.startswith("streamlit") for w in words):
        return "dashboard"
    if "dashboard.cli" in words or any(w == "pmf" for w in words[:2]):
        return "pmf"
    return "other"


def database_exists(path: Path | str) -> bool:
    return str(path) != ":memory:" and Path(path).exists()


@cache
def read_sql(relative: str) -> str:
    """The text of queries/<relative>."""
    return (QUERIES_DIR / relative).read_text(encoding="utf-8")


def query_df(
    con: duckdb.DuckDBPyConnection, relative: str, params: dict[str, Any] | None = None
) -> pd.DataFrame:
    """Run queries/<relative> with bound parameters and return every row."""
    return con.execute(read_sql(relative), params or {}).df()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: commit when the block ends, roll back if it raises."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def data_version(con: duckdb.DuckDBPyConnection) -> str:
    """Changes whenever an upload, an edit, an undo, a target change, a sign-off or a reopen is applied: the
    key for cached results."""
    row = con.execute(read_sql("meta/data_version.sql")).fetchall()[0]
    return ".".join(str(part) for part in row)


SAMPLE_DATA_NOTE = "sample_data"


def data_quarters(con: duckdb.DuckDBPyConnection, today: date | None = None) -> list[Period]:
    """Every quarter from the first event held to the last (or the current quarter when there is no data)."""
    first, last = con.execute(read_sql("meta/event_date_range.sql")).fetchall()[0]
    if first is None:
        current = period_of(today or date.today())
        return [current]
    return quarters_between(first, last)


def note_database(con: duckdb.DuckDBPyConnection, note: str, value: str) -> None:
    """Record a fact about the database (kept once: the first time it was noted)."""
    run_script(
        con,
        read_sql("database_notes/set_note.sql"),
        {"note": note, "value": value, "noted_at": datetime.now()},
    )


def is_sample_database(con: duckdb.DuckDBPyConnection) -> bool:
    """True once any of the fictional sample workbooks was loaded into this database."""
    try:
        row = con.execute(read_sql("database_notes/has_note.sql"), {"note": SAMPLE_DATA_NOTE}).fetchall()
    except duckdb.CatalogException:  # a database opened read-only before its schema has the notes table
        return False
    return bool(row[0][0])


_PARAM_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def run_script(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> None:
    """Run each ';'-terminated statement of `sql`, binding only the parameters that statement names."""
    params = params or {}
    for statement in sql.split(";\n"):
        body = "\n".join(line for line in statement.splitlines() if not line.strip().startswith("--")).strip()
        if not body:
            continue
        wanted = set(_PARAM_RE.findall(body))
        con.execute(body, {k: v for k, v in params.items() if k in wanted})


def quote_identifier(name: str) -> str:
    """A double-quoted SQL identifier: for table and column names from the contract, never for values."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"not a plain identifier: {name!r}")
    return f'"{name}"'


def backup_database(source: Path | str, output: Path | str) -> None:
    """Write a consistent copy of the database at `source` to `output` (replaced whole, never half-written),
    reading `source` read-only: a backup runs beside the dashboard and other readers."""
    output = Path(output)
    partial = output.with_name(output.name + ".partial")
    partial.unlink(missing_ok=True)
    connect_read_only(source).close()  # refuses a schema that is behind, in one sentence
    deadline = time.monotonic() + BUSY_WAIT
    while True:
        con = duckdb.connect(":memory:")
        try:
            run_script(con, read_sql("meta/backup.sql"), {"source": str(source), "output": str(partial)})
            break
        except duckdb.IOException as exc:
            partial.unlink(missing_ok=True)
            text = str(exc)
            if "Conflicting lock" not in text and "Could not set lock" not in text:
                raise DatabaseError(f"cannot back up {source} to {output}: {text.splitlines()[0]}") from exc
            if time.monotonic() >= deadline:
                raise DatabaseError(busy_message(str(source), text)) from exc
            time.sleep(_BUSY_POLL)
        finally:
            con.close()
    partial.replace(output)


def database_status(con: duckdb.DuckDBPyConnection) -> str:
    """What `pmf serve --check` reports of a readable database: schema N, last upload #U (FILE) at TIME."""
    schema, upload_id, file_name, uploaded_at = con.execute(read_sql("meta/database_status.sql")).fetchall()[
        0
    ]
    last = f"#{upload_id} ({file_name}) at {uploaded_at:%Y-%m-%d %H:%M}" if upload_id is not None else "none"
    return f"schema {schema}, last upload {last}"
