"""Turning one raw cell into a typed value, or a reason why it cannot be one (the data contract's value rules).

Text is cleaned before anything else (clean_text): control characters, which Excel does not show, are
removed (a vertical tab or form feed, as Word pastes for a line break, becomes a space), and so are invisible
characters that change what a value is without changing how it looks: zero-width spaces, the word
joiner, byte-order marks, soft hyphens and bidirectional overrides. Headers and choices are also folded
with Unicode NFKC (fold), so full-width letters and non-breaking spaces match; a letter from another script
that only looks Latin (Cyrillic "а" in "Hartlepool") is never folded into one: the value is refused with a
reason that says which character it is (lookalike_note).
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from dashboard.core.periods import PeriodError, parse_period
from dashboard.ingest.contract import normalise_choice

MAX_TEXT_CHARS = 1_000  # one cell's text, once trimmed
MAX_WHOLE = 1_000_000  # the largest count any whole-number column may hold
SHOWN_CHARS = 80  # a value longer than this is cut short in the report


class CellError(ValueError):
    """The reason a cell is not acceptable; str() is the reason shown to the user."""


_SPACES = "\x0b\x0c\x1c\x1d\x1e\x1f\x85"  # whitespace to Python; a line break pasted from Word is \x0b
_INVISIBLE = (
    "\u00ad\u180e\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"
)
_CLEAN = {
    **{code: None for code in (*range(0x00, 0x09), 0x0E, *range(0x0F, 0x1C), *range(0x7F, 0xA0))},
    **{ord(c): " " for c in _SPACES},
    **{ord(c): None for c in _INVISIBLE},
}


def clean_text(text: str) -> str:
    """Text without control or invisible characters, trimmed; in text with line breaks, each run of
    whitespace becomes one space (as before: an address-like cell typed with Alt+Enter reads as one line)."""
    if text.isprintable() and text[:1] != " " and text[-1:] != " ":
        # The usual cell, as it is: every character _CLEAN changes, every line break and every space but
        # " " is unprintable, so there is nothing to remove and nothing to trim.
        return text
    text = text.translate(_CLEAN)
    return " ".join(text.split()) if "\n" in text or "\r" in text else text.strip()


def fold(text: str) -> str:
    """clean_text, then NFKC and no format characters at all: for matching headers, sheet names and choices."""
    if text.isascii():
        return clean_text(text)  # NFKC leaves ASCII alone, and ASCII has no format characters
    folded = unicodedata.normalize("NFKC", clean_text(text))
    return clean_text("".join(c for c in folded if unicodedata.category(c) != "Cf"))


_DASHES = {ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"}


def fold_key(text: str) -> str:
    """A reference (session_id, audit_id, case_ref, review_id, action_id, source_ref) as one key however it was
    typed: NFKC (full-width letters, no-break spaces), every hyphen and dash as "-", each run of spaces as one.

    "ACT\u2011001" (a non-breaking hyphen, as Word types it) and "ＡＣＴ-001" are "ACT-001". A key that mixes
    Latin letters with one of another script that only looks Latin is refused, naming the letter.
    """
    if text.isascii():
        folded = text if "  " not in text else " ".join(text.split())
    else:
        folded = " ".join(fold(text).translate(_DASHES).split())
    if not folded.isascii() and any("a" <= c.lower() <= "z" for c in folded):
        note = lookalike_note(folded)
        if note is not None:
            raise CellError(f"has {note}: retype it")
    return folded


# Letters of other scripts that look like Latin ones: used only to explain a refusal, never to accept.
_LOOKALIKES = {
    **dict(zip("аекорсухіјѕԁһӏԛԝ", "aekopcyxijsdhlqw", strict=True)),  # Cyrillic
    **dict(zip("АВЕЗКМНОРСТУХІЈЅ", "ABE3KMHOPCTYXIJS", strict=True)),
    **dict(zip("αοικνρτυχ", "aoikvptux", strict=True)),  # Greek
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),
    "ı": "i",
}


def skeleton(text: str) -> str:
    """The text with look-alike letters of other scripts replaced by the Latin letters they imitate."""
    return "".join(_LOOKALIKES.get(c, c) for c in text)


def lookalike_note(text: str) -> str | None:
    """'"а" (Cyrillic small letter a) in place of the Latin "a"' for the first look-alike letter, if any."""
    for char in text:
        if char in _LOOKALIKES:
            name = unicodedata.name(char, f"U+{ord(char):04X}")
            return f'"{char}" ({name.capitalize()}) in place of the Latin "{_LOOKALIKES[char]}"'
    return None


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
    """A cell as the user would recognise it in the report (long text cut short, control characters out)."""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() != time(0) else value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).translate(_CLEAN) if isinstance(value, str) else str(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def parse_text(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return clean_text(value)
    return str(value).strip()


def text_too_long(value: object, limit: int = MAX_TEXT_CHARS) -> str | None:
    """The reason to refuse a text cell longer than `limit` (counted once cleaned), if it is."""
    if isinstance(value, str) and len(value) > limit and len(clean_text(value)) > limit:
        return f"is longer than {limit:,} characters ({len(clean_text(value)):,}): shorten it"
    return None


# A quarter as people write it: 2023-24 Q3, Q3 2023-24, 2023/24 Q3, Q3 2023/24, 2023-2024 Q3 (any case).
_YEAR = r"\d{4}\s*[-/]\s*\d{2}(?:\d{2})?"
_YEAR_THEN_QUARTER = re.compile(rf"^({_YEAR})\s*,?\s*q(\d+)$", re.IGNORECASE)
_QUARTER_THEN_YEAR = re.compile(rf"^q(\d+)\s*,?\s*({_YEAR})$", re.IGNORECASE)
_JUST_A_YEAR = re.compile(rf"^{_YEAR}$")
QUARTER_REASON = "is not a quarter: write it as 2023-24 Q3 (the financial year, then Q1 to Q4)"


def parse_quarter(value: object) -> str:
    """A quarter as its canonical label, `2023-24 Q3` (dashboard.core.periods.Period.label)."""
    text = " ".join(fold(parse_text(value)).split()) if isinstance(value, str) else ""
    match = _YEAR_THEN_QUARTER.match(text)
    year, number = (match[1], match[2]) if match else (None, None)
    if match is None and (match := _QUARTER_THEN_YEAR.match(text)):
        year, number = match[2], match[1]
    if year is None or number is None:
        if _JUST_A_YEAR.match(text):
            raise CellError("is a financial year, not a quarter: add the quarter, e.g. 2023-24 Q3")
        raise CellError(QUARTER_REASON)
    if number not in ("1", "2", "3", "4"):
        raise CellError(
            f"is not a quarter: there is no Q{number}, a financial year has Q1 to Q4 (2023-24 Q3)"
        )
    try:
        period = parse_period(year)
    except PeriodError:
        raise CellError(
            "is not a quarter: its financial year runs from 1 April to 31 March, so it is written with two "
            "years in a row, e.g. 2023-24 Q3"
        ) from None
    return f"{period.label} Q{number}"


LINK_REASON = (
    "is not an https:// address: give the whole address, starting https:// (e.g. https://example.org/page)"
)


def parse_link(value: object) -> str:
    """A link to show: an https:// address and nothing else (never javascript:, data:, http:)."""
    text = parse_text(value) if isinstance(value, str) else ""
    if any(c.isspace() for c in text):
        raise CellError(LINK_REASON.replace(": give", " (it has a space): give", 1))
    try:
        parts = urlsplit(text)
    except ValueError:
        raise CellError(LINK_REASON) from None
    if parts.scheme.lower() != "https" or not parts.hostname or not text.lower().startswith("https://"):
        raise CellError(LINK_REASON)
    if not text.isprintable() or any(c in text for c in "<>\"'`\\"):
        raise CellError(
            LINK_REASON.replace(": give", " (it has a character an address cannot hold): give", 1)
        )
    return text


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
        number = value
    elif isinstance(value, float):
        if not (math.isfinite(value) and value.is_integer()):
            raise CellError("is not a whole number")
        number = int(value)
    elif isinstance(value, str) and _WHOLE.match(value.strip()):
        digits = value.strip().split(".")[0]
        if len(digits.lstrip("+-").lstrip("0")) > len(str(MAX_WHOLE)):
            raise CellError(f"is too large: a count here is at most {MAX_WHOLE:,}")  # and int() need not try
        number = int(digits)
    else:
        raise CellError("is not a whole number")
    if abs(number) > MAX_WHOLE:
        raise CellError(f"is too large: a count here is at most {MAX_WHOLE:,}")
    return number


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


YES_NO_REASON = "is not one of: Yes, No"
_YES_NO = {"y": True, "yes": True, "n": False, "no": False}


def parse_yes_no(value: object) -> bool:
    """Y, Yes, N, No in any case (and Excel's TRUE and FALSE cells) as True or False."""
    if isinstance(value, bool):
        return value
    if not isinstance(value, str):
        raise CellError(YES_NO_REASON)
    found = _YES_NO.get(normalise_choice(fold(value)))
    if found is None:
        raise CellError(YES_NO_REASON)
    return found


def parse_choice(value: object, mapping: dict[str, str], allowed: list[str]) -> str:
    if isinstance(value, date) and not isinstance(value, datetime):
        # Excel turns an age band such as 1-4 typed into a cell into 1 April: read it back as typed.
        value = f"{value.day}-{value.month}"
    text = fold(parse_text(value))
    found = mapping.get(normalise_choice(text))
    if found is None:
        reason = "is not one of: " + ", ".join(allowed)
        note = lookalike_note(text)
        if note is not None and mapping.get(normalise_choice(skeleton(text))) is not None:
            reason += f" (it has {note}: retype it)"
        raise CellError(reason)
    return found
