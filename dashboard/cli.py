"""`pmf`: the command line, a thin shell over the functions the app calls.

Each command imports what it needs when it runs, so that `pmf --help` and a mistyped command answer at once
instead of after loading pandas, DuckDB and openpyxl.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from dashboard.cli_common import (
    UsageError,
    UserError,
    check_exists,
    db_option,
    db_path,
    open_existing,
)
from dashboard.cli_outputs import add_output_commands, cmd_export, cmd_kpis, cmd_report
from dashboard.cli_signoff import add_signoff_command, cmd_signoff
from dashboard.core.config import ConfigError, Settings, settings
from dashboard.ingest.contract import DATASET_NAMES


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(
            f"{message} (see pmf {self.prog.split(' ', 1)[-1] if ' ' in self.prog else ''} --help)".replace(
                "  ", " "
            )
        )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="pmf", description="PMF dashboard: load spreadsheets, compute the partnership's KPIs."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    load = sub.add_parser("load", help="validate and load workbooks (.xlsx) or .csv files")
    load.add_argument("files", nargs="+", metavar="FILE")
    load.add_argument(
        "--dry-run", action="store_true", help="check and show what would change; store nothing"
    )
    load.add_argument(
        "--replace",
        metavar="DATASET",
        choices=DATASET_NAMES,
        help="replace this whole dataset with the file's rows",
    )
    load.add_argument(
        "--dataset",
        choices=DATASET_NAMES,
        help="the dataset of a single-table file, when its headers are ambiguous",
    )
    load.add_argument("--user", help="who is uploading (default: your login name)")
    db_option(load)

    undo = sub.add_parser("undo", help="undo the latest upload, restoring the data exactly as before it")
    undo.add_argument("--user", help="who is undoing (default: your login name)")
    db_option(undo)

    audit = sub.add_parser(
        "audit-log", help="who uploaded, edited, undid, changed a target or signed off, and when"
    )
    audit.add_argument("--format", choices=("table", "csv"), default="table")
    db_option(audit)

    uploads = sub.add_parser("uploads", help="the upload log")
    db_option(uploads)

    add_output_commands(sub)
    template = sub.add_parser("template", help="write a blank template workbook")
    template.add_argument("dataset", choices=(*DATASET_NAMES, "all"))
    template.add_argument("-o", "--output", required=True, metavar="PATH")
    add_signoff_command(sub)

    init = sub.add_parser(
        "init", help="create the database, loading the sample workbooks if it does not exist"
    )
    db_option(init)

    serve = sub.add_parser(
        "serve", help="start the dashboard (creating the database from the sample if need be)"
    )
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--address", default="127.0.0.1")
    serve.add_argument(
        "--local",
        action="store_true",
        help="local mode: no sign-in, whoever uses this computer is an admin (127.0.0.1 only)",
    )
    serve.add_argument(
        "--check", action="store_true", help="say whether the app can read its database; start nothing"
    )
    db_option(serve)

    backup = sub.add_parser("backup", help="write a consistent copy of the database, even while it is in use")
    backup.add_argument("-o", "--output", required=True, metavar="FILE", help="the copy to write")
    db_option(backup)
    return parser


def cmd_load(args: argparse.Namespace, cfg: Settings) -> int:
    check_exists(args, cfg)
    files = _read_files(args.files)
    from dashboard.ingest.workbook import read_ahead

    read_ahead(files)  # calamine parses while pandas and DuckDB are imported
    from dashboard.ingest.load import UploadRejected, current_user, load_uploads
    from dashboard.ingest.validate import validate_upload

    reports = [validate_upload(data, file_name, cfg, args.dataset) for file_name, data in files]
    for report in reports:
        for warning in report.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    if not all(report.ok for report in reports):
        for report in reports:
            if not report.ok:
                _print_errors(report)
        print("Nothing was stored.", file=sys.stderr)
        return 1
    con = open_existing(args, cfg)  # only now: a rejected file does not wait for the database
    try:  # every file is one upload: all of them or none (a store check failing in any stores nothing)
        result = load_uploads(
            con, reports, args.user or current_user(), replace=args.replace, dry_run=args.dry_run
        )
    except UploadRejected as exc:
        for rejected in exc.reports:
            _print_errors(rejected)
        print("Nothing was stored.", file=sys.stderr)
        return 1
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    if result.changed and not args.dry_run:
        from dashboard.kpis.results import refresh_results

        refresh_results(con, cfg)  # every KPI of every period held, ready before the load is reported done
    print(f"{', '.join(r.file_name for r in reports)}:")
    for line in result.summary_lines():
        print(f"  {line}")
    return 0


def _read_files(names: Sequence[str]) -> list[tuple[str, bytes]]:
    """Each file's name and bytes; a file that is missing or unreadable is a UserError naming it."""
    files: list[tuple[str, bytes]] = []
    for name in names:
        path = Path(name)
        if not path.is_file():
            raise UserError(f"{name}: no such file")
        try:
            files.append((path.name, path.read_bytes()))
        except OSError as exc:
            raise UserError(f"{name}: cannot be read ({exc.strerror or exc})") from exc
    return files


def _print_errors(report: Any) -> None:
    print(f"{report.file_name}: rejected, {report.error_count:,} error(s):", file=sys.stderr)
    for problem in report.shown_errors():
        print(f"  {problem}", file=sys.stderr)


def cmd_undo(args: argparse.Namespace, cfg: Settings) -> int:
    from dashboard.ingest.load import NothingToUndo, current_user, undo_latest

    con = open_existing(args, cfg)
    try:
        result = undo_latest(con, args.user or current_user())
    except NothingToUndo as exc:
        raise UserError(str(exc)) from exc
    from dashboard.kpis.results import refresh_results

    refresh_results(con, cfg)
    restored = ", ".join(f"{n} ({c} rows written by it)" for n, c in result.restored.items()) or "no rows"
    print(
        f"Undid upload {result.upload_id} ({result.file_name}): {restored} put back as they were before it."
    )
    return 0


def cmd_uploads(args: argparse.Namespace, cfg: Settings) -> int:
    con = open_existing(args, cfg, read_only=True)
    import pandas as pd

    from dashboard.ingest.load import upload_history

    history = upload_history(con)
    if history.empty:
        print("No uploads yet.")
        return 0
    for upload_id, group in history.groupby("upload_id", sort=False):
        first = group.iloc[0]
        state = (
            f"undone {first['undone_at']:%Y-%m-%d %H:%M} by {first['undone_by']}"
            if pd.notna(first["undone_at"])
            else "in force"
        )
        mode = f", replace {first['replaced_dataset']}" if first["mode"] == "replace" else ""
        print(
            f"#{upload_id}  {first['uploaded_at']:%Y-%m-%d %H:%M}  {first['uploaded_by']}  {first['file_name']}{mode}  [{state}]"
        )
        for _, row in group.iterrows():
            removed = f", {row['removed']} removed" if row["removed"] else ""
            print(
                f"      {row['dataset']}: {row['added']} added, {row['replaced']} replaced{removed}, {row['unchanged']} unchanged"
            )
    return 0


def cmd_audit_log(args: argparse.Namespace, cfg: Settings) -> int:
    from dashboard.kpis.audit_log import audit_log

    log = audit_log(open_existing(args, cfg, read_only=True))
    if args.format == "csv":
        from dashboard.core.exports import csv_bytes

        sys.stdout.write(csv_bytes(log).decode("utf-8-sig"))
        return 0
    if log.empty:
        print("Nothing recorded yet.")
        return 0
    for row in log.itertuples(index=False):
        print(f"{row.at:%Y-%m-%d %H:%M}  {row.user}  {row.action}: {row.detail}")
    return 0


def cmd_template(args: argparse.Namespace, cfg: Settings) -> int:
    output = Path(args.output)
    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"{args.output}: a template is an Excel workbook; its name must end in .xlsx")
    if output.is_dir():
        raise UserError(f"{args.output} is a folder: give the path of the .xlsx file to write")
    from dashboard.ingest.template_workbooks import write_template

    try:
        path = write_template(output, cfg, None if args.dataset == "all" else [args.dataset])
    except OSError as exc:
        raise UserError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
    print(f"Wrote {path}")
    return 0


def cmd_init(args: argparse.Namespace, cfg: Settings) -> int:
    path = db_path(args, cfg)
    if path.is_dir():
        raise UserError(f"{path} is a folder: give the path of the database file")
    from dashboard.service import prepare_database  # creates it, or brings an older schema up to date

    messages = prepare_database(path, cfg)
    print("\n".join(messages) if messages else f"{path} already exists; nothing to do.")
    return 0


def cmd_serve(args: argparse.Namespace, cfg: Settings) -> int:
    """Start the dashboard from its folder ([server] folder, else the project), wherever `pmf serve` is run,
    so that its .streamlit/config.toml and secrets.toml are the ones in force. `make run` relies on it
    creating the database from the sample workbooks when there is none (what `pmf init` does). Streamlit
    then takes this process's place (dashboard.service.exec_streamlit): SIGTERM or Ctrl+C stops it."""
    from dashboard import service

    if args.check:
        print(service.check_database(db_path(args, cfg)))
        return 0
    if args.local and args.address not in service.LOOPBACK_ADDRESSES and not args.address.startswith("127."):
        raise UsageError(
            f"--local listens on this computer only; --address {args.address} is a network address"
        )
    if not cfg.app_folder.is_dir():
        raise UserError(f"the dashboard's folder {cfg.app_folder} ([server] folder) does not exist")
    secrets = [cfg.streamlit_folder / "secrets.toml", Path.home() / ".streamlit" / "secrets.toml"]
    if not (args.local or cfg.local_mode or any(p.exists() for p in secrets)):
        raise UserError(
            f"sign-in is not configured (no {secrets[0]}): start the dashboard with `pmf serve --local` "
            "for use on this computer only, or configure sign-in (see the README, 'Deploying with sign-in')"
        )
    path = db_path(args, cfg)
    if path.is_dir():
        raise UserError(f"{path} is a folder: give the path of the database file")
    for line in service.prepare_database(path, cfg):
        print(line)
    mode = "local mode, no sign-in" if args.local or cfg.local_mode else "sign-in as configured"
    print(f"Serving the dashboard on http://{args.address}:{args.port} ({mode}; Ctrl+C stops it)")
    service.exec_streamlit(
        service.streamlit_command(args.address, args.port),
        service.streamlit_environment(path, args.local),
        cfg.app_folder,
    )


def cmd_backup(args: argparse.Namespace, cfg: Settings) -> int:
    """A consistent copy, read-only from the database: it runs while the dashboard and other readers do."""
    path = check_exists(args, cfg)
    output = Path(args.output)
    if output.is_dir():
        raise UserError(f"{args.output} is a folder: give the path of the backup file to write")
    if output.resolve() == path.resolve():
        raise UsageError(f"{args.output} is the database itself: give another file for the copy")
    from dashboard.core.db import backup_database

    backup_database(path, output)
    print(f"Wrote {output}: a copy of {path} (restore: see the README, 'Backups')")
    return 0


COMMANDS = {
    "load": cmd_load,
    "undo": cmd_undo,
    "uploads": cmd_uploads,
    "audit-log": cmd_audit_log,
    "kpis": cmd_kpis,
    "signoff": cmd_signoff,
    "template": cmd_template,
    "export": cmd_export,
    "report": cmd_report,
    "init": cmd_init,
    "serve": cmd_serve,
    "backup": cmd_backup,
}


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        cfg = settings()
        return COMMANDS[args.command](args, cfg)
    except UsageError as exc:
        print(f"pmf: {exc}", file=sys.stderr)
        return 2
    except (UserError, ConfigError) as exc:
        print(f"pmf: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except Exception as exc:
        message = _user_facing(exc)
        if message is None:
            raise  # a bug: show the traceback
        print(f"pmf: {message}", file=sys.stderr)
        return 1


def _user_facing(exc: Exception) -> str | None:
    """The one-line message for a problem with the database or the KPI catalogue; None for anything else."""
    import duckdb

    from dashboard.core.db import DatabaseError
    from dashboard.kpis.catalogue import CatalogueError

    if isinstance(exc, DatabaseError | CatalogueError):
        return str(exc)
    if isinstance(exc, duckdb.IOException):
        return f"the database is in use or cannot be opened: {str(exc).splitlines()[0]}"
    return None


if __name__ == "__main__":
    sys.exit(main())
