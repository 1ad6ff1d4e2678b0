"""Sign-in for real: an OpenID Connect provider (oidc-provider-mock) on 127.0.0.1, the app started with
`streamlit run` from a temporary folder whose .streamlit/secrets.toml has an [auth] section, and headless
Chromium going through the whole flow: the sign-in screen, the provider's form, roles, upload, sign-out.

The repository's own .streamlit/secrets.toml is never written: Streamlit reads secrets from the folder it is
started in (and from ~/.streamlit, which the server's HOME points away from).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.e2e.conftest import PROJECT, _free_port, streamlit_server
from tests.e2e.oidc_provider import (
    Provider,
    auth_secrets,
    running_provider,
    secrets_toml,
    write_roles_config,
)
from tests.test_app_upload import HEADERS

pytestmark = pytest.mark.browser

ROLES = """
[roles]
admins = []
analysts = []
default_role = "viewer"

[roles.groups]
"PMF-Analysts" = "analyst"
"PMF-Admins" = "admin"
"""
VIEWER = "vera@example.org"
ANALYST = "ann@example.org"
ADMIN = "ada@example.org"
NAV = '[data-testid="stSidebarNav"]'
REFUSAL = "You do not have access to this page (needs the analyst role)."


@dataclass
class SignInServer:
    url: str
    provider: Provider


@pytest.fixture(scope="module")
def signin_server(
    sample_db_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SignInServer]:
    """The provider and `streamlit run` (sign-in configured, ROLES) on loopback; both stopped after."""
    work = tmp_path_factory.mktemp("signin")
    db = work / "pmf.duckdb"
    shutil.copy(sample_db_template, db)
    config = write_roles_config(work / "pmf-config.toml", ROLES)
    home = work / "home"  # so that no ~/.streamlit/secrets.toml of the developer's is read
    home.mkdir()
    (work / ".streamlit").mkdir()
    shutil.copy(PROJECT / ".streamlit" / "config.toml", work / ".streamlit" / "config.toml")
    port = _free_port()  # the redirect URI in the secrets names the server's address before it starts
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, PMF_DB=str(db), PMF_CONFIG=str(config), HOME=str(home))
    with running_provider() as provider:
        (work / ".streamlit" / "secrets.toml").write_text(secrets_toml(auth_secrets(url, provider.url)))
        provider.set_user(VIEWER, {"email": VIEWER, "name": "Vera Viewer"})
        provider.set_user(ANALYST, {"email": ANALYST, "name": "Ann Analyst", "groups": ["PMF-Analysts"]})
        provider.set_user(ADMIN, {"email": ADMIN, "name": "Ada Admin", "groups": ["Staff", "PMF-Admins"]})
        with streamlit_server(work, env, work / "streamlit.log", port):
            yield SignInServer(url, provider)


def _wait_ready(page) -> None:
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    page.wait_for_load_state("networkidle")


def _sign_in(page, server: SignInServer, sub: str) -> None:
    """From the sign-in screen through the provider's form, back to the dashboard, signed in as `sub`."""
    page.goto(server.url)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.provider.url}/oauth2/authorize*")
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{server.url}/**")
    page.get_by_text("Signed in as").wait_for()
    _wait_ready(page)


def _sign_out(page, server: SignInServer) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out").click()
    # The provider's end-session page (the mock asks to confirm), then back to the dashboard.
    page.wait_for_url(f"{server.provider.url}/oauth2/end_session*")
    page.get_by_role("button", name="End session").click()
    page.get_by_role("button", name="Sign in").wait_for()


def _nav_titles(page) -> list[str]:
    links = page.locator(NAV).locator("a").all_inner_texts()
    return [text.strip().splitlines()[-1] for text in links]  # each link reads "<icon name>\n\n<title>"


def _workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "training_sessions"
    sheet.append(HEADERS)
    sheet.append(["SIGNIN-1", date(2023, 11, 22), "Neglect", "F2F", "Hartlepool", 10, 9])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_sign_in_screen_then_a_viewer_has_no_upload(
    signin_server: SignInServer, page, artifacts: Path
) -> None:
    page.goto(signin_server.url)
    page.get_by_role("button", name="Sign in").wait_for()
    assert page.get_by_text("Sign in with your organisation's account").is_visible()
    assert page.locator(NAV).count() == 0  # nothing to navigate before signing in
    assert page.get_by_text("Local mode").count() == 0
    page.screenshot(path=str(artifacts / "signin-screen.png"), full_page=True)

    _sign_in(page, signin_server, VIEWER)
    page.locator(NAV).wait_for()
    titles = _nav_titles(page)
    assert "Overview" in titles and "KPI catalogue" in titles, titles
    assert "Upload" not in titles and "Audit log" not in titles, titles
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text("Vera Viewer").is_visible()
    assert sidebar.get_by_text("viewer role").is_visible()
    page.screenshot(path=str(artifacts / "signin-viewer.png"), full_page=True)

    page.goto(f"{signin_server.url}/upload")  # the address typed in: refused, with the reason
    page.get_by_text(REFUSAL).wait_for()
    _wait_ready(page)
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    assert page.get_by_text("Signed in as").is_visible()  # still signed in: the cookie outlives the session
    page.screenshot(path=str(artifacts / "signin-viewer-refused.png"), full_page=True)


def test_analyst_uploads_then_signs_out_and_the_admin_sees_it_in_the_audit_log(
    signin_server: SignInServer, page, artifacts: Path, tmp_path: Path
) -> None:
    workbook = tmp_path / "signin.xlsx"
    workbook.write_bytes(_workbook())
    _sign_in(page, signin_server, ANALYST)
    page.locator(NAV).wait_for()
    titles = _nav_titles(page)
    assert "Upload" in titles and "Audit log" not in titles, titles
    page.locator(NAV).get_by_role("link", name="Upload").click()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(workbook))
    page.get_by_text("What this upload will change").wait_for()
    page.get_by_role("button", name="Confirm and load").click()
    page.get_by_text("Loaded signin.xlsx as upload 5").wait_for()
    page.screenshot(path=str(artifacts / "signin-analyst-uploaded.png"), full_page=True)

    _sign_out(page, signin_server)
    assert page.locator(NAV).count() == 0
    assert page.get_by_text("Signed in as").count() == 0
    page.screenshot(path=str(artifacts / "signin-signed-out.png"), full_page=True)

    _sign_in(page, signin_server, ADMIN)
    page.locator(NAV).get_by_role("link", name="Audit log").click()
    page.get_by_role("heading", name="Audit log").wait_for()
    _wait_ready(page)
    page.locator('[data-testid="stDataFrame"] canvas').first.wait_for()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    page.screenshot(path=str(artifacts / "signin-admin-audit-log.png"), full_page=True)
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert {k: rows[0][k] for k in ("user", "action", "detail")} == {
        "user": ANALYST,
        "action": "upload",
        "detail": "signin.xlsx: training_sessions 1 added, 0 replaced",
    }
