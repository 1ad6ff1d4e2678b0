"""The KPI pack: one Excel workbook for a period, formatted for people to read, print and pass on.

Sheets, in order:

* **Scorecard**: every KPI for all localities together and for each locality (breakdowns such as delivery
  mode under them): value, target, RAG (the word in a filled cell, never colour alone), numerator,
  denominator, the value a year before and the change on it.
* **Training**, **Audits**, **Case reviews**, **Action plan**: the records of the period, from the area
  modules (dashboard/areas: training, audits, reviews, actions), as the app's pages show them.
* **Definitions**: each KPI's id, title, area, unit, direction, target, tolerance and description.

Number formats: percentages are stored as fractions (85.3% is the number 0.853) with the format ``0.0%``, so
Excel shows "85.3%" and sums and charts work; counts ``#,##0``; dates are date cells ``dd/mm/yyyy``. A change
in a percentage is in percentage points (the number 0.9 shown as "+0.9 pts").

``publish=True`` makes the version for publication (dashboard/publish/suppression.py, threshold from the
configuration): counts from 1 to the threshold are shown as "c", with secondary suppression within each
KPI's table of localities by breakdown; a rate is "c" when its denominator is from 1 to the threshold or its
numerator or denominator is hidden (a rate next to its denominator gives the numerator back); a mean or
median is "c" when its denominator is hidden. The record-level sheets are left out (only aggregate tables are
published) and a footnote row explains "c". Without it the pack is for internal use and unsuppressed.

Every cell is written through dashboard.core.exports.write_cell, so text from an upload that starts like a
formula ("=HYPERLINK(...)", "-1+2") stays text.

This module assembles the workbook (the record sheets and Definitions); the Scorecard's table is made in
pack_scorecard.py, and pack_sheets.py writes any table onto a sheet with its number formats.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from dashboard.areas import actions, audits, reviews, training
from dashboard.charts import ALL_LOCALITIES
from dashboard.core.config import Settings
from dashboard.core.db import is_sample_database
from dashboard.core.exports import write_cell
from dashboard.core.periods import Period
from dashboard.kpis.catalogue import AREAS, Kpi, load_catalogue, with_target_overrides
from dashboard.publish.pack_scorecard import scorecard_table
from dashboard.publish.pack_sheets import (
    COUNT_FORMAT,
    DATE_FORMAT,
    FIRST_DATA_ROW,
    MARKING_ROW,
    SUBTITLE_ROW,
    TOLERANCE_FORMATS,
    VALUE_FORMATS,
    SheetTable,
    as_stored,
    frame_table,
    write_heading,
    write_note,
    write_table,
)
from dashboard.publish.suppression import (
    PROTECTIVE_MARKING,
    SAMPLE_DATA_NOTICE,
    marked_file_name,
    publication_footnote,
)

SCORECARD = "Scorecard"
DEFINITIONS = "Definitions"
AREA_SHEETS: tuple[str, ...] = ("Training", "Audits", "Case reviews", "Action plan")
PACK_SHEETS: tuple[str, ...] = (SCORECARD, *AREA_SHEETS, DEFINITIONS)
PUBLISHED_SHEETS: tuple[str, ...] = (SCORECARD, DEFINITIONS)
UNIT_TEXT = {"percent": "per cent", "count": "count", "points": "points (1 to 5 scale)", "days": "days"}
DIRECTION_TEXT = {
    "higher": "higher is better",
    "lower": "lower is better",
    "none": "none: a count for context, with no target",
}


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


def _definitions_table(con: duckdb.DuckDBPyConnection, settings: Settings) -> SheetTable:
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
    out = SheetTable(headers)
    for kpi in catalogue:
        out.rows.append(
            [
                (kpi.id, None),
                (kpi.title, None),
                (AREAS.get(kpi.id[:2], "Other"), None),
                (UNIT_TEXT.get(kpi.unit, kpi.unit), None),
                (DIRECTION_TEXT.get(kpi.direction, kpi.direction), None),
                (as_stored(kpi.target, kpi.unit) if kpi.has_target else "no target", VALUE_FORMATS[kpi.unit]),
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
    table, any_secondary = scorecard_table(con, period, settings, publish)
    status = "Published version: small numbers suppressed." if publish else INTERNAL_NOTE
    write_heading(sheet, pack_title(period, settings), f"Scorecard, {span}. {status}")
    last = write_table(sheet, table, freeze_column=3)
    note_row = last + 2
    if publish:
        footnote = publication_footnote(settings.suppression_threshold, any_secondary)
        if footnote:
            write_note(sheet, note_row, footnote)
            note_row += 1
        write_note(
            sheet,
            note_row,
            "A rate is also shown as c when its numerator or denominator is hidden, and a mean or median "
            "when its denominator is. Record-level sheets are not included in the published version.",
        )
        note_row += 1
    write_note(
        sheet,
        note_row,
        "RAG: Green meets the target; Amber is within the tolerance of it (see Definitions); Red is beyond. "
        "Change on a year before: percentages in percentage points (pts). "
        f"{settings.area_wide} activity is counted under {settings.area_wide} and once in {ALL_LOCALITIES}.",
    )

    if not publish:
        records: list[tuple[str, str, SheetTable]] = []
        sessions = training_records(con, period)
        records.append(
            (
                "Training",
                "Training sessions",
                frame_table(
                    sessions,
                    _column_formats(
                        sessions, {"Confidence before (1 to 5)": "0.0", "Confidence after (1 to 5)": "0.0"}
                    ),
                ),
            )
        )
        cases = audit_records(con, period)
        records.append(("Audits", "Audited cases", frame_table(cases, _column_formats(cases))))
        review_rows = review_records(con, period)
        records.append(
            (
                "Case reviews",
                "Serious incidents and case reviews whose journey overlaps the period",
                frame_table(review_rows, _column_formats(review_rows)),
            )
        )
        plan, as_at = action_records(con, period, settings, today)
        plan_formats = _column_formats(plan, {"Days overdue": COUNT_FORMAT})
        records.append(
            (
                "Action plan",
                f"Combined learning action plan as at {_uk(as_at)}",
                frame_table(plan, plan_formats, rag_columns=("RAG",) if not plan.empty else ()),
            )
        )
        for name, what, records_table in records:
            area_sheet = book.create_sheet(name)
            write_heading(area_sheet, f"{pack_title(period, settings)}: {name}", f"{what}, {span}.")
            write_table(area_sheet, records_table)
            if not records_table.rows:
                write_note(area_sheet, FIRST_DATA_ROW, "No records for this period.")

    definitions = book.create_sheet(DEFINITIONS)
    write_heading(
        definitions,
        f"{pack_title(period, settings)}: definitions",
        "Each KPI's definition, target and tolerance as in force when the pack was made.",
    )
    write_table(definitions, _definitions_table(con, settings), freeze_column=3)
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
