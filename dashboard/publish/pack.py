"""The KPI pack: one Excel workbook for a period, formatted for people to read, print and pass on.

Sheets, in order:

* **Scorecard**: every KPI for all localities together and for each locality (breakdowns such as delivery
  mode under them): value, target, RAG (the word in a filled cell, never colour alone), numerator,
  denominator, the value a year before and the change on it.
* **Training**, **Audits**, **Case reviews**, **Action plan**: the records of the period, from the area
  modules (dashboard/training.py, audits.py, reviews.py, actions.py), as the app's pages show them.
* **Definitions**: each KPI's id, title, area, unit, direction, target, tolerance and description.

Number formats: percentages are stored as fractions (85.3% is the number 0.853) with the format ``0.0%``, so
Excel shows "85.3%" and sums and charts work; counts ``#,##0``; dates are date cells ``dd/mm/yyyy``. A change
in a percentage is in percentage points (the number 0.9 shown as "+0.9 pts").

``publish=True`` makes the version for publication (dashboard/suppression.py, threshold from the
configuration): counts from 1 to the threshold are shown as "c", with secondary suppression within each
KPI's table of localities by breakdown; a rate is "c" when its denominator is from 1 to the threshold or its
numerator or denominator is hidden (a rate next to its denominator gives the numerator back); a mean or
median is "c" when its denominator is hidden. The record-level sheets are left out (only aggregate tables are
published) and a footnote row explains "c". Without it the pack is for internal use and unsuppressed.

Every cell is written through dashboard.core.exports.write_cell, so text from an upload that starts like a
formula ("=HYPERLINK(...)", "-1+2") stays text.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from dashboard.areas import actions, audits, reviews, training
from dashboard.charts import ALL_LOCALITIES, RAG_COLOURS
from dashboard.core.config import Settings
from dashboard.core.db import is_sample_database
from dashboard.core.exports import cell_value, write_cell
from dashboard.core.periods import Period
from dashboard.core.text import format_count, is_missing, is_small_denominator
from dashboard.ingest.contract import DATASETS
from dashboard.kpis.catalogue import AREAS, Kpi, compute_kpis, load_catalogue, with_target_overrides
from dashboard.publish.suppression import (
    PROTECTIVE_MARKING,
    SAMPLE_DATA_NOTICE,
    SUPPRESSED,
    is_published_row,
    marked_file_name,
    publication_footnote,
    publish_kpi_rows,
)

SCORECARD = "Scorecard"
DEFINITIONS = "Definitions"
AREA_SHEETS: tuple[str, ...] = ("Training", "Audits", "Case reviews", "Action plan")
PACK_SHEETS: tuple[str, ...] = (SCORECARD, *AREA_SHEETS, DEFINITIONS)
PUBLISHED_SHEETS: tuple[str, ...] = (SCORECARD, DEFINITIONS)

PERCENT_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
DATE_FORMAT = "dd/mm/yyyy"
VALUE_FORMATS: dict[str, str] = {
    "percent": PERCENT_FORMAT,
    "count": COUNT_FORMAT,
    "points": "+0.00;-0.00;0.00",
    "days": '#,##0" days"',
}
CHANGE_FORMATS: dict[str, str] = {
    "percent": '+0.0" pts";-0.0" pts";0.0" pts"',
    "count": "+#,##0;-#,##0;0",
    "points": "+0.00;-0.00;0.00",
    "days": '+#,##0" days";-#,##0" days";0" days"',
}
TOLERANCE_FORMATS: dict[str, str] = {
    "percent": '0.0" percentage points"',
    "count": "#,##0.0",
    "points": '0.00" points"',
    "days": '#,##0.0" days"',
}
UNIT_TEXT = {"percent": "per cent", "count": "count", "points": "points (1 to 5 scale)", "days": "days"}
DIRECTION_TEXT = {
    "higher": "higher is better",
    "lower": "lower is better",
    "none": "none: a count for context, with no target",
}

TITLE_ROW, SUBTITLE_ROW, MARKING_ROW, HEADER_ROW = 1, 2, 3, 4
FIRST_DATA_ROW = HEADER_ROW + 1
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_THIN = Side(style="thin", color="BFBFBF")
_RAG_FILLS = {rag: PatternFill("solid", fgColor=colour.lstrip("#")) for rag, colour in RAG_COLOURS.items()}
_RAG_FONT = Font(bold=True, color="FFFFFF")
_MAX_WIDTH = 60


# --- writing tables ------------------------------------------------------------------------------------


@dataclass
class _Table:
    """A table as it goes on a sheet: headers, then rows of (value, number format) cells."""

    headers: list[str]
    rows: list[list[tuple[Any, str | None]]] = field(default_factory=list)
    rag_columns: tuple[str, ...] = ()
    bold_rows: set[int] = field(default_factory=set)  # indexes into rows


def _frame_table(
    frame: pd.DataFrame, formats: Mapping[str, str], rag_columns: tuple[str, ...] = ()
) -> _Table:
    headers = [str(c) for c in frame.columns]
    rows = [
        [(value, formats.get(header)) for header, value in zip(headers, record, strict=True)]
        for record in frame.itertuples(index=False, name=None)
    ]
    return _Table(headers, rows, rag_columns)


def _display_length(value: Any, number_format: str | None) -> int:
    """Roughly how many characters Excel shows for the value: for fitting the column."""
    value = cell_value(value)
    if value is None:
        return 0
    if isinstance(value, str):
        return max((len(line) for line in value.splitlines()), default=0)
    if isinstance(value, datetime | date):
        return 10
    suffix = sum(len(text) for text in re.findall(r'"([^"]*)"', (number_format or "").split(";")[0]))
    number = float(value)
    if number_format and "%" in number_format and '"' not in number_format:
        return len(f"{100 * number:.1f}%")
    if number.is_integer() and "0.0" not in (number_format or ""):
        return len(f"{number:+,.0f}") + suffix
    return len(f"{number:+,.2f}") + suffix


def _write_heading(sheet: Worksheet, title: str, subtitle: str) -> None:
    write_cell(sheet, TITLE_ROW, 1, title).font = Font(bold=True, size=14)
    write_cell(sheet, SUBTITLE_ROW, 1, subtitle).font = Font(italic=True)


def _write_table(sheet: Worksheet, table: _Table, freeze_column: int = 1) -> int:
    """The table from HEADER_ROW, with filters, frozen header and fitted widths; returns its last row."""
    for index, header in enumerate(table.headers, start=1):
        cell = write_cell(sheet, HEADER_ROW, index, header)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    rag_indexes = {table.headers.index(c) + 1 for c in table.rag_columns}
    row_number = HEADER_ROW
    for position, row in enumerate(table.rows):
        row_number = FIRST_DATA_ROW + position
        for index, (value, number_format) in enumerate(row, start=1):
            cell = write_cell(sheet, row_number, index, value, number_format)
            cell.border = Border(bottom=_THIN)
            if index in rag_indexes and cell.value in _RAG_FILLS:
                cell.fill = _RAG_FILLS[str(cell.value)]
                cell.font = _RAG_FONT
                cell.alignment = Alignment(horizontal="center")
            elif cell.value == SUPPRESSED:
                cell.alignment = Alignment(horizontal="right")
            elif isinstance(cell.value, str) and len(cell.value) > _MAX_WIDTH:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if position in table.bold_rows:
                cell.font = Font(bold=True, color=cell.font.color)
    for index, header in enumerate(table.headers, start=1):
        longest = max([_display_length(row[index - 1][0], row[index - 1][1]) for row in table.rows] or [0])
        header_width = min(len(header), 24) if longest < len(header) else len(header)
        sheet.column_dimensions[get_column_letter(index)].width = min(
            _MAX_WIDTH, max(8, longest + 2, header_width + 2)
        )
    last_column = get_column_letter(len(table.headers))
    if table.rows:
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{row_number}"
    sheet.freeze_panes = f"{get_column_letter(freeze_column)}{FIRST_DATA_ROW}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    return row_number


def _write_note(sheet: Worksheet, row: int, text: str, italic: bool = True) -> None:
    write_cell(sheet, row, 1, text).font = Font(italic=italic)


# --- the scorecard ------------------------------------------------------------------------------------


_HEADLINE = "(headline)"
_ALL = "(all)"
Key = tuple[str, str | None, str | None]  # kpi, locality (None = all), category (None = headline)


def _number(value: Any) -> float | None:
    return None if is_missing(value) else float(value)


def _category_order() -> dict[str, int]:
    """Breakdowns (delivery modes, natures, outcomes) in the contract's order."""
    order: dict[str, int] = {}
    for dataset in DATASETS:
        for column in dataset.columns:
            for index, choice in enumerate(column.choices):
                order.setdefault(choice, index)
    return order


@dataclass
class _Published:
    """A period's KPI figures as they are shown: numbers, or "c" where hidden."""

    values: dict[tuple[Key, str], Any]
    any_secondary: bool = False

    def get(self, key: Key, name: str) -> Any:
        return self.values.get((key, name))


def _raw_figures(rows: pd.DataFrame) -> _Published:
    values: dict[tuple[Key, str], Any] = {}
    for r in rows.itertuples(index=False):
        key: Key = (str(r.kpi), _label(r.locality), _label(r.category))
        for name in ("value", "numerator", "denominator"):
            raw = getattr(r, name)
            values[key, name] = raw if isinstance(raw, str) and raw == SUPPRESSED else _number(raw)
    return _Published(values)


def _label(value: Any) -> str | None:
    return None if is_missing(value) else str(value)


def _whole(value: float | None) -> bool:
    return value is None or (math.isfinite(value) and value >= 0 and float(value).is_integer())


def _published_figures(
    rows: pd.DataFrame, catalogue: Mapping[str, Kpi], threshold: int, labels: Sequence[str]
) -> list[_Published]:
    """The figures of each period (`labels`) under the publication rule, applied to all of them at once so
    that the same count shown for two periods cannot give a hidden one away."""
    published = publish_kpi_rows(
        rows,
        {k: v.publication for k, v in catalogue.items()},
        {k: v.unit for k, v in catalogue.items()},
        threshold,
    )
    table = published.table
    return [
        _Published(_raw_figures(table[table["period"] == label]).values, published.any_secondary)
        for label in labels
    ]


def _small(unit: str, denominator: Any, minimum: int) -> bool:
    return not isinstance(denominator, str) and is_small_denominator(unit, denominator, minimum)


def _scale(value: Any, unit: str) -> Any:
    """Percentages are stored as fractions (85.3 -> 0.853) for the 0.0% format."""
    if value is None or value == SUPPRESSED:
        return value
    return float(value) / 100 if unit == "percent" else value


def _count_format(value: Any) -> str:
    return COUNT_FORMAT if not isinstance(value, float) or value.is_integer() else DECIMAL_FORMAT


def _change(value: Any, before: Any) -> Any:
    if value is None or before is None:
        return None
    if SUPPRESSED in (value, before):
        return SUPPRESSED
    return float(value) - float(before)


def _scorecard_table(
    con: duckdb.DuckDBPyConnection, period: Period, settings: Settings, publish: bool = False
) -> tuple[_Table, bool]:
    """The Scorecard sheet's table, and whether any secondary suppression happened."""
    catalogue = with_target_overrides(con, load_catalogue())
    by_id = {k.id: k for k in catalogue}
    minimum = settings.min_denominator
    table = compute_kpis(con, [period, period.year_before], settings, catalogue)
    now_rows = table[table["period"] == period.label]
    before_rows = table[table["period"] == period.year_before.label]
    if publish:
        now, before = _published_figures(
            pd.concat([now_rows, before_rows], ignore_index=True),
            by_id,
            settings.suppression_threshold,
            [period.label, period.year_before.label],
        )
    else:
        now, before = _raw_figures(now_rows), _raw_figures(before_rows)
    rags = {
        (str(r.kpi), _label(r.locality)): r.rag
        for r in now_rows.itertuples(index=False)
        if is_missing(r.category) and isinstance(r.rag, str)
    }
    order = _category_order()
    headers = [
        "KPI",
        "Title",
        "Area",
        "Locality",
        "Breakdown",
        "Value",
        "Target",
        "RAG",
        "Numerator",
        "Denominator",
        f"A year before ({period.year_before.label})",
        "Change on a year before",
    ]
    out = _Table(headers, rag_columns=("RAG",))
    for kpi in catalogue:
        keys = {k for k, _ in now.values if k[0] == kpi.id}
        for locality in (None, *settings.all_localities):
            categories = sorted(
                {k[2] for k in keys if k[1] == locality and k[2] is not None},
                key=lambda c: (order.get(c, len(order)), c),
            )
            for category in (None, *categories):
                key: Key = (kpi.id, locality, category)
                if publish and not is_published_row(kpi.publication, locality, category):
                    continue
                value = now.get(key, "value")
                year_before = before.get(key, "value")
                headline = category is None
                rag = rags.get((kpi.id, locality)) if headline else None
                if publish and value == SUPPRESSED and rag:
                    rag = SUPPRESSED  # a RAG status would tell how far a hidden value is from its target
                numerator, denominator = now.get(key, "numerator"), now.get(key, "denominator")
                value_format = VALUE_FORMATS[kpi.unit]
                target: Any = None
                if headline:
                    target = _scale(kpi.target, kpi.unit) if kpi.has_target else "no target"
                shown_value: Any = _scale(value, kpi.unit)
                change = _change(value, year_before)
                if _small(kpi.unit, denominator, minimum):  # "n of N": no RAG, no change in points
                    shown_value = f"{format_count(numerator)} of {format_count(denominator)}"
                    rag, change = None, None
                if _small(kpi.unit, before.get(key, "denominator"), minimum):
                    change = None
                out.rows.append(
                    [
                        (kpi.id, None),
                        (kpi.title, None),
                        (kpi.area, None),
                        (locality or ALL_LOCALITIES, None),
                        (category, None),
                        (shown_value, value_format),
                        (target, value_format),
                        (rag, None),
                        (numerator, _count_format(numerator)),
                        (denominator, _count_format(denominator)),
                        (_scale(year_before, kpi.unit), value_format),
                        (change, CHANGE_FORMATS[kpi.unit]),
                    ]
                )
                if headline and locality is None:
                    out.bold_rows.add(len(out.rows) - 1)
    return out, now.any_secondary or before.any_secondary


# --- the area sheets ------------------------------------------------------------------------------------


def training_records(con: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Every session of the period (delivered or cancelled), all localities, headers spelled out."""
    return training.session_list(con, period, None).rename(
        columns={
            "DNA": "Did not attend",
            "Pre": "Confidence before (1 to 5)",
            "Post": "Confidence after (1 to 5)",
        }
    )


def audit_records(con: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Every audited case of the audits dated in the period, all localities."""
    return audits.audit_cases(con, period, None)


_REVIEW_COLUMNS = [
    "Review",
    "Locality",
    "Nature",
    "Harm type",
    "LA aware",
    "Notified",
    reviews.TIMELINESS_COLUMNS[0],
    "Rapid review completed",
    reviews.TIMELINESS_COLUMNS[1],
    "Outcome",
    "Panel's response",
    "Decision to hold an LCSPR",
    "Learning event",
    "Recall event",
    f"Completion due by ({reviews.LCSPR_MONTHS} months)",
    "Final report",
    "Completion",
    "Published",
    "Published as",
    "Publication delayed because",
]


def review_records(con: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Every review whose journey overlaps the period, as the Case reviews page lists them, with date cells."""
    active = reviews.active_reviews(con, period.start, period.end, None)
    table = reviews.review_table(active)
    if active.empty:  # review_table has no columns then: the headers it would have
        return pd.DataFrame(columns=_REVIEW_COLUMNS)
    dates = {
        "LA aware": "la_aware_date",
        "Notified": "notification_date",
        "Rapid review completed": "rr_completed_date",
        "Decision to hold an LCSPR": "lcspr_decision_date",
        "Learning event": "learning_event_date",
        "Recall event": "recall_event_date",
        f"Completion due by ({reviews.LCSPR_MONTHS} months)": "lcspr_due_date",
        "Final report": "final_report_date",
        "Published": "lcspr_published_date",
    }
    for column, source in dates.items():
        table[column] = active[source].to_numpy()
    position = list(table.columns).index("Published") + 1
    table.insert(position, "Published as", active["published_name"].to_numpy())
    return table


def action_records(
    con: duckdb.DuckDBPyConnection, period: Period, settings: Settings, today: date | None = None
) -> tuple[pd.DataFrame, date]:
    """The combined learning action plan as at the period's end (or today, if earlier), overdue first, as
    the Action plan page lists it, with RAG words and date cells; and the as-at date."""
    as_at = actions.as_at_date(period.end, today)
    plan = actions.action_plan(con, as_at, None, settings.action_due_soon_days)
    table = actions.plan_table(plan)
    if table.empty:
        return table, as_at
    table["RAG"] = plan["rag"].to_numpy()
    table["Days overdue"] = plan["days_overdue"].to_numpy()
    for column, source in {
        "Agreed": "date_agreed",
        "Target date": "target_date",
        "Completed": "completed_date",
    }.items():
        table[column] = plan[source].to_numpy()
    return table, as_at


def _column_formats(frame: pd.DataFrame, decimals: Mapping[str, str] | None = None) -> dict[str, str]:
    """Date columns dd/mm/yyyy, whole-number columns #,##0, others as given."""
    formats: dict[str, str] = {}
    for column in frame.columns:
        kind = str(frame[column].dtype).lower()
        if kind.startswith("datetime") or (
            kind == "object" and any(isinstance(v, date) for v in frame[column].dropna())
        ):
            formats[str(column)] = DATE_FORMAT
        elif "int" in kind:
            formats[str(column)] = COUNT_FORMAT
    formats.update(decimals or {})
    return formats


# --- definitions ----------------------------------------------------------------------------------------


def _tolerance(kpi: Kpi, settings: Settings) -> Any:
    return kpi.tolerance_amount(settings) if kpi.has_target else None


def _definitions_table(con: duckdb.DuckDBPyConnection, settings: Settings) -> _Table:
    catalogue = with_target_overrides(con, load_catalogue())
    headers = [
        "KPI",
        "Title",
        "Area",
        "Unit",
        "Better when",
        "Target",
        "Tolerance (Amber within)",
        "Records counted",
        "Description",
    ]
    out = _Table(headers)
    for kpi in catalogue:
        out.rows.append(
            [
                (kpi.id, None),
                (kpi.title, None),
                (AREAS.get(kpi.id[:2], "Other"), None),
                (UNIT_TEXT.get(kpi.unit, kpi.unit), None),
                (DIRECTION_TEXT.get(kpi.direction, kpi.direction), None),
                (_scale(kpi.target, kpi.unit) if kpi.has_target else "no target", VALUE_FORMATS[kpi.unit]),
                (_tolerance(kpi, settings), TOLERANCE_FORMATS[kpi.unit]),
                (kpi.records, None),
                (kpi.description, None),
            ]
        )
    return out


# --- the workbook ---------------------------------------------------------------------------------------


def _uk(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _partnership(settings: Settings) -> str:
    name, short = settings.partnership_name, settings.partnership_short_name
    if name and short:
        return f"{name} ({short})"
    return name or short or "PMF dashboard"


def pack_title(period: Period, settings: Settings) -> str:
    """'Hartlepool and Stockton-on-Tees Safeguarding Children Partnership (HSSCP): KPI pack, 2023-24 Q3'."""
    return f"{_partnership(settings)}: KPI pack, {period.label}"


def pack_file_name(period: Period, settings: Settings, publish: bool = False) -> str:
    """A file name for the pack: 'hsscp-kpi-pack-2023-24-Q3-OFFICIAL-SENSITIVE.xlsx' (or '...-published.xlsx')."""
    short = re.sub(r"[^a-z0-9]+", "-", (settings.partnership_short_name or "pmf").lower()).strip("-") or "pmf"
    label = period.label.replace(" ", "-")
    return marked_file_name(f"{short}-kpi-pack-{label}", ".xlsx", publish)


INTERNAL_NOTE = "For internal use: real numbers, small numbers included. Do not publish this version."


def build_kpi_pack(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    settings: Settings,
    publish: bool = False,
    today: date | None = None,
) -> Workbook:
    """The pack as an openpyxl Workbook (see the module's docstring)."""
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    book.properties.title = pack_title(period, settings)
    book.properties.creator = settings.partnership_short_name or "PMF dashboard"
    span = f"{period.label}, {_uk(period.start)} to {_uk(period.end)}"

    sheet = book.create_sheet(SCORECARD)
    table, any_secondary = _scorecard_table(con, period, settings, publish)
    status = "Published version: small numbers suppressed." if publish else INTERNAL_NOTE
    _write_heading(sheet, pack_title(period, settings), f"Scorecard, {span}. {status}")
    last = _write_table(sheet, table, freeze_column=3)
    note_row = last + 2
    if publish:
        footnote = publication_footnote(settings.suppression_threshold, any_secondary)
        if footnote:
            _write_note(sheet, note_row, footnote)
            note_row += 1
        _write_note(
            sheet,
            note_row,
            "A rate is also shown as c when its numerator or denominator is hidden, and a mean or median "
            "when its denominator is. Record-level sheets are not included in the published version.",
        )
        note_row += 1
    _write_note(
        sheet,
        note_row,
        "RAG: Green meets the target; Amber is within the tolerance of it (see Definitions); Red is beyond. "
        "Change on a year before: percentages in percentage points (pts). "
        f"{settings.area_wide} activity is counted under {settings.area_wide} and once in {ALL_LOCALITIES}.",
    )

    if not publish:
        records: list[tuple[str, str, _Table]] = []
        sessions = training_records(con, period)
        records.append(
            (
                "Training",
                "Training sessions",
                _frame_table(
                    sessions,
                    _column_formats(
                        sessions, {"Confidence before (1 to 5)": "0.0", "Confidence after (1 to 5)": "0.0"}
                    ),
                ),
            )
        )
        cases = audit_records(con, period)
        records.append(("Audits", "Audited cases", _frame_table(cases, _column_formats(cases))))
        review_rows = review_records(con, period)
        records.append(
            (
                "Case reviews",
                "Serious incidents and case reviews whose journey overlaps the period",
                _frame_table(review_rows, _column_formats(review_rows)),
            )
        )
        plan, as_at = action_records(con, period, settings, today)
        plan_formats = _column_formats(plan, {"Days overdue": COUNT_FORMAT})
        records.append(
            (
                "Action plan",
                f"Combined learning action plan as at {_uk(as_at)}",
                _frame_table(plan, plan_formats, rag_columns=("RAG",) if not plan.empty else ()),
            )
        )
        for name, what, records_table in records:
            area_sheet = book.create_sheet(name)
            _write_heading(area_sheet, f"{pack_title(period, settings)}: {name}", f"{what}, {span}.")
            _write_table(area_sheet, records_table)
            if not records_table.rows:
                _write_note(area_sheet, FIRST_DATA_ROW, "No records for this period.")

    definitions = book.create_sheet(DEFINITIONS)
    _write_heading(
        definitions,
        f"{pack_title(period, settings)}: definitions",
        "Each KPI's definition, target and tolerance as in force when the pack was made.",
    )
    _write_table(definitions, _definitions_table(con, settings), freeze_column=3)
    if not publish:
        for each in book.worksheets:
            _mark_internal(each)
    if is_sample_database(con):
        for each in book.worksheets:
            note = write_cell(
                each, SUBTITLE_ROW, 1, f"{each.cell(SUBTITLE_ROW, 1).value} {SAMPLE_DATA_NOTICE}"
            )
            note.font = Font(italic=True, bold=True)
    book.active = 0
    return book


def _mark_internal(sheet: Worksheet) -> None:
    """OFFICIAL-SENSITIVE above the table and in the printed page's header and footer."""
    cell = write_cell(sheet, MARKING_ROW, 1, f"{PROTECTIVE_MARKING}: {INTERNAL_NOTE}")
    cell.font = Font(bold=True, color="C00000")
    for band in (sheet.oddHeader, sheet.oddFooter):
        if band is not None:
            band.center.text = PROTECTIVE_MARKING


def write_kpi_pack(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    settings: Settings,
    path: Path,
    publish: bool = False,
) -> Path:
    """Write the pack to `path` (its folder is made if needed) and return the path."""
    book = build_kpi_pack(con, period, settings, publish)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def kpi_pack_bytes(
    con: duckdb.DuckDBPyConnection, period: Period, settings: Settings, publish: bool = False
) -> bytes:
    """The pack as bytes, for a download button."""
    out = io.BytesIO()
    build_kpi_pack(con, period, settings, publish).save(out)
    return out.getvalue()


__all__ = [
    "PACK_SHEETS",
    "PUBLISHED_SHEETS",
    "build_kpi_pack",
    "kpi_pack_bytes",
    "pack_file_name",
    "pack_title",
    "write_kpi_pack",
]
