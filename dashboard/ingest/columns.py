"""One column of a sheet, from raw cells to its typed Series: each cell parsed by the column's kind (text,
date, whole, number, choice, yes/no, quarter, https link), checked against the contract (required, range, plausible date), and
every problem added to the upload report with its sheet, Excel row and column.

Speed matters here (the upload bench: every cell of a 200,000-row sheet passes through): each distinct raw
value is judged once per column, as most columns hold a few hundred distinct values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from itertools import repeat
from typing import Any

import numpy as np
import pandas as pd

from dashboard.core.config import Settings
from dashboard.core.text import uk_date
from dashboard.ingest.cells import (
    MAX_TEXT_CHARS,
    CellError,
    clean_text,
    fold_key,
    is_blank,
    parse_choice,
    parse_date,
    parse_link,
    parse_number,
    parse_quarter,
    parse_text,
    parse_whole,
    parse_yes_no,
    show,
    text_too_long,
)
from dashboard.ingest.contract import Column
from dashboard.ingest.upload_report import Problems

# Cell types that equal no value of another of them, but for the numbers (True == 1 == 1.0).
_PLAIN_KINDS = frozenset({type(None), str, bool, int, float, date, datetime, time, timedelta})
_NUMBER_KINDS = frozenset({bool, int, float})
# A cell's typed value and its problems (the value as shown, the reason), as a column's judge finds it.
_Outcome = tuple[Any, tuple[tuple[str, str], ...]]
_Judge = Callable[[Any], _Outcome]
_PARSERS: dict[str, Callable[[Any], Any]] = {
    "text": parse_text,
    "date": parse_date,
    "whole": parse_whole,
    "number": parse_number,
    "yesno": parse_yes_no,
    "quarter": parse_quarter,
    "link": parse_link,
}
REQUIRED_BUT_BLANK = "is required but blank"
KPI_REASON = (
    "is not a KPI of the catalogue: give its id ({first} to {last}, as on the scorecard) or its title"
)


# False: every column judged cell by cell as a list (_judged_by_type_and_value), every row of a sheet asked
# whether it holds a value, every row rule run on every row: the reference the fast paths are tested against
# (tests/test_upload_speed_equivalence.py). They give the same frames and the same problems, in order.
FAST_PATHS = True


def parse_column(
    column: Column,
    raw: Sequence[Any] | np.ndarray,
    excel_rows: list[int],
    sheet: str,
    settings: Settings,
    errors: Problems,
    is_key: bool = False,
) -> pd.Series:
    """A column's typed values; `is_key`: a text column holding a key (or naming one), folded as one.
    `raw` is a list, or a column of a sheet's object array (numpy). Each cell's problems are added to
    `errors`, in the order of the rows."""
    judge = _judge_for(column, settings, is_key)
    blank = judge(None)
    if not FAST_PATHS:
        values = _judged_by_type_and_value(judge, blank, list(raw), excel_rows, sheet, column.name, errors)
        return _typed(column, values)
    if isinstance(raw, np.ndarray):
        codes, uniques = pd.factorize(raw)
        distinct = uniques.tolist()
        kinds = set(map(type, distinct))
        if kinds & _NUMBER_KINDS:  # 1, 1.0 and True share a code: the types of every cell, then
            kinds |= set(map(type, raw.tolist())) - {type(None)}
        if _by_value(column, kinds, distinct):
            text = (column.max_chars or MAX_TEXT_CHARS, is_key) if column.kind == "text" else None
            texts = text if kinds == {str} else None
            return _judged_by_code(column, judge, blank, codes, distinct, excel_rows, sheet, errors, texts)
    cells: list[Any] = raw.tolist() if isinstance(raw, np.ndarray) else list(raw)
    kinds = set(map(type, cells))
    if _by_value(column, kinds, cells):
        values = _judged_by_value(judge, blank, cells, excel_rows, sheet, column.name, errors)
    else:
        values = _judged_by_type_and_value(judge, blank, cells, excel_rows, sheet, column.name, errors)
    return _typed(column, values)


def _by_value(column: Column, kinds: set[type], values: Sequence[Any]) -> bool:
    """Whether the column's values may be judged once per distinct value: no two distinct values of these
    kinds are equal (True == 1 == 1.0; and -0.0 == 0.0 differ as numbers)."""
    return (
        kinds <= _PLAIN_KINDS
        and len(kinds & _NUMBER_KINDS) <= 1
        and not (column.kind == "number" and float in kinds and 0.0 in values)
    )


def _judged_by_code(
    column: Column,
    judge: _Judge,
    blank: _Outcome,
    codes: np.ndarray,
    distinct: list[Any],
    excel_rows: list[int],
    sheet: str,
    errors: Problems,
    text: tuple[int, bool] | None,
) -> pd.Series:
    """_judged_by_value for a column of an object array, given its codes and distinct values (pandas'
    factorize: None and NaN have the code -1, both blank): each distinct value judged once, and the typed
    column taken from the typed distinct values by code, in C. Problems are then added row by row, for the
    rows whose value has one. `text`: (limit, is_key) when every distinct value is text."""
    outcomes = _texts_judged(distinct, judge, *text) if text is not None else None
    if outcomes is None:
        outcomes = [judge(value) for value in distinct]
    outcomes.append(blank)  # the code -1 takes the last, as numpy counts from the end
    failing = np.fromiter((bool(outcome[1]) for outcome in outcomes), dtype=bool, count=len(outcomes))
    if failing.any():
        for position in np.flatnonzero(failing[codes]).tolist():
            for shown, reason in outcomes[codes[position]][1]:
                errors.add(sheet, excel_rows[position], column.name, shown, reason)
    typed = _typed(column, [outcome[0] for outcome in outcomes])
    return typed.take(codes).reset_index(drop=True)


def _texts_judged(distinct: list[Any], judge: _Judge, limit: int, is_key: bool) -> list[_Outcome] | None:
    """The outcomes of a text column's distinct values, all at once when every one but an empty text is
    text as it should be (_judged_texts); else None."""
    try:
        empty: int | None = distinct.index("")
    except ValueError:
        empty = None
    rest = distinct if empty is None else distinct[:empty] + distinct[empty + 1 :]
    copies = _judged_texts(rest, limit, is_key)
    if copies is None:
        return None
    outcomes: list[_Outcome] = list(zip(copies, repeat(())))
    if empty is not None:
        outcomes.insert(empty, judge(""))
    return outcomes


def _parser_for(column: Column, settings: Settings, is_key: bool) -> Callable[[Any], Any]:
    """What reads one (non-blank) cell of the column, raising CellError when it cannot."""
    if is_key:

        def key(value: Any) -> str:
            return fold_key(parse_text(value))

        return key
    simple = _PARSERS.get(column.kind)
    if simple is not None:
        return simple
    mapping, allowed = column.choice_map(settings), column.allowed_values(settings)
    if column.choice_source == "kpis":

        def kpi(value: Any) -> str:
            try:
                return parse_choice(value, mapping, allowed)
            except CellError:
                raise CellError(KPI_REASON.format(first=allowed[0], last=allowed[-1])) from None

        return kpi

    def choice(value: Any) -> str:
        return parse_choice(value, mapping, allowed)

    return choice


def _judge_for(column: Column, settings: Settings, is_key: bool) -> _Judge:
    """What one cell of the column becomes: its typed value and the problems (shown value, reason) it has."""
    parser = _parser_for(column, settings, is_key)
    plain_text = column.kind == "text"
    # Dates outside a plausible window (a typo such as 13/11/9999) are errors: one would break every page.
    earliest, latest = settings.earliest_date, settings.latest_date
    implausible = f"is not a plausible date (expected {uk_date(earliest)} to {uk_date(latest)})"
    is_date = column.kind == "date"
    blank = _blank_outcome(column, settings)
    limit = column.max_chars or MAX_TEXT_CHARS

    def judge(value: Any) -> _Outcome:
        if (
            plain_text
            and value.__class__ is str
            and 0 < len(value) <= limit
            and value == clean_text(value)
            and (not is_key or (value.isascii() and "  " not in value))
        ):
            # Text as it should be (what the steps below make of it, only sooner). A copy, as they make
            # one: the value kept must not pin the memory of the raw sheet, freed once it is read.
            return value.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass"), ()
        too_long = text_too_long(value, limit)
        if too_long:
            return None, ((show(value), too_long),)
        if is_blank(value):
            return blank
        try:
            parsed = parser(value)
        except CellError as exc:
            return None, ((show(value), str(exc)),)
        if is_date and isinstance(parsed, date) and not earliest <= parsed <= latest:
            return None, ((show(value), implausible),)
        return _checked(column, value, parsed)

    return judge


def _blank_outcome(column: Column, settings: Settings) -> _Outcome:
    """A blank cell: no for a yes/no column, else the column's default, else missing (an error if required)."""
    if column.kind == "yesno":
        return False, ()  # blank = no
    default = column.blank_value(settings)
    if default is not None:
        return default, ()
    return None, ((("", REQUIRED_BUT_BLANK),) if column.required else ())


def _checked(column: Column, value: Any, parsed: Any) -> _Outcome:
    """A parsed cell against the column's rules: required text not empty, a number in its range."""
    problems: tuple[tuple[str, str], ...] = ()
    if column.kind == "text" and parsed == "" and column.required:
        problems = (("", REQUIRED_BUT_BLANK),)
    problem = _range_problem(column, parsed)
    if problem:  # the typed column must still hold it (a count may be out of any range)
        return None, (*problems, (show(value), problem))
    return parsed, problems


def _judged_by_value(
    judge: _Judge,
    blank: _Outcome,
    raw: list[Any],
    excel_rows: list[int],
    sheet: str,
    name: str,
    errors: Problems,
) -> list[Any]:
    """The typed values when no two distinct raw values are equal (1, 1.0 and True would be, and -0.0 and
    0.0, which differ as numbers), so the values themselves are the keys; a NaN is found by identity."""

    judged = {value: blank if value is None else judge(value) for value in set(raw)}
    values = list(map({value: outcome[0] for value, outcome in judged.items()}.__getitem__, raw))
    if any(outcome[1] for outcome in judged.values()):
        for value, excel_row in zip(raw, excel_rows, strict=True):
            for shown, reason in judged[value][1]:
                errors.add(sheet, excel_row, name, shown, reason)
    return values


_SEPARATOR = "\n"  # not printable: never inside a text that passes _judged_texts


def _judged_texts(distinct: list[Any], limit: int, is_key: bool) -> list[str] | None:
    """Copies of the distinct values of a text column, when all of them are text as it should be (what the
    judge's first step accepts, told with a few passes in C over them all); else None (each is then judged
    alone). The copies are split from one joined text, as the judge copies each value it keeps."""
    if not distinct:
        return None
    joined = _SEPARATOR.join(distinct)
    lengths = list(map(len, distinct))
    if (
        min(lengths) == 0
        or max(lengths) > limit
        or not joined.replace(_SEPARATOR, "").isprintable()
        or joined.count(_SEPARATOR) != len(distinct) - 1
        or joined[:1] == " "
        or joined[-1:] == " "
        or " " + _SEPARATOR in joined
        or _SEPARATOR + " " in joined
        or (is_key and (not joined.isascii() or "  " in joined))
    ):
        return None
    return joined.split(_SEPARATOR)


def _judged_by_type_and_value(
    judge: _Judge,
    blank: _Outcome,
    raw: list[Any],
    excel_rows: list[int],
    sheet: str,
    name: str,
    errors: Problems,
) -> list[Any]:
    """The typed values, the key holding the type, as 1, 1.0 and True are equal (and hash alike) but read
    differently."""
    outcomes: dict[tuple[type, Any], _Outcome] = {}
    values: list[Any] = []
    append = values.append
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
    return values


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
