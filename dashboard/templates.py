"""Blank template workbooks: one sheet per dataset with the contract's headers, drop-down lists for choice
columns (from the configuration), day-first date cells, and a Notes sheet explaining every column."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from dashboard.config import Settings
from dashboard.contract import DATASETS, DATASETS_BY_NAME, Column, Dataset

TEMPLATE_ROWS = 2000  # rows that carry the drop-down lists and date formats
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_KIND_TEXT = {
    "text": "text",
    "date": "date (a date cell, or day/month/year)",
    "whole": "whole number",
    "number": "number",
    "choice": "choice from the list",
}


def _rule(column: Column, settings: Settings) -> str:
    parts = []
    if column.kind == "choice":
        parts.append("one of: " + ", ".join(column.allowed_values(settings)))
    if column.minimum is not None and column.maximum is not None:
        parts.append(f"between {column.minimum:g} and {column.maximum:g}")
    elif column.minimum is not None:
        parts.append(f"{column.minimum:g} or more")
    if column.default:
        parts.append(f"blank means {column.default}")
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
                sheet.cell(row=row, column=index).number_format = "DD/MM/YYYY"
            validation = DataValidation(
                type="date",
                operator="greaterThan",
                formula1="36526",
                allow_blank=True,
                error="Enter a date, day first (13/11/2023).",
                errorTitle="Not a date",
            )
            validation.add(cells)
            sheet.add_data_validation(validation)
        elif column.kind == "choice" and lists is not None:
            values = column.allowed_values(settings)
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
    for letter, width in zip("ABCDEF", (22, 24, 10, 30, 60, 60), strict=True):
        notes.column_dimensions[letter].width = width
    notes.freeze_panes = "A6"


def write_template(path: Path, settings: Settings, dataset_names: Iterable[str] | None = None) -> Path:
    """Write a template with a sheet per dataset (all of them unless names are given)."""
    datasets = [DATASETS_BY_NAME[n] for n in dataset_names] if dataset_names else list(DATASETS)
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    lists = book.create_sheet("_lists")
    lists.sheet_state = "hidden"
    _add_notes(book, datasets, settings)
    for dataset in datasets:
        _add_dataset_sheet(book, dataset, settings)
    book.active = 1
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
