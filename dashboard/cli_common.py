"""What the `pmf` commands share: the two kinds of user error, and opening the database, reading a period,
a locality and an output path from the arguments."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from dashboard.core.config import Settings

if TYPE_CHECKING:
    import duckdb

    from dashboard.core.periods import Period


class UsageError(Exception):
    """Wrong arguments: exit 2 with one line."""


class UserError(Exception):
    """Something the user can fix: exit 1 with the message, no traceback."""


def db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", metavar="PATH", help="the database file (default: $PMF_DB, else the configuration's)"
    )


def period_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--period", required=True, help='a quarter such as "2023-24 Q3" or a year such as 2023-24'
    )


def db_path(args: argparse.Namespace, cfg: Settings) -> Path:
    return Path(args.db) if getattr(args, "db", None) else cfg.database_path


def check_exists(args: argparse.Namespace, cfg: Settings) -> Path:
    """The database path, refused when there is no database there: only `pmf init` creates one, so a
    mistyped --db or PMF_DB never becomes a new empty database (nor its folders)."""
    path = db_path(args, cfg)
    if str(path) != ":memory:" and not path.exists():  # checked before importing DuckDB: a quick answer
        raise UserError(f"there is no database at {path}: run `pmf init` to create it")
    return path


def open_existing(
    args: argparse.Namespace, cfg: Settings, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open the database for any command but init and serve: never create one at a mistyped path. A read
    command opens it read-only (beside the dashboard and other readers, never migrating it)."""
    path = check_exists(args, cfg)
    from dashboard.core.db import connect, connect_read_only

    return connect_read_only(path) if read_only else connect(path)


def resolve_locality(text: str | None, cfg: Settings) -> str | None:
    from dashboard.core.config import UnknownLocalityError

    try:
        return cfg.resolve_locality(text)
    except UnknownLocalityError as exc:
        raise UsageError(str(exc)) from exc


def parse_period_arg(text: str) -> Period:
    from dashboard.core.periods import PeriodError, parse_period

    try:
        return parse_period(text)
    except PeriodError as exc:
        raise UsageError(str(exc)) from exc


def output_path(text: str, suffix: str, what: str) -> Path:
    output = Path(text)
    if output.suffix.lower() != suffix:
        raise UsageError(f"{text}: {what}; its name must end in {suffix}")
    if output.is_dir():
        raise UserError(f"{text} is a folder: give the path of the {suffix} file to write")
    return output
