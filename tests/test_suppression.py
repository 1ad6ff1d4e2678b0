"""Publication-safe numbers: hand-checked tables, an attacker who tries to recover every hidden count, rates."""

from __future__ import annotations

import math
import random
import re
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from dashboard.core.config import DEFAULT_CONFIG_PATH, load_settings
from dashboard.publish.suppression import (
    SuppressionResult,
    publication_footnote,
    suppress_counts,
    suppress_rate,
    suppress_value,
)

c = "c"
T = "Total"
LOCALITIES = ["Hartlepool", "Stockton-on-Tees", "Teeswide", T]
MODES = ["Face to face", "Virtual", "E-learning", T]

# Sessions delivered by locality and delivery mode, with totals. The only small count is Hartlepool's 3.
SESSIONS = [
    [12, 3, 20, 35],
    [15, 9, 0, 24],
    [8, 7, 30, 45],
    [35, 19, 50, 104],
]


def frame(rows: list[list[Any]], index: list[str], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, index=index, columns=columns)


def published(rows: list[list[Any]], index: list[str], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, index=index, columns=columns, dtype=object)


def assert_published(result: SuppressionResult, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(result.table, expected)
    hidden = {(r, col) for r in expected.index for col in expected.columns if expected.at[r, col] == c}
    assert result.primary | result.secondary == hidden
    assert not result.primary & result.secondary


# --- the attacker ----------------------------------------------------------------------------------------


def _equations(table: pd.DataFrame, total_row: Hashable | None, total_column: Hashable | None):
    """Each line with a total as (components, total), cells by (row label, column label)."""
    lines = []
    if total_column is not None:
        for r in table.index:
            lines.append(([(r, col) for col in table.columns if col != total_column], (r, total_column)))
    if total_row is not None:
        for col in table.columns:
            lines.append(([(r, col) for r in table.index if r != total_row], (total_row, col)))
    return lines


def peel(table: pd.DataFrame, total_row: Hashable | None, total_column: Hashable | None) -> dict[Any, int]:
    """Work out hidden counts like a sudoku from the published table alone.

    Repeatedly: a line with one unknown gives it as the difference; a line whose total is known and whose
    unknown components add up to exactly their number gives them all as 1 (zeros are shown, so each hidden
    count is at least 1). Returns what it recovered.
    """
    known = {(r, col): v for r in table.index for col in table.columns if (v := table.at[r, col]) != c}
    recovered: dict[Any, int] = {}
    lines = _equations(table, total_row, total_column)
    progress = True
    while progress:
        progress = False
        for components, total in lines:
            unknown = [cell for cell in (*components, total) if cell not in known]
            if len(unknown) == 1:
                (cell,) = unknown
                if cell == total:
                    value = sum(known[p] for p in components)
                else:
                    value = known[total] - sum(known[p] for p in components if p != cell)
                known[cell] = recovered[cell] = value
                progress = True
            elif len(unknown) >= 2 and total in known:
                remainder = known[total] - sum(known[p] for p in components if p in known)
                if remainder == len(unknown):
                    for cell in unknown:
                        known[cell] = recovered[cell] = 1
                    progress = True
    return recovered


def solve(table: pd.DataFrame, total_row: Hashable | None, total_column: Hashable | None) -> set[Any]:
    """The hidden cells that the total equations determine exactly (a hidden cell is determined when its
    unit vector lies in the row space of the equations' coefficients over the hidden cells)."""
    unknowns = [(r, col) for r in table.index for col in table.columns if table.at[r, col] == c]
    if not unknowns:
        return set()
    where = {cell: k for k, cell in enumerate(unknowns)}
    rows = []
    for components, total in _equations(table, total_row, total_column):
        row = np.zeros(len(unknowns))
        for cell in components:
            if cell in where:
                row[where[cell]] += 1
        if total in where:
            row[where[total]] -= 1
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    a = np.array(rows)
    rank = np.linalg.matrix_rank(a)
    determined = set()
    for cell, k in where.items():
        unit = np.zeros(len(unknowns))
        unit[k] = 1
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            determined.add(cell)
    return determined


def assert_safe(
    original: pd.DataFrame,
    result: SuppressionResult,
    threshold: int,
    total_row: Hashable | None = None,
    total_column: Hashable | None = None,
) -> None:
    table = result.table
    assert table.shape == original.shape
    assert list(table.index) == list(original.index) and list(table.columns) == list(original.columns)
    assert all(pd.api.types.is_object_dtype(dtype) for dtype in table.dtypes)
    hidden = result.primary | result.secondary
    for r in original.index:
        for col in original.columns:
            value = original.at[r, col]
            if (r, col) in hidden:
                assert table.at[r, col] == c
                assert value > 0, f"a zero was hidden at {(r, col)}"
            else:
                assert table.at[r, col] == value, f"{(r, col)} changed"
                assert not 1 <= value <= threshold, f"small count {value} shown at {(r, col)}"
            assert ((r, col) in result.primary) == (1 <= value <= threshold)
    assert all(original.at[cell] > threshold for cell in result.secondary)
    # The invariant: every line with a total has 0 or at least 2 hidden cells among components and total.
    for components, total in _equations(original, total_row, total_column):
        count = sum(cell in hidden for cell in (*components, total))
        assert count != 1, f"line with total {total} has exactly one hidden cell"
    assert peel(table, total_row, total_column) == {}
    assert solve(table, total_row, total_column) == set()
    if total_row is None and total_column is None:
        assert result.secondary == set()


# --- hand-checked tables -----------------------------------------------------------------------------------


def test_locality_by_delivery_mode_with_totals() -> None:
    original = frame(SESSIONS, LOCALITIES, MODES)
    result = suppress_counts(original, 5, total_row=T, total_column=T)
    # Hartlepool's 3 is small. Its row then gives it away (35 - 12 - 20), so the next smallest count of the
    # row, 12, goes; the Face to face and Virtual columns then each have one hidden count, so their next
    # smallest counts (Teeswide's 8 and 7) go too. The four hidden counts form a rectangle.
    expected = published(
        [
            [c, c, 20, 35],
            [15, 9, 0, 24],
            [c, c, 30, 45],
            [35, 19, 50, 104],
        ],
        LOCALITIES,
        MODES,
    )
    assert_published(result, expected)
    assert result.primary == {("Hartlepool", "Virtual")}
    assert result.secondary == {
        ("Hartlepool", "Face to face"),
        ("Teeswide", "Face to face"),
        ("Teeswide", "Virtual"),
    }
    assert result.footnote == (
        "c: a count from 1 to 5 is not shown, to protect the children and families concerned. Some other "
        "counts are also hidden (secondary suppression) so that a hidden count cannot be worked out from the "
        "totals. Zeros are shown."
    )
    assert_safe(original, result, 5, T, T)
    # Numbers stay numbers.
    assert result.table.at["Stockton-on-Tees", "E-learning"] == 0
    assert isinstance(result.table.at["Total", "Total"], int)
    # The input is not changed.
    assert original.at["Hartlepool", "Virtual"] == 3


def test_primary_suppression_alone_is_broken_by_the_attacker() -> None:
    """The attacker is real: with primary suppression only, Hartlepool's 3 is worked out from its row."""
    naive = frame(SESSIONS, LOCALITIES, MODES).astype(object)
    naive.at["Hartlepool", "Virtual"] = c
    assert peel(naive, T, T) == {("Hartlepool", "Virtual"): 3}
    assert solve(naive, T, T) == {("Hartlepool", "Virtual")}


def test_a_row_with_a_single_hidden_cell_and_zeros_hides_its_total() -> None:
    index, columns = ["R1", "R2", "R3", T], ["A", "B", "C", T]
    original = frame([[3, 8, 10, 21], [0, 9, 0, 9], [6, 15, 20, 41], [9, 32, 30, 71]], index, columns)
    result = suppress_counts(original, 5, total_row=T, total_column=T)
    # Round 1: R1 (3 hidden) loses 8; column A (3) loses R3's 6 (R2's 0 is never used); column B (8) loses
    # R2's 9. Round 2: R2 has only 9 hidden beside zeros, so its total 9 goes; R3 (6) loses 15; the total
    # column (R2's total) loses R1's total 21 rather than the grand total.
    expected = published(
        [[c, c, 10, c], [0, c, 0, c], [c, c, 20, 41], [9, 32, 30, 71]],
        index,
        columns,
    )
    assert_published(result, expected)
    assert result.primary == {("R1", "A")}
    assert_safe(original, result, 5, T, T)


def test_a_row_with_a_single_small_cell_and_a_total_column_only() -> None:
    index, columns = ["R1", "R2"], ["A", "B", "C", T]
    original = frame([[7, 1, 9, 17], [6, 8, 0, 14]], index, columns)
    result = suppress_counts(original, 5, total_column=T)
    expected = published([[c, c, 9, 17], [6, 8, 0, 14]], index, columns)
    assert_published(result, expected)
    assert result.secondary == {("R1", "A")}
    assert_safe(original, result, 5, None, T)


def test_a_column_with_a_single_small_cell_and_a_total_row_only() -> None:
    index, columns = ["R1", "R2", "R3", T], ["X", "Y"]
    original = frame([[10, 12], [2, 14], [11, 13], [23, 39]], index, columns)
    result = suppress_counts(original, 5, total_row=T)
    # Rows have no total, so only column X needs protecting: its next smallest count, 10, goes.
    expected = published([[c, 12], [c, 14], [11, 13], [23, 39]], index, columns)
    assert_published(result, expected)
    assert result.secondary == {("R1", "X")}
    assert_safe(original, result, 5, T, None)


def test_a_small_total_is_hidden_and_its_line_protected() -> None:
    index, columns = ["R1", "R2", T], ["A", "B", T]
    original = frame([[2, 1, 3], [10, 12, 22], [12, 13, 25]], index, columns)
    result = suppress_counts(original, 5, total_row=T, total_column=T)
    # R1's 2, 1 and total 3 are all small. Columns A and B and the total column then each have one hidden
    # cell, so R2's 10, 12 and 22 go as well.
    expected = published([[c, c, c], [c, c, c], [12, 13, 25]], index, columns)
    assert_published(result, expected)
    assert result.primary == {("R1", "A"), ("R1", "B"), ("R1", T)}
    assert result.secondary == {("R2", "A"), ("R2", "B"), ("R2", T)}
    assert_safe(original, result, 5, T, T)


def test_a_small_grand_total_with_zeros_shown() -> None:
    index, columns = ["R1", "R2", T], ["A", "B", T]
    original = frame([[1, 0, 1], [0, 2, 2], [1, 2, 3]], index, columns)
    result = suppress_counts(original, 5, total_row=T, total_column=T)
    expected = published([[c, 0, c], [0, c, c], [c, c, c]], index, columns)
    assert_published(result, expected)
    assert result.secondary == set()
    assert "secondary" not in result.footnote
    assert_safe(original, result, 5, T, T)


def test_hidden_ones_that_add_up_to_their_number_are_protected() -> None:
    index, columns = ["R1", "R2", T], ["A", "B", "C", T]
    original = frame([[1, 1, 20, 22], [9, 8, 30, 47], [10, 9, 50, 69]], index, columns)
    result = suppress_counts(original, 5, total_row=T, total_column=T)
    # "c, c, 20, 22" would tell the reader the two hidden counts add up to 2; zeros are shown, so both are 1.
    # R1's 20 goes too, and then each column's other count.
    expected = published([[c, c, c, 22], [c, c, c, 47], [10, 9, 50, 69]], index, columns)
    assert_published(result, expected)
    assert_safe(original, result, 5, T, T)
    naive = published([[c, c, 20, 22], [c, c, 30, 47], [10, 9, 50, 69]], index, columns)
    assert peel(naive, T, T) == {("R1", "A"): 1, ("R1", "B"): 1, ("R2", "A"): 9, ("R2", "B"): 8}


def test_a_cell_pinned_down_by_several_lines_together_is_protected() -> None:
    """Every line has two or more hidden cells, yet R1/C3 (joining two groups of hidden cells) is the sum
    of rows R1 and R2 minus columns C1 and C2. One more cell (R1's 20, closing a loop) protects it."""
    index, columns = ["R1", "R2", "R3", "R4", T], ["C1", "C2", "C3", "C4", "C5", T]
    original = frame(
        [
            [2, 3, 4, 20, 30, 59],
            [3, 2, 25, 21, 31, 82],
            [22, 23, 2, 3, 32, 82],
            [24, 26, 3, 2, 33, 88],
            [51, 54, 34, 46, 126, 311],
        ],
        index,
        columns,
    )
    primary_only = original.astype(object).mask((original >= 1) & (original <= 5), c)
    assert peel(primary_only, T, T) == {}
    assert solve(primary_only, T, T) == {("R1", "C3")}

    result = suppress_counts(original, 5, total_row=T, total_column=T)
    expected = published(
        [
            [c, c, c, c, 30, 59],
            [c, c, 25, 21, 31, 82],
            [22, 23, c, c, 32, 82],
            [24, 26, c, c, 33, 88],
            [51, 54, 34, 46, 126, 311],
        ],
        index,
        columns,
    )
    assert_published(result, expected)
    assert result.secondary == {("R1", "C4")}
    assert_safe(original, result, 5, T, T)


def test_all_zeros() -> None:
    index, columns = ["R1", "R2", T], ["A", "B", T]
    original = frame([[0, 0, 0], [0, 0, 0], [0, 0, 0]], index, columns)
    result = suppress_counts(original, 5, total_row=T, total_column=T)
    assert_published(result, published([[0, 0, 0], [0, 0, 0], [0, 0, 0]], index, columns))
    assert result.primary == set() and result.secondary == set()
    assert result.footnote == (
        "c: a count from 1 to 5 is not shown, to protect the children and families concerned. Zeros are shown."
    )


def test_no_totals_means_primary_suppression_only() -> None:
    original = frame(SESSIONS, LOCALITIES, MODES).drop(index=T, columns=T)
    result = suppress_counts(original, 5)
    expected = published([[12, c, 20], [15, 9, 0], [8, 7, 30]], LOCALITIES[:3], MODES[:3])
    assert_published(result, expected)
    assert result.secondary == set()
    # Told which row and column are totals, the same numbers get secondary suppression.
    with_totals = suppress_counts(frame(SESSIONS, LOCALITIES, MODES), 5, T, T)
    assert with_totals.secondary


def _config_with_threshold(tmp_path: Path, threshold: int) -> Path:
    """A copy of the packaged configuration with another suppression threshold."""
    text = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")
    changed, count = re.subn(
        r"(?m)^suppression_threshold\s*=\s*\d+", f"suppression_threshold = {threshold}", text
    )
    assert count == 1
    path = tmp_path / f"threshold_{threshold}.toml"
    path.write_text(changed, encoding="utf-8")
    return path


def test_threshold_comes_from_the_configuration(tmp_path: Path) -> None:
    assert load_settings(DEFAULT_CONFIG_PATH).suppression_threshold == 5
    low = load_settings(_config_with_threshold(tmp_path, 3)).suppression_threshold
    high = load_settings(_config_with_threshold(tmp_path, 10)).suppression_threshold
    assert (low, high) == (3, 10)
    original = frame(SESSIONS, LOCALITIES, MODES)

    at_3 = suppress_counts(original, low, T, T)
    assert_published(
        at_3,
        published([[c, c, 20, 35], [15, 9, 0, 24], [c, c, 30, 45], [35, 19, 50, 104]], LOCALITIES, MODES),
    )
    assert at_3.footnote.startswith("c: a count from 1 to 3 is not shown")

    # At 10, Stockton's 9 and Teeswide's 8 and 7 are small as well; Stockton's row then loses its 15.
    at_10 = suppress_counts(original, high, T, T)
    assert_published(
        at_10,
        published([[c, c, 20, 35], [c, c, 0, 24], [c, c, 30, 45], [35, 19, 50, 104]], LOCALITIES, MODES),
    )
    assert at_10.primary == {
        ("Hartlepool", "Virtual"),
        ("Stockton-on-Tees", "Virtual"),
        ("Teeswide", "Face to face"),
        ("Teeswide", "Virtual"),
    }
    assert at_10.secondary == {("Hartlepool", "Face to face"), ("Stockton-on-Tees", "Face to face")}
    assert at_10.footnote.startswith("c: a count from 1 to 10 is not shown")
    assert_safe(original, at_3, 3, T, T)
    assert_safe(original, at_10, 10, T, T)


def test_whole_floats_are_accepted_and_kept() -> None:
    original = frame([[2.0, 7.0, 9.0], [8.0, 9.0, 17.0], [10.0, 16.0, 26.0]], ["R1", "R2", T], ["A", "B", T])
    result = suppress_counts(original, 5, T, T)
    assert result.table.at["R1", "A"] == c
    assert result.table.at[T, T] == 26.0


@pytest.mark.parametrize(
    ("rows", "total_row", "total_column", "message"),
    [
        ([[1, -1], [1, 1]], None, None, "not a whole count"),
        ([[1.5, 1], [1, 1]], None, None, "not a whole count"),
        ([[math.nan, 1], [1, 1]], None, None, "no value"),
        ([["three", 1], [1, 1]], None, None, "not a count"),
        ([[1, 2], [3, 4]], None, "B", "not the sum"),
        ([[1, 2], [3, 4]], "Nowhere", None, "not in the table"),
    ],
)
def test_bad_tables_are_refused(
    rows: list[list[Any]], total_row: Any, total_column: Any, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        suppress_counts(frame(rows, ["R1", "R2"], ["A", "B"]), 5, total_row, total_column)


def test_bad_labels_and_thresholds_are_refused() -> None:
    with pytest.raises(ValueError, match="unique"):
        suppress_counts(frame([[1, 2], [3, 4]], ["R1", "R1"], ["A", "B"]), 5)
    with pytest.raises(ValueError, match="threshold"):
        suppress_counts(frame([[1, 2], [3, 4]], ["R1", "R2"], ["A", "B"]), -1)


def test_empty_table() -> None:
    result = suppress_counts(pd.DataFrame(), 5)
    assert result.table.empty and result.primary == set() and result.secondary == set()


# --- the attack on many random tables ----------------------------------------------------------------------


def _random_table(rng: random.Random, threshold: int) -> pd.DataFrame:
    n_rows, n_cols = rng.randint(1, 6), rng.randint(1, 6)
    weights = rng.choice([(4, 3, 3), (2, 6, 2), (1, 2, 7), (6, 2, 2)])  # zero, small, larger

    def count() -> int:
        kind = rng.choices(["zero", "small", "large"], weights=weights)[0]
        if kind == "zero":
            return 0
        if kind == "small":
            return rng.randint(1, max(threshold, 1))
        return rng.randint(threshold + 1, threshold + 40)

    body = [[count() for _ in range(n_cols)] for _ in range(n_rows)]
    table = pd.DataFrame(
        body, index=[f"r{i}" for i in range(n_rows)], columns=[f"k{j}" for j in range(n_cols)]
    )
    table[T] = table.sum(axis=1)
    table.loc[T] = table.sum(axis=0)
    return table


@pytest.mark.parametrize("seed", range(8))
def test_attack_on_random_tables(seed: int) -> None:
    rng = random.Random(seed)
    shapes = {"both": (T, T), "row": (T, None), "column": (None, T), "none": (None, None)}
    for _ in range(60):
        threshold = rng.choice([1, 3, 5, 10])
        full = _random_table(rng, threshold)
        which = rng.choice(list(shapes))
        total_row, total_column = shapes[which]
        table = full
        if total_row is None:
            table = table.drop(index=T)
        if total_column is None:
            table = table.drop(columns=T)
        result = suppress_counts(table, threshold, total_row=total_row, total_column=total_column)
        assert_safe(table, result, threshold, total_row, total_column)
        again = suppress_counts(table, threshold, total_row=total_row, total_column=total_column)
        pd.testing.assert_frame_equal(result.table, again.table)  # deterministic


def test_threshold_zero_hides_nothing() -> None:
    original = frame(SESSIONS, LOCALITIES, MODES)
    result = suppress_counts(original, 0, T, T)
    pd.testing.assert_frame_equal(result.table, original.astype(object))
    assert result.footnote == ""


# --- single values, rates and the footnote -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "threshold", "expected"),
    [
        (0, 5, 0),
        (1, 5, c),
        (5, 5, c),
        (6, 5, 6),
        (4, 3, 4),
        (3, 3, c),
        (10, 10, c),
        (11, 10, 11),
        (2.0, 5, c),
    ],
)
def test_suppress_value(value: Any, threshold: int, expected: Any) -> None:
    assert suppress_value(value, threshold) == expected


def test_suppress_value_leaves_missing_values_alone() -> None:
    assert suppress_value(None, 5) is None
    assert math.isnan(suppress_value(math.nan, 5))  # type: ignore[arg-type]
    assert suppress_value(pd.NA, 5) is pd.NA


@pytest.mark.parametrize(
    ("numerator", "denominator", "threshold", "expected"),
    [
        (3, 4, 5, c),  # small denominator
        (1, 1, 5, c),
        (5, 5, 5, c),
        (0, 5, 5, c),  # even 0 out of 5 is hidden: the denominator is small
        (3, 6, 5, 50.0),
        (2, 50, 5, 4.0),  # a small numerator alone does not hide the rate by default
        (0, 20, 5, 0.0),
        (7, 8, 10, c),
        (7, 8, 3, 87.5),
        (0, 0, 5, None),  # no denominator, no rate
        (None, None, 5, None),
        (3, None, 5, None),
        (None, 20, 5, None),
        (1, math.nan, 5, None),
    ],
)
def test_suppress_rate(numerator: Any, denominator: Any, threshold: int, expected: Any) -> None:
    assert suppress_rate(numerator, denominator, threshold) == expected


def test_suppress_rate_can_protect_the_numerator() -> None:
    assert suppress_rate(2, 50, 5, protect_numerator=True) == c
    assert suppress_rate(0, 50, 5, protect_numerator=True) == 0.0
    assert suppress_rate(6, 50, 5, protect_numerator=True) == 12.0
    assert suppress_rate(2, 4, 5, protect_numerator=True) == c


def test_suppress_rate_refuses_a_negative_denominator() -> None:
    with pytest.raises(ValueError, match="denominator"):
        suppress_rate(1, -3, 5)


def test_publication_footnote() -> None:
    assert publication_footnote(5, any_secondary=True) == (
        "c: a count from 1 to 5 is not shown, to protect the children and families concerned. Some other "
        "counts are also hidden (secondary suppression) so that a hidden count cannot be worked out from the "
        "totals. Zeros are shown."
    )
    assert publication_footnote(10, any_secondary=False) == (
        "c: a count from 1 to 10 is not shown, to protect the children and families concerned. Zeros are shown."
    )
    assert publication_footnote(1, any_secondary=False).startswith("c: a count of 1 is not shown")


# --- the publication rule for KPI figures (publish_kpi_rows) ---------------------------------------------

KINDS = {"TR01": "activity", "CR04": "case", "CR02": "case", "CR05": "case"}
UNITS = {"TR01": "count", "CR04": "count", "CR02": "percent", "CR05": "count"}


def kpi_rows(*rows: tuple[str, str, str | None, str | None, float | None, float | None]) -> pd.DataFrame:
    """(kpi, period, locality, category, numerator, denominator) -> the runner's shape."""
    out = []
    for kpi, period, locality, category, numerator, denominator in rows:
        unit = UNITS[kpi]
        if unit == "count":
            value = numerator
        else:
            value = None if not denominator else 100 * (numerator or 0) / denominator
        out.append(
            {
                "kpi": kpi,
                "period": period,
                "locality": locality,
                "category": category,
                "numerator": numerator,
                "denominator": denominator,
                "value": value,
                "rag": "Green" if unit == "percent" else None,
            }
        )
    return pd.DataFrame(out)


def test_case_rows_split_by_locality_or_category_are_never_published() -> None:
    from dashboard.publish.suppression import publish_kpi_rows

    rows = kpi_rows(
        ("CR04", "Q3", None, None, 12, None),
        ("CR04", "Q3", "Hartlepool", None, 1, None),
        ("CR04", "Q3", None, "Child death", 1, None),
        ("TR01", "Q3", "Hartlepool", "Virtual", 3, None),
    )
    result = publish_kpi_rows(rows, KINDS, UNITS, 5)
    table = result.table
    assert list(zip(table["kpi"], table["locality"], table["category"], strict=True)) == [
        ("CR04", None, None),
        ("TR01", "Hartlepool", "Virtual"),
    ]
    assert table["value"].tolist() == [12, 3]  # activity in full, even when small
    assert "case review and audit figures for each locality" in result.withheld


def test_unknown_kpis_are_treated_as_case_data() -> None:
    from dashboard.publish.suppression import publish_kpi_rows

    rows = kpi_rows(("CR05", "Q3", "Hartlepool", None, 9, None), ("CR05", "Q3", None, None, 3, None))
    table = publish_kpi_rows(rows, {}, UNITS, 5).table
    assert table["locality"].tolist() == [None] and table["value"].tolist() == ["c"]


def test_small_case_counts_and_rates_on_them_are_hidden() -> None:
    from dashboard.publish.suppression import publish_kpi_rows

    rows = kpi_rows(("CR02", "Q3", None, None, 4, 9), ("CR04", "Q3", None, None, 0, None))
    table = publish_kpi_rows(rows, KINDS, UNITS, 5).table
    cr02 = table[table["kpi"] == "CR02"].iloc[0]
    assert cr02["numerator"] == "c" and cr02["denominator"] == 9 and cr02["value"] == "c"
    assert cr02["rag"] == "c"  # a RAG status would tell how far the hidden value is from the target
    assert table[table["kpi"] == "CR04"].iloc[0]["value"] == 0  # zeros are shown


def test_a_year_and_its_quarters_cannot_give_a_hidden_quarter_away() -> None:
    """The same counts in two tables of one output: the year's total and its four quarters."""
    from dashboard.publish.suppression import publish_kpi_rows

    quarters = ["Q1", "Q2", "Q3", "Q4"]
    counts = {"Q1": 7, "Q2": 9, "Q3": 3, "Q4": 8}
    rows = kpi_rows(
        *[("CR04", q, None, None, n, None) for q, n in counts.items()],
        ("CR04", "Year", None, None, sum(counts.values()), None),
    )
    result = publish_kpi_rows(rows, KINDS, UNITS, 5, quarters_of={"Year": quarters})
    shown = dict(zip(result.table["period"], result.table["value"], strict=True))
    assert shown["Q3"] == "c"
    hidden = [p for p, v in shown.items() if v == "c"]
    assert len(hidden) >= 2  # one hidden quarter alone would be the year minus the other three
    assert result.any_secondary
    # Without the year in the same output, no secondary suppression is needed.
    alone = publish_kpi_rows(rows[rows["period"] != "Year"], KINDS, UNITS, 5, quarters_of={"Year": quarters})
    assert alone.table["value"].tolist().count("c") == 1


def test_the_same_count_in_two_places_is_hidden_in_both() -> None:
    """A count hidden by secondary suppression in one table and shown as the same number in another would
    give it back: two case figures of one period with the same value are hidden together."""
    from dashboard.publish.suppression import publish_kpi_rows

    quarters = ["Q1", "Q2", "Q3", "Q4"]
    rows = kpi_rows(
        ("CR04", "Q1", None, None, 7, None),
        ("CR04", "Q2", None, None, 9, None),
        ("CR04", "Q3", None, None, 3, None),
        ("CR04", "Q4", None, None, 8, None),
        ("CR04", "Year", None, None, 27, None),
        ("CR05", "Q1", None, None, 7, None),  # the same number as a quarter that may be hidden
    )
    result = publish_kpi_rows(rows, KINDS, UNITS, 5, quarters_of={"Year": quarters})
    table = result.table
    q1 = table[(table["kpi"] == "CR04") & (table["period"] == "Q1")].iloc[0]["value"]
    other = table[table["kpi"] == "CR05"].iloc[0]["value"]
    assert (q1 == "c") == (other == "c")
