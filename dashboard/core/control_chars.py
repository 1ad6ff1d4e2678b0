"""Stored text shown safely: control characters written out as escapes (ESC as \\x1b), never passed on raw.

Text a user typed (a target change's reason, a file name, a user name) reaches a terminal through
`pmf audit-log` and a table through the app. Raw, an escape sequence there could recolour or clear a
terminal, rewrite its title or hide a line; a newline could fake a whole log line; a right-to-left override
could make text read backwards. Each such character is shown as its escape instead, so nothing is lost and
nothing is obeyed.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

#: C0 controls (including tab and newline), DEL and the C1 controls (U+009B is a one-byte CSI).
_CONTROLS = [*range(0x00, 0x20), *range(0x7F, 0xA0)]
#: Direction marks, embeddings, overrides and isolates, and the Unicode line and paragraph separators.
_INVISIBLE = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029]


def _escape(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_TABLE = {code: _escape(code) for code in (*_CONTROLS, *_INVISIBLE)}


def show_control_chars(text: str) -> str:
    """'red \\x1b[31m' (a real ESC) -> the characters 'red \\\\x1b[31m'; other text unchanged."""
    return text.translate(_TABLE)


def show_control_chars_in(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """A copy of `frame` with the text of `columns` passed through show_control_chars (missing values kept)."""
    shown = frame.copy()
    for column in columns:
        shown[column] = shown[column].map(
            lambda value: show_control_chars(value) if isinstance(value, str) else value
        )
    return shown
