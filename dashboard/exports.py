"""Tables written for people to open in Excel: text that looks like a formula is written as text."""

from __future__ import annotations

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: object) -> object:
    """Text starting like a formula gets a leading apostrophe, so Excel shows it and never runs it."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_for_spreadsheet(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or str(out[column].dtype).startswith("str"):
            out[column] = out[column].map(neutralise_formula)
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark so Excel reads accents and symbols correctly."""
    return safe_for_spreadsheet(frame).to_csv(index=False).encode("utf-8-sig")
