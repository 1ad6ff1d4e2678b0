"""`pmf serve` as a service: the database made ready, its health checked, and Streamlit started in the
place of the `pmf` process (exec), so that SIGTERM or Ctrl+C sent to that process stops the server itself.

The command line's layer (beside dashboard.cli, which calls it): no Streamlit import here; Streamlit is a
program this module starts.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

from dashboard.core.config import LOCAL_MODE_ENV, PACKAGE_DIR, Settings

LOOPBACK_ADDRESSES = ("127.0.0.1", "localhost", "::1")


def prepare_database(path: Path, cfg: Settings) -> list[str]:
    """Create the database from the sample workbooks when there is none (what `make run` relies on), and
    bring a schema left behind by an older version up to date; say what was done. A database that is
    current is only read, so a second `pmf serve` starts beside a running one."""
    from dashboard.core.db import DatabaseError, connect, connect_read_only
    from dashboard.ingest.sample import ensure_database

    lines = ensure_database(path, cfg)
    try:
        connect_read_only(path).close()
    except DatabaseError as exc:
        if "needs upgrading" not in str(exc):
            raise
        connect(path).close()  # migrates
        lines.append(f"Brought the schema of {path} up to date.")
    lines.extend(refresh_kpi_results(path, cfg))
    return lines


def refresh_kpi_results(path: Path, cfg: Settings) -> list[str]:
    """Store the KPI results of the data held when they are not current (a new database, an older version's,
    a new day, a changed configuration or KPI file), so the first page view reads them; [] when they are, and
    when another program is writing (the pages then compute the figures themselves, as before)."""
    from dashboard.core.db import DatabaseError, connect, connect_read_only
    from dashboard.kpis.results import is_current, refresh_results

    reader = connect_read_only(path)
    try:  # read first: a current store needs no write connection, so a second server starts beside one
        if is_current(reader, cfg):
            return []
    finally:
        reader.close()
    try:
        writer = connect(path)
    except DatabaseError:
        return []
    try:
        done = refresh_results(writer, cfg)
    finally:
        writer.close()
    return [done.line()] if done.computed or done.failed else []


def check_database(path: Path) -> str:
    """One line saying the app can read its database ("ok: PATH, schema N, last upload ..."); DatabaseError
    (one sentence) when it cannot. Starts no server and changes nothing."""
    from dashboard.core.db import DatabaseError, connect_read_only, database_status

    if str(path) != ":memory:" and not path.exists():
        raise DatabaseError(
            f"there is no database at {path}: `pmf serve` creates it from the sample workbooks, "
            "or run `pmf init`"
        )
    con = connect_read_only(path)
    try:
        return f"ok: {path}, {database_status(con)}"
    finally:
        con.close()


def streamlit_command(address: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(PACKAGE_DIR / "app" / "streamlit_app.py"),
        "--server.address",
        address,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]


def streamlit_environment(path: Path, local: bool) -> dict[str, str]:
    """The environment of the app: the database and configuration as absolute paths (it runs from its own
    folder), local mode on or off."""
    env = dict(os.environ, PMF_DB=str(path.resolve()))
    if os.environ.get("PMF_CONFIG"):
        env["PMF_CONFIG"] = str(Path(os.environ["PMF_CONFIG"]).resolve())
    if local:
        env[LOCAL_MODE_ENV] = "1"
    else:
        env.pop(LOCAL_MODE_ENV, None)
    return env


def exec_streamlit(command: list[str], env: dict[str, str], folder: Path) -> NoReturn:
    """Replace this process with Streamlit, run from `folder` (so its .streamlit/ is the one in force): the
    process id stays the same, so a service manager's or a script's SIGTERM reaches the server."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(folder)
    os.execve(command[0], command, env)
