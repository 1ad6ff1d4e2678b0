"""Blank template workbooks: one sheet per dataset with the contract's headers, drop-down lists for choice
columns (from the configuration), day-first date cells, and a Notes sheet explaining every column.

The Notes sheet ends with "Example rows (not loaded)": one made-up, valid row per dataset, laid out as on the
dataset's sheet. The loader ignores a sheet named Notes, and the example's labels ("session_id (column A)")
are not the dataset's headers, so the examples can never be read as data whatever the sheet is called.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from dashboard.core.config import Settings
from dashboard.ingest.contract import ALL_LOCALITIES, DATASETS, DATASETS_BY_NAME, Column, Dataset

TEMPLATE_ROWS = 2000  # rows that carry the drop-down lists and date formats
DATE_FORMAT = "DD/MM/YYYY"
EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0
EXAMPLES_HEADING = "Example rows (not loaded)"
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_KIND_TEXT = {
    "text": "text",
    "date": "date (a date cell, or day/month/year)",
    "whole": "whole number",
    "number": "number",
    "choice": "choice from the list",
    "yesno": "Yes or No",
    "quarter": "quarter, written 2023-24 Q3",
    "link": "https:// address",
}
YES_NO = ("Yes", "No")


def _rule(column: Column, settings: Settings) -> str:
    parts = []
    if column.kind == "choice" and column.choice_source == "kpis":
        parts.append("a KPI id (" + ", ".join(column.allowed_values(settings)) + ") or its title")
    elif column.kind == "choice":
        parts.append("one of: " + ", ".join(column.allowed_values(settings)))
    if column.kind == "quarter":
        parts.append("also accepted: Q3 2023-24, 2023/24 Q3, Q3 2023/24, 2023-2024 Q3")
    if column.kind == "link":
        parts.append("a whole https:// address, e.g. https://example.org/page; no other kind of link")
    if column.max_chars:
        parts.append(f"plain text, at most {column.max_chars:,} characters")
    if column.kind == "yesno":
        parts.append("Yes or No (also Y or N); blank means No")
    if column.aliases:
        parts.append("also accepted as the header: " + ", ".join(column.aliases))
    if column.minimum is not None and column.maximum is not None:
        parts.append(f"between {column.minimum:g} and {column.maximum:g}")
    elif column.minimum is not None:
        parts.append(f"{column.minimum:g} or more")
    if column.blank_value(settings):
        parts.append(f"blank means {column.blank_value(settings)}")
    return "; ".join(parts)


def _add_dataset_sheet(book: Workbook, dataset: Dataset, settings: Settings) -> None:
    sheet = book.create_sheet(dataset.name)
    lists = book["_lists"] if "_lists" in book.sheetnames else None
    for index, column in enumerate(dataset.columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.name + ("*" if column.required else ""))
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[letter].width = max(14, len(column.name) + 4)
        cells = f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
        if column.kind == "date":
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = DATE_FORMAT
            earliest = settings.earliest_date
            validation = DataValidation(
                type="date",
                operator="greaterThanOrEqual",
                formula1=str((earliest - EXCEL_EPOCH).days),  # the upload's plausible window starts here
                allow_blank=True,
                error=f"Enter a date from {earliest.day} {earliest:%B %Y}, day first (13/11/2023).",
                errorTitle="Not a date",
            )
            validation.add(cells)
            sheet.add_data_validation(validation)
        elif column.kind in ("choice", "yesno") and lists is not None:
            values = column.allowed_values(settings) if column.kind == "choice" else list(YES_NO)
            list_column = lists.max_column + 1 if lists.max_row > 1 or lists["A1"].value else 1
            list_letter = get_column_letter(list_column)
            lists.cell(row=1, column=list_column, value=f"{dataset.name}.{column.name}")
            for offset, value in enumerate(values, start=2):
                lists.cell(row=offset, column=list_column, value=value)
            validation = DataValidation(
                type="list",
                formula1=f"_lists!${list_letter}$2:${list_letter}${len(values) + 1}",
                allow_blank=True,
                error="Choose a value from the list.",
                errorTitle="Not in the list",
                showErrorMessage=True,
            )
            validation.add(cells)
            sheet.add_data_validation(validation)
        elif column.kind in ("whole", "number"):
            validation = DataValidation(
                type="whole" if column.kind == "whole" else "decimal",
                operator="between",
                formula1=str(column.minimum if column.minimum is not None else -1e9),
                formula2=str(column.maximum if column.maximum is not None else 1e9),
                allow_blank=True,
                error=f"Enter a {'whole ' if column.kind == 'whole' else ''}number {_rule(column, settings)}.",
                errorTitle="Not a valid number",
            )
            validation.add(cells)
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"


def _add_notes(book: Workbook, datasets: list[Dataset], settings: Settings) -> None:
    notes = book.create_sheet("Notes", 0)
    notes.append([f"{settings.partnership_short_name} PMF dashboard upload template"])
    notes["A1"].font = Font(bold=True, size=14)
    notes.append(
        ["Fill in the dataset sheets from row 2 and upload the workbook. Columns marked * are required."]
    )
    notes.append(
        [
            "Dates are read day first (13/11/2023). Blank numbers mean 'not known', not zero. This sheet is ignored."
        ]
    )
    notes.append([])
    notes.append(["Sheet", "Column", "Required", "Type", "Allowed values / rule", "Meaning"])
    for cell in notes[5]:
        cell.font = Font(bold=True)
    for dataset in datasets:
        for column in dataset.columns:
            notes.append(
                [
                    dataset.name,
                    column.name,
                    "yes" if column.required else "",
                    _KIND_TEXT[column.kind],
                    _rule(column, settings),
                    column.help,
                ]
            )
        key = ", ".join(dataset.key)
        notes.append(
            [
                dataset.name,
                "(key)",
                "",
                "",
                f"a row whose {key} is already stored replaces it",
                dataset.description,
            ]
        )
    _add_examples(notes, datasets, settings)
    for letter, width in zip("ABCDEF", (22, 24, 10, 30, 60, 60), strict=True):
        notes.column_dimensions[letter].width = width
    notes.freeze_panes = "A6"


def _pick(values: Sequence[str], preferred: str) -> str:
    return preferred if preferred in values else values[0]


def example_rows(settings: Settings) -> dict[str, dict[str, Any]]:
    """One made-up, valid row per dataset, every column filled (choices from the configuration)."""
    locality = settings.localities[0]
    agency = _pick(settings.agencies, "Police")
    social_care = _pick(settings.agencies, "Children's social care")
    return {
        "training_sessions": {
            "session_id": "TS-2023-041",
            "session_date": date(2023, 11, 13),
            "course_title": "Neglect: recognising and responding to neglect",
            "theme": "Neglect",
            "delivery_mode": "Face to face",
            "locality": locality,
            "status": "Delivered",
            "places_offered": 20,
            "places_booked": 18,
            "attended": 16,
            "did_not_attend": 2,
            "pre_confidence_avg": 2.9,
            "post_confidence_avg": 4.1,
        },
        "training_attendance": {"session_id": "TS-2023-041", "agency": agency, "booked": 6, "attended": 5},
        "audits": {
            "audit_id": "MAA-2023-03",
            "audit_title": "Step down from social care assessment",
            "audit_date": date(2023, 11, 13),
            "case_ref": "A23-03-01",
            "locality": locality,
            "lead_agency": social_care,
            "age_band": "5-9",
            "case_level": "Child in need",
            "overall_grade": "Good",
            "actions_raised": 2,
            "actions_completed": 1,
            "exec_report_date": date(2024, 2, 15),
        },
        "reviews": {
            "review_id": "XYZ",
            "locality": locality,
            "nature": "Serious harm",
            "harm_type": "Neglect",
            "la_aware_date": date(2023, 10, 12),
            "notification_date": date(2023, 10, 16),
            "rr_completed_date": date(2023, 11, 3),
            "rr_outcome": "LCSPR",
            "rr_extension_agreed": "No",
            "panel_response": "Agreed",
            "panel_response_date": date(2023, 11, 24),
            "lcspr_decision_date": date(2023, 11, 3),
            "learning_event_date": date(2024, 1, 25),
            "recall_event_date": date(2024, 2, 26),
            "final_report_date": date(2024, 4, 2),
            "lcspr_published_date": date(2024, 9, 30),
            "publication_delay_reason": "Parallel criminal proceedings",
            "published_name": "Child Sam",
        },
        "actions": {
            "action_id": "ACT-001",
            "source_type": "LCSPR",
            "source_ref": "XYZ",
            "action": "Refresh the multi-agency neglect guidance and share it with every agency",
            "lead_agency": social_care,
            "locality": settings.area_wide,
            "date_agreed": date(2024, 5, 1),
            "target_date": date(2024, 9, 30),
            "status": "Complete",
            "completed_date": date(2024, 9, 12),
        },
        "partnership_updates": {
            "update_id": "2023-24-Q3-07",
            "quarter": "2023-24 Q3",
            "section": "Event",
            "title": "Neglect Active Learning Event",
            "priority": "Neglect",
            "update": "A half-day event for practitioners on recognising and responding to neglect.",
            "status": "Complete",
            "event_date": date(2024, 2, 6),
            "link": "https://example.org/events/neglect",
            "locality": settings.area_wide,
        },
        "kpi_commentary": {
            "kpi": "CR02",
            "quarter": "2023-24 Q3",
            "locality": ALL_LOCALITIES,
            "commentary": "One rapid review was late: the partners' information arrived after the deadline.",
            "action": "Agree a timetable for information with each agency at the notification",
            "owner": "Business manager",
            "review_date": date(2024, 4, 30),
        },
    }


def _add_examples(notes: Worksheet, datasets: list[Dataset], settings: Settings) -> None:
    """The heading, then per dataset its name, a row of labels and one example row, as on its sheet."""
    examples = example_rows(settings)
    notes.append([])
    notes.append([EXAMPLES_HEADING])
    notes.cell(row=notes.max_row, column=1).font = Font(bold=True, size=12)
    notes.append(
        [
            "Made-up rows showing how a filled-in row looks on each sheet. They are on this sheet only and are "
            "never loaded: type your own rows on the dataset sheets from row 2."
        ]
    )
    for dataset in datasets:
        values = examples.get(dataset.name)
        if values is None:
            continue
        notes.append([])
        notes.append([f"Example for the {dataset.name} sheet"])
        notes.cell(row=notes.max_row, column=1).font = Font(bold=True)
        # Labels, not headers: "session_id (column A)" is never taken for the header "session_id".
        notes.append(
            [f"{c.name} (column {get_column_letter(i)})" for i, c in enumerate(dataset.columns, start=1)]
        )
        for cell in notes[notes.max_row]:
            cell.font = Font(italic=True)
        notes.append([values.get(c.name) for c in dataset.columns])
        for cell, column in zip(notes[notes.max_row], dataset.columns, strict=False):
            if column.kind == "date":
                cell.number_format = DATE_FORMAT


def template_workbook(settings: Settings, dataset_names: Iterable[str] | None = None) -> Workbook:
    """A template with a sheet per dataset (all of them unless names are given), not yet saved."""
    datasets = [DATASETS_BY_NAME[n] for n in dataset_names] if dataset_names else list(DATASETS)
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    lists = book.create_sheet("_lists")
    lists.sheet_state = "hidden"
    _add_notes(book, datasets, settings)
    for dataset in datasets:
        _add_dataset_sheet(book, dataset, settings)
    book.active = 1
    return book


def write_template(path: Path, settings: Settings, dataset_names: Iterable[str] | None = None) -> Path:
    """Write a template with a sheet per dataset (all of them unless names are given)."""
    book = template_workbook(settings, dataset_names)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def template_bytes(settings: Settings, dataset_names: Iterable[str] | None = None) -> bytes:
    """A template workbook (every dataset, or the named ones) as bytes for a download."""
    buffer = io.BytesIO()
    template_workbook(settings, dataset_names).save(buffer)
    return buffer.getvalue()
