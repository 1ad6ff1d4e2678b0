"""Hostile files: nothing an uploaded file holds may break the app or lose data.

Each file of HOSTILE is validated and then loaded into a real database file that already holds an upload.
It must either be rejected with a clear message (one line, no exception names; a file-level reason is one
sentence) leaving every table exactly as it was, or be accepted and stored whole (and then undone, which
must give back the exact state before). A traceback is any exception other than UploadRejected or
ValueError, or a report that says the dashboard itself failed; a partial load is any change to the database
by a rejected file. The last test prints the tally and asserts there are no tracebacks and no partial loads.

The hypothesis tests at the end fuzz the reader and the validator with random cells, headers and sheets.
"""

from __future__ import annotations

import csv
import io
import os
import pickle
import re
import struct
import subprocess
import sys
import time
import traceback
import tracemalloc
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as clock
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import duckdb
import pytest
from helpers.workbooks import (
    AUDIT,
    SESSION,
    SETTINGS,
    VALID,
    csv_bytes,
    data_state,
    new_database,
    table,
    whole_state,
    with_cached_value,
    xlsx,
)
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dashboard.ingest.contract import DATASETS, DATASETS_BY_NAME
from dashboard.ingest.file_limits import MAX_FILE_BYTES, MAX_ROWS
from dashboard.ingest.load import UploadRejected, load_upload, undo_latest
from dashboard.ingest.upload_report import Problem, UploadReport
from dashboard.ingest.validate import UNEXPECTED_PROBLEM, validate_upload

TS = "training_sessions"

# --- building files byte by byte -------------------------------------------------------------------------


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_data(rows: Sequence[Sequence[Any]]) -> str:
    """The <sheetData> content for these rows (rows[0] is Excel row 1): text as inline strings, fast."""
    out = []
    for number, row in enumerate(rows, start=1):
        cells = []
        for index, value in enumerate(row):
            if value is None:
                continue
            ref = f"{column_letters(index)}{number}"
            if isinstance(value, str):
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        out.append(f'<row r="{number}">{"".join(cells)}</row>')
    return "".join(out)


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
BOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def raw_xlsx(
    sheets: Mapping[str, str],
    parts: Mapping[str, bytes | str] | None = None,
    book_type: str = BOOK_TYPE,
    prologue: str = "",
) -> bytes:
    """A minimal .xlsx written directly: each sheet's <sheetData> content as given, and any extra parts.

    This is the "fast writer" for big files (about 1 s for 50,000 rows, where openpyxl takes ~10 s) and the
    way to write what no spreadsheet program would: cells without references, DTDs, anything.
    """
    names = list(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_TYPE}"/>'
        for i in range(1, len(names) + 1)
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{book_type}"/>{overrides}</Types>',
        )
        book.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        book.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            + "".join(
                f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
                for i, name in enumerate(names, start=1)
            )
            + "</sheets></workbook>",
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
            + "".join(
                f'<Relationship Id="rId{i}" Target="worksheets/sheet{i}.xml" '
                'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
                for i in range(1, len(names) + 1)
            )
            + "</Relationships>",
        )
        for i, name in enumerate(names, start=1):
            book.writestr(
                f"xl/worksheets/sheet{i}.xml",
                f'<?xml version="1.0" encoding="UTF-8"?>{prologue}<worksheet xmlns="{MAIN}">'
                f"<sheetData>{sheets[name]}</sheetData></worksheet>",
            )
        for part, content in (parts or {}).items():
            book.writestr(part, content)
    return out.getvalue()


def rezip(
    data: bytes,
    change: Callable[[str, bytes], bytes] = lambda name, content: content,
    add: Mapping[str, bytes | str] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """The zip with each part changed by `change`, and the `add` parts added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", compression) as target:
        for item in source.infolist():
            target.writestr(item.filename, change(item.filename, source.read(item.filename)))
        for part, content in (add or {}).items():
            target.writestr(part, content)
    return out.getvalue()


def patch_directory(data: bytes, part: str, offset: int, fmt: str, value: int) -> bytes:
    """The zip with one field of `part`'s central directory entry overwritten (offset from the entry)."""
    patched = bytearray(data)
    at = 0
    while (at := patched.find(b"PK\x01\x02", at)) >= 0:
        name_length, extra_length, comment_length = struct.unpack("<HHH", patched[at + 28 : at + 34])
        if patched[at + 46 : at + 46 + name_length].decode() == part:
            patched[at + offset : at + offset + struct.calcsize(fmt)] = struct.pack(fmt, value)
            return bytes(patched)
        at += 46 + name_length + extra_length + comment_length
    raise AssertionError(f"no part {part}")


def excel_escaped(text: str) -> str:
    """Control characters as Excel writes them in a cell (_x0007_), since XML cannot hold them."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", lambda m: f"_x{ord(m[0]):04X}_", text)


def sessions_book(*changes: dict[str, Any], name: str = TS) -> bytes:
    return xlsx({name: table(SESSION, *changes)})


def sessions_csv(*changes: dict[str, Any]) -> bytes:
    return csv_bytes(table(SESSION, *changes))


GOOD = sessions_book({"session_id": "H-good"})
HEADER = list(SESSION)


def forged_zip_bomb() -> bytes:
    """30 stored parts of 100 kB whose directory says 9 MB each: 270 MB unpacked, each under 100 to 1."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(30):
            book.writestr(f"xl/media/image{i}.png", os.urandom(100_000))
    data = out.getvalue()
    for i in range(30):
        data = patch_directory(data, f"xl/media/image{i}.png", 24, "<I", 9 * 1024 * 1024)
    return data


def lying_part() -> bytes:
    """A sheet part whose directory says 1,000 bytes but that unpacks to 10 MB."""
    big = sheet_data([HEADER]) + "<!--" + " " * 10_000_000 + "-->"
    data = raw_xlsx({TS: big})
    return patch_directory(data, "xl/worksheets/sheet1.xml", 24, "<I", 1000)


def many_parts() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(10_001):
            book.writestr(f"x/{i}", b"")
    return out.getvalue()


def billion_laughs(where: str) -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10)
    )
    doctype = f"<!DOCTYPE lolz [{entities}]>"
    if where == "sheet":
        return raw_xlsx(
            {TS: sheet_data([HEADER, ["&lol9;"]]).replace("&amp;lol9;", "&lol9;")}, prologue=doctype
        )
    shared = f'<?xml version="1.0"?>{doctype}<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    return raw_xlsx(
        {TS: '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'}, parts={"xl/sharedStrings.xml": shared}
    )


def big_csv_lines() -> bytes:
    return ",".join(HEADER).encode() + b"\r\n" + b"x\r\n" * (MAX_ROWS + 1)


def utf16_csv() -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter="\t", lineterminator="\r\n")
    writer.writerows(table(SESSION, {"session_id": "H-utf16", "course_title": "Négligence – les bases"}))
    return text.getvalue().encode("utf-16")


def time_in_a_date_column() -> bytes:
    return sessions_book({"session_id": "H-time", "session_date": clock(10, 30)})


def workbook_of(sheets: int) -> bytes:
    return xlsx({f"Sheet{i}": [["x"]] for i in range(sheets)})


# --- the cases -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hostile:
    name: str
    build: Callable[[], tuple[str, bytes]]
    expect: str  # "rejected" or "accepted"
    says: str = ""  # for a rejection: words the message must hold
    # For an acceptance: what must be stored.
    stored: Callable[[duckdb.DuckDBPyConnection], None] | None = None
    # Read first in a child process: calamine, given this file unchecked, aborts the whole process.
    aborts_unchecked: bool = False


def stored_session(session_id: str, **expected: Any) -> Callable[[duckdb.DuckDBPyConnection], None]:
    """A check that the session is stored with these column values."""

    def check(con: duckdb.DuckDBPyConnection) -> None:
        columns = ["session_id", *expected]
        rows = con.execute(
            f"SELECT {', '.join(columns)} FROM training_sessions WHERE session_id = $id", {"id": session_id}
        ).fetchall()
        assert len(rows) == 1, f"{session_id} is not stored once: {rows}"
        assert dict(zip(columns[1:], rows[0][1:], strict=True)) == expected

    return check


def truncated(fraction: float | int) -> Callable[[], tuple[str, bytes]]:
    def build() -> tuple[str, bytes]:
        cut = int(len(GOOD) * fraction) if isinstance(fraction, float) else len(GOOD) + fraction
        return f"truncated-{fraction}.xlsx", GOOD[:cut]

    return build


def named(file_name: str, data: Callable[[], bytes]) -> Callable[[], tuple[str, bytes]]:
    return lambda: (file_name, data())


DAMAGED = "could not be read as an Excel workbook"
MACROS = "contains macros; save it as a plain .xlsx workbook (no macros) and upload that."
CYRILLIC_A = "\u0430"
ROW_2 = f"{TS} row 2"

HOSTILE: list[Hostile] = [
    # what the file is
    Hostile("empty xlsx", named("empty.xlsx", lambda: b""), "rejected", "is empty (0 bytes)"),
    Hostile("empty csv", named("empty.csv", lambda: b""), "rejected", "is empty (0 bytes)"),
    Hostile("blank lines csv", named("blank.csv", lambda: b"\r\n\r\n,,\r\n"), "rejected", "is empty"),
    Hostile(
        "pdf renamed xlsx",
        named("report.xlsx", lambda: b"%PDF-1.7\n%\xe2\xe3\n1 0 obj"),
        "rejected",
        "is a PDF",
    ),
    Hostile("pdf renamed csv", named("report.csv", lambda: b"%PDF-1.4\n"), "rejected", "is a PDF"),
    Hostile(
        "xls renamed xlsx",
        named("old.xlsx", lambda: bytes.fromhex("D0CF11E0A1B11AE1") + bytes(2000)),
        "rejected",
        "old-style Excel (.xls) workbook or a password-protected one",
    ),
    Hostile(
        "xls",
        named("old.xls", lambda: bytes.fromhex("D0CF11E0A1B11AE1")),
        "rejected",
        "is not an .xlsx workbook",
    ),
    Hostile("xlsm", named("macros.xlsm", lambda: GOOD), "rejected", MACROS),
    Hostile(
        "vbaProject.bin",
        named("m.xlsx", lambda: rezip(GOOD, add={"xl/vbaProject.bin": b"\xcc" * 64})),
        "rejected",
        MACROS,
    ),
    Hostile(
        "macro-enabled content type",
        named(
            "m.xlsx",
            lambda: raw_xlsx(
                {TS: sheet_data([HEADER])}, book_type="application/vnd.ms-excel.sheet.macroEnabled.main+xml"
            ),
        ),
        "rejected",
        MACROS,
    ),
    Hostile(
        "excel 4 macro sheet",
        named("m.xlsx", lambda: rezip(GOOD, add={"xl/macrosheets/sheet1.xml": "<xm:macrosheet/>"})),
        "rejected",
        MACROS,
    ),
    Hostile(
        "word document",
        named("w.xlsx", lambda: _word_document()),
        "rejected",
        "is a Word document, not an Excel workbook",
    ),
    Hostile(
        "plain zip", named("p.xlsx", lambda: _plain_zip()), "rejected", "is a zip file, not an Excel workbook"
    ),
    Hostile("random bytes", named("r.xlsx", lambda: os.urandom(5000)), "rejected", DAMAGED),
    Hostile("zip of garbage", named("g.xlsx", lambda: _zip_of_garbage()), "rejected", DAMAGED),
    Hostile("garbage after the zip", named("g.xlsx", lambda: GOOD + b"garbage" * 10), "rejected", DAMAGED),
    Hostile(
        "garbage before the zip", named("g.xlsx", lambda: b"MZ" + bytes(100) + GOOD), "rejected", DAMAGED
    ),
    Hostile(
        "malformed sheet xml",
        named("x.xlsx", lambda: raw_xlsx({TS: "<row><c r='A1'><v>1</v></row"})),
        "rejected",
        DAMAGED,
    ),
    Hostile(
        "bad checksum",
        named("c.xlsx", lambda: patch_directory(GOOD, "xl/worksheets/sheet1.xml", 16, "<I", 12345)),
        "rejected",
        DAMAGED,
    ),
    Hostile(
        "encrypted part",
        named("e.xlsx", lambda: patch_directory(GOOD, "xl/workbook.xml", 8, "<H", 1)),
        "rejected",
        "is encrypted",
    ),
    Hostile("xlsx renamed csv", named("book.csv", lambda: GOOD), "rejected", "not a CSV file but a zip file"),
    *[
        Hostile(f"truncated at {f}", truncated(f), "rejected", DAMAGED)
        for f in (0.001, 0.1, 0.5, 0.9, 0.99, -22, -1)
    ],
    # built to exhaust memory or time
    Hostile("zip bomb", named("bomb.xlsx", lambda: _zip_bomb()), "rejected", "is packed more than 100 to 1"),
    Hostile("forged sizes", named("forged.xlsx", forged_zip_bomb), "rejected", "would unpack to 270 MB"),
    Hostile(
        "part bigger than it says",
        named("lying.xlsx", lying_part),
        "rejected",
        "unpacks to more than the zip says",
    ),
    Hostile("10,001 parts", named("parts.xlsx", many_parts), "rejected", "more than 10,000 parts"),
    Hostile(
        "one cell in XFD1048576",
        named(
            "far.xlsx",
            lambda: raw_xlsx(
                {TS: sheet_data([HEADER]) + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'}
            ),
        ),
        "rejected",
        "has cells down to row 1,048,576",
        aborts_unchecked=True,
    ),
    Hostile(
        "one cell in A1048576",
        named(
            "far.xlsx",
            lambda: raw_xlsx(
                {TS: sheet_data([HEADER]) + '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'}
            ),
        ),
        "rejected",
        "more than the 200,000 rows a sheet may have",
        aborts_unchecked=True,
    ),
    Hostile(
        "one cell in XFD1",
        named(
            "far.xlsx",
            lambda: raw_xlsx({TS: '<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>1</v></c></row>'}),
        ),
        "rejected",
        "as far right as column 16,384",
        aborts_unchecked=True,
    ),
    Hostile(
        "a reference hidden in another attribute",
        named(
            "far.xlsx",
            lambda: raw_xlsx(
                {TS: '<row r="1"><c x=" r=\'A1\'" r="XFD1048576"><v>1</v></c><c r="A1"><v>1</v></c></row>'}
            ),
        ),
        "rejected",
        "has cells down to row 1,048,576",
        aborts_unchecked=True,
    ),
    Hostile(
        "cells without references far down",
        named(
            "noref.xlsx",
            lambda: raw_xlsx(
                {TS: '<row r="1"><c><v>1</v></c><c><v>2</v></c></row><row r="1048576"><c><v>1</v></c></row>'}
            ),
        ),
        "rejected",
        "cells without a cell reference",
        aborts_unchecked=True,
    ),
    Hostile(
        "201 columns",
        named(
            "wide.xlsx",
            lambda: xlsx(
                {TS: [[*HEADER, *[f"extra {i}" for i in range(201 - len(HEADER))]], list(SESSION.values())]}
            ),
        ),
        "rejected",
        "as far right as column 201",
    ),
    Hostile(
        "51 sheets",
        named("sheets.xlsx", lambda: workbook_of(51)),
        "rejected",
        "has 51 sheets, more than the 50",
    ),
    Hostile(
        "billion laughs in a sheet", named("lol.xlsx", lambda: billion_laughs("sheet")), "rejected", DAMAGED
    ),
    Hostile(
        "billion laughs in shared strings",
        named("lol.xlsx", lambda: billion_laughs("shared")),
        "rejected",
        DAMAGED,
    ),
    Hostile(
        "over 20 MB xlsx",
        named(
            "big.xlsx",
            lambda: rezip(
                GOOD, add={"xl/media/a.bin": os.urandom(MAX_FILE_BYTES)}, compression=zipfile.ZIP_STORED
            ),
        ),
        "rejected",
        "more than the 20 MB",
    ),
    Hostile(
        "over 20 MB csv",
        named("big.csv", lambda: b"a" * (MAX_FILE_BYTES + 1)),
        "rejected",
        "more than the 20 MB",
    ),
    Hostile("200,001 lines", named("lines.csv", big_csv_lines), "rejected", "has more than 200,000 lines"),
    Hostile(
        "csv with NUL bytes",
        named("nul.csv", lambda: sessions_csv({"session_id": "H-nul"}).replace(b"H-nul", b"H\x00nul")),
        "rejected",
        "holds NUL bytes",
    ),
    Hostile(
        "csv with an enormous field",
        named("field.csv", lambda: sessions_csv({"course_title": "x" * 200_000})),
        "rejected",
        "has a field of more than 131,072 characters",
    ),
    Hostile(
        "10 MB single line",
        named("line.csv", lambda: b"y" * 10_000_000),
        "rejected",
        "has a field of more than",
    ),
    Hostile(
        "10 MB of separators",
        named("commas.csv", lambda: b"a," * 5_000_000),
        "rejected",
        "more than 10,000 separators",
    ),
    Hostile(
        "bytes that are not text",
        named("bytes.csv", lambda: sessions_csv().replace(b"Neglect", b"N\x81\x8d\x9d")),
        "rejected",
        "is not a text file",
    ),
    # what the cells hold
    Hostile(
        "formula without a cached value",
        named("f.xlsx", lambda: sessions_book({"session_id": "H-f", "places_booked": "=1+1"})),
        "rejected",
        f"{ROW_2}, places_booked: is required but blank",
    ),
    Hostile(
        "formula with a cached value is not evaluated",
        named(
            "f.xlsx",
            lambda: with_cached_value(
                sessions_book({"session_id": '=WEBSERVICE("http://example.invalid/")'}),
                1,
                "A2",
                "H-cached",
                "str",
            ),
        ),
        "accepted",
        stored=stored_session("H-cached", course_title="Neglect: the basics"),
    ),
    Hostile(
        "text that looks like a formula",
        named("dde.csv", lambda: sessions_csv({"session_id": "H-dde", "course_title": "=cmd|' /C calc'!A0"})),
        "accepted",
        stored=stored_session("H-dde", course_title="=cmd|' /C calc'!A0"),
    ),
    Hostile(
        "1,001 characters",
        named("long.xlsx", lambda: sessions_book({"course_title": "x" * 1001})),
        "rejected",
        f"{ROW_2}, course_title",
    ),
    Hostile(
        "1,001 characters in a csv",
        named("long.csv", lambda: sessions_csv({"theme": "y" * 1001})),
        "rejected",
        "is longer than 1,000 characters (1,001)",
    ),
    Hostile(
        "32,767 characters in a key",
        named("key.xlsx", lambda: sessions_book({"session_id": "k" * 32767})),
        "rejected",
        "is longer than 1,000 characters (32,767)",
    ),
    Hostile(
        "control characters",
        named(
            "ctl.xlsx",
            lambda: sessions_book(
                {
                    "session_id": excel_escaped("H-ctl\x07"),
                    "course_title": excel_escaped("Neglect\x07: the\x1b basics\x00"),
                }
            ),
        ),
        "accepted",
        stored=stored_session("H-ctl", course_title="Neglect: the basics"),
    ),
    Hostile(
        "terminal escape sequence",
        named("ansi.csv", lambda: sessions_csv({"session_id": "H-ansi", "theme": "\x1b[2J\x1b[31mNeglect"})),
        "accepted",
        stored=stored_session("H-ansi", theme="[2J[31mNeglect"),
    ),
    Hostile(
        "right-to-left override",
        named(
            "rtl.csv",
            lambda: sessions_csv({"session_id": "H-rtl\u202e", "course_title": "Neglect\u202e basics"}),
        ),
        "accepted",
        stored=stored_session("H-rtl", course_title="Neglect basics"),
    ),
    Hostile(
        "Cyrillic a in Hartlepool",
        named(
            "cyr.xlsx", lambda: sessions_book({"session_id": "H-cyr", "locality": f"H{CYRILLIC_A}rtlepool"})
        ),
        "rejected",
        'in place of the Latin "a": retype it',
    ),
    Hostile(
        "non-breaking spaces in Hartlepool",
        named(
            "nbsp.xlsx", lambda: sessions_book({"session_id": "H-nbsp", "locality": "\u00a0Hartlepool\u00a0"})
        ),
        "accepted",
        stored=stored_session("H-nbsp", locality="Hartlepool"),
    ),
    Hostile(
        "full-width Hartlepool",
        named("wide.csv", lambda: sessions_csv({"session_id": "H-wide", "locality": "Ｈａｒｔｌｅｐｏｏｌ"})),
        "accepted",
        stored=stored_session("H-wide", locality="Hartlepool"),
    ),
    Hostile(
        "zero-width space in Hartlepool",
        named("zw.xlsx", lambda: sessions_book({"session_id": "H-zw\u200b", "locality": "Hartle\u200bpool"})),
        "accepted",
        stored=stored_session("H-zw", locality="Hartlepool"),
    ),
    Hostile(
        "Cyrillic a in a required header",
        named(
            "hdr.xlsx",
            lambda: xlsx(
                {
                    TS: [
                        [h.replace("locality", f"loc{CYRILLIC_A}lity") for h in HEADER],
                        list(SESSION.values()),
                    ]
                }
            ),
        ),
        "rejected",
        "missing locality (the header in column E has",
    ),
    Hostile(
        "Cyrillic e in an optional header",
        named(
            "hdr.xlsx", lambda: xlsx({TS: table(SESSION, {"session_id": "H-theme", "th\u0435me": "Neglect"})})
        ),
        "rejected",
        "header only looks like this column",
    ),
    Hostile(
        "full-width and zero-width headers",
        named(
            "hdr.xlsx",
            lambda: xlsx(
                {
                    TS: [
                        ["ｓｅｓｓｉｏｎ＿ｉｄ", *[h.replace("_", "_\u200b") for h in HEADER[1:]]],
                        ["H-hdr", *list(SESSION.values())[1:]],
                    ]
                }
            ),
        ),
        "accepted",
        stored=stored_session("H-hdr", locality="Hartlepool"),
    ),
    Hostile(
        "duplicate headers",
        named("dup.xlsx", lambda: xlsx({TS: [[*HEADER, "locality"], [*SESSION.values(), "Stockton"]]})),
        "rejected",
        "column appears twice",
    ),
    Hostile(
        "duplicate headers spelt differently",
        named("dup.csv", lambda: csv_bytes([[*HEADER, "Session ID"], [*SESSION.values(), "S2"]])),
        "rejected",
        "column appears twice (columns A and H)",
    ),
    Hostile(
        "an empty sheet",
        named("empty.xlsx", lambda: xlsx({TS: []})),
        "rejected",
        "is empty: it holds no cells",
    ),
    Hostile(
        "an empty dataset sheet beside a good one",
        named("two.xlsx", lambda: xlsx({TS: table(SESSION, {"session_id": "H-two"}), "audits": []})),
        "accepted",
        stored=stored_session("H-two"),
    ),
    Hostile("a sheet with only a header", named("header.xlsx", lambda: xlsx({TS: [HEADER]})), "accepted"),
    Hostile("a csv with only a header", named("header.csv", lambda: csv_bytes([HEADER])), "accepted"),
    Hostile(
        "utf-16 tab-separated text",
        named("unicode.csv", utf16_csv),
        "accepted",
        stored=stored_session("H-utf16", course_title="Négligence – les bases"),
    ),
    Hostile(
        "a count of 10^20",
        named("n.xlsx", lambda: sessions_book({"places_booked": 10**20})),
        "rejected",
        "is too large: a count here is at most 1,000,000",
    ),
    Hostile(
        "a count of 3 billion",
        named("n.csv", lambda: sessions_csv({"attended": "3000000000"})),
        "rejected",
        "is too large",
    ),
    Hostile(
        "a count of 400 nines",
        named("n.csv", lambda: sessions_csv({"places_booked": "9" * 400 + ".0"})),
        "rejected",
        "is too large",
    ),
    Hostile(
        "nan and infinity",
        named("nan.csv", lambda: sessions_csv({"pre_confidence_avg": "nan", "post_confidence_avg": "-inf"})),
        "rejected",
        "is not a number",
    ),
    Hostile(
        "the first and last dates there are",
        named(
            "dates.csv",
            lambda: sessions_csv(
                {"session_id": "H-d1", "session_date": "01/01/0001"},
                {"session_id": "H-d2", "session_date": "31/12/9999"},
            ),
        ),
        "rejected",
        "is not a plausible date (expected 1 April 2000 to ",
    ),
    Hostile(
        "a time in a date column", named("t.xlsx", time_in_a_date_column), "rejected", "is a time, not a date"
    ),
    Hostile(
        "TRUE as a count",
        named("b.xlsx", lambda: sessions_book({"attended": True})),
        "rejected",
        "is not a whole number",
    ),
    Hostile(
        "a file name with control characters and ../",
        named("../../etc/passwd\n\x1b[31m.csv", lambda: sessions_csv({"session_id": "H-name"})),
        "accepted",
        stored=lambda con: _assert_clean_file_names(con),
    ),
    Hostile(
        "a sheet name with a Cyrillic letter",
        named(
            "sheet.xlsx",
            lambda: sessions_book({"session_id": "H-sheet"}, name=f"tr{CYRILLIC_A}ining_sessions"),
        ),
        "accepted",
        stored=stored_session("H-sheet"),
    ),
]


def _word_document() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as document:
        document.writestr("[Content_Types].xml", "<Types/>")
        document.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return out.getvalue()


def _zip_of_garbage() -> bytes:
    return rezip(GOOD, lambda name, content: os.urandom(len(content)))


_BOMB: list[bytes] = []


def _zip_bomb() -> bytes:
    """A workbook whose sheet is 150 MB of zeros packed into ~0.7 MB (made once, streamed: ~0.2 s)."""
    if not _BOMB:
        base = raw_xlsx({})
        out = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(base)) as source,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book,
        ):
            for item in source.infolist():
                book.writestr(item.filename, source.read(item.filename))
            with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
                zeros = bytes(1024 * 1024)
                for _ in range(150):
                    sheet.write(zeros)
        _BOMB.append(out.getvalue())
    return _BOMB[0]


def _assert_clean_file_names(con: duckdb.DuckDBPyConnection) -> None:
    names = [row[0] for row in con.execute("SELECT file_name FROM uploads").fetchall()]
    assert all(not re.search(r"[\x00-\x1f\x7f-\x9f]", n) for n in names), names


# --- trying one file -------------------------------------------------------------------------------------


@dataclass
class Outcome:
    name: str
    kind: str = ""  # "rejected", "accepted" or "traceback"
    messages: list[str] = field(default_factory=list)
    clear: bool = True
    partial: bool = False
    problem: str = ""  # what went wrong, for the assertion message


RESULTS: dict[str, Outcome] = {}

_EXCEPTION_NAME = re.compile(r"\b[A-Z][A-Za-z]*(?:Error|Exception)\b|Traceback|XlsxError|Zip error")


def is_clear(problem: Problem, file_name: str) -> bool:
    """One line, no exception names; a reason about the whole file is one sentence."""
    text = str(problem)
    if not problem.reason or "\n" in text or _EXCEPTION_NAME.search(problem.reason) or len(text) > 600:
        return False
    if problem.row is None and problem.sheet == file_name:
        return len(re.findall(r"[.!?](?:\s|$)", problem.reason.replace(file_name, "F"))) <= 1
    return True


PROBE = (
    "import pickle, sys\n"
    "from tests.helpers.workbooks import SETTINGS\n"
    "from dashboard.ingest.validate import validate_upload\n"
    "for name, file_name, data in pickle.load(sys.stdin.buffer):\n"
    "    validate_upload(data, file_name, SETTINGS)\n"
    "    print(name, flush=True)\n"
)
SURVIVED: dict[str, bool] = {}


def survives_in_a_child(case: Hostile) -> bool:
    """Whether validating the file leaves a child process alive (all such files are tried in one child).

    A regression in the sheet-size checks then fails these cases instead of aborting the test run.
    """
    if case.name not in SURVIVED:
        risky = [c for c in HOSTILE if c.aborts_unchecked]
        files = [(c.name, *c.build()) for c in risky]
        child = subprocess.run(
            [sys.executable, "-c", PROBE],
            input=pickle.dumps(files),
            capture_output=True,
            cwd=Path(__file__).resolve().parents[1],
            timeout=120,
        )
        done = set(child.stdout.decode().splitlines())
        SURVIVED.update({c.name: c.name in done for c in risky})
    return SURVIVED[case.name]


def attempt(case: Hostile, con: duckdb.DuckDBPyConnection) -> Outcome:
    if case.name in RESULTS:
        return RESULTS[case.name]
    outcome = RESULTS[case.name] = Outcome(case.name)
    if case.aborts_unchecked and not survives_in_a_child(case):
        outcome.kind, outcome.problem = "traceback", "validating it aborted the process"
        return outcome
    before = whole_state(con)
    try:
        file_name, data = case.build()
        report = validate_upload(data, file_name, SETTINGS)
        outcome.messages = [str(p) for p in report.errors]
        if any(UNEXPECTED_PROBLEM in p.reason for p in report.errors):
            outcome.kind, outcome.problem = "traceback", "; ".join(outcome.messages)
            return outcome
        try:
            result = load_upload(con, report, "hostile")
        except (UploadRejected, ValueError) as exc:
            outcome.kind = "rejected"
            outcome.messages = outcome.messages or [str(exc)]
            outcome.clear = bool(report.errors) and all(is_clear(p, report.file_name) for p in report.errors)
            outcome.partial = whole_state(con) != before
            return outcome
        outcome.kind = "accepted"
        try:
            if case.stored is not None:
                case.stored(con)
        finally:
            if result.upload_id is not None:
                undo_latest(con, "hostile")
        if data_state(con) != data_state_of(before):
            outcome.partial, outcome.problem = True, "undo did not give back the state before"
    except Exception:
        outcome.kind, outcome.problem = "traceback", traceback.format_exc()
    return outcome


def data_state_of(state: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    return {k: v for k, v in state.items() if k not in ("uploads", "upload_datasets")}


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """A database file holding one upload already, shared by the hostile files (each leaves it as it was)."""
    con = new_database(tmp_path_factory.mktemp("hostile") / "pmf.duckdb")
    first = xlsx({TS: table(SESSION, {"session_id": "S0"}), "audits": table(AUDIT)})
    load_upload(con, validate_upload(first, "first.xlsx", SETTINGS), "analyst")
    yield con
    con.close()


@pytest.mark.parametrize("case", HOSTILE, ids=[c.name for c in HOSTILE])
def test_a_hostile_file(case: Hostile, hostile_db: duckdb.DuckDBPyConnection) -> None:
    outcome = attempt(case, hostile_db)
    assert outcome.kind != "traceback", outcome.problem
    assert not outcome.partial, f"{case.name}: the database changed ({outcome.problem})"
    assert outcome.kind == case.expect, outcome.messages
    if case.expect == "rejected":
        assert outcome.clear, outcome.messages
        assert any(case.says in m for m in outcome.messages), outcome.messages


def test_a_zip_bomb_is_refused_quickly_and_with_little_memory() -> None:
    bomb = _zip_bomb()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        report = validate_upload(bomb, "bomb.xlsx", SETTINGS)
        took = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not report.ok and "is packed more than 100 to 1" in report.errors[0].reason
    assert peak < 50 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
    assert took < 1.0, f"{took:.2f} s"


# --- fuzzing the reader and the validator ----------------------------------------------------------------

LOOKALIKE = st.sampled_from(
    [
        "Hartlepool",
        f"H{CYRILLIC_A}rtlepool",
        "Hartle\u200bpool",
        "Ｈａｒｔｌｅｐｏｏｌ",
        "\u00a0Both ",
        "Stockton\u202e",
    ]
)
TEXT = st.one_of(
    st.text(max_size=12),
    st.text(alphabet=st.characters(max_codepoint=0x9F), max_size=8),  # control characters included
    LOOKALIKE,
    st.sampled_from(
        ["x" * 1001, "9" * 400, "=1+1", "  ", "Total", "13/11/2023", "12.0", "-0", "1e400", "nan"]
    ),
)
CELL = st.one_of(
    st.none(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    TEXT,
    st.dates(min_value=date(1900, 3, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1)),
    st.times(),
)


SINGLE_TABLE = [d for d in DATASETS if d.name != "training_attendance"]  # attendance needs its sessions


@st.composite
def mostly_valid_sheet(draw: st.DrawFn) -> tuple[str, list[list[Any]]]:
    """One dataset's sheet: its required columns and some others (headers spelt as analysts do), rows of
    valid values, then perhaps a few cells replaced by anything at all."""
    dataset = draw(st.sampled_from(SINGLE_TABLE))
    columns = [c.name for c in dataset.columns if c.required or draw(st.booleans())]
    headers = [draw(st.sampled_from([n, n.upper(), n.replace("_", " ").title(), f"{n}*"])) for n in columns]
    rows: list[list[Any]] = [headers]
    tag = draw(st.integers(0, 10**6))  # keys differ from another sheet's
    for index in range(draw(st.integers(0, 5))):
        rows.append([_plausible(VALID[dataset.name], name, f"{tag}-{index}") for name in columns])
    for _ in range(draw(st.sampled_from([0, 0, 1, 2]))):
        row, column = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, len(columns) - 1))
        rows[row][column] = draw(CELL)
    return draw(st.sampled_from([dataset.name, dataset.title, "Sheet1"])), rows


@st.composite
def chaotic_sheet(draw: st.DrawFn) -> tuple[str, list[list[Any]]]:
    """A dataset's headers (mistyped, duplicated, look-alike letters) or random ones, and cells of anything."""
    dataset = draw(st.sampled_from(DATASETS))
    if draw(st.booleans()):
        columns = [c.name for c in dataset.columns if c.required or draw(st.booleans())]
        headers: list[Any] = [
            draw(st.sampled_from([n, n.replace("a", CYRILLIC_A), f"{n}\u200b", n.replace("_", "\u00a0")]))
            for n in columns
        ]
        duplicate: bool = draw(st.booleans())
        if headers and duplicate:
            twice = draw(st.integers(0, len(headers) - 1))
            headers.append(headers[twice])  # a duplicate header
            columns.append(columns[twice])
    else:
        headers = draw(st.lists(TEXT, max_size=5))
        columns = [""] * len(headers)
    rows: list[list[Any]] = [list(headers)] if draw(st.booleans()) or not headers else []
    for index in range(draw(st.integers(0, 4))):
        rows.append(
            [
                draw(CELL) if draw(st.booleans()) else _plausible(VALID[dataset.name], name, index)
                for name in columns
            ]
        )
    title = draw(st.sampled_from([dataset.name, dataset.title, "Sheet1", "Notes", f"t{CYRILLIC_A}ble"]))
    return title, rows


@st.composite
def sheets(draw: st.DrawFn) -> dict[str, list[list[Any]]]:
    """1-3 sheets, each mostly valid or chaotic (a later sheet of the same name replaces an earlier one)."""
    kinds = st.one_of(mostly_valid_sheet(), chaotic_sheet()) if draw(st.booleans()) else mostly_valid_sheet()
    return dict(draw(st.lists(kinds, min_size=1, max_size=3)))


def _plausible(valid: dict[str, Any], column: str, index: int | str) -> Any:
    """The valid row's value for the column (blank for an optional one), keys made unique per row."""
    value = valid.get(column)
    if column in ("session_id", "review_id", "action_id", "case_ref") and value is not None:
        return f"{value}-{index}"
    return value


def to_xlsx(book: Mapping[str, Sequence[Sequence[Any]]]) -> bytes:
    cleaned = {
        name: [[excel_escaped(v) if isinstance(v, str) else v for v in row] for row in rows]
        for name, rows in book.items()
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # openpyxl: a sheet title over 31 characters
        return xlsx(cleaned)


def to_csv(rows: Sequence[Sequence[Any]]) -> bytes:
    return csv_bytes([["" if v is None else str(v) for v in row] for row in rows])


@pytest.fixture(scope="module")
def fuzz_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    con = new_database(tmp_path_factory.mktemp("fuzz") / "pmf.duckdb")
    yield con
    con.close()


def check_never_breaks(con: duckdb.DuckDBPyConnection, data: bytes, file_name: str) -> None:
    """validate_upload answers with a report; load_upload stores it whole or raises and changes nothing."""
    report = validate_upload(data, file_name, SETTINGS)
    assert isinstance(report, UploadReport)
    assert not any(UNEXPECTED_PROBLEM in p.reason for p in report.errors), report.errors
    before = whole_state(con)
    try:
        result = load_upload(con, report, "fuzz")
    except (UploadRejected, ValueError):
        event("rejected")
        assert whole_state(con) == before
        return
    event("accepted" if result.changed else "accepted, nothing to change")
    for name, frame in report.frames.items():
        key = list(DATASETS_BY_NAME[name].key)
        stored = set(con.execute(f"SELECT {', '.join(key)} FROM {name}").fetchall())
        assert set(frame[key].itertuples(index=False, name=None)) <= stored
    if result.upload_id is not None:
        undo_latest(con, "fuzz")
    assert data_state(con) == data_state_of(before)


FUZZ = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(book=sheets())
def test_fuzzed_workbooks_never_break_validation_or_loading(
    fuzz_db: duckdb.DuckDBPyConnection, book: dict[str, list[list[Any]]]
) -> None:
    check_never_breaks(fuzz_db, to_xlsx(book), "fuzz.xlsx")


@FUZZ
@given(book=sheets())
def test_fuzzed_csv_files_never_break_validation_or_loading(
    fuzz_db: duckdb.DuckDBPyConnection, book: dict[str, list[list[Any]]]
) -> None:
    check_never_breaks(fuzz_db, to_csv(next(iter(book.values()))), "fuzz.csv")


@settings(max_examples=60, deadline=None, database=None)
@given(data=st.binary(max_size=2000), cut=st.integers(0, 3000), suffix=st.sampled_from([".xlsx", ".csv"]))
def test_fuzzed_bytes_never_break_the_reader(data: bytes, cut: int, suffix: str) -> None:
    """Random bytes, and a valid workbook cut short or with random bytes spliced in."""
    for attempt_data in (data, GOOD[:cut] + data, GOOD[:cut] + data + GOOD[cut + len(data) :]):
        report = validate_upload(attempt_data, f"fuzz{suffix}", SETTINGS)
        assert not any(UNEXPECTED_PROBLEM in p.reason for p in report.errors), report.errors


with zipfile.ZipFile(io.BytesIO(GOOD)) as _good:
    GOOD_SHEET = _good.read("xl/worksheets/sheet1.xml")
XMLISH = st.binary(max_size=30) | st.text(alphabet="<>\"'/=rc0123456789ABXFDZ:!-[]&;x ", max_size=30).map(
    str.encode
)


@settings(max_examples=60, deadline=None, database=None)
@given(
    edits=st.lists(
        st.tuples(st.integers(0, len(GOOD_SHEET)), st.integers(0, 20), XMLISH), min_size=1, max_size=4
    )
)
def test_fuzzed_sheet_xml_never_breaks_the_reader(edits: list[tuple[int, int, bytes]]) -> None:
    """A valid workbook whose sheet XML is edited at random (the zip stays sound, so calamine parses it)."""
    xml = GOOD_SHEET
    for at, drop, insert in edits:
        xml = xml[:at] + insert + xml[at + drop :]
    data = rezip(GOOD, lambda name, content: xml if name == "xl/worksheets/sheet1.xml" else content)
    report = validate_upload(data, "edited.xlsx", SETTINGS)
    assert not any(UNEXPECTED_PROBLEM in p.reason for p in report.errors), report.errors


# --- the tally, last -------------------------------------------------------------------------------------


def test_hostile_files_tally(
    hostile_db: duckdb.DuckDBPyConnection, capsys: pytest.CaptureFixture[str]
) -> None:
    """Runs last in this module: every hostile file tried (again only if it was not), and the tally printed."""
    outcomes = [attempt(case, hostile_db) for case in HOSTILE]
    rejected = sum(o.kind == "rejected" and o.clear for o in outcomes)
    accepted = sum(o.kind == "accepted" for o in outcomes)
    tracebacks = [o.name for o in outcomes if o.kind == "traceback"]
    partial = [o.name for o in outcomes if o.partial]
    unclear = [o.name for o in outcomes if o.kind == "rejected" and not o.clear]
    with capsys.disabled():
        print(
            f"\nhostile files: {len(outcomes)} tried, {rejected} rejected with a clear message, "
            f"{accepted} accepted safely, {len(tracebacks)} tracebacks, {len(partial)} partial loads"
        )
    assert tracebacks == [] and partial == [] and unclear == []
