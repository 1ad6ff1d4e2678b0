"""What checking an upload found: each Problem (sheet, Excel row, column, value, reason), counted and capped.

A file with every cell wrong would make millions of problems: every one is counted per sheet and column, and
only the first ones are kept (Problems), so the report costs little memory and reads as a list, then "and
199,990 more like this".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd


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
