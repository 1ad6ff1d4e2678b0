"""`pmf`: the command line, a thin shell over the functions the app calls.

Each command imports what it needs when it runs, so that `pmf --help` and a mistyped command answer at once
instead of after loading pandas, DuckDB and openpyxl.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from dashboard.core.config import ConfigError, Settings, settings
from dashboard.ingest.contract import DATASET_NAMES

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from dashboard.core.periods import Period


class UsageError(Exception):
    """Wrong arguments: exit 2 with one line."""


class UserError(Exception):
    """Something the user can fix: exit 1 with the message, no traceback."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(
            f"{message} (see pmf {self.prog.split(' ', 1)[-1] if ' ' in self.prog else ''} --help)".replace(
                "  ", " "
            )
        )


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", metavar="PATH", help="the database file (default: $PMF_DB, else the configuration's)"
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
    _db_option(load)

    undo = sub.add_parser("undo", help="undo the latest upload, restoring the data exactly as before it")
    undo.add_argument("--user", help="who is undoing (default: your login name)")
    _db_option(undo)

    audit = sub.add_parser("audit-log", help="who uploaded, replaced, undid or changed a target, and when")
    audit.add_argument("--format", choices=("table", "csv"), default="table")
    _db_option(audit)

    uploads = sub.add_parser("uploads", help="the upload log")
    _db_option(uploads)

    kpis = sub.add_parser("kpis", help="the KPI scorecard for a period")
    kpis.add_argument(
        "--period", required=True, help='a quarter such as "2023-24 Q3" or a year such as 2023-24'
    )
    kpis.add_argument("--locality", help="a locality (default: all localities together)")
    kpis.add_argument("--format", choices=("table", "csv", "json"), default="table")
    kpis.add_argument(
        "--publish",
        action="store_true",
        help="for publication: case figures for the partnership as a whole only, small counts as c",
    )
    _db_option(kpis)

    template = sub.add_parser("template", help="write a blank template workbook")
    template.add_argument("dataset", choices=(*DATASET_NAMES, "all"))
    template.add_argument("-o", "--output", required=True, metavar="PATH")

    export = sub.add_parser("export", help="write the KPI pack workbook for a period")
    export.add_argument(
        "--period", required=True, help='a quarter such as "2023-24 Q3" or a year such as 2023-24'
    )
    export.add_argument("--publish", action="store_true", help="suppress small numbers, for publication")
    export.add_argument("-o", "--output", required=True, metavar="PATH", help="the .xlsx file to write")
    _db_option(export)

    report = sub.add_parser("report", help="write the quarterly report (one self-contained HTML file)")
    report.add_argument(
        "--period", required=True, help='a quarter such as "2023-24 Q3" or a year such as 2023-24'
    )
    report.add_argument("--locality", help="a locality (default: all localities together)")
    report.add_argument(
        "--publish", action="store_true", help="suppress small numbers and case names, for publication"
    )
    report.add_argument(
        "--pdf", action="store_true", help="also print it to PDF (FILE.pdf) with headless Chromium"
    )
    report.add_argument("-o", "--output", required=True, metavar="PATH", help="the .html file to write")
    _db_option(report)

    init = sub.add_parser(
        "init", help="create the database, loading the sample workbooks if it does not exist"
    )
    _db_option(init)

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
    _db_option(serve)

    backup = sub.add_parser("backup", help="write a consistent copy of the database, even while it is in use")
    backup.add_argument("-o", "--output", required=True, metavar="FILE", help="the copy to write")
    _db_option(backup)
    return parser


def _db_path(args: argparse.Namespace, cfg: Settings) -> Path:
    return Path(args.db) if getattr(args, "db", None) else cfg.database_path


def _check_exists(args: argparse.Namespace, cfg: Settings) -> Path:
    """The database path, refused when there is no database there: only `pmf init` creates one, so a
    mistyped --db or PMF_DB never becomes a new empty database (nor its folders)."""
    path = _db_path(args, cfg)
    if str(path) != ":memory:" and not path.exists():  # checked before importing DuckDB: a quick answer
        raise UserError(f"there is no database at {path}: run `pmf init` to create it")
    return path


def _open_existing(
    args: argparse.Namespace, cfg: Settings, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open the database for any command but init and serve: never create one at a mistyped path. A read
    command opens it read-only (beside the dashboard and other readers, never migrating it)."""
    path = _check_exists(args, cfg)
    from dashboard.core.db import connect, connect_read_only

    return connect_read_only(path) if read_only else connect(path)


def _resolve_locality(text: str | None, cfg: Settings) -> str | None:
    from dashboard.core.config import UnknownLocalityError

    try:
        return cfg.resolve_locality(text)
    except UnknownLocalityError as exc:
        raise UsageError(str(exc)) from exc


def cmd_load(args: argparse.Namespace, cfg: Settings) -> int:
    _check_exists(args, cfg)
    files = _read_files(args.files)

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
    con = _open_existing(args, cfg)  # only now: a rejected file does not wait for the database
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

    con = _open_existing(args, cfg)
    try:
        result = undo_latest(con, args.user or current_user())
    except NothingToUndo as exc:
        raise UserError(str(exc)) from exc
    restored = ", ".join(f"{n} ({c} rows written by it)" for n, c in result.restored.items()) or "no rows"
    print(
        f"Undid upload {result.upload_id} ({result.file_name}): {restored} put back as they were before it."
    )
    return 0


def cmd_uploads(args: argparse.Namespace, cfg: Settings) -> int:
    con = _open_existing(args, cfg, read_only=True)
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

    log = audit_log(_open_existing(args, cfg, read_only=True))
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


def kpi_records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The JSON shape of `pmf kpis`: one object per row, percentages as percentages."""
    import pandas as pd

    from dashboard.core.text import plain_number
    from dashboard.kpis.catalogue import OUTPUT_COLUMNS

    records = []
    for row in table[OUTPUT_COLUMNS].itertuples(index=False):
        item = dict(zip(OUTPUT_COLUMNS, row, strict=True))
        for key in ("numerator", "denominator", "value", "target"):
            item[key] = item[key] if isinstance(item[key], str) else plain_number(item[key])  # "c": hidden
        for key in ("locality", "category", "rag"):
            item[key] = None if item[key] is None or pd.isna(item[key]) else item[key]
        records.append(item)
    return records


def cmd_kpis(args: argparse.Namespace, cfg: Settings) -> int:
    period = _period(args.period)
    locality = _resolve_locality(args.locality, cfg)
    con = _open_existing(args, cfg, read_only=True)
    import pandas as pd

    from dashboard.core.text import plain_number
    from dashboard.kpis.catalogue import OUTPUT_COLUMNS, kpis_for

    table = kpis_for(con, period, cfg, locality)
    if args.publish:
        table = _published(table, cfg)
    if args.format == "json":
        print(json.dumps(kpi_records(table), indent=2))
    elif args.format == "csv":
        # object columns keep whole numbers whole (15, not 15.0) and missing values empty
        frame = pd.DataFrame(kpi_records(table), columns=OUTPUT_COLUMNS, dtype=object)
        frame["year_before"] = pd.Series(
            [v if isinstance(v, str) else plain_number(v) for v in table["previous_value"]],
            index=frame.index,
            dtype=object,
        )
        print(frame.to_csv(index=False), end="")
    else:
        print(
            f"KPIs for {period.label} ({period.start:%d %b %Y} to {period.end:%d %b %Y}), {locality or 'all localities'}"
        )
        print(_kpi_text_table(table, period.year_before.label, cfg.min_denominator))
        if args.publish:
            print(
                f"Published: case figures for the partnership as a whole only; c = a count from 1 to "
                f"{cfg.suppression_threshold}, not shown."
            )
    return 0


def _published(table: pd.DataFrame, cfg: Settings) -> pd.DataFrame:
    """The scorecard under the publication rule (dashboard.publish.suppression.publish_kpi_rows): case KPIs for the
    partnership as a whole only, small counts "c"; the year before left out (its own rows would need the
    same rule across both periods: the KPI pack and the report show it)."""
    from dashboard.kpis.catalogue import load_catalogue
    from dashboard.publish.suppression import publish_kpi_rows

    catalogue = load_catalogue()
    shown = publish_kpi_rows(
        table,
        {k.id: k.publication for k in catalogue},
        {k.id: k.unit for k in catalogue},
        cfg.suppression_threshold,
    ).table
    shown["previous_value"] = None
    return shown


def _kpi_text_table(table: pd.DataFrame, before_label: str, min_denominator: int = 5) -> str:
    """The KPIs as the README's transcript shows them. Columns are padded here (str.ljust): pandas'
    to_string right-aligns text and draws no rule under the header, and tabulate is not a dependency."""
    import pandas as pd

    from dashboard.core.text import format_count, format_value, fraction_text, kpi_value_text

    def count(value: Any) -> str:
        return value if isinstance(value, str) else format_count(value)  # "c": hidden for publication

    headers = ["KPI", "Title", "Value", "Num / den", "Target", "RAG", before_label]
    lines = []
    for row in table.itertuples(index=False):
        is_category = row.category is not None and not pd.isna(row.category)
        title = f"  {row.category}" if is_category else row.title
        hidden = any(isinstance(v, str) for v in (row.value, row.numerator, row.denominator))
        if hidden:
            fraction = " / ".join(count(x) for x in (row.numerator, row.denominator) if x is not None)
            value = row.value if isinstance(row.value, str) else format_value(row.value, row.unit)
        else:
            fraction = fraction_text(row.numerator, row.denominator, row.unit)
            value = kpi_value_text(row.value, row.unit, row.numerator, row.denominator, min_denominator)
        no_count = not isinstance(row.numerator, str) and pd.isna(row.numerator)
        target = "" if is_category or pd.isna(row.target) else format_value(row.target, row.unit)
        lines.append(
            [
                "" if is_category else row.kpi,
                title,
                value,
                "" if is_category and no_count else fraction,
                target,
                row.rag if isinstance(row.rag, str) else "",
                format_value(row.previous_value, row.unit),
            ]
        )
    widths = [max(len(h), *(len(r[i]) for r in lines)) for i, h in enumerate(headers)]
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in lines]
    return "\n".join(out)


def _period(text: str) -> Period:
    from dashboard.core.periods import PeriodError, parse_period

    try:
        return parse_period(text)
    except PeriodError as exc:
        raise UsageError(str(exc)) from exc


def _output(text: str, suffix: str, what: str) -> Path:
    output = Path(text)
    if output.suffix.lower() != suffix:
        raise UsageError(f"{text}: {what}; its name must end in {suffix}")
    if output.is_dir():
        raise UserError(f"{text} is a folder: give the path of the {suffix} file to write")
    return output


def cmd_export(args: argparse.Namespace, cfg: Settings) -> int:
    period = _period(args.period)
    output = _output(args.output, ".xlsx", "the KPI pack is an Excel workbook")
    con = _open_existing(args, cfg, read_only=True)
    from dashboard.publish.pack import write_kpi_pack

    try:
        path = write_kpi_pack(con, period, cfg, output, publish=args.publish)
    except OSError as exc:
        raise UserError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
    print(f"Wrote {path}" + (" (published: small numbers suppressed)" if args.publish else ""))
    return 0


def cmd_report(args: argparse.Namespace, cfg: Settings) -> int:
    period = _period(args.period)
    locality = _resolve_locality(args.locality, cfg)
    output = _output(args.output, ".html", "the report is an HTML file")
    con = _open_existing(args, cfg, read_only=True)
    from dashboard.publish.report import ReportError, build_report, report_pdf

    html = build_report(con, period, cfg, locality=locality, publish=args.publish)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
    print(f"Wrote {output}" + (" (published: small numbers suppressed)" if args.publish else ""))
    if args.pdf:
        try:
            pdf = report_pdf(html, output.with_suffix(".pdf"))
        except ReportError as exc:
            raise UserError(str(exc)) from exc
        print(f"Wrote {pdf}")
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
    path = _db_path(args, cfg)
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
        print(service.check_database(_db_path(args, cfg)))
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
    path = _db_path(args, cfg)
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
    path = _check_exists(args, cfg)
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
