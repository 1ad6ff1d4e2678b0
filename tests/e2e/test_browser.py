"""The whole app in a real headless Chromium: shared links, filters, uploads, screenshots, accessibility."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

pytestmark = pytest.mark.browser

CHART = '[data-testid="stPlotlyChart"] .main-svg'
PAGES = {
    "overview": "",
    "kpi": "kpi",
    "training": "training",
    "audits": "audits",
    "reviews": "reviews",
    "actions": "actions",
    "upload": "upload",
    "catalogue": "catalogue",
}


def _metric(page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]', has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def _wait_ready(page) -> None:
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    page.wait_for_load_state("networkidle")


def _sidebar_value(page, label: str) -> str:
    return page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=label).input_value()


def _sidebar_select(page, label: str, option: str) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    _wait_ready(page)


def _workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "training_sessions"
    sheet.append(
        [
            "session_id",
            "session_date",
            "course_title",
            "delivery_mode",
            "locality",
            "places_booked",
            "attended",
        ]
    )
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_shared_link_opens_with_its_filters(server: str, page, artifacts: Path) -> None:
    page.goto(f"{server}/?fy=2023-24&q=Q3&loc=Hartlepool")
    page.wait_for_selector('[data-testid="stMetric"]')
    _wait_ready(page)
    assert _sidebar_value(page, "Financial year") == "2023-24"
    assert _sidebar_value(page, "Quarter") == "Q3"
    assert _sidebar_value(page, "Locality") == "Hartlepool"
    assert _metric(page, "Cases audited") == "3"
    assert page.get_by_text("2023-24 Q3 (1 October 2023 to 31 December 2023) · Hartlepool").is_visible()
    page.screenshot(path=str(artifacts / "overview-hartlepool.png"), full_page=True)


def test_changing_the_locality_changes_the_numbers(server: str, page) -> None:
    page.goto(f"{server}/?fy=2023-24&q=Q3")
    page.wait_for_selector('[data-testid="stMetric"]')
    _wait_ready(page)
    assert _metric(page, "Training sessions") == "15"
    assert _metric(page, "Cases audited") == "6"
    _sidebar_select(page, "Locality", "Stockton-on-Tees")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stMetric]')].some(m => m.innerText.includes('Cases audited') && m.innerText.includes('3'))"
    )
    assert _metric(page, "Cases audited") == "3"
    assert _metric(page, "Training sessions") != "15"
    assert "loc=Stockton-on-Tees" in page.url


def test_every_page_renders_and_is_screenshotted(server: str, page, artifacts: Path) -> None:
    for name, path in PAGES.items():
        page.goto(f"{server}/{path}?fy=2023-24&q=Q3")
        page.wait_for_selector("h1")
        _wait_ready(page)
        if name in ("kpi", "training", "audits", "reviews", "actions"):
            page.wait_for_selector(CHART)
        assert page.locator('[data-testid="stException"]').count() == 0, name
        page.screenshot(path=str(artifacts / f"page-{name}.png"), full_page=True)


def test_upload_bad_then_good_workbook(server: str, page, artifacts: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_workbook([["B-1", "31/02/2023", "Neglect", "Carrier pigeon", "Hartlepool", 10, 9]]))
    good = tmp_path / "good.xlsx"
    good.write_bytes(_workbook([["G-1", date(2023, 11, 20), "Neglect", "F2F", "Hartlepool", 10, 9]]))
    page.goto(f"{server}/upload?fy=2023-24&q=Q3")
    page.wait_for_selector("h1")
    _wait_ready(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(bad))
    page.get_by_text("bad.xlsx was not loaded: 2 error(s). Nothing was stored.").wait_for()
    page.screenshot(path=str(artifacts / "upload-rejected.png"), full_page=True)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(good))
    page.get_by_text("What this upload will change").wait_for()
    page.get_by_role("button", name="Confirm and load").click()
    page.get_by_text("Loaded good.xlsx as upload").wait_for()
    page.screenshot(path=str(artifacts / "upload-loaded.png"), full_page=True)
    page.goto(f"{server}/?fy=2023-24&q=Q3&loc=Hartlepool")
    page.wait_for_selector('[data-testid="stMetric"]')
    _wait_ready(page)
    assert page.get_by_text("Undo upload").count() == 0  # the overview has no upload controls
    page.goto(f"{server}/upload")
    page.get_by_role("button", name="Undo upload 6 (good.xlsx)").wait_for()


def test_overview_accessibility(server: str, page, artifacts: Path) -> None:
    """axe-core on the overview. Violations in the main area (what our pages put there) fail the test;
    the whole page's, including Streamlit's own sidebar navigation, are reported in test-artifacts."""
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"{server}/?fy=2023-24&q=Q3")
    page.wait_for_selector('[data-testid="stMetric"]')
    _wait_ready(page)
    axe = Axe()
    everything = axe.run(page).response["violations"]
    ours = axe.run(page, context={"include": [['[data-testid="stMain"]']]}).response["violations"]
    (artifacts / "axe-overview.json").write_text(json.dumps(everything, indent=2))
    lines = [f"{v['id']} ({v['impact']}): {len(v['nodes'])} node(s) - {v['help']}" for v in everything]
    mine = [f"{v['id']} ({v['impact']}): {n['html'][:160]}" for v in ours for n in v["nodes"]]
    (artifacts / "axe-overview.txt").write_text(
        "Whole page:\n"
        + "\n".join(lines)
        + "\n\nIn the main area (ours):\n"
        + ("\n".join(mine) or "none")
        + "\n"
    )
    print("\n".join(lines))
    assert not mine, "\n".join(mine)
