"""The performance report in a real headless Chromium: opened from a file with no network, every Plotly chart
drawn, nothing wider than A4, a full-page screenshot, and the same HTML printed to an A4 PDF by
dashboard.publish.pdf.report_pdf (the function behind `pmf report --pdf`).

Artifacts: test-artifacts/report-2023-24-Q3.png, report-2023-24-Q3.pdf and report-2023-24-Q3-published.png.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dashboard.core.config import settings
from dashboard.core.db import connect
from dashboard.core.periods import parse_period
from dashboard.publish.pdf import report_pdf
from dashboard.publish.report import build_report

pytestmark = pytest.mark.browser

PERIOD = "2023-24 Q3"
# A4 less two 15 mm margins, in CSS pixels: what a printed page has room for.
A4_CONTENT_WIDTH = 680


@pytest.fixture(scope="module")
def reports(sample_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """The internal and published 2023-24 Q3 reports of the sample data, written to files."""
    where = tmp_path_factory.mktemp("report-e2e")
    db = where / "pmf.duckdb"
    shutil.copy(sample_db_template, db)
    con = connect(db)
    try:
        files = {}
        for name, publish in (("internal", False), ("published", True)):
            path = where / f"report-{name}.html"
            path.write_text(
                build_report(con, parse_period(PERIOD), settings(), publish=publish), encoding="utf-8"
            )
            files[name] = path
    finally:
        con.close()
    yield files


def _open(page: Any, path: Path) -> tuple[list[str], list[str]]:
    """Open the report with every network request refused; return page errors and requests tried."""
    errors: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    def refuse(route: Any) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            requests.append(route.request.url)
            route.abort()

    page.route("**/*", refuse)
    page.goto(path.as_uri())
    charts = int(page.locator("body").get_attribute("data-charts"))
    # Drawn: each chart's SVG holds its data marks (bars, markers or lines), not an empty frame.
    page.wait_for_function(
        "n => { const plots = [...document.querySelectorAll('.chart .js-plotly-plot')];"
        " return plots.length === n && plots.every(d => d.querySelector('.main-svg .cartesianlayer')"
        " && d.querySelectorAll('.point, .scatterlayer path, .bars path').length > 0); }",
        arg=charts,
    )
    return errors, requests


def test_report_renders_offline_and_prints_to_a4(
    page: Any, reports: dict[str, Path], artifacts: Path, chromium_path: Path
) -> None:
    errors, requests = _open(page, reports["internal"])
    assert errors == [] and requests == []
    assert page.locator(".chart .js-plotly-plot").count() >= 5
    for section in ("case-reviews", "lcspr", "audits", "training", "action-plan", "scorecard"):
        assert page.locator(f"section#{section}").is_visible()
    assert page.get_by_text(
        "In this quarter 5 face to face and 10 virtual training sessions were held."
    ).is_visible()
    page.screenshot(path=str(artifacts / "report-2023-24-Q3.png"), full_page=True)

    # As printed: no chart or table wider than the A4 page's content, so nothing is cut.
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_CONTENT_WIDTH, "height": 1000})
    too_wide = page.evaluate(
        "[...document.querySelectorAll('.chart .main-svg, table, figure')]"
        f".filter(e => e.getBoundingClientRect().right > {A4_CONTENT_WIDTH} + 1)"
        ".map(e => e.tagName + ' ' + (e.closest('section') || {}).id)"
    )
    assert too_wide == []

    pdf = report_pdf(
        reports["internal"].read_text(encoding="utf-8"),
        artifacts / "report-2023-24-Q3.pdf",
        chromium=chromium_path,
    )
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    assert pages >= 2
    # A4 portrait: 595 x 842 points.
    sizes = {
        tuple(round(float(v)) for v in m)
        for m in re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    }
    assert sizes == {(595, 842)}


def test_published_report_renders(page: Any, reports: dict[str, Path], artifacts: Path) -> None:
    errors, requests = _open(page, reports["published"])
    assert errors == [] and requests == []
    body = page.locator("body").inner_text()
    assert "KLT" not in body  # no case reference; a published LCSPR's public name, only as published
    assert body.count("Child Joe") == 1 and "Published during this quarter: Child Joe." in body
    assert "A small number (fewer than 6) of serious incident notifications" in body
    page.screenshot(path=str(artifacts / "report-2023-24-Q3-published.png"), full_page=True)
