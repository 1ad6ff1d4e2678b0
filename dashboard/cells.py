"""Turning one raw cell into a typed value, or a reason why it cannot be one (the data contract's value rules)."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta

from dashboard.contract import normalise_choice


class CellError(ValueError):
    """The reason a cell is not acceptable; str() is the reason shown to the user."""


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_WORDS = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$", re.IGNORECASE)
_WHOLE = re.compile(r"^[+-]?\d+(?:\.0*)?$")
_TIME_SUFFIX = re.compile(r"^(.*?)[ T]00:00(?::00(?:\.0+)?)?$")

DATE_REASON = "is not a date: use a date cell, or day/month/year such as 13/11/2023 or 13 November 2023"


def is_blank(value: object) -> bool:
    return (
        value is None
        or (isinstance(value, str) and value.strip() == "")
        or (isinstance(value, float) and math.isnan(value))
    )


def show(value: object) -> str:
    """A cell as the user would recognise it in the report."""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() != time(0) else value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_text(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).split()) if isinstance(value, str) and "\n" in value else str(value).strip()


def parse_date(value: object) -> date:
    if isinstance(value, datetime):
        if value.time() != time(0):
            raise CellError("has a time of day: give the date only")
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (time, timedelta)):
        raise CellError("is a time, not a date")
    if not isinstance(value, str):
        raise CellError(DATE_REASON)
    text = value.strip()
    suffix = _TIME_SUFFIX.match(text)
    if suffix:  # "2023-11-13 00:00:00", as pandas or some exports write a date
        text = suffix[1].strip()
    elif re.search(r"\d:\d\d", text):
        raise CellError("has a time of day: give the date only")
    try:
        if match := _ISO.match(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DAY_FIRST.match(text):
            return date(int(match[3]), int(match[2]), int(match[1]))
        if (match := _WORDS.match(text)) and match[2].lower() in _MONTHS:
            return date(int(match[3]), _MONTHS[match[2].lower()], int(match[1]))
    except ValueError as exc:  # 31/02/2024
        raise CellError("is not a real date (dates are read day first: day/month/year)") from exc
    raise CellError(DATE_REASON)


def parse_whole(value: object) -> int:
    if isinstance(value, bool):
        raise CellError("is not a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        raise CellError("is not a whole number")
    if isinstance(value, str) and _WHOLE.match(value.strip()):
        return int(float(value.strip()))
    raise CellError("is not a whole number")


def parse_number(value: object) -> float:
    if isinstance(value, bool):
        raise CellError("is not a number")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise CellError("is not a number") from None
    else:
        raise CellError("is not a number")
    if not math.isfinite(number):
        raise CellError("is not a number")
    return number


def parse_choice(value: object, mapping: dict[str, str], allowed: list[str]) -> str:
    if isinstance(value, date) and not isinstance(value, datetime):
        # Excel turns an age band such as 1-4 typed into a cell into 1 April: read it back as typed.
        value = f"{value.day}-{value.month}"
    found = mapping.get(normalise_choice(parse_text(value)))
    if found is None:
        raise CellError("is not one of: " + ", ".join(allowed))
    return found
