"""Reading uploaded files into raw cell grids: .xlsx through python-calamine, .csv through the csv module.

Nothing in an uploaded file is trusted. Every refusal is an UnreadableFile whose message is one sentence for
the user; nothing here lets any other exception out for a bad file.

- Size: at most MAX_FILE_BYTES (the Streamlit upload limit), and not empty.
- Content, not only the name: an .xlsx must be a zip holding [Content_Types].xml and xl/workbook.xml. A PDF,
  an old .xls (or a password-protected workbook: both are OLE2 files) and a macro-enabled workbook (.xlsm,
  vbaProject.bin, macro sheets or a macro-enabled content type) are refused saying what to upload instead.
- Zip bombs: the central directory is read first, nothing unpacked: more than MAX_ZIP_PARTS parts, a part
  packed more than MAX_COMPRESSION_RATIO to 1, or more than MAX_UNPACKED_BYTES in all, and the file is
  refused at the cost of a few kilobytes. Every part is then unpacked once, in chunks, and must give exactly
  the size and checksum the directory declares (a part that unpacks to more than it says is stopped there;
  a damaged or truncated file is refused here rather than half read).
- Sheet size: python-calamine allocates a sheet's whole used rectangle at once, so one value in A1 and one
  in XFD1048576 would ask for 500 GB and abort the whole process (the app included). Each worksheet's cell
  references are therefore scanned before calamine sees the file, and a sheet over MAX_ROWS rows,
  MAX_COLUMNS columns or MAX_CELLS cells is refused.
- Formulas are never evaluated: calamine reads the value Excel cached when it last calculated.
- CSV: UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark (Excel's "Unicode text") or
  Windows-1252; NUL bytes, a field over the csv module's field limit, a line with an absurd number of
  separators, and too many rows or columns are refused before they cost memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import math
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

import python_calamine

Cell = Any  # str, int, float, bool, datetime.date, datetime.datetime, datetime.time, datetime.timedelta


class UnreadableFile(ValueError):
    """The file is not a workbook or CSV file that can be read. The message is one sentence for the user."""


@dataclass
class RawSheet:
    """One sheet's cells, rows[0] being Excel row 1 (or the CSV file's first line)."""

    name: str
    rows: list[list[Cell]]


SUPPORTED_SUFFIXES = (".xlsx", ".csv")
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam")

MB = 1024 * 1024
MAX_FILE_BYTES = 20 * MB  # the same as server.maxUploadSize in .streamlit/config.toml
MAX_UNPACKED_BYTES = 200 * MB  # every part of an .xlsx together, unpacked (Excel packs sheets ~5-15 to 1)
MAX_COMPRESSION_RATIO = 100  # unpacked / packed, for any part over RATIO_CHECKED_FROM
RATIO_CHECKED_FROM = MB  # a smaller part cannot hurt, however well it packs
MAX_ZIP_PARTS = 10_000  # a workbook has a few dozen
MAX_CENTRAL_DIRECTORY_BYTES = 4 * MB
MAX_SHEETS = 50
MAX_ROWS = 200_000  # per sheet, title and header rows included
MAX_COLUMNS = 200
MAX_CELLS = 5_000_000  # rows x columns of one sheet's used rectangle (and the shared strings of a workbook)
MAX_SEPARATORS_PER_LINE = 10_000  # a CSV line with more cannot be a table of at most MAX_COLUMNS columns

_PDF = b"%PDF"
_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")  # .xls, and Excel's password-protected .xlsx
_ZIP = b"PK\x03\x04"
_CHUNK = 1 << 20


def read_raw_sheets(data: bytes, file_name: str) -> list[RawSheet]:
    """Every sheet of an .xlsx workbook, or the single table of a .csv file, as raw cells."""
    name = _display(file_name)
    suffix = Path(file_name).suffix.lower()
    if suffix in MACRO_SUFFIXES:
        raise UnreadableFile(_macros(name))
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableFile(f"{name} is not an .xlsx workbook or a .csv file.")
    if not data:
        raise UnreadableFile(f"{name} is empty (0 bytes): check it is the right file and upload it again.")
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(
            f"{name} is {math.ceil(len(data) / MB * 10) / 10:.1f} MB, more than the {MAX_FILE_BYTES // MB} MB "
            "an upload may be: split it into smaller files."
        )
    if data.startswith(_PDF):
        raise UnreadableFile(
            f"{name} is a PDF document, not a spreadsheet: upload the .xlsx workbook or a .csv file instead."
        )
    if data.startswith(_OLE2):
        raise UnreadableFile(
            f"{name} is an old-style Excel (.xls) workbook or a password-protected one: open it in Excel, "
            "remove any password and save it as an Excel Workbook (.xlsx), then upload that."
        )
    if suffix == ".csv":
        if data.startswith(_ZIP):
            raise UnreadableFile(
                f"{name} is not a CSV file but a zip file such as an Excel workbook: if it is a workbook, "
                "upload it with its .xlsx name."
            )
        return [RawSheet(_display(Path(file_name).stem), _read_csv(data, name))]
    if not data.startswith(_ZIP):
        raise UnreadableFile(_damaged(name))
    infos = _checked_parts(data, name)
    for member, (rows, columns) in _unpack_and_measure(data, infos, name).items():
        if _too_big(rows, columns):
            _check_size_of_sheet(name, _sheet_label(data, member), rows, columns)
    return _read_workbook(data, name)


# --- messages ------------------------------------------------------------------------------------------


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def display_name(text: str) -> str:
    """A file's or sheet's name without control characters, as it can be shown and stored."""
    return _CONTROL.sub("", text)


def _display(text: str, limit: int = 120) -> str:
    """A name from the file (or the file's own name) as it can be shown in one line of a report."""
    shown = display_name(text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _macros(name: str) -> str:
    return f"{name} contains macros; save it as a plain .xlsx workbook (no macros) and upload that."


def _damaged(name: str) -> str:
    return (
        f"{name} could not be read as an Excel workbook: it is damaged, incomplete or not an .xlsx file; "
        "open it in Excel, save it as an Excel Workbook (.xlsx) and upload that."
    )


def _crafted(name: str, what: str) -> str:
    return f"{name} was not opened: {what}, which no ordinary workbook does (it may be built to overload the server)."


def _too_big(rows: int, columns: int) -> bool:
    return rows > MAX_ROWS or columns > MAX_COLUMNS or rows * columns > MAX_CELLS


def _check_size_of_sheet(name: str, sheet: str, rows: int, columns: int) -> None:
    where = f"sheet {sheet} of {name}"
    if rows > MAX_ROWS:
        raise UnreadableFile(
            f"{where} has cells down to row {rows:,}, more than the {MAX_ROWS:,} rows a sheet may have: "
            "delete the rows below your data, or split it."
        )
    if columns > MAX_COLUMNS:
        raise UnreadableFile(
            f"{where} has cells as far right as column {columns:,}, more than the {MAX_COLUMNS} columns a "
            "sheet may have: delete the columns to the right of your data."
        )
    if rows * columns > MAX_CELLS:
        raise UnreadableFile(
            f"{where} spans {rows:,} rows by {columns} columns, more than the {MAX_CELLS:,} cells a sheet "
            "may have: delete unused rows and columns, or split it."
        )


# --- the zip container ---------------------------------------------------------------------------------


def _checked_parts(data: bytes, name: str) -> list[zipfile.ZipInfo]:
    """The zip's parts, from its central directory, once nothing in the directory is dangerous."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        raise UnreadableFile(_damaged(name))
    entries, directory_size, directory_offset, comment_length = struct.unpack(
        "<HIIH", data[end + 10 : end + 22]
    )
    if entries > MAX_ZIP_PARTS or directory_size > MAX_CENTRAL_DIRECTORY_BYTES:
        raise UnreadableFile(_crafted(name, f"it holds more than {MAX_ZIP_PARTS:,} parts"))
    # The directory must sit just before its end record and the end record end the file: no bytes before
    # or after the zip that two zip readers could interpret differently (we check what calamine will read).
    if directory_offset + directory_size != end or end + 22 + comment_length != len(data):
        raise UnreadableFile(_damaged(name))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except Exception as exc:  # zipfile raises many types for a damaged directory
        raise UnreadableFile(_damaged(name)) from exc
    if len(infos) > MAX_ZIP_PARTS:
        raise UnreadableFile(_crafted(name, f"it holds more than {MAX_ZIP_PARTS:,} parts"))
    total = sum(info.file_size for info in infos)
    if total > MAX_UNPACKED_BYTES:
        raise UnreadableFile(
            _crafted(
                name,
                f"it would unpack to {total / MB:,.0f} MB, more than the {MAX_UNPACKED_BYTES // MB} MB limit",
            )
        )
    for info in infos:
        if (
            info.file_size > RATIO_CHECKED_FROM
            and info.file_size > MAX_COMPRESSION_RATIO * info.compress_size
        ):
            raise UnreadableFile(
                _crafted(
                    name,
                    f"its part {_display(info.filename, 60)} is packed more than {MAX_COMPRESSION_RATIO} to 1",
                )
            )
    lower = [info.filename.lower() for info in infos]
    if len(set(lower)) != len(lower):
        raise UnreadableFile(_damaged(name))
    if any(n.endswith(("vbaproject.bin", "vbaprojectsignature.bin")) or "macrosheets/" in n for n in lower):
        raise UnreadableFile(_macros(name))
    if "[content_types].xml" not in lower or "xl/workbook.xml" not in lower:
        raise UnreadableFile(_not_a_workbook(name, lower))
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnreadableFile(
                f"{name} is encrypted: open it in Excel, remove the password and save it as an Excel "
                "Workbook (.xlsx), then upload that."
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnreadableFile(_damaged(name))
    return infos


def _not_a_workbook(name: str, lower: list[str]) -> str:
    if "word/document.xml" in lower:
        what = "a Word document"
    elif "ppt/presentation.xml" in lower:
        what = "a PowerPoint presentation"
    elif "content.xml" in lower and "mimetype" in lower:
        what = "an OpenDocument file (LibreOffice or OpenOffice)"
    else:
        what = "a zip file"
    return f"{name} is {what}, not an Excel workbook: upload the .xlsx workbook (or a .csv file) instead."


def _unpack(data: bytes, info: zipfile.ZipInfo, name: str) -> Iterator[bytes]:
    """One part, unpacked in chunks, exactly as long as the central directory says and with its checksum."""
    offset = info.header_offset
    header = data[offset : offset + 30]
    if len(header) < 30 or not header.startswith(_ZIP):
        raise UnreadableFile(_damaged(name))
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = offset + 30 + name_length + extra_length
    end = start + info.compress_size
    if end > len(data):
        raise UnreadableFile(_damaged(name))
    packed = memoryview(data)[start:end]
    produced, crc = 0, 0
    if info.compress_type == zipfile.ZIP_STORED:
        pieces: Iterator[bytes] = (bytes(packed[at : at + _CHUNK]) for at in range(0, len(packed), _CHUNK))
    else:
        pieces = _inflate(packed, name)
    for piece in pieces:
        produced += len(piece)
        if produced > info.file_size:
            raise UnreadableFile(
                _crafted(name, "one of its parts unpacks to more than the zip says it holds")
            )
        crc = zlib.crc32(piece, crc)
        yield piece
    if produced != info.file_size or crc != info.CRC:
        raise UnreadableFile(_damaged(name))


def _inflate(packed: memoryview, name: str) -> Iterator[bytes]:
    inflater = zlib.decompressobj(-15)
    at = 0
    try:
        while not inflater.eof:
            if inflater.unconsumed_tail:
                piece = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
            elif at < len(packed):
                piece = inflater.decompress(packed[at : at + _CHUNK], _CHUNK)
                at += _CHUNK
            else:
                piece = inflater.decompress(b"", _CHUNK)
                if not piece:
                    break  # the packed data ended before the deflate stream did: truncated
            if piece:
                yield piece
    except zlib.error as exc:
        raise UnreadableFile(_damaged(name)) from exc


def _unpack_and_measure(data: bytes, infos: list[zipfile.ZipInfo], name: str) -> dict[str, tuple[int, int]]:
    """Unpack every part once (checking it), read the content types, and measure every worksheet."""
    sizes: dict[str, tuple[int, int]] = {}
    for info in infos:
        lower = info.filename.lower()
        if lower not in ("[content_types].xml", "xl/sharedstrings.xml") and not lower.startswith(
            "xl/worksheets/"
        ):
            for _ in _unpack(data, info, name):
                pass
            continue
        xml = b"".join(_unpack(data, info, name))
        if lower == "[content_types].xml":
            types = xml.lower()
            if b"macroenabled" in types or b"vbaproject" in types or b"macrosheet" in types:
                raise UnreadableFile(_macros(name))
        elif lower == "xl/sharedstrings.xml":
            if _count(_SHARED_STRING, xml) > MAX_CELLS:
                raise UnreadableFile(_crafted(name, f"it holds more than {MAX_CELLS:,} different texts"))
        else:
            sizes[info.filename] = _sheet_extent(xml, name)
    return sizes


# --- how big calamine would make each sheet ------------------------------------------------------------

# quick_xml (calamine's parser) needs whitespace before an attribute and a quoted value; an element may carry
# a namespace prefix. A cell is <c ...>, a row <row ...>; its reference is the attribute r.
_PREFIX = rb"(?:[^\s/>:<]*:)?"
_ATTRIBUTE = rb"\s+[^\s=>/]+\s*=\s*(?:\"[^\"]*\"|'[^']*')"
_CELL_START = re.compile(rb"<" + _PREFIX + rb"c(?=[\s/>])")
_CELL_WITH_REF = re.compile(
    rb"<" + _PREFIX + rb"c(?:" + _ATTRIBUTE + rb")*?\s+r\s*=\s*(?:\"[A-Za-z]*[0-9]*\"|'[A-Za-z]*[0-9]*')"
)
_ROW_TAG = re.compile(rb"</?" + _PREFIX + rb"row(?=[\s/>])")
# Any r="A1" or r="1" at all, wherever it is: a superset of the references calamine will act on.
_ANY_CELL_REF = re.compile(rb"\sr\s*=\s*[\"']([A-Za-z]+)([0-9]+)[\"']")
_ANY_ROW_REF = re.compile(rb"\sr\s*=\s*[\"']([0-9]+)[\"']")
_EXCEL_CELL_REF = re.compile(rb'<c r="([A-Za-z]+)([0-9]+)"')
_PREFIXED_CELL = re.compile(rb":c[ \t\n\r/>]")
_SMALL_ROWS, _SMALL_COLUMNS = 99_999, 26
_SMALL_CELL = re.compile(rb'<c r="[A-Za-z][0-9]{1,5}"')
# A cell tag (<c then what ends a name) other than a small <c r="A1">; group 1 says whether it is <c r=".
_UNUSUAL_CELL = re.compile(rb'<c(?! r="[A-Za-z][0-9]{1,5}")(?:( r=")|[ \t\n\r/>])')
_SHARED_STRING = re.compile(rb"<" + _PREFIX + rb"si(?=[\s/>])")
_ROW_LIMIT_DIGITS = 9


def _count(pattern: re.Pattern[bytes], xml: bytes) -> int:
    return len(pattern.findall(xml))


def _largest_row(digits: set[bytes]) -> int:
    trimmed = {d.lstrip(b"0") for d in digits}
    if any(len(d) > _ROW_LIMIT_DIGITS for d in trimmed):
        return 10**_ROW_LIMIT_DIGITS  # more than Excel's 1,048,576 rows, and than any limit here
    return max((int(d) for d in trimmed if d), default=0)


def _slices(xml: bytes, size: int = 4 * _CHUNK) -> Iterator[tuple[int, int]]:
    """Pieces of the text cut just before a '<', so that no tag of a well-formed sheet is cut in two."""
    start = 0
    while start < len(xml):
        end = xml.find(b"<", start + size) if start + size < len(xml) else -1
        end = len(xml) if end < 0 else end
        yield start, end
        start = end


def _sheet_extent(xml: bytes, name: str) -> tuple[int, int]:
    """An upper bound on the rows and columns of the rectangle calamine will allocate for this sheet.

    When every cell carries its reference (as Excel and every common writer do), the bound is the largest
    reference. A cell without one is placed after the previous cell of its row, so then each row end and
    each cell may move the position on by one: the bound adds their counts (and is only tight for small
    sheets; such a file is refused with the advice to save it again from Excel).
    """
    if b"\x00" in xml[:512] or re.search(rb"<!(?:DOCTYPE|ENTITY)", xml[:65_536]):
        raise UnreadableFile(_damaged(name))  # UTF-16 XML or a DTD: Excel writes neither
    extent = _excel_extent(xml)  # the usual case, checked fast: every cell is <c r="..." ...>
    if extent is not None:
        return extent
    cells = with_ref = 0
    for start, end in _slices(xml):
        piece = xml[start:end]
        cells += _count(_CELL_START, piece)
        with_ref += _count(_CELL_WITH_REF, piece)
    max_row, max_column = _largest_reference(xml, _ANY_CELL_REF)
    if cells == with_ref:
        return max_row, max_column
    # Some cell has no reference: bound the position calamine gives it (see the docstring).
    row_tags = _count(_ROW_TAG, xml)
    max_row = max(max_row, _largest_row(set(_ANY_ROW_REF.findall(xml))))
    rows, columns = max_row + row_tags + 1, max_column + cells + 1
    if _too_big(rows, columns):
        raise UnreadableFile(
            f"{name} has cells without a cell reference, so its size cannot be checked safely: open it in "
            "Excel, save it as an Excel Workbook (.xlsx) and upload that."
        )
    return rows, columns


def _excel_extent(xml: bytes) -> tuple[int, int] | None:
    """An upper bound of what _largest_reference(xml, _EXCEL_CELL_REF) finds when every cell tag is unprefixed
    and starts <c r=" (as Excel and every common writer make it); None for any other shape.

    One pass over the text finds the prefixed cell tags and the cell tags other than a "small" <c r="A1">
    (one letter, at most five digits: never more than 26 columns by 99,999 rows, which no limit refuses).
    In the usual sheet there are almost none, so the pass costs little; the bound it gives is exact for the
    references it found and 26 by 99,999 for the small ones. A bound over a limit is made exact by the full
    scan before it is acted on (the message names the true extent).
    """
    if _PREFIXED_CELL.search(xml):
        return None
    max_row = max_column = 0
    rows: set[bytes] = set()
    columns: set[bytes] = set()
    for found in _UNUSUAL_CELL.finditer(xml):
        if not found[1]:
            return None  # a cell tag that does not start <c r=": not Excel-shaped
        reference = _EXCEL_CELL_REF.match(xml, found.start())
        if reference:  # (<c r="1A"> is left out, as _largest_reference leaves it out)
            columns.add(reference[1])
            rows.add(reference[2])
    if _SMALL_CELL.search(xml):
        max_row, max_column = _SMALL_ROWS, _SMALL_COLUMNS
    max_row = max(max_row, _largest_row(rows))
    max_column = max([max_column, *map(_column_number, columns)])
    if _too_big(max_row, max_column):
        return _largest_reference(xml, _EXCEL_CELL_REF)
    return max_row, max_column


def _largest_reference(xml: bytes, pattern: re.Pattern[bytes]) -> tuple[int, int]:
    """The largest row and column of the references `pattern` finds (groups: letters, digits)."""
    max_row = max_column = 0
    for start, end in _slices(xml):
        refs = pattern.findall(xml, start, end)
        max_row = max(max_row, _largest_row(set(map(itemgetter(1), refs))))
        max_column = max([max_column, *map(_column_number, set(map(itemgetter(0), refs)))])
    return max_row, max_column


def _column_number(letters: bytes) -> int:
    if len(letters) > 3:
        return 10**6  # beyond Excel's last column, XFD
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _sheet_label(data: bytes, member: str) -> str:
    """The name of the sheet a worksheet part holds, for a message (else the part's own name)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            book = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    except Exception:
        return _display(member, 60)
    target = member.lower().removeprefix("xl/")
    for relation in re.finditer(r"<Relationship\b[^>]*>", rels):
        tag = relation[0]
        found_target = re.search(r'Target\s*=\s*"([^"]*)"', tag)
        found_id = re.search(r'Id\s*=\s*"([^"]*)"', tag)
        if not found_target or not found_id:
            continue
        if found_target[1].lower().lstrip("/").removeprefix("xl/") != target:
            continue
        for sheet in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", book):
            if re.search(r'(?:\br|relationships):id\s*=\s*"' + re.escape(found_id[1]) + '"', sheet[0]):
                label = re.search(r'\bname\s*=\s*"([^"]*)"', sheet[0])
                if label:
                    return _display(_xml_unescape(label[1]), 60)
    return _display(member, 60)


def _xml_unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


# --- reading the cells ---------------------------------------------------------------------------------


def _read_workbook(data: bytes, name: str) -> list[RawSheet]:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except BaseException as exc:  # calamine raises several types, a Rust panic included, for a damaged file
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise UnreadableFile(_damaged(name)) from exc
    sheets = []
    try:
        metadata = book.sheets_metadata
        if len(metadata) > MAX_SHEETS:
            raise UnreadableFile(
                f"{name} has {len(metadata)} sheets, more than the {MAX_SHEETS} a workbook may have: "
                "upload a workbook with a sheet per dataset."
            )
        for meta in metadata:
            if str(meta.typ) != "SheetTypeEnum.WorkSheet" or str(meta.visible) != "SheetVisibleEnum.Visible":
                continue  # chart sheets, and hidden sheets such as a template's drop-down lists
            rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            sheet_name = _display(meta.name, 100)
            _check_size_of_sheet(name, sheet_name, len(rows), max((len(r) for r in rows), default=0))
            sheets.append(RawSheet(sheet_name, rows))
    except UnreadableFile:
        raise
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise UnreadableFile(_damaged(name)) from exc
    finally:
        book.close()
    return sheets


def _decode(data: bytes, name: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")  # Excel on Windows saves CSV as cp1252
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(
        f'{name} is not a text file this dashboard can read: save it from Excel as "CSV UTF-8" and upload that.'
    )


def _read_csv(data: bytes, name: str) -> list[list[Cell]]:
    text = _decode(data, name)
    if "\x00" in text:
        raise UnreadableFile(f"{name} is not a text CSV file: it holds NUL bytes, as binary files do.")
    _check_separators(text, name)
    rows: list[list[Cell]] = []
    cells = 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)):
            if len(rows) >= MAX_ROWS:
                raise UnreadableFile(
                    f"{name} has more than {MAX_ROWS:,} lines, the most a file may have: split it."
                )
            width = next((i + 1 for i in range(len(row) - 1, -1, -1) if row[i].strip()), 0)
            if width > MAX_COLUMNS:
                raise UnreadableFile(
                    f"{name} has {width:,} columns on line {len(rows) + 1:,}, more than the {MAX_COLUMNS} a "
                    "table may have: check it is the right file and its separator."
                )
            cells += len(row)
            if cells > MAX_CELLS:
                raise UnreadableFile(
                    f"{name} has more than {MAX_CELLS:,} cells, the most a file may have: split it."
                )
            rows.append(row)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise UnreadableFile(
                f"{name} has a field of more than {csv.field_size_limit():,} characters, so it is not a table "
                "this dashboard can read: check it is the right file."
            ) from exc
        raise UnreadableFile(f"{name} is not a well-formed CSV file ({_short(exc)}).") from exc
    return rows


def _check_separators(text: str, name: str) -> None:
    """Refuse a line with an absurd number of separators before the csv module turns it into a list."""
    if len(text) <= MAX_SEPARATORS_PER_LINE:
        return
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        if len(line) > MAX_SEPARATORS_PER_LINE and any(
            line.count(d) > MAX_SEPARATORS_PER_LINE for d in _DELIMITERS
        ):
            raise UnreadableFile(
                f"{name} has a line (line {number:,}) with more than {MAX_SEPARATORS_PER_LINE:,} separators, "
                f"far more than the {MAX_COLUMNS} columns a table may have: check it is the right file."
            )


_DELIMITERS = (",", ";", "\t")  # Excel writes ";" where the decimal separator is a comma
_SNIFF_LINES = 50


def _delimiter(text: str) -> str:
    """The separator that splits the file's first lines into the most cells.

    csv.Sniffer wants every line split alike, so a title or note row above the header (which the contract
    allows) defeats it; counting cells does not. A tie goes to the comma.
    """

    def cells(delimiter: str) -> int:
        try:
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            return sum(len(row) for row in itertools.islice(reader, _SNIFF_LINES))
        except csv.Error:
            return 0

    return max(_DELIMITERS, key=cells)


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return _display(text, 160)
