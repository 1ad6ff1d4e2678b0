"""The rules between the cells of a row and between the rows of one dataset: a count no more than another,
a date not before another, a column required (or allowed) only when another says so, a key given once, and
one audit with one title and date. Each broken rule is an error of the upload report.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from dashboard.ingest import columns
from dashboard.ingest.cells import show
from dashboard.ingest.contract import Dataset
from dashboard.ingest.upload_report import Problem, UploadReport


def fmt(value: Any) -> str:
    """A value as a problem shows it: dates day first, anything else as the cell showed it."""
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


class PlainColumns(dict[str, list[Any]]):
    """A frame's columns as _plain_values, each made when first asked for."""

    def __init__(self, frame: pd.DataFrame) -> None:
        super().__init__()
        self.frame = frame

    def __missing__(self, name: str) -> list[Any]:
        values = self[name] = _plain_values(self.frame[name])
        return values


def check_rows(dataset: Dataset, frame: pd.DataFrame, report: UploadReport) -> None:
    _check_keys(dataset, frame, report)
    rules = _ROW_RULES.get(dataset.name, [])
    if not rules and dataset.name != "audits":
        return
    columns = PlainColumns(frame)  # only the columns the rules read
    groups: dict[str, dict[str, tuple[tuple[str, int], Any, Any]]] = {}
    for index in _rows_to_check(dataset, frame, rules):
        sheet, row = columns["_sheet"][index], int(columns["_row"][index])

        def get(column: str, index: int = index) -> Any:
            return columns[column][index]

        for column, check in rules:
            reason = check(get)
            if reason:
                report.errors.append(
                    Problem(sheet, row, column, fmt(get(column)) if get(column) is not None else "", reason)
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
                            fmt(mine),
                            f"differs from {here(first[0], sheet)} of the same audit_id {audit_id} "
                            f"({fmt(theirs)}): "
                            f"one audit has one {column.replace('audit_', '')}",
                        )
                    )


def _rows_to_check(dataset: Dataset, frame: pd.DataFrame, rules: list[tuple[str, Rule]]) -> list[int]:
    """Every row (as positions), or with the fast paths only the rows where a rule may be broken, told by
    a whole-column comparison per rule (_MAY_FAIL): the rules then run on those rows as on every row."""
    if not columns.FAST_PATHS or dataset.name == "audits" or frame.empty:
        return list(range(len(frame)))
    may_fail = np.zeros(len(frame), dtype=bool)
    for _, check in rules:
        where = _MAY_FAIL.get(check)
        if where is None:
            return list(range(len(frame)))
        try:
            may_fail |= where(frame).fillna(True).to_numpy(dtype=bool)
        except TypeError:  # values the comparison cannot order: the rule itself says
            return list(range(len(frame)))
    return np.flatnonzero(may_fail).tolist()


def here(where: tuple[str, int], sheet: str) -> str:
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
                f"repeats the key of {here(first_row[value], record['_sheet'])} ({shown}): "
                "each row needs its own key",
            )
        )


Getter = Callable[[str], Any]
Rule = Callable[[Getter], str | None]
# For a rule: the rows of a frame where it may be broken (a superset: it is then run on each of them).
_MAY_FAIL: dict[Rule, Callable[[pd.DataFrame], pd.Series]] = {}


def _more_than(column: str, limit: str) -> Callable[[Getter], str | None]:
    def check(get: Getter) -> str | None:
        a, b = get(column), get(limit)
        if a is not None and b is not None and a > b:
            return f"is more than {limit} ({fmt(b)})"
        return None

    _MAY_FAIL[check] = lambda frame: (frame[column] > frame[limit]).fillna(False)  # None: no problem
    return check


def _not_before(column: str, earlier: str) -> Callable[[Getter], str | None]:
    def check(get: Getter) -> str | None:
        a, b = get(column), get(earlier)
        if a is not None and b is not None and a < b:
            return f"is before {earlier} ({fmt(b)})"
        return None

    _MAY_FAIL[check] = lambda frame: (frame[column] < frame[earlier]).fillna(False)
    return check


def _required_when(
    column: str, condition: Callable[[Getter], bool], because: str
) -> Callable[[Getter], str | None]:
    def check(get: Getter) -> str | None:
        if get(column) is None and condition(get):
            return f"is required when {because}"
        return None

    _MAY_FAIL[check] = lambda frame: frame[column].isna()
    return check


def _only_when(
    column: str, condition: Callable[[Getter], bool], because: str
) -> Callable[[Getter], str | None]:
    def check(get: Getter) -> str | None:
        if get(column) is not None and not condition(get):
            return f"must be blank unless {because}"
        return None

    _MAY_FAIL[check] = lambda frame: frame[column].notna()
    return check


_ROW_RULES: dict[str, list[tuple[str, Rule]]] = {
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
