"""From raw sheets to validated, typed rows per dataset: find the header, normalise, check every rule.

Validation is lazy: every problem in every sheet is collected, each with the sheet, the Excel row number as
Excel shows it, the column, the value and the reason, and nothing is stored unless there are none.

validate_upload never raises for anything a file holds: a file that cannot be read is one error in the
report (dashboard/workbook.py says why, in one sentence), and should a bug let any other exception out of
the checks, the report says so (UNEXPECTED_PROBLEM) and the traceback goes to the log, never to the user.
Headers and sheet names are matched after Unicode folding (dashboard/cells.py: fold); a header that only
looks like a contract column (a Cyrillic letter in it) is an error, not a column silently left out.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from operator import itemgetter
from typing import Any

import pandas as pd

from dashboard.core.config import Settings
from dashboard.ingest.cells import (
    MAX_TEXT_CHARS,
    CellError,
    clean_text,
    fold,
    fold_key,
    is_blank,
    lookalike_note,
    parse_choice,
    parse_date,
    parse_number,
    parse_text,
    parse_whole,
    parse_yes_no,
    show,
    skeleton,
    text_too_long,
)
from dashboard.ingest.contract import (
    DATASETS,
    DATASETS_BY_NAME,
    Column,
    Dataset,
    dataset_for_sheet_name,
    looks_like_personal_data,
    normalise_header,
)
from dashboard.ingest.workbook import RawSheet, UnreadableFile, display_name, read_raw_sheets

HEADER_SEARCH_ROWS = 30  # title and note rows above the header
UNEXPECTED_PROBLEM = "could not be checked because of an unexpected problem in the dashboard"
_log = logging.getLogger(__name__)
_QUIET_SHEETS = {
    "notes",
    "instructions",
    "readme",
    "guidance",
}  # explanation sheets, ignored without a warning


@dataclass(frozen=True)
class Problem:
    """One error or warning of an upload report."""

    sheet: str
    row: int | None  # the Excel row number, as Excel shows it
    column: str | None
    value: str
    reason: str

    def __str__(self) -> str:
        where = self.sheet + (f" row {self.row}" if self.row is not None else "")
        what = f", {self.column}" if self.column else ""
        value = f' "{self.value}"' if self.value != "" else ""
        return f"{where}{what}{value}: {self.reason}"


# How many errors are kept and shown (issue: a file with every cell wrong made millions of them).
SHOWN_PER_COLUMN = 20  # on screen, per sheet and column
SHOWN_IN_ALL = 1_000  # on screen, in all
KEPT_PER_COLUMN = 1_000  # in the downloadable report, per sheet and column (and at least SHOWN_PER_COLUMN)
KEPT_IN_ALL = 10_000  # in the downloadable report, in all
STOP_AFTER = 200_000  # errors found: checking stops at the next column (a sheet has at most 200,000 rows)
STOPPED = "checking stopped after {count:,} errors: correct these and upload again to check the rest"


class Problems(list[Problem]):
    """A report's errors: every one is counted per sheet and column, and the first ones are kept.

    The first SHOWN_PER_COLUMN of each sheet and column are always kept, then more up to KEPT_PER_COLUMN per
    column while fewer than KEPT_IN_ALL are kept, so that a file with every cell wrong costs little memory.
    """

    def __init__(self, problems: Iterable[Problem] = ()) -> None:
        super().__init__()
        self.counts: dict[tuple[str, str | None], int] = {}
        self.total = 0
        self.extend(problems)

    def _keep(self, sheet: str, column: str | None) -> bool:
        key = (sheet, column)
        count = self.counts.get(key, 0) + 1
        self.counts[key] = count
        self.total += 1
        return count <= SHOWN_PER_COLUMN or (count <= KEPT_PER_COLUMN and len(self) < KEPT_IN_ALL)

    def append(self, problem: Problem) -> None:
        if self._keep(problem.sheet, problem.column):
            super().append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.append(problem)

    def add(self, sheet: str, row: int | None, column: str | None, value: str, reason: str) -> None:
        """append(Problem(...)), making the Problem only when it is kept."""
        if self._keep(sheet, column):
            super().append(Problem(sheet, row, column, value, reason))

    def more_than_kept(self) -> list[tuple[str, str | None, int]]:
        """(sheet, column, how many were found but not kept), for each sheet and column that has some."""
        kept: dict[tuple[str, str | None], int] = {}
        for problem in self:
            kept[(problem.sheet, problem.column)] = kept.get((problem.sheet, problem.column), 0) + 1
        return [
            (sheet, column, count - kept.get((sheet, column), 0))
            for (sheet, column), count in self.counts.items()
            if count > kept.get((sheet, column), 0)
        ]


def _more_like_this(sheet: str, column: str | None, count: int) -> Problem:
    return Problem(sheet, None, column, "", f"and {count:,} more like this")


@dataclass
class SheetResult:
    sheet: str
    dataset: str
    header_row: int
    rows: int
    ignored_columns: list[str]


@dataclass
class UploadReport:
    """What reading and validating one file found. `frames` holds typed rows when there are no errors."""

    file_name: str
    file_hash: str
    sheets: list[SheetResult] = field(default_factory=list)
    errors: Problems = field(default_factory=Problems)
    warnings: list[Problem] = field(default_factory=list)
    # typed rows per dataset, with the sheet and Excel row of each (columns _sheet and _row)
    located: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_count(self) -> int:
        """Every error found, kept or not."""
        return self.errors.total if isinstance(self.errors, Problems) else len(self.errors)

    def shown_errors(self) -> list[Problem]:
        """The errors to show: at most SHOWN_PER_COLUMN per sheet and column and SHOWN_IN_ALL in all, then a
        line per sheet and column saying how many more there are ("and 199,990 more like this")."""
        shown: list[Problem] = []
        per_column: dict[tuple[str, str | None], int] = {}
        for problem in self.errors:
            key = (problem.sheet, problem.column)
            if per_column.get(key, 0) < SHOWN_PER_COLUMN and len(shown) < SHOWN_IN_ALL:
                per_column[key] = per_column.get(key, 0) + 1
                shown.append(problem)
        counts = self.errors.counts if isinstance(self.errors, Problems) else {}
        order = dict.fromkeys((p.sheet, p.column) for p in self.errors)  # as the errors are listed
        for sheet, column in order:
            more = counts.get((sheet, column), 0) - per_column.get((sheet, column), 0)
            if more > 0:
                shown.append(_more_like_this(sheet, column, more))
        return shown

    def kept_errors(self) -> list[Problem]:
        """The errors kept for the downloadable report, then how many more each sheet and column has."""
        more = self.errors.more_than_kept() if isinstance(self.errors, Problems) else []
        return [*self.errors, *(_more_like_this(sheet, column, count) for sheet, column, count in more)]

    @property
    def frames(self) -> dict[str, pd.DataFrame]:
        """The rows to store, per dataset: empty while there are errors."""
        if self.errors:
            return {}
        return {name: frame.drop(columns=["_sheet", "_row"]) for name, frame in self.located.items()}

    def error_table(self) -> pd.DataFrame:
        """The errors as shown on screen (shown_errors)."""
        return _problem_table(self.shown_errors())

    def download_table(self) -> pd.DataFrame:
        """The errors for the downloadable report (kept_errors)."""
        return _problem_table(self.kept_errors())

    def warning_table(self) -> pd.DataFrame:
        return _problem_table(self.warnings)


def _problem_table(problems: list[Problem]) -> pd.DataFrame:
    return pd.DataFrame(
        [(p.sheet, p.row, p.column, p.value, p.reason) for p in problems],
        columns=["sheet", "row", "column", "value", "reason"],
    ).astype({"row": "Int64"})


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def validate_upload(
    data: bytes, file_name: str, settings: Settings, dataset: str | None = None
) -> UploadReport:
    """Read and check one uploaded file. `dataset` names the dataset of a single-table file when ambiguous.

    Never raises: whatever the file holds, the answer is a report (see the module's docstring).
    """
    # The name is shown in reports and kept in the upload log: without control characters.
    report = UploadReport(file_name=display_name(file_name), file_hash=file_hash(data))
    try:
        _validate(data, report.file_name, settings, dataset, report)
    except Exception as exc:  # a bug, not the file's fault: say so, keep the traceback for the log
        _log.exception("validating %r failed", file_name)
        report.located = {}
        report.errors.append(
            Problem(
                report.file_name,
                None,
                None,
                "",
                f"{UNEXPECTED_PROBLEM} ({type(exc).__name__}); nothing was stored: please send the file to "
                "whoever looks after the dashboard",
            )
        )
    return report


def _validate(
    data: bytes, file_name: str, settings: Settings, dataset: str | None, report: UploadReport
) -> None:
    if dataset is not None and dataset not in DATASETS_BY_NAME:
        report.errors.append(
            Problem(file_name, None, None, dataset, "is not a dataset: " + ", ".join(DATASETS_BY_NAME))
        )
        return
    try:
        sheets = read_raw_sheets(data, file_name)
    except UnreadableFile as exc:
        report.errors.append(Problem(file_name, None, None, "", str(exc)))
        return
    parsed: dict[str, list[pd.DataFrame]] = {}
    noun = "file" if file_name.lower().endswith(".csv") else "sheet"  # what the user would rename
    empty = {id(sheet) for sheet in sheets if _is_empty(sheet)}
    if sheets and len(empty) == len(sheets):
        if noun == "file" or len(sheets) == 1:
            reason = "is empty: it holds no cells"
        else:
            reason = "is empty: none of its sheets holds a cell"
        report.errors.append(Problem(file_name, None, None, "", reason))
        return
    for sheet in sheets:
        if id(sheet) in empty:
            if _named_dataset(sheet) is not None:
                report.warnings.append(
                    Problem(sheet.name, None, None, "", "sheet is empty: nothing to load from it")
                )
            continue
        if _stopped(report):
            break
        chosen = _choose_dataset(sheet, sheets, dataset, report, noun)
        if chosen is None:
            continue
        frame = _read_sheet(sheet, chosen, settings, report)
        if frame is not None:
            parsed.setdefault(chosen.name, []).append(frame)
    if _stopped(report):
        # Far past what anyone reads: say so, and keep nothing but the errors kept.
        report.errors.append(Problem(file_name, None, None, "", STOPPED.format(count=report.error_count)))
        report.errors.sort(key=lambda p: (p.sheet, p.row or 0))
        return
    if not parsed and not report.errors:
        report.errors.append(
            Problem(
                file_name, None, None, "", "holds no sheet of a known dataset: " + ", ".join(DATASETS_BY_NAME)
            )
        )
    frames = {
        name: pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        for name, parts in parsed.items()
    }
    for name, frame in frames.items():
        _check_rows(DATASETS_BY_NAME[name], frame, report)
    # Rows with errors are never stored: do not keep them (a report may stay in the app's session).
    report.located = frames if report.ok else {}
    report.errors.sort(key=lambda p: (p.sheet, p.row or 0))


def _stopped(report: UploadReport) -> bool:
    """So many errors were found that checking stops (STOP_AFTER)."""
    return report.error_count >= STOP_AFTER


def _is_empty(sheet: RawSheet) -> bool:
    return all(is_blank(cell) for row in sheet.rows for cell in row)


def _header_key(cell: Any) -> str:
    """A header cell as the contract's columns are matched: folded, then normalised."""
    return normalise_header(fold(cell)) if isinstance(cell, str) else normalise_header(cell)


def _named_dataset(sheet: RawSheet) -> Dataset | None:
    return dataset_for_sheet_name(fold(sheet.name))


# --- which dataset a sheet holds ---------------------------------------------------------------------


def _header_candidates(rows: list[list[Any]]) -> list[tuple[int, set[str]]]:
    out = []
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = {_header_key(c) for c in row if isinstance(c, str)} - {""}
        if names:
            out.append((index, names))
    return out


def _normalised_columns(dataset: Dataset) -> dict[str, str]:
    return dataset.header_map()


def _required_found(dataset: Dataset, names: set[str]) -> bool:
    return all(normalise_header(r) in names for r in dataset.required)


def _choose_dataset(
    sheet: RawSheet, sheets: list[RawSheet], wanted: str | None, report: UploadReport, noun: str = "sheet"
) -> Dataset | None:
    named = _named_dataset(sheet)
    if wanted is not None:
        # The user's choice is for the table whose dataset the file does not say itself: the only sheet, or
        # the sheets of a workbook not named after a dataset, explanation sheets such as Notes aside.
        if len(sheets) == 1:
            return DATASETS_BY_NAME[wanted]
        if named is None and normalise_header(fold(sheet.name)) not in _QUIET_SHEETS:
            return DATASETS_BY_NAME[wanted]
        return named
    if named is not None:
        return named
    candidates = _header_candidates(sheet.rows)
    matches = [d for d in DATASETS if any(_required_found(d, names) for _, names in candidates)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        report.errors.append(
            Problem(
                sheet.name,
                None,
                None,
                "",
                "could be "
                + " or ".join(d.name for d in matches)
                + f": name the {noun} after its dataset, or choose the dataset when uploading",
            )
        )
        return None
    if len(sheets) == 1:
        report.errors.append(
            Problem(
                sheet.name,
                None,
                None,
                "",
                f"is not a known dataset: name the {noun} after one of "
                + ", ".join(DATASETS_BY_NAME)
                + ", or give it that dataset's required columns",
            )
        )
    elif candidates and normalise_header(fold(sheet.name)) not in _QUIET_SHEETS:
        report.warnings.append(
            Problem(sheet.name, None, None, "", "sheet ignored: it is not one of the datasets")
        )
    return None


# --- one sheet -------------------------------------------------------------------------------------


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _find_header(sheet: RawSheet, dataset: Dataset, report: UploadReport) -> int | None:
    best: tuple[int, int, set[str]] | None = None
    wanted = {normalise_header(r) for r in dataset.required}
    for index, names in _header_candidates(sheet.rows):
        if wanted <= names:
            return index
        hits = len(wanted & names)
        if best is None or hits > best[0]:
            best = (hits, index, names)
    missing = [r for r in dataset.required if best is None or normalise_header(r) not in best[2]]
    row = best[1] + 1 if best and best[0] else None
    reason = f"no header row with the required columns of {dataset.name}: missing " + ", ".join(missing)
    if best is not None:
        for position, cell in enumerate(sheet.rows[best[1]]):
            note = _lookalike_header(cell, {normalise_header(m) for m in missing})
            if note:
                reason += f" (the header in column {_column_letter(position)} has {note}: retype it)"
                break
    report.errors.append(Problem(sheet.name, row, None, "", reason))
    return None


def _lookalike_header(cell: Any, wanted: set[str]) -> str | None:
    """What makes a header cell only look like one of the `wanted` (normalised) column names, if it does."""
    if not isinstance(cell, str):
        return None
    folded = fold(cell)
    if normalise_header(folded) in wanted or normalise_header(skeleton(folded)) not in wanted:
        return None
    return lookalike_note(folded)


def _read_sheet(
    sheet: RawSheet, dataset: Dataset, settings: Settings, report: UploadReport
) -> pd.DataFrame | None:
    header_index = _find_header(sheet, dataset, report)
    if header_index is None:
        return None
    header = sheet.rows[header_index]
    known = _normalised_columns(dataset)
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for position, cell in enumerate(header):
        if is_blank(cell) or _header_key(cell) == "":
            continue
        name = known.get(_header_key(cell))
        if name is None:
            label = show(parse_text(cell))
            note = _lookalike_header(cell, set(known))
            if note is not None:
                report.errors.append(
                    Problem(
                        sheet.name,
                        header_index + 1,
                        known[normalise_header(skeleton(fold(cell)))],
                        label,
                        f"header only looks like this column: it has {note}; retype it",
                    )
                )
                continue
            ignored.append(label)
            if looks_like_personal_data(label):
                report.warnings.append(
                    Problem(
                        sheet.name,
                        header_index + 1,
                        label,
                        "",
                        "PERSONAL DATA? This column looks like names, dates of birth, NHS numbers or addresses. "
                        "It was not stored: remove it from the spreadsheet, the dashboard must not hold it",
                    )
                )
            else:
                report.warnings.append(
                    Problem(
                        sheet.name,
                        header_index + 1,
                        label,
                        "",
                        f"column is not part of {dataset.name}: not stored",
                    )
                )
        elif name in positions:
            report.errors.append(
                Problem(
                    sheet.name,
                    header_index + 1,
                    name,
                    parse_text(cell),
                    f"column appears twice (columns {_column_letter(positions[name])} and {_column_letter(position)})",
                )
            )
        else:
            positions[name] = position

    body = sheet.rows[header_index + 1 :]
    numbered = [(number, row) for number, row in enumerate(body, header_index + 2) if _has_value(row)]
    if numbered and _is_total_row(numbered[-1][1]):
        numbered.pop()
    report.sheets.append(SheetResult(sheet.name, dataset.name, header_index + 1, len(numbered), ignored))
    excel_rows = [n for n, _ in numbered]
    data: dict[str, Any] = {"_sheet": [sheet.name] * len(numbered), "_row": excel_rows}
    rows = [row for _, row in numbered]
    shortest = min(map(len, rows), default=0)
    keys = {*dataset.key, *_REFERENCES.get(dataset.name, ())}
    for column in dataset.columns:
        if _stopped(report):
            return None
        at = positions.get(column.name)
        if at is None:
            raw: list[Any] = [None] * len(rows)
        elif at < shortest:
            raw = list(map(itemgetter(at), rows))
        else:
            raw = [row[at] if at < len(row) else None for row in rows]
        is_key = column.kind == "text" and column.name in keys
        data[column.name] = _parse_column(column, raw, excel_rows, sheet.name, settings, report, is_key)
    return pd.DataFrame(data)


# Text columns that name another row's key, folded as keys are (dashboard/cells.py: fold_key).
_REFERENCES = {"actions": ("source_ref",)}

# Cell types that equal no value of another of them, but for the numbers (True == 1 == 1.0).
_PLAIN_KINDS = frozenset({type(None), str, bool, int, float, date, datetime, time, timedelta})
_NUMBER_KINDS = frozenset({bool, int, float})
# A cell's typed value and its problems (the value as shown, the reason), as _parse_column judges it.
_Outcome = tuple[Any, tuple[tuple[str, str], ...]]


def _has_value(row: list[Any]) -> bool:
    """not all(is_blank(cell) for cell in row), without a call per cell."""
    for cell in row:
        if cell is None:
            continue
        if isinstance(cell, str):
            if cell.strip() == "":
                continue
        elif isinstance(cell, float) and math.isnan(cell):
            continue
        return True
    return False


def _is_total_row(row: list[Any]) -> bool:
    first = next((c for c in row if not is_blank(c)), None)
    return isinstance(first, str) and first.strip().rstrip(":").strip().lower() in (
        "total",
        "totals",
        "grand total",
    )


def _parse_column(
    column: Column,
    raw: list[Any],
    excel_rows: list[int],
    sheet: str,
    settings: Settings,
    report: UploadReport,
    is_key: bool = False,
) -> pd.Series:
    """A column's typed values; `is_key`: a text column holding a key (or naming one), folded as one."""
    parser: Callable[[Any], Any]
    if is_key:

        def parser(value: Any) -> str:
            return fold_key(parse_text(value))

    elif column.kind == "text":
        parser = parse_text
    elif column.kind == "date":
        parser = parse_date
    elif column.kind == "whole":
        parser = parse_whole
    elif column.kind == "number":
        parser = parse_number
    elif column.kind == "yesno":
        parser = parse_yes_no
    else:
        mapping, allowed = column.choice_map(settings), column.allowed_values(settings)

        def parser(value: Any) -> str:
            return parse_choice(value, mapping, allowed)

    plain_text = column.kind == "text"
    # Dates outside a plausible window (a typo such as 13/11/9999) are errors: one would break every page.
    earliest, latest = settings.earliest_date, settings.latest_date
    implausible = f"is not a plausible date (expected {_long_date(earliest)} to {_long_date(latest)})"
    is_date = column.kind == "date"

    def judge(value: Any) -> _Outcome:
        """What one cell becomes: its typed value and the problems (shown value, reason) it has."""
        if (
            plain_text
            and value.__class__ is str
            and 0 < len(value) <= MAX_TEXT_CHARS
            and value == clean_text(value)
            and (not is_key or (value.isascii() and "  " not in value))
        ):
            # Text as it should be (what the steps below make of it, only sooner). A copy, as they make
            # one: the value kept must not pin the memory of the raw sheet, freed once it is read.
            return value.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass"), ()
        too_long = text_too_long(value)
        if too_long:
            return None, ((show(value), too_long),)
        if is_blank(value):
            if column.kind == "yesno":
                return False, ()  # blank = no
            if column.default is not None:
                return column.default, ()
            return None, ((("", "is required but blank"),) if column.required else ())
        try:
            parsed = parser(value)
        except CellError as exc:
            return None, ((show(value), str(exc)),)
        problems: tuple[tuple[str, str], ...] = ()
        if is_date and isinstance(parsed, date) and not earliest <= parsed <= latest:
            return None, ((show(value), implausible),)
        if column.kind == "text" and parsed == "" and column.required:
            problems = (("", "is required but blank"),)
        problem = _range_problem(column, parsed)
        if problem:  # the typed column must still hold it (a count may be out of any range)
            return None, (*problems, (show(value), problem))
        return parsed, problems

    # Each distinct raw value is judged once per column: most columns hold a few hundred distinct values.
    blank = judge(None)
    values: list[Any]
    kinds = set(map(type, raw))
    if (
        kinds <= _PLAIN_KINDS
        and len(kinds & _NUMBER_KINDS) <= 1
        and not (column.kind == "number" and float in kinds and 0.0 in raw)
    ):
        # No two distinct values here are equal (1, 1.0 and True would be, and -0.0 and 0.0, which differ
        # as numbers), so the values themselves are the keys; a NaN is found by identity.
        judged = {value: blank if value is None else judge(value) for value in set(raw)}
        values = list(map({value: outcome[0] for value, outcome in judged.items()}.__getitem__, raw))
        if any(outcome[1] for outcome in judged.values()):
            for value, excel_row in zip(raw, excel_rows, strict=True):
                for shown, reason in judged[value][1]:
                    report.errors.add(sheet, excel_row, column.name, shown, reason)
        return _typed(column, values)
    # Otherwise the key holds the type, as 1, 1.0 and True are equal (and hash alike) but read differently.
    outcomes: dict[tuple[type, Any], _Outcome] = {}
    values = []
    append = values.append
    errors = report.errors
    name = column.name
    for value, excel_row in zip(raw, excel_rows, strict=True):
        if value is None:
            outcome = blank
        else:
            key = (value.__class__, value)
            try:
                found = outcomes.get(key)
                # NaN never equals itself, and -0.0 equals 0.0 but keeps its sign as a number.
                keep = found is None and value == value and not (value.__class__ is float and value == 0)
            except TypeError:  # unhashable: no reader gives one, but judge it all the same
                found, keep = None, False
            if found is None:
                found = judge(value)
                if keep:
                    outcomes[key] = found
            outcome = found
        append(outcome[0])
        for shown, reason in outcome[1]:
            errors.add(sheet, excel_row, name, shown, reason)
    return _typed(column, values)


def _long_date(day: date) -> str:
    """1 April 2000."""
    return f"{day.day} {day.strftime('%B %Y')}"


def _typed(column: Column, values: list[Any]) -> pd.Series:
    """A column's parsed values as its typed Series."""
    if column.kind == "date":
        return pd.Series(pd.to_datetime(values), dtype="datetime64[s]")
    if column.kind == "whole":
        return pd.Series(pd.array(values, dtype="Int64"))
    if column.kind == "number":
        return pd.Series(pd.array(values, dtype="Float64"))
    if column.kind == "yesno":
        return pd.Series(pd.array(values, dtype="boolean"))
    return pd.Series(values, dtype=object)


def _range_problem(column: Column, value: Any) -> str | None:
    if column.kind not in ("whole", "number"):
        return None
    if (
        column.minimum is not None
        and column.maximum is not None
        and not column.minimum <= value <= column.maximum
    ):
        return f"must be between {column.minimum:g} and {column.maximum:g}"
    if column.minimum is not None and value < column.minimum:
        return f"must be {column.minimum:g} or more"
    return None


# --- rules between cells and rows ------------------------------------------------------------------


def _fmt(value: Any) -> str:
    if isinstance(value, (pd.Timestamp, date)):
        return value.strftime("%d/%m/%Y")
    return show(value)


def _plain_values(series: pd.Series) -> list[Any]:
    """A column's values as Python objects, None where missing (frame.at per cell is ~50x slower)."""
    values = series.tolist()
    missing = series.isna()
    if not missing.any():
        return values
    return [None if gone else value for value, gone in zip(values, missing.tolist(), strict=True)]


class _PlainColumns(dict[str, list[Any]]):
    """A frame's columns as _plain_values, each made when first asked for."""

    def __init__(self, frame: pd.DataFrame) -> None:
        super().__init__()
        self.frame = frame

    def __missing__(self, name: str) -> list[Any]:
        values = self[name] = _plain_values(self.frame[name])
        return values


def _check_rows(dataset: Dataset, frame: pd.DataFrame, report: UploadReport) -> None:
    _check_keys(dataset, frame, report)
    rules = _ROW_RULES.get(dataset.name, [])
    if not rules and dataset.name != "audits":
        return
    columns = _PlainColumns(frame)  # only the columns the rules read
    groups: dict[str, dict[str, tuple[tuple[str, int], Any, Any]]] = {}
    for index in range(len(frame)):
        sheet, row = columns["_sheet"][index], int(columns["_row"][index])

        def get(column: str, index: int = index) -> Any:
            return columns[column][index]

        for column, check in rules:
            reason = check(get)
            if reason:
                report.errors.append(
                    Problem(sheet, row, column, _fmt(get(column)) if get(column) is not None else "", reason)
                )
        if dataset.name == "audits":
            audit_id = get("audit_id")
            if audit_id is None:
                continue
            first = groups.setdefault("audit", {}).setdefault(
                audit_id, ((sheet, row), get("audit_title"), get("audit_date"))
            )
            for column, position in (("audit_title", 1), ("audit_date", 2)):
                mine, theirs = get(column), first[position]
                if mine is not None and theirs is not None and mine != theirs:
                    report.errors.append(
                        Problem(
                            sheet,
                            row,
                            column,
                            _fmt(mine),
                            f"differs from {_here(first[0], sheet)} of the same audit_id {audit_id} "
                            f"({_fmt(theirs)}): "
                            f"one audit has one {column.replace('audit_', '')}",
                        )
                    )


def _here(where: tuple[str, int], sheet: str) -> str:
    """An earlier row: 'row 5' on `sheet`, 'Q1 row 5' on another sheet of the same dataset."""
    return f"row {where[1]}" if where[0] == sheet else f"{where[0]} row {where[1]}"


def _check_keys(dataset: Dataset, frame: pd.DataFrame, report: UploadReport) -> None:
    key = list(dataset.key)
    usable = frame[key].notna().all(axis=1)
    keyed = frame[usable]
    duplicated = keyed[keyed.duplicated(subset=key, keep=False)]
    first_row: dict[tuple[Any, ...], tuple[str, int]] = {}
    for _, record in duplicated.iterrows():
        value = tuple(record[k] for k in key)
        if value not in first_row:
            first_row[value] = (record["_sheet"], int(record["_row"]))
            continue
        shown = ", ".join(f"{k} {v}" for k, v in zip(key, value, strict=True))
        report.errors.append(
            Problem(
                record["_sheet"],
                int(record["_row"]),
                key[-1],
                str(value[-1]),
                f"repeats the key of {_here(first_row[value], record['_sheet'])} ({shown}): "
                "each row needs its own key",
            )
        )


Getter = Callable[[str], Any]


def _more_than(column: str, limit: str) -> Callable[[Getter], str | None]:
    def check(get: Getter) -> str | None:
        a, b = get(column), get(limit)
        if a is not None and b is not None and a > b:
            return f"is more than {limit} ({_fmt(b)})"
        return None

    return check


def _not_before(column: str, earlier: str) -> Callable[[Getter], str | None]:
    def check(get: Getter) -> str | None:
        a, b = get(column), get(earlier)
        if a is not None and b is not None and a < b:
            return f"is before {earlier} ({_fmt(b)})"
        return None

    return check


def _required_when(
    column: str, condition: Callable[[Getter], bool], because: str
) -> Callable[[Getter], str | None]:
    def check(get: Getter) -> str | None:
        if get(column) is None and condition(get):
            return f"is required when {because}"
        return None

    return check


def _only_when(
    column: str, condition: Callable[[Getter], bool], because: str
) -> Callable[[Getter], str | None]:
    def check(get: Getter) -> str | None:
        if get(column) is not None and not condition(get):
            return f"must be blank unless {because}"
        return None

    return check


_ROW_RULES: dict[str, list[tuple[str, Callable[[Getter], str | None]]]] = {
    "training_sessions": [("did_not_attend", _more_than("did_not_attend", "places_booked"))],
    "audits": [("actions_completed", _more_than("actions_completed", "actions_raised"))],
    "reviews": [
        ("notification_date", _not_before("notification_date", "la_aware_date")),
        ("rr_completed_date", _not_before("rr_completed_date", "notification_date")),
        (
            "rr_outcome",
            _required_when(
                "rr_outcome", lambda get: get("rr_completed_date") is not None, "rr_completed_date is set"
            ),
        ),
        ("panel_response_date", _not_before("panel_response_date", "rr_completed_date")),
        (
            "lcspr_decision_date",
            _only_when(
                "lcspr_decision_date", lambda get: get("rr_outcome") == "LCSPR", "rr_outcome is LCSPR"
            ),
        ),
        ("final_report_date", _not_before("final_report_date", "lcspr_decision_date")),
        ("lcspr_published_date", _not_before("lcspr_published_date", "lcspr_decision_date")),
    ],
    "actions": [
        (
            "completed_date",
            _required_when("completed_date", lambda get: get("status") == "Complete", "status is Complete"),
        ),
        (
            "completed_date",
            _only_when("completed_date", lambda get: get("status") == "Complete", "status is Complete"),
        ),
    ],
}


@dataclass(frozen=True)
class Stored:
    """What the store holds that the rules between an upload and the store need (ingest reads it)."""

    session_ids: frozenset[str] = frozenset()
    # audit_id -> its stored cases: (case_ref, audit_title, audit_date)
    audits: dict[str, list[tuple[str, str, date]]] = field(default_factory=dict)


def _values(report: UploadReport, dataset: str, column: str) -> set[Any]:
    frame = report.located.get(dataset)
    return set() if frame is None else set(frame[column].dropna())


def _check_attendance_sessions(
    report: UploadReport, stored: Stored, upload: Sequence[UploadReport], replace: str | None
) -> None:
    """Attendance must name a session in the same upload (any of its files) or already stored, and stays."""
    attendance = report.located.get("training_attendance")
    if attendance is None:
        return
    replacing = replace == "training_sessions"  # the stored sessions not in the upload are removed
    known = set() if replacing else set(stored.session_ids)
    for part in upload:
        known |= _values(part, "training_sessions", "session_id")
    reason = (
        "is not a training session in this upload, which replaces every stored session"
        if replacing
        else "is not a training session stored or in this upload"
    )
    for session, sheet, row in zip(
        attendance["session_id"], attendance["_sheet"], attendance["_row"], strict=True
    ):
        if session is not None and session not in known:
            report.errors.add(sheet, int(row), "session_id", str(session), reason)


def _check_audits_against_store(
    report: UploadReport, stored: Stored, upload: Sequence[UploadReport], replace: str | None
) -> None:
    """One audit has one title and date: a stored case of the audit that this upload leaves as it is must agree."""
    audits = report.located.get("audits")
    if audits is None or replace == "audits":  # replace: the stored cases not in the upload are removed
        return
    overwritten: set[tuple[str, str]] = set()
    for part in upload:
        frame = part.located.get("audits")
        if frame is not None:
            overwritten |= set(zip(frame["audit_id"], frame["case_ref"], strict=True))
    columns = _PlainColumns(audits)
    for index, audit_id in enumerate(columns["audit_id"]):
        kept = [case for case in stored.audits.get(audit_id, []) if (audit_id, case[0]) not in overwritten]
        if not kept:
            continue
        case_ref, title, day = kept[0]
        for column, theirs in (("audit_title", title), ("audit_date", day)):
            mine = columns[column][index]
            if mine is None:
                continue
            differs = pd.Timestamp(mine) != pd.Timestamp(theirs) if column == "audit_date" else mine != theirs
            if differs:
                report.errors.add(
                    columns["_sheet"][index],
                    int(columns["_row"][index]),
                    column,
                    _fmt(mine),
                    f"differs from the stored case {case_ref} of the same audit_id {audit_id} ({_fmt(theirs)}): "
                    f"one audit has one {column.replace('audit_', '')}; to change it, upload every case of the audit",
                )


def _check_across_files(report: UploadReport, earlier: Sequence[UploadReport]) -> None:
    """Files loaded as one upload: a key given twice, or an audit given two titles or dates, is an error."""
    for name, frame in report.located.items():
        dataset = DATASETS_BY_NAME[name]
        key = list(dataset.key)
        seen: dict[tuple[Any, ...], tuple[str, int]] = {}
        audits: dict[Any, tuple[str, int, Any, Any]] = {}
        for other in earlier:
            theirs = other.located.get(name)
            if theirs is None:
                continue
            for values in zip(*(theirs[k] for k in key), theirs["_sheet"], theirs["_row"], strict=True):
                seen.setdefault(tuple(values[:-2]), (_in_file(other.file_name, values[-2]), int(values[-1])))
            if name == "audits":
                for audit_id, title, day, sheet, row in zip(
                    theirs["audit_id"],
                    theirs["audit_title"],
                    theirs["audit_date"],
                    theirs["_sheet"],
                    theirs["_row"],
                    strict=True,
                ):
                    audits.setdefault(audit_id, (_in_file(other.file_name, sheet), int(row), title, day))
        if not seen:
            continue
        for values in zip(*(frame[k] for k in key), frame["_sheet"], frame["_row"], strict=True):
            first = seen.get(tuple(values[:-2]))
            if first is None:
                continue
            shown = ", ".join(f"{k} {v}" for k, v in zip(key, values[:-2], strict=True))
            report.errors.add(
                values[-2],
                int(values[-1]),
                key[-1],
                str(values[-3]),
                f"repeats the key of {first[0]} row {first[1]} ({shown}): each row needs its own key",
            )
        if name == "audits":
            for audit_id, title, day, sheet, row in zip(
                frame["audit_id"],
                frame["audit_title"],
                frame["audit_date"],
                frame["_sheet"],
                frame["_row"],
                strict=True,
            ):
                other_row = audits.get(audit_id)
                if other_row is None:
                    continue
                for column, mine, theirs in (
                    ("audit_title", title, other_row[2]),
                    ("audit_date", day, other_row[3]),
                ):
                    if mine != theirs:
                        report.errors.add(
                            sheet,
                            int(row),
                            column,
                            _fmt(mine),
                            f"differs from {other_row[0]} row {other_row[1]} of the same audit_id "
                            f"{audit_id} ({_fmt(theirs)}): one audit has one {column.replace('audit_', '')}",
                        )


def _in_file(file_name: str, sheet: str) -> str:
    """'a.csv' for a CSV file (its one sheet), 'a.xlsx training_sessions' for a workbook's sheet."""
    return file_name if file_name.lower().endswith(".csv") else f"{file_name} {sheet}"


def check_against_store(
    report: UploadReport,
    stored: Stored,
    upload: Sequence[UploadReport] = (),
    replace: str | None = None,
) -> None:
    """The rules that need the database, run by ingest just before loading. `upload` is every file of the one
    upload (this report among them): a session in one may be attended in another, and no key may be in two."""
    files = list(upload) or [report]
    before = report.error_count
    _check_attendance_sessions(report, stored, files, replace)
    _check_audits_against_store(report, stored, files, replace)
    position = next((i for i, part in enumerate(files) if part is report), 0)
    _check_across_files(report, files[:position])
    if report.error_count > before:
        report.errors.sort(key=lambda p: (p.sheet, p.row or 0))
