"""The project's own guides (docs/upload-format.md, docs/kpis.md) are in step with the data contract and the
KPI catalogue they are generated from, say what a user needs, are linked from the app, and nothing in the
project points readers at files outside it."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dashboard import docs_gen
from dashboard.ingest.contract import DATASETS
from dashboard.kpis.catalogue import load_catalogue
from tests.helpers.apptest import all_text, open_app

PROJECT = Path(__file__).resolve().parents[1]
REGENERATE = "run `.venv/bin/python -m dashboard.docs_gen` and commit docs/"


def test_docs_are_in_step_with_the_contract_and_the_catalogue() -> None:
    stale = docs_gen.stale_docs()
    assert stale == [], (
        f"{', '.join('docs/' + s for s in stale)} out of step with dashboard/contract.py or "
        f"queries/kpi/*.sql: {REGENERATE}"
    )


def test_check_command_says_which_guide_is_out_of_step(tmp_path: Path) -> None:
    assert docs_gen.write_docs(tmp_path) == ["upload-format.md", "kpis.md"]
    assert docs_gen.stale_docs(tmp_path) == [] and docs_gen.write_docs(tmp_path) == []
    kpis = tmp_path / "kpis.md"
    kpis.write_text(kpis.read_text(encoding="utf-8").replace("Fill rate", "Fill-rate"), encoding="utf-8")
    assert docs_gen.stale_docs(tmp_path) == ["kpis.md"]
    (tmp_path / "upload-format.md").unlink()
    assert docs_gen.stale_docs(tmp_path) == ["upload-format.md", "kpis.md"]
    run = subprocess.run(
        [sys.executable, "-m", "dashboard.docs_gen", "--check"], cwd=PROJECT, capture_output=True, text=True
    )
    assert (run.returncode, run.stderr) == (0, ""), run


def test_a_changed_kpi_header_changes_the_kpi_guide() -> None:
    catalogue = load_catalogue()
    renamed = [dataclasses.replace(k, title="Places filled") if k.id == "TR02" else k for k in catalogue]
    assert "| [TR02](#tr02-places-filled) | Places filled | percent | higher | 85.0% | 5 pts |" in (
        docs_gen.kpis_md(renamed)
    )
    assert docs_gen.kpis_md(renamed) != docs_gen.kpis_md(catalogue)


def test_upload_format_names_every_dataset_column_spelling_and_rule() -> None:
    text = (PROJECT / "docs" / "upload-format.md").read_text(encoding="utf-8")
    sections = {part.split("\n", 1)[0]: part for part in text.split("\n### ")[1:]}
    for dataset in DATASETS:
        section = sections[f"{dataset.name}: {dataset.title}"]
        for column in dataset.columns:
            row = next(line for line in section.splitlines() if line.startswith(f"| `{column.name}` |"))
            assert ("| yes |" in row) == column.required, row
            for spelling in [*column.choices, *column.synonyms, *column.aliases]:
                assert spelling in row, (dataset.name, column.name, spelling)
            if column.help:
                assert column.help.rstrip(".") in row, (dataset.name, column.name)
    assert (
        "| `did_not_attend` |  | whole number, 0 or more | Booked but did not attend; at most places_booked. |"
        in text
    )
    assert "Stockton-on-Tees (also `Stockton on Tees`, `Stockton`)" in text
    assert "Children's social care (also `CSC`, `Childrens social care`, `Social care`)" in text
    assert "`13/11/2023` (always day first)" in text
    assert "**All or nothing.** If any row of any sheet has an error, nothing is stored." in text


def test_kpi_guide_gives_every_kpi_its_definition() -> None:
    text = (PROJECT / "docs" / "kpis.md").read_text(encoding="utf-8")
    for kpi in load_catalogue():
        assert f"### {kpi.id} {kpi.title}\n\n{kpi.description}\n" in text
        assert f"**Unit** {kpi.unit} · " in text
    assert (
        "| [AP03](#ap03-median-days-overdue) | Median days overdue | days | lower | 30 days | 3 days |"
        in text
    )
    assert (
        "| [TR01](#tr01-training-sessions-delivered) | Training sessions delivered | count | context only |"
        in text
    )


def test_catalogue_page_links_the_guides(app: Any) -> None:
    at = open_app(app)
    at.switch_page("app_pages/catalogue.py").run()
    assert not at.exception
    assert (
        "The same definitions as a document: docs/kpis.md in the project folder; what an upload must hold: "
        "docs/upload-format.md."
    ) in all_text(at)


SHARED = "shared"  # kept apart from the rest of each pattern so that this file does not match itself
OUTSIDE = re.compile(
    r"\.\./"
    + SHARED
    + r"|(?<![\w.])"
    + SHARED
    + r"/(product|seed)/"
    + r'|"'
    + SHARED
    + r'"\s*/\s*"(product|seed)"'
)
SKIPPED = {".git", ".venv", "test-artifacts", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis"}
TEXT = {".py", ".sql", ".md", ".toml", ".txt", ".cfg", ".ini", ".yml", ".yaml", ".html", ".j2", ""}


def _project_text_files() -> list[Path]:
    found = []
    for path in PROJECT.rglob("*"):
        parts = set(path.relative_to(PROJECT).parts)
        if parts & SKIPPED or any(p.endswith(".egg-info") for p in parts) or not path.is_file():
            continue
        if path.suffix in TEXT or path.name in ("Makefile", "run"):
            found.append(path)
    return found


def test_nothing_in_the_project_points_at_files_outside_it() -> None:
    """A user who clones the project has only the project: the product, its docs and tests stand alone."""
    places = [
        f"{path.relative_to(PROJECT)}:{number}: {line.strip()}"
        for path in _project_text_files()
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert places == [], "these refer to files outside the project:\n" + "\n".join(places)


@pytest.mark.parametrize(
    "line",
    [
        f"see ../{SHARED}/product/data-contract.md",
        f"({SHARED}/seed/newsletter.txt)",
        f'PROJECT_DIR.parent / "{SHARED}" / "product" / "domain.md"',
    ],
)
def test_the_outside_pattern_finds_references(line: str) -> None:
    assert OUTSIDE.search(line)
    assert not OUTSIDE.search(f"a {SHARED} link; xl/{SHARED}Strings.xml")
