"""Generate the fictional sample workbook of the quarterly cycle: partnership updates and KPI commentary.

Usage::

    python data/make_quarterly_sample.py [OUTPUT]

OUTPUT defaults to ``quarterly.xlsx`` in the ``sample`` folder beside this script (``data/sample``). The
workbook has two sheets, ``partnership_updates`` and ``kpi_commentary``, each with the canonical columns of
the data contract (docs/upload-format.md) as its one header row.

2023-24 Q3 reproduces the narrative sections of the HSSCP newsletter for that quarter, in its own words: the
work streams (engagement of children and young people with Catalyst and HartlePower; strengthening
assurance), the Neglect priority's progress, the training programme, the conferences, the five procedures
reviewed, the Neglect Active Learning Event on 6 February and 28 March 2024, and the monthly e-bulletins.
The newsletter's figures (training sessions, notifications, reviews, the audit) are not written here: they
come from the data of the other sample workbooks. General work streams have a blank priority; the
Neglect priority's work streams have priority Neglect. A conference being planned is an Event with no date;
an event that takes place on a day has its event_date (an event on two days is two rows).

Every other quarter of the sample (2021-22 Q1 to 2024-25 Q4) has a smaller, plausible and fictional set of
updates, consistent with the other workbooks (the website redesign completed in March 2024, the Neglect
Active Learning Event held on 6 February and 28 March 2024, the neglect conference on 29 August 2024,
e-learning recorded from April 2024). The commentary covers every KPI rated Red for all localities together
in each quarter of the sample database, and a few Red figures of one locality. Commentary speaks of
process (training bookings, audit findings, action plans), never of a child or of a case's facts; KLT, JM
and RV are not mentioned.

Deterministic and byte-stable like data/make_sample.py (fixed workbook timestamps), and it imports nothing
from the dashboard, on purpose: `pmf init` loading the workbook through the validator
(tests/test_sample_cycle.py) shows the two agree. The script checks what it wrote before it finishes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.xml.functions import tostring

FIXED_TIMESTAMP = dt.datetime(2025, 4, 1, 9, 0, 0)  # docProps created/modified
ZIP_TIMESTAMP = (2025, 4, 1, 9, 0, 0)  # date_time of every zip member
DATE_FORMAT = "DD/MM/YYYY"
DEFAULT_OUTPUT = Path(__file__).resolve().parent / "sample" / "quarterly.xlsx"
FIRST_FY, LAST_FY = 2021, 2024  # financial years 2021-22 .. 2024-25, labelled by their start year
HSSCP = "https://www.hsscp.org.uk"
PROCEDURES_SITE = "https://www.teescpp.org.uk"
Q3 = "2023-24 Q3"

Row = dict[str, Any]

# The data contract's canonical columns (docs/upload-format.md), restated here on purpose.
COLUMNS: dict[str, list[str]] = {
    "partnership_updates": [
        "update_id",
        "quarter",
        "section",
        "title",
        "priority",
        "update",
        "status",
        "event_date",
        "link",
        "locality",
    ],
    "kpi_commentary": ["kpi", "quarter", "locality", "commentary", "action", "owner", "review_date"],
}
DATE_COLUMNS = {"event_date", "review_date"}
SECTIONS = ("Work stream", "Procedure", "Event", "Communication", "Training programme", "Other")
STATUSES = (None, "On track", "At risk", "Off track", "Complete")
LOCALITIES = ("Hartlepool", "Stockton-on-Tees", "Teeswide")
MAX_TEXT = 2000

try:  # run as a script (python data/make_quarterly_sample.py): its folder is on the path
    from quarterly_sample_text import (
        ACTIONS,
        COMMENTARY,
        NALE,
        NEWSLETTER_PROCEDURES,
        OTHER_PROCEDURES,
        PROCEDURE_TEXT,
        TITLES,
        UPDATES,
    )
except ImportError:  # imported from the project (the tests)
    from data.quarterly_sample_text import (
        ACTIONS,
        COMMENTARY,
        NALE,
        NEWSLETTER_PROCEDURES,
        OTHER_PROCEDURES,
        PROCEDURE_TEXT,
        TITLES,
        UPDATES,
    )


# --------------------------------------------------------------------------------------------------------
def quarters() -> list[tuple[int, int]]:
    return [(fy, q) for fy in range(FIRST_FY, LAST_FY + 1) for q in (1, 2, 3, 4)]


def label(fy: int, q: int) -> str:
    return f"{fy}-{(fy + 1) % 100:02d} Q{q}"


def quarter_months(fy: int, q: int) -> list[dt.date]:
    """The first day of each month of a financial-year quarter (Q1 = April to June)."""
    first = 4 + 3 * (q - 1)
    return [dt.date(fy + (m - 1) // 12, (m - 1) % 12 + 1, 1) for m in range(first, first + 3)]


def review_date(fy: int, q: int) -> dt.date:
    """The PMF group's meeting in the next quarter: the second Tuesday of its middle month."""
    nfy, nq = (fy, q + 1) if q < 4 else (fy + 1, 1)
    middle = quarter_months(nfy, nq)[1]
    return middle + dt.timedelta(days=(1 - middle.weekday()) % 7 + 7)


def records(table: str) -> list[tuple[list[str], str, str]]:
    """A table's records: the head line's fields, the text and the "  > " text."""
    out: list[tuple[list[str], str, str]] = []
    for line in table.replace("\\\n", "").splitlines():
        if line.startswith("  > "):
            head, text, marked = out[-1]
            out[-1] = (head, text, f"{marked} {line[4:]}".strip())
        elif line.startswith("    "):
            head, text, marked = out[-1]
            out[-1] = (head, f"{text} {line.strip()}".strip(), marked)
        elif line.strip():
            out.append(([field.strip() for field in line.split("|")], "", ""))
    return out


def update_row(
    section: str,
    title: str,
    text: str,
    priority: str = "",
    status: str = "",
    event_date: str = "",
    link: str = "",
) -> Row:
    return {
        "section": section,
        "title": TITLES.get(title, title),
        "priority": priority or None,
        "update": PROCEDURE_TEXT if text == "PROCEDURE" else text,
        "status": status or None,
        "event_date": dt.date.fromisoformat(event_date) if event_date else None,
        "link": link or None,
        "locality": "Teeswide",
    }


def written_updates() -> dict[str, list[Row]]:
    by_quarter: dict[str, list[Row]] = {}
    for (quarter, section, title, *rest), text, _ in records(UPDATES):
        by_quarter.setdefault(quarter, []).append(update_row(section, title, text, *rest))
    return by_quarter


def ebulletins(fy: int, q: int) -> list[Row]:
    return [
        update_row(
            "Communication",
            f"Safeguarding Children Newsletter - {month:%B %Y}",
            f"HSSCP's monthly e-bulletin for {month:%B %Y}, sent to partners and relevant agencies.",
            link=f"{HSSCP}/e-bulletins/safeguarding-children-newsletter-{month:%B-%Y}".lower(),
        )
        for month in quarter_months(fy, q)
    ]


def other_quarter_updates(fy: int, q: int, procedures: list[str]) -> list[Row]:
    """A quarter other than 2023-24 Q3: besides its written updates, two procedures reviewed, the year's
    training programme in Q1, the annual report in Q2 and the month's e-bulletins."""
    rows = []
    for name in procedures:
        link = f"{PROCEDURES_SITE}/{name.lower().replace(' ', '-')}/"
        rows.append(update_row("Procedure", name, PROCEDURE_TEXT, status="Complete", link=link))
    year = label(fy, q)[:7]
    if q == 1:
        text = f"The HSSCP annual safeguarding children training programme for April {fy} to March {fy + 1} is available."
        link = f"{HSSCP}/training/training-programme-{year}"
        rows.append(
            update_row(
                "Training programme",
                f"Annual safeguarding children training programme {year}",
                text,
                link=link,
            )
        )
    if q == 2:
        last_year = f"{fy - 1}-{fy % 100:02d}"
        text = f"The partnership's annual report for {last_year} has been published."
        rows.append(
            update_row(
                "Other",
                f"HSSCP annual report {last_year}",
                text,
                status="Complete",
                link=f"{HSSCP}/annual-reports",
            )
        )
    return rows


def make_updates() -> list[Row]:
    written = written_updates()
    out: list[Row] = []
    for n, (fy, q) in enumerate(quarters()):
        quarter = label(fy, q)
        rows = list(written.get(quarter, []))
        if quarter != Q3:
            procedures = OTHER_PROCEDURES[(2 * n) % len(OTHER_PROCEDURES) :][:2]
            rows += other_quarter_updates(fy, q, procedures)
        rows += ebulletins(fy, q)
        for i, update in enumerate(rows, start=1):
            out.append(
                {"update_id": f"UPD-{quarter.replace(' ', '-')}-{i:02d}", "quarter": quarter, **update}
            )
    return out


def make_commentary() -> list[Row]:
    by_label = {label(fy, q): (fy, q) for fy, q in quarters()}
    return [
        {
            "kpi": kpi,
            "quarter": quarter,
            "locality": None if locality == "All" else locality,
            "commentary": text,
            "action": ACTIONS.get(action, action),
            "owner": owner,
            "review_date": review_date(*by_label[quarter]),
        }
        for (quarter, kpi, locality, owner), text, action in records(COMMENTARY)
    ]


# --------------------------------------------------------------------------------------------------------
# Writing (byte-stable) and checking
# --------------------------------------------------------------------------------------------------------
def write_sheet(wb: Workbook, name: str, rows: list[Row]) -> None:
    sheet = wb.create_sheet(name)
    columns = COLUMNS[name]
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for item in rows:
        sheet.append([item.get(column) for column in columns])
    for i, column in enumerate(columns, start=1):
        longest = max([len(column)] + [len(str(r[column])) for r in rows if r.get(column) is not None])
        sheet.column_dimensions[get_column_letter(i)].width = min(max(longest + 2, 9), 70)
        if column in DATE_COLUMNS:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                if cell.value is not None:
                    cell.number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def save_workbook_stable(wb: Workbook, path: Path) -> None:
    """Save ``wb`` with fixed document-property and zip-entry timestamps, so reruns are byte-identical."""
    wb.properties.creator = "HSSCP sample data generator"
    wb.properties.created = FIXED_TIMESTAMP
    buffer = io.BytesIO()
    wb.save(buffer)  # openpyxl stamps properties.modified with the clock here: rewrite core.xml below
    wb.properties.modified = FIXED_TIMESTAMP
    core_xml = tostring(wb.properties.to_tree())
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = core_xml if info.filename == "docProps/core.xml" else source.read(info.filename)
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_TIMESTAMP)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            target.writestr(member, data)


class SampleCheckError(AssertionError):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SampleCheckError(message)


def read_back(path: Path) -> dict[str, list[Row]]:
    """The workbook's sheets as rows, dates as dates."""
    book = load_workbook(path, read_only=True)
    try:
        out = {}
        for sheet in book.worksheets:
            header, *body = list(sheet.iter_rows(values_only=True))
            check(list(header) == COLUMNS[sheet.title], f"{sheet.title}: header {header}")
            out[sheet.title] = [
                {
                    k: v.date() if isinstance(v, dt.datetime) else v
                    for k, v in zip(header, values, strict=True)
                }
                for values in body
            ]
        return out
    finally:
        book.close()


def check_contract(sheets: dict[str, list[Row]]) -> None:
    """The contract's rules as docs/upload-format.md states them; a review date after its quarter."""
    ends = {label(fy, q): quarter_months(fy, q)[2] for fy, q in quarters()}
    updates, commentary = sheets["partnership_updates"], sheets["kpi_commentary"]
    check(len({u["update_id"] for u in updates}) == len(updates), "update_id is not unique")
    keys = [(c["kpi"], c["quarter"], c["locality"]) for c in commentary]
    check(len(set(keys)) == len(keys), "kpi_commentary has a key twice")
    for u in updates:
        where = f"partnership_updates {u['update_id']}: {u}"
        check(u["quarter"] in ends and u["section"] in SECTIONS and u["status"] in STATUSES, where)
        check(bool(u["title"]) and 0 < len(u["update"]) <= MAX_TEXT and u["locality"] in LOCALITIES, where)
        check(u["link"] is None or (u["link"].startswith("https://") and " " not in u["link"]), where)
        check(u["event_date"] is None or u["section"] == "Event", where)
    for c in commentary:
        where = f"kpi_commentary {c}"
        check(c["quarter"] in ends and c["locality"] in (None, *LOCALITIES), where)
        check(all(0 < len(c[k]) <= MAX_TEXT for k in ("commentary", "action", "owner")), where)
        check(c["review_date"] > ends[c["quarter"]], where)


def check_newsletter(updates: list[Row]) -> None:
    """2023-24 Q3 holds each narrative section of the newsletter; every quarter has updates."""
    q3 = [u for u in updates if u["quarter"] == Q3]
    text = " ".join(f"{u['title']} {u['update']}" for u in q3)
    for words in (
        "Catalyst and HartlePower",
        "All MeLearning platform",
        "STSCP",
        "Child Sexual Abuse Roadshow",
        "new online booking system",
        "rough guides",
        "Neglect Champions",
        "Neglect of Children & Young People",
    ):
        check(words in text, f"2023-24 Q3 does not say {words!r}")
    procedures = [u["title"] for u in q3 if u["section"] == "Procedure"]
    check(procedures == list(NEWSLETTER_PROCEDURES), f"2023-24 Q3 procedures {procedures}")
    events = [u["event_date"] for u in q3 if u["title"] == NALE]
    check(events == [dt.date(2024, 2, 6), dt.date(2024, 3, 28)], f"Neglect Active Learning Event {events}")
    bulletins = [u["title"] for u in q3 if u["section"] == "Communication"]
    months = [f"Safeguarding Children Newsletter - {m} 2023" for m in ("October", "November", "December")]
    check(bulletins == months, f"e-bulletins {bulletins}")
    check(
        {u["quarter"] for u in updates} == {label(fy, q) for fy, q in quarters()}, "a quarter has no update"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "output", nargs="?", type=Path, default=DEFAULT_OUTPUT, help="default: data/sample/quarterly.xlsx"
    )
    output: Path = parser.parse_args(argv).output
    sheets = {"partnership_updates": make_updates(), "kpi_commentary": make_commentary()}
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        write_sheet(wb, name, rows)
    output.parent.mkdir(parents=True, exist_ok=True)
    save_workbook_stable(wb, output)
    back = read_back(output)
    check_contract(back)
    check_newsletter(back["partnership_updates"])
    print(f"Wrote {output}: " + ", ".join(f"{name} {len(rows)} rows" for name, rows in back.items()))


if __name__ == "__main__":
    main()
