"""`pmf`, run as a user runs it: a subprocess, its exit code, what it prints and what it leaves in the database.

Exit codes: 0 done, 1 something the user can fix (one message, never a traceback), 2 wrong arguments (exactly
one line on stderr). The sample database is made once per session by `pmf init` (conftest.py); tests that
load or undo work on a copy of it.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from helpers.pmf_cli import (
    SAMPLE_DIR,
    Run,
    categories,
    headline,
    query,
    run_all,
    run_pmf,
    snapshot,
    write_book,
)
from openpyxl import load_workbook

from dashboard.core.db import connect
from dashboard.ingest.contract import DATASETS, DATASETS_BY_NAME, NARRATIVE_DATASETS

Q3 = "2023-24 Q3"
KEYS = [
    "kpi",
    "title",
    "period",
    "locality",
    "category",
    "numerator",
    "denominator",
    "value",
    "unit",
    "target",
    "direction",
    "rag",
]
#: What the quarterly cycle adds to every row of `pmf kpis` (JSON, and CSV after year_before).
CYCLE_KEYS = ["commentary", "signed_off_value", "revised"]


def sample_rows() -> dict[str, int]:
    """Rows per dataset, from the line 'Rows: training_sessions 261, ...' that make_sample.py writes."""
    text = (SAMPLE_DIR / "README.md").read_text(encoding="utf-8")
    line = re.search(r"^Rows: (.*)\.$", text, re.MULTILINE)
    assert line, "data/sample/README.md has no Rows: line"
    counts = {name: int(n) for name, n in (part.rsplit(" ", 1) for part in line[1].split(", "))}
    assert set(counts) == {d.name for d in DATASETS if d.name not in NARRATIVE_DATASETS}
    # quarterly.xlsx (the partnership updates and the commentary) is written by its own script: count its rows
    book = load_workbook(SAMPLE_DIR / "quarterly.xlsx", read_only=True)
    for name in NARRATIVE_DATASETS:
        rows = [r for r in book[name].iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)]
        counts[name] = len(rows)
    book.close()
    return counts


def assert_no_traceback(run: Run) -> None:
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout, run
    assert not re.search(r'File ".*", line \d+', run.stderr), run


def sample_row(file_name: str, sheet: str, first_cell: str) -> tuple[list[str], list[Any]]:
    """The header and one row (found by its first cell) of a sample workbook."""
    book = load_workbook(SAMPLE_DIR / file_name)
    rows = list(book[sheet].iter_rows(values_only=True))
    found = [list(r) for r in rows[1:] if r[0] == first_cell]
    assert len(found) == 1, f"{first_cell} in {file_name}"
    return list(rows[0]), found[0]


def reviews_file(path: Path) -> Path:
    """A reviews sheet with one new review (ZZA, notified in 2023-24 Q3) and KLT changed (harm type)."""
    header, klt = sample_row("reviews.xlsx", "reviews", "KLT")
    klt[header.index("harm_type")] = "Abuse and neglect"
    new = dict.fromkeys(header)
    new.update(
        review_id="ZZA",
        locality="Stockton-on-Tees",
        nature="Serious harm",
        harm_type="Neglect",
        la_aware_date=date(2023, 11, 20),
        notification_date=date(2023, 11, 21),
    )
    return write_book(path, {"reviews": (header, [klt, [new[c] for c in header]])})


# --- init ----------------------------------------------------------------------------------------------


def test_init_creates_the_database_from_the_sample_then_says_it_exists(cli_sample_db, tmp_path):
    path, first = cli_sample_db
    assert first.returncode == 0 and first.stderr == "", first
    assert f"Created {path}" in first.stdout
    for dataset, rows in sample_rows().items():
        assert re.search(rf"\b{dataset}: {rows} added, 0 replaced, 0 unchanged\b", first.stdout), first
    assert query(path, "SELECT count(*) FROM reviews") == [(sample_rows()["reviews"],)]

    copy = tmp_path / "again.duckdb"
    shutil.copyfile(path, copy)
    before = snapshot(copy)
    again = run_pmf("init", db=copy)
    assert again.returncode == 0 and again.stderr == "", again
    assert again.stdout.strip() == f"{copy} already exists; nothing to do."
    assert snapshot(copy) == before


# --- kpis ----------------------------------------------------------------------------------------------


def test_kpis_json_for_the_newsletter_quarter(sample_kpis):
    records = sample_kpis(Q3)
    assert headline(records, "TR01")["value"] == 15
    assert categories(records, "TR01") == {"Face to face": 5, "Virtual": 10}
    assert headline(records, "CR04")["value"] == 1
    assert headline(records, "AU01")["value"] == 6
    assert all(r["locality"] is None for r in records)
    assert {r["period"] for r in records} == {Q3}


@pytest.mark.parametrize(
    ("given", "locality"),
    [
        ("Hartlepool", "Hartlepool"),
        ("Stockton-on-Tees", "Stockton-on-Tees"),
        ("stockton", "Stockton-on-Tees"),
    ],
)
def test_kpis_json_for_a_locality(sample_kpis, given, locality):
    records = sample_kpis(Q3, given)
    assert headline(records, "AU01")["value"] == 3
    assert {r["locality"] for r in records} == {locality}


def test_kpis_json_shape(sample_kpis):
    records = sample_kpis(Q3)
    assert {r["kpi"] for r in records} >= {"TR01", "TR02", "AU01", "CR02", "CR04", "AP01"}
    for record in records:
        assert list(record) == KEYS + CYCLE_KEYS, record
        assert record["commentary"] is None or isinstance(record["commentary"], str), record
        # the sample quarter is not signed off: nothing to compare with
        assert record["signed_off_value"] is None and record["revised"] is False, record
        assert record["unit"] in ("count", "percent", "points", "days"), record
        assert record["direction"] in ("higher", "lower", "none"), record
        assert record["rag"] in (None, "Green", "Amber", "Red"), record
        for key in ("numerator", "denominator", "value", "target"):
            assert record[key] is None or isinstance(record[key], int | float), record
    percents = [r for r in records if r["unit"] == "percent" and r["value"] is not None]
    assert percents
    for record in percents:  # a percentage, not a fraction: 100 * numerator / denominator
        assert 0 <= record["value"] <= 100, record
        assert record["value"] == pytest.approx(100 * record["numerator"] / record["denominator"], abs=0.01)
    cr02 = headline(records, "CR02")
    assert (cr02["numerator"], cr02["denominator"], cr02["value"], cr02["unit"]) == (2, 2, 100, "percent")
    assert cr02["target"] == 100 and cr02["rag"] is None  # 2 reviews: below the minimum denominator


def test_kpis_csv_and_table(cli_sample_db, sample_kpis, tmp_path):
    copies = [tmp_path / "csv.duckdb", tmp_path / "table.duckdb"]  # one database each: both open it to write
    for copy in copies:
        shutil.copyfile(cli_sample_db[0], copy)
    runs = run_all(
        {
            "csv": lambda: run_pmf("kpis", "--period", Q3, "--format", "csv", db=copies[0]),
            "table": lambda: run_pmf("kpis", "--period", Q3, db=copies[1]),
        }
    )
    as_csv = runs["csv"]
    assert as_csv.returncode == 0 and as_csv.stderr == "", as_csv
    reader = csv.DictReader(io.StringIO(as_csv.stdout))
    assert reader.fieldnames == [*KEYS, "year_before", *CYCLE_KEYS]
    rows = list(reader)
    assert len(rows) == len(sample_kpis(Q3))
    tr01 = [r for r in rows if r["kpi"] == "TR01"]
    assert [(r["category"], r["value"]) for r in tr01] == [
        ("", "15"),
        ("Face to face", "5"),
        ("Virtual", "10"),
    ]
    assert {r["locality"] for r in rows} == {""}
    cr02 = next(r for r in rows if r["kpi"] == "CR02")
    assert (cr02["numerator"], cr02["denominator"], cr02["value"]) == ("2", "2", "100")

    table = runs["table"]
    assert table.returncode == 0 and table.stderr == "", table
    assert table.stdout.startswith(f"KPIs for {Q3} ")
    assert re.search(r"^TR01\s+Training sessions delivered\s+15\s", table.stdout, re.MULTILINE), table
    assert re.search(r"^\s+Face to face\s+5\s", table.stdout, re.MULTILINE), table
    assert re.search(r"^\s+Virtual\s+10\s", table.stdout, re.MULTILINE), table


# --- load, uploads, undo ---------------------------------------------------------------------------------


def test_load_then_uploads_then_undo(cli_db, tmp_path):
    before = snapshot(cli_db)
    good = reviews_file(tmp_path / "good.xlsx")

    load = run_pmf("load", good, "--user", "analyst", db=cli_db)
    assert load.returncode == 0 and load.stderr == "", load
    assert "good.xlsx:" in load.stdout
    assert "reviews: 1 added, 1 replaced, 0 unchanged" in load.stdout
    assert "Recorded as upload 6" in load.stdout
    after = snapshot(cli_db)
    assert len(after["reviews"]) == sample_rows()["reviews"] + 1
    assert query(cli_db, "SELECT harm_type FROM reviews WHERE review_id = 'KLT'") == [("Abuse and neglect",)]
    assert {t: rows for t, rows in after.items() if t not in ("reviews", "uploads")} == {
        t: rows for t, rows in before.items() if t not in ("reviews", "uploads")
    }

    uploads = run_pmf("uploads", db=cli_db)
    assert uploads.returncode == 0 and uploads.stderr == "", uploads
    lines = uploads.stdout.splitlines()
    assert re.match(r"#6\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+analyst\s+good\.xlsx\s+\[in force\]$", lines[0]), (
        uploads
    )
    assert lines[1].strip() == "reviews: 1 added, 1 replaced, 0 unchanged"
    for upload_id, file_name in enumerate(("actions", "audits", "quarterly", "reviews", "training"), start=1):
        assert re.search(
            rf"^#{upload_id}\s.*\ssample data\s+{file_name}\.xlsx\s+\[in force\]$", uploads.stdout, re.M
        ), uploads

    undo = run_pmf("undo", "--user", "analyst", db=cli_db)
    assert undo.returncode == 0 and undo.stderr == "", undo
    assert undo.stdout.startswith("Undid upload 6 (good.xlsx)"), undo
    assert "reviews" in undo.stdout
    restored = snapshot(cli_db)
    assert {t: rows for t, rows in restored.items() if t != "uploads"} == {
        t: rows for t, rows in before.items() if t != "uploads"
    }
    assert restored["uploads"] == [*before["uploads"], (6, "good.xlsx", "upsert", False)]


def test_load_a_bad_file_lists_every_error_and_stores_nothing(cli_db, tmp_path):
    book = load_workbook(SAMPLE_DIR / "reviews.xlsx")
    sheet = book["reviews"]
    header = [c.value for c in sheet[1]]

    def cell(row: int, column: str) -> Any:
        return sheet.cell(row=row, column=header.index(column) + 1)

    cell(2, "published_name").value = "Child Changed"  # a valid change, which must not be stored either
    cell(3, "nature").value = "Bogus"
    cell(4, "notification_date").value = None
    cell(5, "la_aware_date").value = "31/02/2022"
    notified = cell(6, "notification_date").value
    cell(6, "rr_completed_date").value = date(2000, 4, 3)  # before its notification
    actions_header, act = sample_row("actions.xlsx", "actions", "ACT-001")
    act[0] = "ACT-NEW"
    act[actions_header.index("target_date")] = "soon"
    act[actions_header.index("completed_date")] = None  # status is Complete
    actions = book.create_sheet("actions")
    actions.append(actions_header)
    actions.append(act)
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    before = snapshot(cli_db)

    run = run_pmf("load", bad, db=cli_db)
    assert run.returncode == 1, run
    assert run.stdout == "", run
    assert_no_traceback(run)
    lines = run.stderr_lines
    assert lines[0] == "bad.xlsx: rejected, 6 error(s):", run
    assert lines[-1] == "Nothing was stored.", run
    expected = [
        # sheet, row, column, value, reason
        ("actions", 2, "completed_date", "", "is required when status is Complete"),
        ("actions", 2, "target_date", "soon", "is not a date"),
        ("reviews", 3, "nature", "Bogus", "is not one of: Child death, Serious harm, Other"),
        ("reviews", 4, "notification_date", "", "is required but blank"),
        ("reviews", 5, "la_aware_date", "31/02/2022", "is not a real date"),
        (
            "reviews",
            6,
            "rr_completed_date",
            "03/04/2000",
            f"is before notification_date ({notified:%d/%m/%Y})",
        ),
    ]
    errors = [line.strip() for line in lines[1:-1]]
    assert len(errors) == len(expected), run
    for sheet_name, row, column, value, reason in expected:
        start = f"{sheet_name} row {row}, {column}" + (f' "{value}"' if value else "") + ": "
        assert any(e.startswith(start) and reason in e for e in errors), f"{start}{reason}\n{run}"
    assert snapshot(cli_db) == before


def test_dry_run_stores_nothing(cli_db, tmp_path):
    before = snapshot(cli_db)
    run = run_pmf("load", reviews_file(tmp_path / "good.xlsx"), "--dry-run", db=cli_db)
    assert run.returncode == 0 and run.stderr == "", run
    assert "reviews: 1 added, 1 replaced, 0 unchanged" in run.stdout
    assert "Dry run" in run.stdout and "nothing was stored" in run.stdout
    assert snapshot(cli_db) == before


def test_replace_a_dataset_then_undo(cli_db, tmp_path):
    before = snapshot(cli_db)
    header, klt = sample_row("reviews.xlsx", "reviews", "KLT")
    new = [*klt]
    new[0] = "ZZB"
    only_two = write_book(tmp_path / "two.xlsx", {"reviews": (header, [klt, new])})

    run = run_pmf("load", only_two, "--replace", "reviews", db=cli_db)
    assert run.returncode == 0 and run.stderr == "", run
    assert (
        f"reviews: 1 added, 0 replaced, {sample_rows()['reviews'] - 1} removed, 1 unchanged" in run.stdout
    ), run
    assert query(cli_db, "SELECT review_id FROM reviews ORDER BY 1") == [("KLT",), ("ZZB",)]

    undo = run_pmf("undo", "--user", "analyst", db=cli_db)
    assert undo.returncode == 0 and undo.stderr == "", undo
    assert undo.stdout.startswith("Undid upload 6 (two.xlsx)"), undo
    assert snapshot(cli_db)["reviews"] == before["reviews"]

    uploads = run_pmf("uploads", db=cli_db)
    assert uploads.returncode == 0, uploads
    assert re.search(
        r"^#6\s.*two\.xlsx, replace reviews\s+\[undone \d{4}-\d\d-\d\d \d\d:\d\d by analyst\]$",
        uploads.stdout,
        re.M,
    ), uploads
    assert (
        f"reviews: 1 added, 0 replaced, {sample_rows()['reviews'] - 1} removed, 1 unchanged" in uploads.stdout
    )


def test_replace_a_dataset_the_file_does_not_hold(cli_db, tmp_path):
    before = snapshot(cli_db)
    run = run_pmf("load", reviews_file(tmp_path / "good.xlsx"), "--replace", "audits", db=cli_db)
    assert run.returncode == 1, run
    assert_no_traceback(run)
    assert len(run.stderr_lines) == 1 and run.stderr.startswith("pmf: cannot replace audits"), run
    assert snapshot(cli_db) == before


# --- errors: usage (exit 2) and others (exit 1), never a traceback ------------------------------------

USAGE_ERRORS = {
    "no command": [],
    "unknown command": ["frobnicate"],
    "missing --period": ["kpis"],
    "bad period": ["kpis", "--period", "2023-24 Q9"],
    "period that is not a financial year": ["kpis", "--period", "2023-25"],
    "unknown locality": ["kpis", "--period", Q3, "--locality", "Middlesbrough"],
    "unknown format": ["kpis", "--period", Q3, "--format", "xml"],
    "unknown dataset for template": ["template", "trainings", "-o", "t.xlsx"],
    "template that is not .xlsx": ["template", "all", "-o", "template.csv"],
    "unknown dataset for --replace": ["load", "whatever.xlsx", "--replace", "trainings"],
    "unknown option": ["uploads", "--verbose"],
}


@pytest.fixture(scope="module")
def usage_runs(tmp_path_factory) -> tuple[Path, dict[str, Run]]:
    where = tmp_path_factory.mktemp("usage")
    db = where / "never-created.duckdb"
    jobs = {name: (lambda a=args: run_pmf(*a, db=db, cwd=where)) for name, args in USAGE_ERRORS.items()}
    return where, run_all(jobs)


@pytest.mark.parametrize("case", USAGE_ERRORS)
def test_usage_error_exits_2_with_one_line(usage_runs, case):
    where, runs = usage_runs
    run = runs[case]
    assert run.returncode == 2, run
    assert run.stdout == "", run
    assert_no_traceback(run)
    assert len(run.stderr_lines) == 1 and run.stderr_lines[0].startswith("pmf: "), run
    assert not (where / "never-created.duckdb").exists()
    assert not list(where.glob("*.xlsx")) and not list(where.glob("*.csv"))


def test_usage_errors_name_what_is_wrong(usage_runs):
    runs = usage_runs[1]
    assert "--period" in runs["missing --period"].stderr
    assert "'2023-24 Q9' is not a period" in runs["bad period"].stderr
    assert "unknown locality 'Middlesbrough'" in runs["unknown locality"].stderr
    assert "Hartlepool" in runs["unknown locality"].stderr
    assert "frobnicate" in runs["unknown command"].stderr and "load" in runs["unknown command"].stderr
    assert "trainings" in runs["unknown dataset for template"].stderr
    assert "training_sessions" in runs["unknown dataset for --replace"].stderr


def _user_error_cases(root: Path, db: Path) -> dict[str, tuple[list[str | Path], Path]]:
    (root / "notes.txt").write_text("not a workbook\n", encoding="utf-8")
    (root / "broken.xlsx").write_bytes(b"PK\x03\x04 this is no zip file")
    (root / "folder").mkdir()
    (root / "folder.xlsx").mkdir()
    (root / "plain-file").write_text("x", encoding="utf-8")
    missing_db = root / "missing.duckdb"
    empty_db = root / "empty.duckdb"
    connect(empty_db).close()
    return {
        "undo with nothing to undo": (["undo"], empty_db),
        "missing file": (["load", root / "nope.xlsx"], db),
        "not an xlsx file": (["load", root / "notes.txt"], db),
        "rejected file and no database": (["load", root / "broken.xlsx"], missing_db),
        "load on a database that does not exist": (["load", SAMPLE_DIR / "training.xlsx"], missing_db),
        "dry run on a database that does not exist": (
            ["load", "--dry-run", SAMPLE_DIR / "training.xlsx"],
            missing_db,
        ),
        "load on a mistyped database path": (
            ["load", SAMPLE_DIR / "training.xlsx", "--db", root / "typo-folder" / "pmf.duckdb"],
            db,
        ),
        "damaged xlsx file": (["load", root / "broken.xlsx"], db),
        "database path is a folder": (["kpis", "--period", Q3, "--db", root / "folder"], db),
        "init on a folder": (["init", "--db", root / "folder"], db),
        "kpis on a database that does not exist": (["kpis", "--period", Q3], missing_db),
        "undo on a database that does not exist": (["undo"], missing_db),
        "uploads on a database that does not exist": (["uploads"], missing_db),
        "template into a folder": (["template", "all", "-o", root / "folder.xlsx"], db),
        "template under a file": (["template", "all", "-o", root / "plain-file" / "t.xlsx"], db),
    }


@pytest.fixture(scope="module")
def user_error_runs(tmp_path_factory, cli_sample_db) -> tuple[Path, dict[str, Run]]:
    root = tmp_path_factory.mktemp("user-errors")
    db = root / "pmf.duckdb"
    shutil.copyfile(cli_sample_db[0], db)
    cases = _user_error_cases(root, db)
    # each case gets its own copy so that the commands may run side by side
    jobs: dict[str, Callable[[], Run]] = {}
    for index, (name, (args, case_db)) in enumerate(cases.items()):
        if case_db == db:
            case_db = root / f"copy{index}.duckdb"
            shutil.copyfile(db, case_db)
        jobs[name] = lambda a=args, d=case_db: run_pmf(*a, db=d, cwd=root)
    return root, run_all(jobs)


USER_ERROR_NAMES = [
    "undo with nothing to undo",
    "missing file",
    "not an xlsx file",
    "damaged xlsx file",
    "rejected file and no database",
    "load on a database that does not exist",
    "dry run on a database that does not exist",
    "load on a mistyped database path",
    "database path is a folder",
    "init on a folder",
    "kpis on a database that does not exist",
    "undo on a database that does not exist",
    "uploads on a database that does not exist",
    "template into a folder",
    "template under a file",
]


@pytest.mark.parametrize("case", USER_ERROR_NAMES)
def test_user_error_exits_1_without_traceback(user_error_runs, case):
    root, runs = user_error_runs
    run = runs[case]
    assert run.returncode == 1, run
    assert run.stdout == "", run
    assert_no_traceback(run)
    assert run.stderr.strip(), run
    assert not (root / "missing.duckdb").exists(), "a failed command created a database"
    assert not (root / "typo-folder").exists(), "a failed command created a folder"


def test_user_errors_say_what_is_wrong(user_error_runs):
    runs = user_error_runs[1]
    assert runs["missing file"].stderr_lines == [f"pmf: {user_error_runs[0] / 'nope.xlsx'}: no such file"]
    assert "is not an .xlsx workbook or a .csv file" in runs["not an xlsx file"].stderr
    assert "could not be read as an Excel workbook" in runs["damaged xlsx file"].stderr
    for case in ("not an xlsx file", "damaged xlsx file"):
        assert runs[case].stderr_lines[-1] == "Nothing was stored.", runs[case]
    for case in (
        "database path is a folder",
        "kpis on a database that does not exist",
        "undo on a database that does not exist",
        "uploads on a database that does not exist",
    ):
        assert len(runs[case].stderr_lines) == 1, runs[case]
    assert "pmf init" in runs["kpis on a database that does not exist"].stderr
    for case in (
        "load on a database that does not exist",
        "dry run on a database that does not exist",
        "kpis on a database that does not exist",
        "undo on a database that does not exist",
        "uploads on a database that does not exist",
    ):
        assert runs[case].stderr_lines == [
            f"pmf: there is no database at {user_error_runs[0] / 'missing.duckdb'}: run `pmf init` to create it"
        ], runs[case]
    typo = user_error_runs[0] / "typo-folder" / "pmf.duckdb"
    assert runs["load on a mistyped database path"].stderr_lines == [
        f"pmf: there is no database at {typo}: run `pmf init` to create it"
    ]
    assert runs["undo with nothing to undo"].stderr_lines == ["pmf: There is no upload to undo."]


def test_a_database_locked_by_another_process(cli_db):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys\n"
            "con = duckdb.connect(sys.argv[1])\n"
            "print('holding', flush=True)\n"
            "sys.stdin.read()\n"
            "con.close()\n",
            str(cli_db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        runs = run_all(  # both are refused the lock, so they may run side by side
            {
                "kpis": lambda: run_pmf("kpis", "--period", Q3, db=cli_db),
                "load": lambda: run_pmf("load", SAMPLE_DIR / "reviews.xlsx", db=cli_db),
            }
        )
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    for run in runs.values():
        assert run.returncode == 1, run
        assert_no_traceback(run)
        assert len(run.stderr_lines) == 1 and run.stderr.startswith("pmf: "), run
        assert "lock" in run.stderr.lower(), run
    assert holder.returncode == 0


# --- templates -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[str, tuple[Path, Run]]:
    """`pmf template all` and `pmf template reviews`, run side by side; neither needs a database."""
    where = tmp_path_factory.mktemp("templates")
    paths = {"all": where / "out" / "template.xlsx", "reviews": where / "reviews.xlsx"}
    runs = run_all(
        {
            name: (lambda n=name: run_pmf("template", n, "-o", paths[n], db=where / "unused.duckdb"))
            for name in paths
        }
    )
    assert not (where / "unused.duckdb").exists()
    return {name: (paths[name], runs[name]) for name in paths}


def test_template_all_then_load_it_blank_and_filled(templates, cli_db, tmp_path):
    template, run = templates["all"]
    assert run.returncode == 0 and run.stderr == "", run
    assert run.stdout.strip() == f"Wrote {template}"

    book = load_workbook(template)
    visible = [s.title for s in book.worksheets if s.sheet_state == "visible"]
    assert visible == ["Notes", *(d.name for d in DATASETS)]
    for dataset in DATASETS:
        header = [c.value for c in book[dataset.name][1] if c.value is not None]
        assert [h.rstrip("*") for h in header] == dataset.column_names, dataset.name
        assert [h[:-1] for h in header if h.endswith("*")] == dataset.required, dataset.name
        assert book[dataset.name].max_row == 1 or all(
            c.value is None for row in book[dataset.name].iter_rows(min_row=2) for c in row
        )
    notes = [tuple(r[:2]) for r in book["Notes"].iter_rows(values_only=True)]
    for dataset in DATASETS:
        for column in dataset.column_names:
            assert (dataset.name, column) in notes, (dataset.name, column)

    before = snapshot(cli_db)
    blank = run_pmf("load", template, db=cli_db)
    assert blank.returncode == 0, blank
    assert_no_traceback(blank)
    for dataset in DATASETS:
        assert f"{dataset.name}: 0 added, 0 replaced, 0 unchanged" in blank.stdout, blank
    assert snapshot(cli_db) == before

    filled = tmp_path / "filled.xlsx"
    for name, values in ONE_ROW.items():
        sheet = book[name]
        header = [str(c.value).rstrip("*") for c in sheet[1]]
        assert set(values) <= set(header)
        for column, value in values.items():
            sheet.cell(row=2, column=header.index(column) + 1, value=value)
    book.save(filled)
    loaded = run_pmf("load", filled, db=cli_db)
    assert loaded.returncode == 0 and loaded.stderr == "", loaded
    for dataset in DATASETS:
        assert f"{dataset.name}: 1 added, 0 replaced, 0 unchanged" in loaded.stdout, loaded
    after = snapshot(cli_db)
    for dataset in DATASETS:
        assert len(after[dataset.name]) == len(before[dataset.name]) + 1, dataset.name
    assert query(cli_db, "SELECT status, theme FROM training_sessions WHERE session_id = 'TS-TEST-001'") == [
        ("Delivered", "Neglect")
    ]
    assert query(cli_db, "SELECT notification_date FROM reviews WHERE review_id = 'ZZT'") == [
        (date(2024, 1, 10),)
    ]


ONE_ROW: dict[str, dict[str, Any]] = {
    "training_sessions": {
        "session_id": "TS-TEST-001",
        "session_date": date(2024, 1, 15),
        "course_title": "Neglect: recognising and responding to neglect",
        "theme": "Neglect",
        "delivery_mode": "Face to face",
        "locality": "Hartlepool",
        "places_offered": 20,
        "places_booked": 12,
        "attended": 10,
        "did_not_attend": 2,
        "pre_confidence_avg": 2.8,
        "post_confidence_avg": 4.1,
    },
    "training_attendance": {"session_id": "TS-TEST-001", "agency": "Police", "booked": 12, "attended": 10},
    "audits": {
        "audit_id": "MAA-TEST-01",
        "audit_title": "Test audit",
        "audit_date": date(2024, 2, 1),
        "case_ref": "T-01",
        "locality": "Stockton-on-Tees",
        "lead_agency": "Early help",
        "age_band": "5-9",
        "case_level": "Child in need",
        "overall_grade": "Good",
        "actions_raised": 2,
        "actions_completed": 1,
    },
    "reviews": {
        "review_id": "ZZT",
        "locality": "Hartlepool",
        "nature": "Serious harm",
        "harm_type": "Neglect",
        "la_aware_date": date(2024, 1, 8),
        "notification_date": date(2024, 1, 10),
    },
    "actions": {
        "action_id": "ACT-TEST-1",
        "source_type": "Audit",
        "source_ref": "MAA-TEST-01",
        "action": "Share the audit's learning with early help teams",
        "lead_agency": "Early help",
        "locality": "Teeswide",
        "date_agreed": date(2024, 2, 5),
        "target_date": date(2024, 6, 30),
        "status": "On track",
    },
    "partnership_updates": {
        "update_id": "UPD-TEST-1",
        "quarter": "Q4 2023/24",
        "section": "Key event",
        "title": "Neglect Active Learning Event",
        "priority": "Neglect",
        "update": "A two-day event based on a recent child safeguarding practice review.",
        "event_date": date(2024, 3, 28),
        "link": "https://www.example.org/neglect-event",
    },
    "kpi_commentary": {
        "kpi": "TR04",
        "quarter": "2023-24 Q4",
        "commentary": "Did-not-attend rose in March, when two sessions clashed with school holidays.",
        "action": "Move the spring sessions out of the holidays",
        "owner": "Training coordinator",
        "review_date": date(2024, 6, 30),
    },
}


def test_template_for_one_dataset(templates):
    path, run = templates["reviews"]
    assert run.returncode == 0 and run.stderr == "", run
    book = load_workbook(path)
    assert [s.title for s in book.worksheets if s.sheet_state == "visible"] == ["Notes", "reviews"]
    header = [str(c.value).rstrip("*") for c in book["reviews"][1] if c.value is not None]
    assert header == DATASETS_BY_NAME["reviews"].column_names


def test_export_writes_the_kpi_pack_and_its_published_version(cli_db, tmp_path) -> None:
    from openpyxl import load_workbook

    internal = tmp_path / "pack.xlsx"
    published = tmp_path / "pack-published.xlsx"
    first = run_pmf("export", "--period", "2023-24 Q3", "-o", str(internal), db=cli_db)
    second = run_pmf("export", "--period", "2023-24 Q3", "--publish", "-o", str(published), db=cli_db)
    assert first.returncode == 0 and first.stdout.strip() == f"Wrote {internal}"
    assert second.returncode == 0 and "small numbers suppressed" in second.stdout
    assert "Scorecard" in load_workbook(internal).sheetnames
    assert load_workbook(published).sheetnames == ["Scorecard", "Definitions"]
    wrong = run_pmf("export", "--period", "2023-24 Q3", "-o", str(tmp_path / "pack.csv"), db=cli_db)
    assert wrong.returncode == 2 and len(wrong.stderr.strip().splitlines()) == 1


def test_audit_log_lists_uploads_and_undos(cli_db, tmp_path) -> None:
    book = write_book(
        tmp_path / "one.xlsx",
        {
            "training_sessions": (
                [
                    "session_id",
                    "session_date",
                    "course_title",
                    "delivery_mode",
                    "locality",
                    "places_booked",
                    "attended",
                ],
                [["AUD-1", "20/11/2023", "Neglect", "Virtual", "Hartlepool", 10, 9]],
            )
        },
    )
    loaded = run_pmf("load", str(book), "--user", "ann@example.org", db=cli_db)
    assert loaded.returncode == 0, loaded
    upload_id = re.search(r"Recorded as upload (\d+)", loaded.stdout)
    assert upload_id, loaded
    assert run_pmf("undo", "--user", "bob@example.org", db=cli_db).returncode == 0
    log = run_pmf("audit-log", db=cli_db)
    assert log.returncode == 0
    lines = log.stdout.splitlines()
    assert lines[0].endswith(f"bob@example.org  undo: undid upload {upload_id[1]} (one.xlsx)")
    assert lines[1].endswith("ann@example.org  upload: one.xlsx: training_sessions 1 added, 0 replaced")
    csv_text = run_pmf("audit-log", "--format", "csv", db=cli_db).stdout
    assert csv_text.splitlines()[0] == "at,user,action,detail"


def test_report_writes_one_self_contained_html_file(cli_db, tmp_path) -> None:
    out = tmp_path / "report.html"
    run = run_pmf("report", "--period", "2023-24 Q3", "-o", str(out), db=cli_db)
    assert run.returncode == 0 and run.stdout.strip() == f"Wrote {out}"
    html = out.read_text(encoding="utf-8")
    assert (
        "1 serious incident notification was made to the national Child Safeguarding Practice Review Panel "
        "during this quarter." in html
    )
    assert "<script src=" not in html
    published = run_pmf(
        "report", "--period", "2023-24 Q3", "--publish", "-o", str(tmp_path / "p.html"), db=cli_db
    )
    assert published.returncode == 0 and "KLT" not in (tmp_path / "p.html").read_text(encoding="utf-8")
    bad = run_pmf("report", "--period", "2023-24 Q3", "--locality", "Leeds", "-o", str(out), db=cli_db)
    assert bad.returncode == 2 and len(bad.stderr_lines) == 1


# --- serve --------------------------------------------------------------------------------------------------


def _serve(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`pmf serve ARGS` with no sign-in anywhere (HOME without .streamlit) and local mode not preset."""
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("PMF_LOCAL_MODE", "PMF_CONFIG")}
    env.update(HOME=str(tmp_path), PMF_DB=str(tmp_path / "pmf.duckdb"))
    return subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "serve", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_serve_without_sign_in_needs_local_mode_chosen(tmp_path: Path) -> None:
    """Before: no sign-in configured meant local mode, where everyone is an admin."""
    done = _serve(tmp_path, "--port", "1")
    assert done.returncode == 1, done
    project = Path(__file__).resolve().parents[1]
    assert done.stderr.splitlines() == [
        f"pmf: sign-in is not configured (no {project / '.streamlit' / 'secrets.toml'}): start the dashboard "
        "with `pmf serve --local` for use on this computer only, or configure sign-in (see the README, "
        "'Deploying with sign-in')"
    ]
    assert not (tmp_path / "pmf.duckdb").exists()


def test_serve_local_listens_on_this_computer_only(tmp_path: Path) -> None:
    done = _serve(tmp_path, "--local", "--address", "0.0.0.0")
    assert done.returncode == 2, done
    assert done.stderr.splitlines() == [
        "pmf: --local listens on this computer only; --address 0.0.0.0 is a network address"
    ]
