"""Exact equations behind secondary suppression (dashboard.publish.suppression): the lines of a table whose
cells add up to a total, whether a line on its own gives a hidden cell away, which hidden cells the equations
determine (Gaussian elimination over fractions), and the secondary suppression of one two-way table."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pandas as pd

from dashboard.core.text import is_missing

Pos = tuple[Any, Any]  # (row, column) in a table; (row, field) across the tables of an output


@dataclass(frozen=True)
class Line:
    """One row or column of the table with a total: the sum of `components` is the cell `total`."""

    components: tuple[Pos, ...]
    total: Pos

    @property
    def members(self) -> tuple[Pos, ...]:
        return (*self.components, self.total)


def whole_counts(table: pd.DataFrame) -> list[list[int]]:
    values: list[list[int]] = []
    for i, row_label in enumerate(table.index):
        row: list[int] = []
        for j, column in enumerate(table.columns):
            value = table.iat[i, j]
            where = f"row {row_label!r}, column {column!r}"
            if is_missing(value):
                raise ValueError(f"the table has no value at {where}; counts must all be present")
            if isinstance(value, bool):
                raise ValueError(f"the value at {where} is a bool, not a count")
            try:
                number = float(value)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"the value at {where} ({value!r}) is not a count") from exc
            if not math.isfinite(number) or number < 0 or not number.is_integer():
                raise ValueError(f"the value at {where} ({value!r}) is not a whole count of 0 or more")
            row.append(int(number))
        values.append(row)
    return values


def table_lines(n_rows: int, n_cols: int, total_i: int | None, total_j: int | None) -> list[Line]:
    """The lines that have a total, rows (top to bottom) before columns (left to right)."""
    lines: list[Line] = []
    if total_j is not None:
        for i in range(n_rows):
            parts = tuple((i, j) for j in range(n_cols) if j != total_j)
            lines.append(Line(parts, (i, total_j)))
    if total_i is not None:
        for j in range(n_cols):
            parts = tuple((i, j) for i in range(n_rows) if i != total_i)
            lines.append(Line(parts, (total_i, j)))
    return lines


def exposed(line: Line, values: list[list[int]], hidden: set[Pos]) -> bool:
    """Whether the line on its own gives a hidden cell away.

    It does when exactly one of its cells (components and total) is hidden: that cell is the difference.
    It also does when its total is shown and the hidden components add up to exactly as many as there are
    of them: zeros are shown, so every hidden count is at least 1 and all of these must be 1.
    """
    hidden_here = [pos for pos in line.members if pos in hidden]
    if len(hidden_here) == 1:
        return True
    if len(hidden_here) >= 2 and line.total not in hidden:
        ti, tj = line.total
        remainder = values[ti][tj] - sum(values[i][j] for i, j in line.components if (i, j) not in hidden)
        return remainder == len(hidden_here)
    return False


def recoverable(lines: Sequence[Line], hidden: set[Pos]) -> list[Pos]:
    """The hidden cells that the total equations determine exactly, found by exact Gaussian elimination.

    Each line gives sum(hidden components) - (hidden total) = a number the reader can work out. A hidden cell
    is determined when, in the reduced row echelon form of that system, its variable is a pivot whose row
    has no free variable in it.
    """
    unknowns = sorted(hidden)
    column_of = {pos: k for k, pos in enumerate(unknowns)}
    n = len(unknowns)
    rows: list[list[Fraction]] = []
    for line in lines:
        coefficients = [Fraction(0)] * n
        for pos in line.components:
            if pos in hidden:
                coefficients[column_of[pos]] += 1
        if line.total in hidden:
            coefficients[column_of[line.total]] -= 1
        if any(coefficients):
            rows.append(coefficients)
    pivots: list[int] = []
    r = 0
    for c in range(n):
        if r == len(rows):
            break
        found = next((k for k in range(r, len(rows)) if rows[k][c] != 0), None)
        if found is None:
            continue
        rows[r], rows[found] = rows[found], rows[r]
        lead = rows[r][c]
        rows[r] = [v / lead for v in rows[r]]
        for k in range(len(rows)):
            if k != r and rows[k][c] != 0:
                factor = rows[k][c]
                rows[k] = [a - factor * b for a, b in zip(rows[k], rows[r], strict=True)]
        pivots.append(c)
        r += 1
    pivot_set = set(pivots)
    free = [c for c in range(n) if c not in pivot_set]
    return [unknowns[c] for k, c in enumerate(pivots) if all(rows[k][f] == 0 for f in free)]


def check_totals(table: pd.DataFrame, lines: Sequence[Line], values: list[list[int]]) -> None:
    for line in lines:
        ti, tj = line.total
        if sum(values[i][j] for i, j in line.components) != values[ti][tj]:
            raise ValueError(
                f"the total at row {table.index[ti]!r}, column {table.columns[tj]!r} ({values[ti][tj]}) is not "
                "the sum of the other cells of its line"
            )


class TableSuppression:
    """Secondary suppression of one table (suppress_counts' rules 2 and 3), hiding cells in `hidden`."""

    def __init__(
        self,
        values: list[list[int]],
        lines: list[Line],
        hidden: set[Pos],
        total_i: int | None,
        total_j: int | None,
    ) -> None:
        self.values, self.lines, self.hidden = values, lines, hidden
        self.total_i, self.total_j = total_i, total_j
        self.lines_of: dict[Pos, list[Line]] = {}
        for line in lines:
            for pos in line.members:
                self.lines_of.setdefault(pos, []).append(line)

    def value(self, pos: Pos) -> int:
        return self.values[pos[0]][pos[1]]

    def totalness(self, pos: Pos) -> int:
        return (pos[0] == self.total_i) + (pos[1] == self.total_j)

    def knock_on(self, pos: Pos, current: Line) -> int:
        crossing = [line for line in self.lines_of.get(pos, []) if line is not current]
        counts = [sum(1 for member in line.members if member in self.hidden) for line in crossing]
        if any(count == 1 for count in counts):
            return 0
        if any(count == 0 for count in counts):
            return 2
        return 1

    def candidates(self, cells: Iterable[Pos]) -> list[Pos]:
        shown = [pos for pos in cells if pos not in self.hidden and self.value(pos) > 0]
        return sorted(shown, key=lambda pos: (self.totalness(pos), self.value(pos), pos))

    def hide_in_exposed_lines(self, secondary: set[Pos]) -> bool:
        """Rule 2: one more cell hidden in each exposed line; whether anything changed."""
        changed = False
        for line in self.lines:
            if not exposed(line, self.values, self.hidden):
                continue
            choices = self.candidates(line.members)
            if not choices:  # pragma: no cover - impossible for a table whose totals add up
                raise AssertionError("an exposed line has no cell left to hide")
            best = min(
                choices,
                key=lambda pos: (self.totalness(pos), self.value(pos), self.knock_on(pos, line), pos),
            )
            self.hidden.add(best)
            secondary.add(best)
            changed = True
        return changed

    def run(self) -> set[Pos]:
        """Rules 2 and 3 until nothing is exposed and nothing can be solved for; the cells hidden."""
        secondary: set[Pos] = set()
        n_rows, n_cols = len(self.values), len(self.values[0]) if self.values else 0
        while True:
            if self.hide_in_exposed_lines(secondary):
                continue
            determined = recoverable(self.lines, self.hidden)
            if not determined:
                return secondary
            target = determined[0]
            everywhere = self.candidates((i, j) for i in range(n_rows) for j in range(n_cols))
            chosen = next(
                (pos for pos in everywhere if target not in recoverable(self.lines, self.hidden | {pos})),
                None,
            )
            if chosen is None:
                nearby = self.candidates(
                    pos for line in self.lines_of.get(target, []) for pos in line.members
                )
                chosen = nearby[0] if nearby else everywhere[0]
            self.hidden.add(chosen)
            secondary.add(chosen)


def label_position(labels: pd.Index, label: Hashable | None, kind: str) -> int | None:
    if label is None:
        return None
    if label not in labels:
        raise ValueError(f"the total {kind} {label!r} is not in the table")
    return int(labels.get_loc(label))


# --- the publication rule for KPI figures -----------------------------------------------------------------

# CASE and ACTIVITY, the publication kinds a KPI file declares, are defined with the catalogue.
