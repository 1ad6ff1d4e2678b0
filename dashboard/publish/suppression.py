"""Publication-safe numbers: small counts shown as "c", following Department for Education practice.

Internal users see real numbers. Anything made for publication passes through this module first:

* `suppress_value` hides a single count from 1 to the threshold (zeros are shown);
* `suppress_rate` hides a percentage whose denominator is from 1 to the threshold;
* `suppress_counts` hides the small counts of a two-way table (primary suppression) and then enough other
  counts (secondary suppression) that no hidden count can be worked out from the totals;
* `publication_footnote` explains "c" in plain English.

The threshold comes from the configuration (`Settings.suppression_threshold`, 5 by default); callers pass it
in, so this module reads no settings, no database and nothing of Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd

from dashboard.core.text import is_missing
from dashboard.kpis.catalogue import ACTIVITY, CASE, Kpi
from dashboard.publish.suppression_equations import (
    Line,
    TableSuppression,
    check_totals,
    label_position,
    recoverable,
    table_lines,
    whole_counts,
)

PROTECTIVE_MARKING = "OFFICIAL-SENSITIVE"
"""The marking on everything internal (pages, an internal report or pack, CSV downloads of case records):
it names cases and shows small numbers."""

SAMPLE_DATA_NOTICE = (
    "Fictional sample data: made up to show the dashboard; apart from the partnership's own published "
    "newsletter facts, nothing here describes a real child, case or review."
)
"""Said on every page, report and pack made from a database holding the sample workbooks."""

SUPPRESSED = "c"
"""What a published table shows in place of a hidden count."""

Cell = tuple[Hashable, Hashable]
"""A cell of a table, named by (row label, column label)."""

_Pos = tuple[Any, Any]  # (row, column) in a table; (row, field) across the tables of an output
_V = TypeVar("_V")


@dataclass
class SuppressionResult:
    """A table made safe to publish.

    `table` has object dtype: hidden cells hold the string "c", every other cell its original number.
    `primary` holds the cells hidden because they are small (1 to the threshold); `secondary` the cells hidden
    so that a small count cannot be worked out from the totals. Both name cells by (row label, column label).
    """

    table: pd.DataFrame
    primary: set[Cell]
    secondary: set[Cell]
    footnote: str

    @property
    def hidden(self) -> set[Cell]:
        """Every hidden cell, primary or secondary."""
        return self.primary | self.secondary


def marked_file_name(stem: str, suffix: str, publish: bool = False) -> str:
    """A download's file name that says what it is: 'x-published.xlsx', or 'x-OFFICIAL-SENSITIVE.xlsx'."""
    return f"{stem}-{'published' if publish else PROTECTIVE_MARKING}{suffix}"


def _check_threshold(threshold: int) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 0:
        raise ValueError(f"the suppression threshold must be a whole number of 0 or more, not {threshold!r}")


def _is_small(number: float, threshold: int) -> bool:
    """A count from 1 to the threshold (for whole counts, the same as 0 < number <= threshold)."""
    return 0 < number <= threshold


def publication_footnote(threshold: int, any_secondary: bool) -> str:
    """The plain-English note that goes under a published table or figure.

    Empty when the threshold is 0 (nothing is hidden).
    """
    _check_threshold(threshold)
    if threshold == 0:
        return ""
    small = "a count of 1" if threshold == 1 else f"a count from 1 to {threshold}"
    parts = [f"{SUPPRESSED}: {small} is not shown, to protect the children and families concerned."]
    if any_secondary:
        parts.append(
            "Some other counts are also hidden (secondary suppression) so that a hidden count cannot be "
            "worked out from the totals."
        )
    parts.append("Zeros are shown.")
    return " ".join(parts)


def suppress_value(value: _V, threshold: int) -> _V | str:
    """A single count for publication: "c" when it is from 1 to `threshold`, otherwise unchanged.

    Zeros and missing values (None, NaN, pd.NA) are returned as they are.
    """
    _check_threshold(threshold)
    if is_missing(value):
        return value
    if isinstance(value, bool):
        raise TypeError("a count must be a number, not a bool")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise TypeError(f"a count must be a number, not {value!r}") from exc
    return SUPPRESSED if _is_small(number, threshold) else value


def suppress_rate(
    numerator: float | None,
    denominator: float | None,
    threshold: int,
    *,
    protect_numerator: bool = False,
) -> float | str | None:
    """A percentage (100 * numerator / denominator) for publication.

    * None when there is no rate: the denominator or numerator is missing, or the denominator is 0;
    * "c" when the denominator is from 1 to `threshold` (a rate on so few children is hidden);
    * with `protect_numerator=True`, "c" also when the numerator is from 1 to `threshold`. Use it when the
      denominator is published next to the rate: rate x denominator gives the numerator back exactly, so a
      numerator hidden elsewhere would otherwise be revealed.
    * otherwise the percentage, unrounded (formatting is the caller's business).
    """
    _check_threshold(threshold)
    if denominator is None or is_missing(denominator):
        return None
    denom = float(denominator)
    if denom < 0 or not math.isfinite(denom):
        raise ValueError(f"a rate's denominator must be a count of 0 or more, not {denominator!r}")
    if denom == 0:
        return None
    if _is_small(denom, threshold):
        return SUPPRESSED
    if numerator is None or is_missing(numerator):
        return None
    num = float(numerator)
    if protect_numerator and _is_small(num, threshold):
        return SUPPRESSED
    return 100.0 * num / denom


def suppress_counts(
    table: pd.DataFrame,
    threshold: int,
    total_row: Hashable | None = None,
    total_column: Hashable | None = None,
) -> SuppressionResult:
    """Make a two-way table of counts safe to publish (primary and secondary suppression).

    `table` holds whole counts of 0 or more; its index labels the rows and its columns the columns (both
    unique). `total_row` and/or `total_column` name the row or column that holds the sums of the others; a
    table without them gets primary suppression only, because with no total a hidden count cannot be worked
    out from the counts beside it. A total that does not equal the sum of its line raises ValueError.

    A *line* is a row or a column of the table, the total row and total column included, that has a total:
    every row when there is a total column (its total is its cell in the total column) and every column when
    there is a total row. The grand total is the total of both the total row and the total column.

    1. Primary: every cell, totals included, holding 1 to `threshold` is hidden. Zeros are always shown and
       are never chosen for secondary suppression.
    2. Secondary, line by line (rows top to bottom, then columns left to right, repeated until nothing
       changes). A line is *exposed* when
       a. exactly one of its cells (components and total together) is hidden: that cell is the total minus
          the others, or the sum of the others; or
       b. its total is shown and its hidden components add up to exactly their number: zeros are shown, so
          each hidden count is at least 1, and they would all be known to be 1.
       In an exposed line another cell is hidden: the smallest non-zero shown count among those that are
       not totals (a row or column total is used only when no other cell qualifies, and the grand total
       last). Ties go first to a cell whose crossing line has exactly one hidden cell (hiding it protects
       that line too), then to one whose crossing line has no total or two or more hidden cells (no knock-on
       effect), then to the first in table order. There is always such a cell: an exposed line has a shown,
       non-zero total or a shown, non-zero component.
    3. When no line is exposed, the whole system of line equations over the hidden cells is solved exactly
       (Gaussian elimination over fractions). Rule 2 already stops a line with a single unknown from giving
       a cell away, and so stops the peeling ("sudoku") attack, which needs such a line to start from; but
       combining several lines can still pin a cell down (a hidden cell joining two otherwise separate
       groups of hidden cells, say). For the first such cell, the shown non-zero cell hidden is the first,
       in the preference order of rule 2 (non-totals, then smaller counts, then table order), that leaves
       it undetermined; failing that, the first such cell in one of its lines. Then back to step 2.

    Every round hides a cell, so it stops; and if every non-zero cell were hidden nothing could be worked
    out, so it stops safe. When it stops, every line has 0 or at least 2 hidden cells among its components
    and total, and no hidden cell is determined by the totals.

    Not covered: bounds beyond rule 2b (a reader who combines "each hidden count is at least 1" across several
    lines by linear programming can sometimes narrow a count down), and counts published elsewhere (another
    table, a headline figure, a rate beside its denominator) that add equations this function cannot see.
    """
    _check_threshold(threshold)
    if not table.index.is_unique or not table.columns.is_unique:
        raise ValueError("the table's row labels and column labels must each be unique")
    total_i = label_position(table.index, total_row, "row")
    total_j = label_position(table.columns, total_column, "column")
    values = whole_counts(table)
    n_rows, n_cols = table.shape
    lines = table_lines(n_rows, n_cols, total_i, total_j)
    check_totals(table, lines, values)
    primary = {(i, j) for i in range(n_rows) for j in range(n_cols) if _is_small(values[i][j], threshold)}
    hidden = set(primary)
    secondary = TableSuppression(values, lines, hidden, total_i, total_j).run()

    published = table.astype(object)
    for i, j in hidden:
        published.iat[i, j] = SUPPRESSED

    def named(cells: set[_Pos]) -> set[Cell]:
        return {(table.index[i], table.columns[j]) for i, j in cells}

    return SuppressionResult(
        table=published,
        primary=named(primary),
        secondary=named(secondary),
        footnote=publication_footnote(threshold, any_secondary=bool(secondary)),
    )


_ADDITIVE_FIELDS = {"count": ("value",), "percent": ("numerator", "denominator")}


@dataclass
class PublishedKpis:
    """KPI rows made safe to publish by `publish_kpi_rows`.

    `table` holds only the rows that may be published, with "c" in numerator, denominator, value and rag
    where a figure is hidden; `withheld` names, in words, what was left out (for the report's notes).
    """

    table: pd.DataFrame
    any_secondary: bool
    withheld: tuple[str, ...]

    @property
    def footnote_needed(self) -> bool:
        return bool((self.table[["numerator", "denominator", "value"]] == SUPPRESSED).to_numpy().any())


def is_published_row(kind: str, locality: Any, category: Any) -> bool:
    """Whether a KPI row may appear in anything published: every activity row; of a case KPI, only the
    headline for the partnership as a whole (a row split by locality or by nature, harm type, outcome, age or
    case level could point to a child)."""
    if kind == ACTIVITY:
        return True
    return is_missing(locality) and is_missing(category)


def publish_kpi_rows(
    rows: pd.DataFrame,
    kinds: dict[str, str],
    units: dict[str, str],
    threshold: int,
    quarters_of: dict[str, list[str]] | None = None,
) -> PublishedKpis:
    """The one publication rule for KPI figures, used by the report, the KPI pack and `pmf kpis --publish`.

    `rows` has the KPI runner's columns (kpi, period, locality, category, numerator, denominator, value, and
    rag when present) for every period that one output shows. `kinds` gives each KPI's publication kind
    (CASE when not given: closed by default); `units` its unit.

    * Activity rows are published as they are.
    * Case rows are kept only as the partnership-wide headline (`is_published_row`). Their counts from 1 to
      the threshold are hidden (primary); a rate is hidden when its numerator or denominator is, and a mean
      or median when its denominator is.
    * Across all the case figures of the output (several KPIs, several periods), secondary suppression then
      hides more until no hidden count can be worked out: from a year's total and its four quarters
      (`quarters_of` maps a year's label to its quarters' labels, when both are shown), or from the same
      count shown in two places (two figures of one period with the same value are treated as possibly the
      same count: whichever is hidden, the other is hidden too).
    """
    _check_threshold(threshold)
    frame = rows.copy()
    kind = frame["kpi"].map(lambda k: kinds.get(str(k), CASE))
    keep = [
        is_published_row(k, loc, cat)
        for k, loc, cat in zip(kind, frame["locality"], frame["category"], strict=True)
    ]
    withheld: list[str] = []
    if not all(keep):
        dropped = frame[[not k for k in keep]]
        if dropped["locality"].notna().any():
            withheld.append("case review and audit figures for each locality")
        if dropped["category"].notna().any():
            withheld.append("case figures by nature, outcome or grade")
    frame = frame[keep].reset_index(drop=True)
    for column in ("locality", "category"):
        frame[column] = pd.Series(frame[column].to_numpy(dtype=object, na_value=None), dtype=object)
    for column in ("numerator", "denominator", "value"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    if "rag" in frame.columns:
        frame["rag"] = frame["rag"].astype(object).where(frame["rag"].notna(), None)
    is_case = frame["kpi"].map(lambda k: kinds.get(str(k), CASE) == CASE).to_numpy()

    counts = _case_counts(frame, is_case, units)
    hidden = {cell for cell, value in counts.items() if _is_small(value, threshold)}
    equations = _period_equations(frame, counts, quarters_of or {})
    secondary = _secure(counts, hidden, equations, frame)
    hidden |= secondary
    for i, name in hidden:
        frame.at[i, name] = SUPPRESSED
    _hide_rates_of_hidden_counts(frame, is_case, units)
    if "rag" in frame.columns:  # a RAG status would tell how far a hidden value is from its target
        frame.loc[(frame["value"] == SUPPRESSED) & frame["rag"].notna(), "rag"] = SUPPRESSED
    return PublishedKpis(frame, bool(secondary), tuple(withheld))


def _case_counts(frame: pd.DataFrame, is_case: Any, units: dict[str, str]) -> dict[tuple[int, str], int]:
    """The case figures that are whole counts, named (row index, field)."""
    counts: dict[tuple[int, str], int] = {}
    for i in [int(x) for x in frame.index[is_case]]:
        unit = units.get(str(frame.at[i, "kpi"]), "count")
        for name in _ADDITIVE_FIELDS.get(unit, ("denominator",)):
            value = frame.at[i, name]
            if value is None:
                continue
            number = float(value)
            if math.isfinite(number) and number >= 0 and number.is_integer():
                counts[i, name] = int(number)
    return counts


def _hide_rates_of_hidden_counts(frame: pd.DataFrame, is_case: Any, units: dict[str, str]) -> None:
    """A rate is hidden with its numerator or denominator; a mean or median with its denominator."""
    for i in [int(x) for x in frame.index[is_case]]:
        unit = units.get(str(frame.at[i, "kpi"]), "count")
        if unit == "count":
            frame.at[i, "numerator"] = frame.at[i, "value"]
            continue
        denominator_hidden = frame.at[i, "denominator"] == SUPPRESSED
        numerator_hidden = frame.at[i, "numerator"] == SUPPRESSED
        if denominator_hidden or (unit == "percent" and numerator_hidden):
            frame.at[i, "value"] = SUPPRESSED
            if unit != "percent":  # a sum or median behind a hidden mean is hidden with it
                frame.at[i, "numerator"] = SUPPRESSED


def publish_catalogue_rows(
    rows: pd.DataFrame,
    catalogue: Iterable[Kpi],
    threshold: int,
    quarters_of: dict[str, list[str]] | None = None,
) -> PublishedKpis:
    """publish_kpi_rows with each KPI's publication kind and unit read from the catalogue (what every output
    calls)."""
    kpis = list(catalogue)
    return publish_kpi_rows(
        rows, {k.id: k.publication for k in kpis}, {k.id: k.unit for k in kpis}, threshold, quarters_of
    )


_Equation = tuple[tuple[tuple[int, str], ...], tuple[int, str]]  # components, total


def _period_equations(
    frame: pd.DataFrame, counts: dict[tuple[int, str], int], quarters_of: dict[str, list[str]]
) -> list[_Equation]:
    """A year's count is the sum of its four quarters' counts, for each case KPI and additive field."""
    where: dict[tuple[str, str, str], tuple[int, str]] = {}
    for i, name in counts:
        where[str(frame.at[i, "kpi"]), str(frame.at[i, "period"]), name] = (i, name)
    equations: list[_Equation] = []
    for (kpi, period, name), total in where.items():
        quarters = quarters_of.get(period)
        if not quarters:
            continue
        parts = [where.get((kpi, q, name)) for q in quarters]
        if all(p is not None for p in parts):
            equations.append((tuple(p for p in parts if p is not None), total))
    return equations


def _secure(
    counts: dict[tuple[int, str], int],
    hidden: set[tuple[int, str]],
    equations: list[_Equation],
    frame: pd.DataFrame,
) -> set[tuple[int, str]]:
    """Secondary suppression across the tables of one output: returns the cells hidden beyond `hidden`."""
    hidden = set(hidden)
    secondary: set[tuple[int, str]] = set()
    lines = [Line(components, total) for components, total in equations]

    def same_count(cell: tuple[int, str]) -> list[tuple[int, str]]:
        period = frame.at[cell[0], "period"]
        return [
            other
            for other, value in counts.items()
            if other not in hidden and value == counts[cell] and frame.at[other[0], "period"] == period
        ]

    def hide(cell: tuple[int, str]) -> None:
        hidden.add(cell)
        secondary.add(cell)

    while True:
        changed = False
        for cell in sorted(hidden):
            for other in same_count(cell):
                hide(other)
                changed = True
        for line in lines:
            members = [*line.components, line.total]
            hidden_here = [m for m in members if m in hidden]
            exposed = len(hidden_here) == 1
            if len(hidden_here) >= 2 and line.total not in hidden:
                known = sum(counts[m] for m in line.components if m not in hidden)
                exposed = counts[line.total] - known == len(hidden_here)
            if exposed:
                choices = sorted(
                    (m for m in members if m not in hidden and counts[m] > 0),
                    key=lambda m: (m == line.total, counts[m], m),
                )
                if choices:
                    hide(choices[0])
                    changed = True
        if changed:
            continue
        determined = recoverable(lines, hidden)
        if not determined:
            return secondary
        target = determined[0]
        candidates = sorted(
            (c for c in counts if c not in hidden and counts[c] > 0), key=lambda c: (counts[c], c)
        )
        chosen = next((c for c in candidates if target not in recoverable(lines, hidden | {c})), None)
        if chosen is None:
            return secondary  # pragma: no cover - every non-zero cell hidden: nothing can be worked out
        hide(chosen)


def commentary_is_published(publication: str | None, locality: str | None) -> bool:
    """Whether the PMF group's commentary on a KPI goes into a published output: only on an activity KPI (the
    workforce: training, the action plan, the audits' samples), for the partnership as a whole. Never on a
    case KPI (it may describe a case), never a locality's: the report, the pack and `pmf kpis --publish`
    all follow this one rule."""
    return locality is None and publication == ACTIVITY
