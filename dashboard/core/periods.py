"""UK financial years and quarters, and England and Wales working days."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import holidays
import numpy as np

_QUARTER_RE = re.compile(r"^\s*(\d{4})\s*[-/]\s*(\d{2}|\d{4})(?:\s*Q([1-4]))?\s*$", re.IGNORECASE)


class PeriodError(ValueError):
    """A period label that is not a financial year or quarter."""


@dataclass(frozen=True, order=True)
class Period:
    """A financial year (quarter None) or one of its quarters. The year is the one it starts in."""

    start_year: int
    quarter: int | None = None

    @property
    def fy_label(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def label(self) -> str:
        return self.fy_label if self.quarter is None else f"{self.fy_label} Q{self.quarter}"

    @property
    def start(self) -> date:
        if self.quarter is None:
            return date(self.start_year, 4, 1)
        month = 4 + 3 * (self.quarter - 1)
        year = self.start_year + (month - 1) // 12
        return date(year, (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> date:
        if self.quarter is None:
            return date(self.start_year + 1, 3, 31)
        nxt = (
            Period(self.start_year, self.quarter + 1).start
            if self.quarter < 4
            else date(self.start_year + 1, 4, 1)
        )
        return nxt - timedelta(days=1)

    @property
    def year_before(self) -> Period:
        return Period(self.start_year - 1, self.quarter)

    @property
    def is_quarter(self) -> bool:
        return self.quarter is not None

    def quarters(self) -> list[Period]:
        """The quarters of a year, or the quarter itself."""
        if self.quarter is not None:
            return [self]
        return [Period(self.start_year, q) for q in (1, 2, 3, 4)]

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class TwelveMonths:
    """The 12 months to the end of a quarter (a rolling year: January to December 2023 for 2023-24 Q3). With
    0 to 3 reviews a quarter, a case-review rate read over 12 months has a denominator worth reading."""

    to: Period

    @property
    def label(self) -> str:
        return f"12 months to {self.to.label}"

    @property
    def start(self) -> date:
        end = self.to.end
        return date(end.year - 1, end.month, end.day) + timedelta(days=1)

    @property
    def end(self) -> date:
        return self.to.end


def parse_period(text: str) -> Period:
    """`2023-24 Q3` or `2023-24` (also `2023/24`, `2023-2024 q3`)."""
    match = _QUARTER_RE.match(text or "")
    if not match:
        raise PeriodError(
            f"{text!r} is not a period: write a financial year like 2023-24 or a quarter like 2023-24 Q3"
        )
    start, end_text, quarter = int(match[1]), match[2], match[3]
    end = int(end_text) if len(end_text) == 4 else (start // 100) * 100 + int(end_text)
    if end % 100 != (start + 1) % 100 or (len(end_text) == 4 and end != start + 1):
        raise PeriodError(f"{text!r} is not a financial year: it runs from 1 April to 31 March, e.g. 2023-24")
    return Period(start, int(quarter) if quarter else None)


def in_time_order(labels: Iterable[str]) -> list[str]:
    """Period labels ("2023-24 Q3", "2023-24") once each, oldest first: quarters are a time axis. A year
    comes before its own quarters; a label that is not a period keeps its place after the periods."""
    unique = list(dict.fromkeys(labels))

    def key(label: str) -> tuple[int, int, int]:
        try:
            period = parse_period(label)
        except PeriodError:
            return (1, 0, 0)
        return (0, period.start_year, period.quarter or 0)

    return sorted(unique, key=key)


def financial_year_of(day: date) -> int:
    """The year a financial year starts in, for the year holding `day`."""
    return day.year if day.month >= 4 else day.year - 1


def period_of(day: date) -> Period:
    """The quarter holding `day`."""
    return Period(financial_year_of(day), (day.month - 4) % 12 // 3 + 1)


def quarters_between(first: date, last: date) -> list[Period]:
    """Every quarter from the one holding `first` to the one holding `last`, in order."""
    current, stop = period_of(first), period_of(last)
    out: list[Period] = []
    while current <= stop:
        out.append(current)
        assert current.quarter is not None
        current = (
            Period(current.start_year, current.quarter + 1)
            if current.quarter < 4
            else Period(current.start_year + 1, 1)
        )
    return out


def bank_holidays(first_year: int, last_year: int) -> list[date]:
    """England and Wales bank holidays (the `holidays` package works offline)."""
    return sorted(
        holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1)).keys()
    )


def working_days_between(start: date, end: date) -> int:
    """wd(a, b): working days after `start` up to and including `end` (negative if end is before start)."""
    hols = np.array(
        bank_holidays(min(start.year, end.year), max(start.year, end.year)), dtype="datetime64[D]"
    )
    # busday_count counts [start, end): shifting both by a day gives (start, end].
    a = np.datetime64(start + timedelta(days=1))
    b = np.datetime64(end + timedelta(days=1))
    return int(np.busday_count(a, b, holidays=hols))


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (a deadline: notification day is day 0)."""
    hols = np.array(bank_holidays(start.year, start.year + 2), dtype="datetime64[D]")
    result = np.busday_offset(np.datetime64(start), days, roll="forward", holidays=hols)
    return date.fromisoformat(str(result))
