"""`pmf kpis`, `pmf export` and `pmf report`: the figures of a period, on the screen, in the KPI pack and in
the report. `pmf kpis` shows beside each figure its commentary and, once the quarter is signed off, the
signed-off value and whether it has been revised since (dashboard.kpis.signoff)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from dashboard.cli_common import (
    UserError,
    db_option,
    open_existing,
    output_path,
    parse_period_arg,
    period_option,
    resolve_locality,
)
from dashboard.core.config import Settings

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from dashboard.core.periods import Period
    from dashboard.kpis.signoff import SignOff

#: Added by `pmf kpis` to the catalogue's columns (OUTPUT_COLUMNS), in JSON and CSV alike.
CYCLE_COLUMNS = ["commentary", "signed_off_value", "revised"]
REPORT_KINDS = ("quarterly", "executive")
REPORT_SUFFIXES = (".html", ".docx")


def add_output_commands(sub: Any) -> None:
    """The parsers of kpis, export and report, on the `pmf` subcommands."""
    kpis = sub.add_parser("kpis", help="the KPI scorecard for a period")
    period_option(kpis)
    kpis.add_argument("--locality", help="a locality (default: all localities together)")
    kpis.add_argument("--format", choices=("table", "csv", "json"), default="table")
    kpis.add_argument(
        "--publish",
        action="store_true",
        help="for publication: case figures for the partnership as a whole only, small counts as c",
    )
    db_option(kpis)

    export = sub.add_parser("export", help="write the KPI pack workbook for a period")
    period_option(export)
    export.add_argument("--publish", action="store_true", help="suppress small numbers, for publication")
    export.add_argument("-o", "--output", required=True, metavar="PATH", help="the .xlsx file to write")
    db_option(export)

    report = sub.add_parser(
        "report", help="write the quarterly or executive report (one HTML file, or a Word document)"
    )
    period_option(report)
    report.add_argument("--locality", help="a locality (default: all localities together)")
    report.add_argument(
        "--kind",
        choices=REPORT_KINDS,
        default="quarterly",
        help="quarterly (every section of the newsletter) or executive (what needs attention first)",
    )
    report.add_argument(
        "--publish", action="store_true", help="suppress small numbers and case names, for publication"
    )
    report.add_argument(
        "--pdf", action="store_true", help="also print it to PDF (FILE.pdf) with headless Chromium"
    )
    report.add_argument(
        "-o", "--output", required=True, metavar="PATH", help="the .html (or .docx, Word) file to write"
    )
    db_option(report)


def kpi_records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The JSON shape of `pmf kpis`: one object per row, percentages as percentages; with CYCLE_COLUMNS
    when the table has them."""
    import pandas as pd

    from dashboard.core.text import plain_number
    from dashboard.kpis.catalogue import OUTPUT_COLUMNS

    columns = OUTPUT_COLUMNS + [c for c in CYCLE_COLUMNS if c in table.columns]
    records = []
    for row in table[columns].itertuples(index=False):
        item = dict(zip(columns, row, strict=True))
        for key in ("numerator", "denominator", "value", "target", "signed_off_value"):
            if key in item:  # "c": hidden for publication
                item[key] = item[key] if isinstance(item[key], str) else plain_number(item[key])
        for key in ("locality", "category", "rag", "commentary"):
            if key in item:
                item[key] = None if item[key] is None or pd.isna(item[key]) else item[key]
        if "revised" in item:  # None: published, and the row hides a figure (its revision is withheld too)
            item["revised"] = None if item["revised"] is None else bool(item["revised"])
        records.append(item)
    return records


def cmd_kpis(args: argparse.Namespace, cfg: Settings) -> int:
    period = parse_period_arg(args.period)
    locality = resolve_locality(args.locality, cfg)
    con = open_existing(args, cfg, read_only=True)
    import pandas as pd

    from dashboard.core.exports import neutralise_formula
    from dashboard.core.readable import date_text
    from dashboard.core.text import plain_number
    from dashboard.kpis.catalogue import OUTPUT_COLUMNS, kpis_for
    from dashboard.kpis.signoff import current_signoff

    signoff = current_signoff(con, period.label)
    table = _with_cycle(con, kpis_for(con, period, cfg, locality), period, locality, cfg, args.publish)
    if args.format == "json":
        print(json.dumps(kpi_records(table), indent=2))
    elif args.format == "csv":
        # object columns keep whole numbers whole (15, not 15.0) and missing values empty
        frame = pd.DataFrame(kpi_records(table), columns=OUTPUT_COLUMNS + CYCLE_COLUMNS, dtype=object)
        frame.insert(
            len(OUTPUT_COLUMNS),
            "year_before",
            pd.Series(
                [v if isinstance(v, str) else plain_number(v) for v in table["previous_value"]],
                index=frame.index,
                dtype=object,
            ),
        )
        frame["commentary"] = frame["commentary"].map(neutralise_formula)  # text typed by people
        print(frame.to_csv(index=False), end="")
    else:
        print(
            f"KPIs for {period.label} ({date_text(period.start)} to {date_text(period.end)}), "
            f"{locality or 'all localities'}"
        )
        if signoff is not None:
            print(_signed_off_line(signoff, args.publish))
        print(_kpi_text_table(table, period.year_before.label, cfg.min_denominator, signoff))
        if args.publish:
            print(
                f"Published: case figures for the partnership as a whole only; c = a count from 1 to "
                f"{cfg.suppression_threshold}, not shown."
            )
        print(_commentary_lines(table), end="")
    return 0


def _signed_off_line(signoff: SignOff, publish: bool = False) -> str:
    from dashboard.core.control_chars import show_control_chars
    from dashboard.kpis.signoff import day_text, when

    if publish:  # who signed off is not published (as in the report)
        return (
            f"Signed off on {day_text(signoff.signed_off_at)}; a figure changed since is marked as revised."
        )
    return (
        f"Signed off by {show_control_chars(signoff.signed_off_by)} on {when(signoff.signed_off_at)}; "
        "a figure changed since is shown with its signed-off value."
    )


def _with_cycle(
    con: duckdb.DuckDBPyConnection,
    table: pd.DataFrame,
    period: Period,
    locality: str | None,
    cfg: Settings,
    publish: bool,
) -> pd.DataFrame:
    """The scorecard (published when `publish`) with CYCLE_COLUMNS. Published: the rows the publication
    keeps, each with its KPI's commentary, and the signed-off values under the same publication rule as the
    live ones (a small signed-off count is "c" too); `revised` compares the true values."""
    from dashboard.kpis.signoff import with_signoff

    marked = with_signoff(con, table, period.label)
    notes = _commentary(con, period, locality)
    if publish:
        shown = _published(table, cfg)
        revised = {_key(r): bool(r.revised) for r in marked.itertuples(index=False)}
        signed = _published_snapshot(con, period, locality, cfg)
        # A row the publication hides any part of ("c") says nothing about its sign-off either: its signed-off
        # value next to a hidden one, or whether it moved, could give the hidden count away.
        hidden = [_any_hidden(r) for r in shown.itertuples(index=False)]
        shown["revised"] = pd_object(
            shown,
            [
                None if h else revised.get(_key(r), False)
                for r, h in zip(shown.itertuples(index=False), hidden, strict=True)
            ],
        )
        shown["signed_off_value"] = pd_object(
            shown,
            [
                ("c" if signed.get(_key(r)) is not None else None) if h else signed.get(_key(r))
                for r, h in zip(shown.itertuples(index=False), hidden, strict=True)
            ],
        )
    else:
        shown = marked
    if publish:  # one rule for every published output (dashboard.publish.suppression)
        from dashboard.kpis.catalogue import load_catalogue
        from dashboard.publish.suppression import commentary_is_published

        kinds = {k.id: k.publication for k in load_catalogue()}
        notes = {k: text for k, text in notes.items() if commentary_is_published(kinds.get(k), locality)}
    shown["commentary"] = pd_object(shown, [notes.get(str(k)) for k in shown["kpi"]])
    return shown


def _any_hidden(row: Any) -> bool:
    return any(getattr(row, column, None) == "c" for column in ("value", "numerator", "denominator"))


def pd_object(frame: pd.DataFrame, values: list[Any]) -> Any:
    """`values` as an object column of `frame`, row by row (by position, whatever the frame's index)."""
    import pandas as pd

    return pd.Series(values, index=frame.index, dtype=object)


def _key(row: Any) -> tuple[str, str | None, str | None]:
    def text(v: object) -> str | None:
        return v if isinstance(v, str) else None

    return str(row.kpi), text(row.locality), text(row.category)


def _commentary(con: duckdb.DuckDBPyConnection, period: Period, locality: str | None) -> dict[str, str]:
    """Each KPI's commentary for the quarter and locality (none for a year: commentary is by quarter)."""
    if not period.is_quarter:
        return {}
    from dashboard.kpis.commentary import commentary_for

    notes = commentary_for(con, period.label, locality)
    return {str(k): str(c) for k, c in zip(notes["kpi"], notes["commentary"], strict=True)}


def _published_snapshot(
    con: duckdb.DuckDBPyConnection, period: Period, locality: str | None, cfg: Settings
) -> dict[tuple[str, str | None, str | None], Any]:
    """The signed-off values of the period and locality under the publication rule, by (kpi, locality,
    category); empty when the period is not signed off."""
    from dashboard.kpis.signoff import current_signoff, snapshot_rows

    signoff = current_signoff(con, period.label)
    if signoff is None:
        return {}
    frozen = snapshot_rows(con, signoff.snapshot_id)
    mine = frozen["locality"].isna() if locality is None else frozen["locality"] == locality
    published = _publish_rows(frozen[mine].reset_index(drop=True), cfg)
    return {_key(r): r.value for r in published.itertuples(index=False)}


def _publish_rows(table: pd.DataFrame, cfg: Settings) -> pd.DataFrame:
    from dashboard.kpis.catalogue import load_catalogue
    from dashboard.publish.suppression import publish_kpi_rows

    catalogue = load_catalogue()
    return publish_kpi_rows(
        table,
        {k.id: k.publication for k in catalogue},
        {k.id: k.unit for k in catalogue},
        cfg.suppression_threshold,
    ).table


def _published(table: pd.DataFrame, cfg: Settings) -> pd.DataFrame:
    """The scorecard under the publication rule (dashboard.publish.suppression.publish_kpi_rows): case KPIs for the
    partnership as a whole only, small counts "c"; the year before left out (its own rows would need the
    same rule across both periods: the KPI pack and the report show it)."""
    shown = _publish_rows(table, cfg)
    shown["previous_value"] = None
    return shown


def _value_cell(row: Any, min_denominator: int, signoff: SignOff | None) -> str:
    """The value as people read it, and its signed-off value beside it when revised since."""
    from dashboard.core.text import format_value, kpi_value_text

    hidden = any(isinstance(v, str) for v in (row.value, row.numerator, row.denominator))
    if hidden:
        value = row.value if isinstance(row.value, str) else format_value(row.value, row.unit)
    else:
        value = kpi_value_text(row.value, row.unit, row.numerator, row.denominator, min_denominator)
    if signoff is None or not getattr(row, "revised", False):
        return value
    signed = row.signed_off_value
    before = signed if isinstance(signed, str) else format_value(signed, row.unit)
    from dashboard.kpis.signoff import day_text

    return f"{value} (signed off {day_text(signoff.signed_off_at)}: {before})"


def _kpi_text_table(
    table: pd.DataFrame, before_label: str, min_denominator: int = 5, signoff: SignOff | None = None
) -> str:
    """The KPIs as the README's transcript shows them. Columns are padded here (str.ljust): pandas'
    to_string right-aligns text and draws no rule under the header, and tabulate is not a dependency."""
    import pandas as pd

    from dashboard.core.text import format_count, format_value, fraction_text

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
        else:
            fraction = fraction_text(row.numerator, row.denominator, row.unit)
        no_count = not isinstance(row.numerator, str) and pd.isna(row.numerator)
        target = "" if is_category or pd.isna(row.target) else format_value(row.target, row.unit)
        lines.append(
            [
                "" if is_category else row.kpi,
                title,
                _value_cell(row, min_denominator, signoff),
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


def _commentary_lines(table: pd.DataFrame) -> str:
    """'Commentary:' and each KPI's commentary on one line (control characters written out), or nothing."""
    from dashboard.core.control_chars import show_control_chars

    seen: dict[str, str] = {}
    for kpi, text in zip(table["kpi"], table["commentary"], strict=True):
        if isinstance(text, str) and str(kpi) not in seen:
            seen[str(kpi)] = text
    if not seen:
        return ""
    return "Commentary:\n" + "".join(f"  {k}: {show_control_chars(t)}\n" for k, t in seen.items())


def cmd_export(args: argparse.Namespace, cfg: Settings) -> int:
    period = parse_period_arg(args.period)
    output = output_path(args.output, ".xlsx", "the KPI pack is an Excel workbook")
    con = open_existing(args, cfg, read_only=True)
    from dashboard.publish.pack import write_kpi_pack

    try:
        path = write_kpi_pack(con, period, cfg, output, publish=args.publish)
    except OSError as exc:
        raise UserError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
    print(f"Wrote {path}" + (" (published: small numbers suppressed)" if args.publish else ""))
    return 0


def _report_output(text: str, pdf: bool) -> str:
    """The suffix of the report to write, .html or .docx; --pdf prints the HTML one."""
    from pathlib import Path

    from dashboard.cli_common import UsageError

    suffix = Path(text).suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        raise UsageError(
            f"{text}: the report is an HTML file or a Word document; its name must end in .html or .docx"
        )
    if pdf and suffix == ".docx":
        raise UsageError("--pdf prints the HTML report: give an output ending in .html")
    return suffix


def cmd_report(args: argparse.Namespace, cfg: Settings) -> int:
    period = parse_period_arg(args.period)
    locality = resolve_locality(args.locality, cfg)
    suffix = _report_output(args.output, args.pdf)
    output = output_path(args.output, suffix, "the report")
    con = open_existing(args, cfg, read_only=True)
    published = " (published: small numbers suppressed)" if args.publish else ""
    if suffix == ".docx":
        from dashboard.publish.report_docx import report_docx

        data = report_docx(con, period, cfg, locality=locality, publish=args.publish, kind=args.kind)
        _write(output, args.output, data)
        print(f"Wrote {output}{published}")
        return 0
    from dashboard.publish.report import ReportError, build_report, report_pdf

    html = build_report(con, period, cfg, locality=locality, publish=args.publish, kind=args.kind)
    _write(output, args.output, html.encode("utf-8"))
    print(f"Wrote {output}{published}")
    if args.pdf:
        try:
            pdf = report_pdf(html, output.with_suffix(".pdf"))
        except ReportError as exc:
            raise UserError(str(exc)) from exc
        print(f"Wrote {pdf}")
    return 0


def _write(output: Any, given: str, data: bytes) -> None:
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)
    except OSError as exc:
        raise UserError(f"cannot write {given}: {exc.strerror or exc}") from exc
