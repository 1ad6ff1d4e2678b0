"""The quarterly cycle from the command line, as a user runs it: commentary loaded, `pmf signoff`, a late
upload shown as a revision in `pmf kpis` (JSON, CSV, text), undo, reopen, the audit log, `--publish`, and
`pmf report --kind` as HTML or Word."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

from helpers.pmf_cli import Run, headline, kpi_rows, query, run_pmf, write_book

from dashboard.ingest.load import current_user

Q3 = "2023-24 Q3"
COMMENTARY_HEADER = ["kpi", "quarter", "locality", "commentary", "action", "owner"]
TR01_NOTE = "Two sessions moved from Q2 after the trainer's illness."


def load_commentary(db: Path, tmp_path: Path, rows: list[list[Any]]) -> None:
    book = write_book(tmp_path / "commentary.xlsx", {"kpi_commentary": (COMMENTARY_HEADER, rows)})
    loaded = run_pmf("load", book, db=db)
    assert loaded.returncode == 0, loaded


def load_late_session(db: Path, tmp_path: Path) -> Run:
    """One more delivered training session in Hartlepool in 2023-24 Q3 (the sample has 15)."""
    header = [
        "session_id",
        "session_date",
        "course_title",
        "delivery_mode",
        "locality",
        "places_booked",
        "attended",
    ]
    row = ["LATE-1", "20/11/2023", "Neglect: the basics", "Face to face", "Hartlepool", 10, 8]
    book = write_book(tmp_path / "late.xlsx", {"training_sessions": (header, [row])})
    loaded = run_pmf("load", book, db=db)
    assert loaded.returncode == 0, loaded
    return loaded


def kpis_json(db: Path, *extra: str, period: str = Q3) -> list[dict[str, Any]]:
    run = run_pmf("kpis", "--period", period, "--format", "json", *extra, db=db)
    assert run.returncode == 0 and run.stderr == "", run
    records: list[dict[str, Any]] = json.loads(run.stdout)
    return records


def test_sign_off_a_late_change_undo_and_reopen(cli_db: Path, tmp_path: Path) -> None:
    user = current_user()
    load_commentary(cli_db, tmp_path, [["TR01", Q3, "", TR01_NOTE, "Reschedule", "Training lead"]])
    status = run_pmf("signoff", "--period", Q3, "--status", db=cli_db)
    assert (status.returncode, status.stdout) == (0, "2023-24 Q3 is not signed off.\n"), status

    signed = run_pmf("signoff", "--period", Q3, db=cli_db)
    assert signed.returncode == 0, signed
    when = re.fullmatch(
        rf"Signed off 2023-24 Q3: 19 KPIs for all localities, Hartlepool, Stockton-on-Tees and Teeswide, "
        rf"by {re.escape(user)} at ([1-9]\d? \w\w\w \d{{4}}) \d\d:\d\d\n",
        signed.stdout,
    )
    assert when, signed
    day = when[1]
    again = run_pmf("signoff", "--period", Q3, db=cli_db)
    assert again.returncode == 1 and again.stdout == "", again
    assert re.fullmatch(
        rf"pmf: 2023-24 Q3 is already signed off \(by {re.escape(user)} on {day} \d\d:\d\d\): reopen it first "
        r'to sign it off again \(pmf signoff --period "2023-24 Q3" --reopen\)\n',
        again.stderr,
    ), again
    assert query(cli_db, "SELECT count(*) FROM kpi_snapshots WHERE kind = 'signoff'") == [(1,)]
    status = run_pmf("signoff", "--period", Q3, "--status", db=cli_db)
    assert status.stdout.startswith(f"2023-24 Q3 is signed off, by {user} on {day} "), status

    load_late_session(cli_db, tmp_path)
    records = kpis_json(cli_db)
    tr01 = kpi_rows(records, "TR01")
    assert (tr01[None]["value"], tr01[None]["signed_off_value"], tr01[None]["revised"]) == (16, 15, True)
    assert (tr01["Face to face"]["value"], tr01["Face to face"]["signed_off_value"]) == (6, 5)
    assert tr01["Virtual"]["revised"] is False
    assert {r["commentary"] for r in tr01.values()} == {TR01_NOTE}  # the KPI's commentary on every row
    au01 = headline(records, "AU01")
    assert (au01["signed_off_value"], au01["revised"], au01["commentary"]) == (au01["value"], False, None)

    text = run_pmf("kpis", "--period", Q3, db=cli_db)
    assert text.returncode == 0, text
    assert text.stdout.splitlines()[1].startswith(f"Signed off by {user} on {day} "), text
    assert re.search(
        rf"^TR01\s+Training sessions delivered\s+16 \(signed off {day}: 15\)\s", text.stdout, re.M
    )
    assert re.search(r"^AU01\s+Cases audited\s+6\s", text.stdout, re.M), text  # unchanged: no revision
    assert f"Commentary:\n  TR01: {TR01_NOTE}\n" in text.stdout

    as_csv = run_pmf("kpis", "--period", Q3, "--format", "csv", db=cli_db)
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    first = next(r for r in rows if r["kpi"] == "TR01" and r["category"] == "")
    assert (first["value"], first["signed_off_value"], first["revised"], first["commentary"]) == (
        "16",
        "15",
        "True",
        TR01_NOTE,
    )

    year = kpis_json(cli_db, period="2023-24")  # commentary and sign-off are by quarter
    assert {(r["commentary"], r["signed_off_value"], r["revised"]) for r in year} == {(None, None, False)}

    undone = run_pmf("undo", db=cli_db)
    assert undone.returncode == 0, undone
    tr01 = headline(kpis_json(cli_db), "TR01")
    assert (tr01["value"], tr01["signed_off_value"], tr01["revised"]) == (15, 15, False)

    reopened = run_pmf("signoff", "--period", Q3, "--reopen", db=cli_db)
    assert reopened.returncode == 0, reopened
    assert reopened.stdout.startswith(f"Reopened 2023-24 Q3: its sign-off by {user} on {day} "), reopened
    records = kpis_json(cli_db)
    assert {(r["signed_off_value"], r["revised"]) for r in records} == {(None, False)}
    assert headline(records, "TR01")["commentary"] == TR01_NOTE
    refused = run_pmf("signoff", "--period", Q3, "--reopen", db=cli_db)
    assert (refused.returncode, refused.stderr) == (
        1,
        "pmf: 2023-24 Q3 is not signed off: there is nothing to reopen\n",
    ), refused

    log = run_pmf("audit-log", db=cli_db).stdout.splitlines()
    assert re.search(rf"  {re.escape(user)}  reopen: 2023-24 Q3 reopened: its sign-off by ", log[0]), log
    signed_line = next(line for line in log if "sign off:" in line)
    assert signed_line.endswith(
        f"  {user}  sign off: 2023-24 Q3 signed off: 19 KPIs for all localities, Hartlepool, "
        "Stockton-on-Tees and Teeswide"
    )


def test_signoff_refuses_a_year_and_a_bad_period(cli_db: Path) -> None:
    year = run_pmf("signoff", "--period", "2023-24", db=cli_db)
    assert (
        year.returncode == 1 and "quarters are signed off, so sign off its quarters one by one" in year.stderr
    )
    bad = run_pmf("signoff", "--period", "Q5 2023-24", db=cli_db)
    assert bad.returncode == 2 and bad.stderr.startswith("pmf: "), bad
    both = run_pmf("signoff", "--period", Q3, "--reopen", "--status", db=cli_db)
    assert both.returncode == 2 and "not allowed with argument" in both.stderr, both
    assert query(cli_db, "SELECT count(*) FROM kpi_snapshots WHERE kind = 'signoff'") == [(0,)]


def test_published_rows_hide_case_and_locality_commentary_and_small_signed_off_counts(
    cli_db: Path, tmp_path: Path
) -> None:
    cr02_note = "Both rapid reviews were on time."
    load_commentary(
        cli_db,
        tmp_path,
        [
            ["CR02", Q3, "", cr02_note, None, None],
            ["CR02", Q3, "Hartlepool", "Hartlepool's review was on time.", None, None],
            ["TR01", Q3, "Hartlepool", TR01_NOTE, None, None],
        ],
    )
    assert run_pmf("signoff", "--period", Q3, db=cli_db).returncode == 0
    published = kpis_json(cli_db, "--publish")
    cr02 = headline(published, "CR02")
    assert cr02["commentary"] is None  # commentary on a case KPI is never published (it may describe a case)
    # 2 of 2 reviews: small counts are "c" in publication, the signed-off value as much as the live one
    assert (cr02["value"], cr02["signed_off_value"], cr02["revised"]) == (
        "c",
        "c",
        None,
    )  # withheld beside a hidden figure

    hartlepool = kpis_json(cli_db, "--publish", "--locality", "Hartlepool")
    assert not [r for r in hartlepool if r["kpi"] == "CR02"]  # case figures: partnership-wide only
    assert "Hartlepool's review" not in json.dumps(hartlepool)
    assert headline(hartlepool, "TR01")["value"] == 6  # activity figures are published by locality...
    assert headline(hartlepool, "TR01")["commentary"] is None  # ...but a locality's commentary is not
    in_full = kpis_json(cli_db, "--locality", "Hartlepool")
    assert headline(in_full, "CR02")["commentary"] == "Hartlepool's review was on time."


def test_report_kinds_as_html_and_word(cli_db: Path, tmp_path: Path) -> None:
    html = tmp_path / "exec.html"
    run = run_pmf("report", "--period", Q3, "--kind", "executive", "-o", html, db=cli_db)
    assert run.returncode == 0 and run.stdout == f"Wrote {html}\n", run
    assert html.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")

    word = tmp_path / "out" / "report.docx"
    run = run_pmf("report", "--period", Q3, "-o", word, db=cli_db)
    assert run.returncode == 0 and run.stdout == f"Wrote {word}\n", run
    with zipfile.ZipFile(word) as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    assert "Performance report: 2023-24 Q3" in re.sub("<[^>]+>", "", body)  # a Word document of the report

    wrong = run_pmf("report", "--period", Q3, "-o", tmp_path / "report.pdf", db=cli_db)
    assert (wrong.returncode, wrong.stderr) == (
        2,
        f"pmf: {tmp_path / 'report.pdf'}: the report is an HTML file or a Word document; "
        "its name must end in .html or .docx\n",
    ), wrong
    pdf_of_word = run_pmf("report", "--period", Q3, "--pdf", "-o", tmp_path / "r.docx", db=cli_db)
    assert (pdf_of_word.returncode, pdf_of_word.stderr) == (
        2,
        "pmf: --pdf prints the HTML report: give an output ending in .html\n",
    ), pdf_of_word
    unknown = run_pmf("report", "--period", Q3, "--kind", "monthly", "-o", html, db=cli_db)
    assert unknown.returncode == 2 and "invalid choice: 'monthly'" in unknown.stderr, unknown
    assert not (tmp_path / "r.docx").exists() and not (tmp_path / "report.pdf").exists()


def test_published_kpis_carry_commentary_on_activity_kpis_only(cli_db: Path) -> None:
    """The sample's AU02 commentary says how many of the six audited cases were graded good or better: the
    published AU02 is "c", so its commentary must not be published either (one rule for every output)."""
    internal = run_pmf("kpis", "--period", "2023-24 Q3", db=cli_db)
    assert internal.returncode == 0, internal
    assert "\n  AU02: " in internal.stdout and "\n  TR04: " in internal.stdout
    published = run_pmf("kpis", "--period", "2023-24 Q3", "--publish", db=cli_db)
    assert published.returncode == 0, published
    assert "\n  AU02: " not in published.stdout and "Four of the six cases" not in published.stdout
    assert "\n  TR04: " in published.stdout  # training: the workforce, published in full
    rows = json.loads(
        run_pmf("kpis", "--period", "2023-24 Q3", "--publish", "--format", "json", db=cli_db).stdout
    )
    with_commentary = {r["kpi"] for r in rows if r["commentary"]}
    assert "TR04" in with_commentary and not with_commentary & {"AU02", "AU03", "CR01", "CR02", "CR03"}
    one_place = run_pmf(
        "kpis",
        "--period",
        "2023-24 Q3",
        "--locality",
        "Hartlepool",
        "--publish",
        "--format",
        "json",
        db=cli_db,
    )
    assert all(r["commentary"] is None for r in json.loads(one_place.stdout))
