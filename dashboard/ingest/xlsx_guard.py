"""An .xlsx checked before any reader opens it: the zip container, then the size of every sheet.

- Content, not only the name: an .xlsx must be a zip holding [Content_Types].xml and xl/workbook.xml. A
  macro-enabled workbook (vbaProject.bin, macro sheets or a macro-enabled content type), an encrypted one,
  and a Word, PowerPoint or OpenDocument file are refused saying what to upload instead.
- Zip bombs: the central directory is read first, nothing unpacked: more than MAX_ZIP_PARTS parts, a part
  packed more than MAX_COMPRESSION_RATIO to 1, or more than MAX_UNPACKED_BYTES in all, and the file is
  refused at the cost of a few kilobytes. Every part is then unpacked once, in chunks, and must give exactly
  the size and checksum the directory declares (a part that unpacks to more than it says is stopped there;
  a damaged or truncated file is refused here rather than half read).
- Sheet size: python-calamine allocates a sheet's whole used rectangle at once, so one value in A1 and one
  in XFD1048576 would ask for 500 GB and abort the whole process (the app included). Each worksheet's cell
  references are therefore scanned before calamine sees the file, and a sheet over MAX_ROWS rows,
  MAX_COLUMNS columns or MAX_CELLS cells is refused.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from operator import itemgetter
from xml.sax.saxutils import unescape

from dashboard.ingest.file_limits import (
    MAX_CELLS,
    MAX_CENTRAL_DIRECTORY_BYTES,
    MAX_COMPRESSION_RATIO,
    MAX_UNPACKED_BYTES,
    MAX_ZIP_PARTS,
    MB,
    RATIO_CHECKED_FROM,
    UnreadableFile,
    check_size_of_sheet,
    crafted_message,
    damaged_message,
    macros_message,
    shown_name,
    too_big,
)

ZIP_SIGNATURE = b"PK\x03\x04"
_CHUNK = 1 << 20
# What an attribute value may escape besides &amp;, &lt; and &gt; (which unescape always undoes).
_XML_ENTITIES = {"&quot;": '"', "&apos;": "'"}


def check_xlsx(data: bytes, name: str) -> None:
    """Refuse a dangerous or damaged .xlsx (UnreadableFile) before any reader unpacks it."""
    infos = _checked_parts(data, name)
    for member, (rows, columns) in _unpack_and_measure(data, infos, name).items():
        if too_big(rows, columns):
            check_size_of_sheet(name, _sheet_label(data, member), rows, columns)


def _checked_parts(data: bytes, name: str) -> list[zipfile.ZipInfo]:
    """The zip's parts, from its central directory, once nothing in the directory is dangerous."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        raise UnreadableFile(damaged_message(name))
    entries, directory_size, directory_offset, comment_length = struct.unpack(
        "<HIIH", data[end + 10 : end + 22]
    )
    if entries > MAX_ZIP_PARTS or directory_size > MAX_CENTRAL_DIRECTORY_BYTES:
        raise UnreadableFile(crafted_message(name, f"it holds more than {MAX_ZIP_PARTS:,} parts"))
    # The directory must sit just before its end record and the end record end the file: no bytes before
    # or after the zip that two zip readers could interpret differently (we check what calamine will read).
    if directory_offset + directory_size != end or end + 22 + comment_length != len(data):
        raise UnreadableFile(damaged_message(name))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except Exception as exc:  # zipfile raises many types for a damaged directory
        raise UnreadableFile(damaged_message(name)) from exc
    if len(infos) > MAX_ZIP_PARTS:
        raise UnreadableFile(crafted_message(name, f"it holds more than {MAX_ZIP_PARTS:,} parts"))
    total = sum(info.file_size for info in infos)
    if total > MAX_UNPACKED_BYTES:
        raise UnreadableFile(
            crafted_message(
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
                crafted_message(
                    name,
                    f"its part {shown_name(info.filename, 60)} is packed more than {MAX_COMPRESSION_RATIO} to 1",
                )
            )
    lower = [info.filename.lower() for info in infos]
    if len(set(lower)) != len(lower):
        raise UnreadableFile(damaged_message(name))
    if any(n.endswith(("vbaproject.bin", "vbaprojectsignature.bin")) or "macrosheets/" in n for n in lower):
        raise UnreadableFile(macros_message(name))
    if "[content_types].xml" not in lower or "xl/workbook.xml" not in lower:
        raise UnreadableFile(_not_a_workbook(name, lower))
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnreadableFile(
                f"{name} is encrypted: open it in Excel, remove the password and save it as an Excel "
                "Workbook (.xlsx), then upload that."
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnreadableFile(damaged_message(name))
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
    if len(header) < 30 or not header.startswith(ZIP_SIGNATURE):
        raise UnreadableFile(damaged_message(name))
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = offset + 30 + name_length + extra_length
    end = start + info.compress_size
    if end > len(data):
        raise UnreadableFile(damaged_message(name))
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
                crafted_message(name, "one of its parts unpacks to more than the zip says it holds")
            )
        crc = zlib.crc32(piece, crc)
        yield piece
    if produced != info.file_size or crc != info.CRC:
        raise UnreadableFile(damaged_message(name))


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
        raise UnreadableFile(damaged_message(name)) from exc


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
                raise UnreadableFile(macros_message(name))
        elif lower == "xl/sharedstrings.xml":
            if _count(_SHARED_STRING, xml) > MAX_CELLS:
                raise UnreadableFile(
                    crafted_message(name, f"it holds more than {MAX_CELLS:,} different texts")
                )
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
        raise UnreadableFile(damaged_message(name))  # UTF-16 XML or a DTD: Excel writes neither
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
    if too_big(rows, columns):
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
    if too_big(max_row, max_column):
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
    """b"XFD" -> 16384. Not openpyxl's column_index_from_string: that takes text, refuses what is past XFD
    (here only an upper bound is wanted), and the upload path never imports openpyxl (a few tenths of a
    second)."""
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
        return shown_name(member, 60)
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
                    return shown_name(unescape(label[1], _XML_ENTITIES), 60)
    return shown_name(member, 60)
