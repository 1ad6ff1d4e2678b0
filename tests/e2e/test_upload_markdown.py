"""In a real Chromium: a file name holding Markdown is shown as written on the Upload page, and its image URL
is never fetched (issue: every analyst who opened Upload fetched the image of an uploaded file's name)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

NAME = "![x](https://example.invalid/a.png) **bold**.csv"
GOOD_CSV = (
    b"session_id,session_date,course_title,delivery_mode,locality,places_booked,attended\n"
    b"MD-1,20/11/2023,Neglect,Virtual,Hartlepool,10,9\n"
)


def _wait_ready(page) -> None:
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    page.wait_for_load_state("networkidle")


def test_a_markdown_file_name_is_text_and_fetches_nothing(server: str, page) -> None:
    fetched: list[str] = []
    page.on(
        "request", lambda request: fetched.append(request.url) if "example.invalid" in request.url else None
    )
    page.goto(f"{server}/upload?fy=2023-24&q=Q3")
    page.wait_for_selector("h1")
    _wait_ready(page)
    bad = GOOD_CSV.replace(b"Virtual", b"Carrier pigeon")
    upload = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    upload.set_input_files(files=[{"name": NAME, "mimeType": "text/csv", "buffer": bad}])
    page.get_by_text(f"{NAME} was not loaded: 1 error(s).").wait_for()
    upload.set_input_files(files=[{"name": NAME, "mimeType": "text/csv", "buffer": GOOD_CSV}])
    page.get_by_role("button", name="Confirm and load").click()
    page.get_by_text(f"Loaded {NAME} as upload").wait_for()
    page.get_by_role("button", name=f"Undo upload 6 ({NAME})").click()
    page.get_by_text(f"Undo upload 6 ({NAME}, ").wait_for()
    _wait_ready(page)
    assert page.locator('img[src*="example.invalid"]').count() == 0
    assert page.locator("strong", has_text="bold").count() == 0
    assert fetched == []
