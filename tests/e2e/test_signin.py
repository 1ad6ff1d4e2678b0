"""Sign-in for real: an OpenID Connect provider (oidc-provider-mock) on 127.0.0.1, the app started with
`streamlit run` from a temporary folder whose .streamlit/secrets.toml has an [auth] section (the
configuration's [server] folder names it), and headless Chromium going through the whole flow: the sign-in
screen, the provider's form, roles, upload, sign-out. Then what the app refuses: a secrets file that does not
parse, a foreign Host (DNS rebinding), an unverified email, a role revoked while signed in; and `pmf serve
--local` started from another folder still uses the project's.

The repository's own .streamlit/secrets.toml is never written: Streamlit reads secrets from the folder it is
started in (and from ~/.streamlit, which the server's HOME points away from).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.e2e.conftest import CHROMIUM_ARGS, PROJECT, _free_port, streamlit_server
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


UNVERIFIED = "eve@example.org"
MARKING = "OFFICIAL-SENSITIVE"


@dataclass
class SignInServer:
    url: str
    provider: Provider
    config: Path  # the configuration file the server reads ([roles] may be rewritten, then restored)


@pytest.fixture(scope="module")
def signin_server(
    sample_db_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SignInServer]:
    """The provider and `streamlit run` (sign-in configured, ROLES) on loopback; both stopped after."""
    work = tmp_path_factory.mktemp("signin")
    db = work / "pmf.duckdb"
    shutil.copy(sample_db_template, db)
    config = write_roles_config(work / "pmf-config.toml", ROLES, folder=work)
    env = _site_env(work, db, config)
    port = _free_port()  # the redirect URI in the secrets names the server's address before it starts
    url = f"http://127.0.0.1:{port}"
    with running_provider() as provider:
        (work / ".streamlit" / "secrets.toml").write_text(secrets_toml(auth_secrets(url, provider.url)))
        provider.set_user(VIEWER, {"email": VIEWER, "name": "Vera Viewer"})
        provider.set_user(ANALYST, {"email": ANALYST, "name": "Ann Analyst", "groups": ["PMF-Analysts"]})
        provider.set_user(ADMIN, {"email": ADMIN, "name": "Ada Admin", "groups": ["Staff", "PMF-Admins"]})
        # Anyone can type an admin's address into a provider that does not check it: it says so.
        provider.set_user(UNVERIFIED, {"email": ADMIN, "email_verified": False, "name": "Not Ada"})
        with streamlit_server(work, env, work / "streamlit.log", port):
            yield SignInServer(url, provider, config)


def _site_env(work: Path, db: Path, config: Path) -> dict[str, str]:
    """A deployment folder `work` with the project's .streamlit/config.toml, and the server's environment:
    its own HOME (no developer's ~/.streamlit/secrets.toml), no local mode chosen."""
    home = work / "home"
    home.mkdir()
    (work / ".streamlit").mkdir()
    shutil.copy(PROJECT / ".streamlit" / "config.toml", work / ".streamlit" / "config.toml")
    env = dict(os.environ, PMF_DB=str(db), PMF_CONFIG=str(config), HOME=str(home))
    env.pop("PMF_LOCAL_MODE", None)
    return env


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
    page.get_by_text("Loaded signin.xlsx as upload 6").wait_for()
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
    assert {k: rows[0][k] for k in ("Who", "Action", "What")} == {  # the CSV's headers are words
        "Who": ANALYST,
        "Action": "upload",
        "What": "signin.xlsx: training_sessions 1 added, 0 replaced",
    }


# --- what the app refuses -------------------------------------------------------------------------------------


def _no_data(page) -> None:
    """Nothing of the dashboard: no navigation, no sign-in, no upload, no table or chart."""
    assert page.locator(NAV).count() == 0
    assert page.get_by_role("button", name="Sign in").count() == 0
    for testid in ("stFileUploader", "stDataFrame", "stPlotlyChart", "stMetric", "stSidebar"):
        assert page.locator(f'[data-testid="{testid}"]').count() == 0, testid


def test_a_secrets_file_that_does_not_parse_stops_the_app(
    sample_db_template: Path, tmp_path: Path, page, artifacts: Path
) -> None:
    """Before: Streamlit's parse error was taken for "no sign-in", and everyone was an admin."""
    db = tmp_path / "pmf.duckdb"
    shutil.copy(sample_db_template, db)
    config = write_roles_config(tmp_path / "pmf-config.toml", ROLES, folder=tmp_path)
    env = _site_env(tmp_path, db, config)
    env["PMF_LOCAL_MODE"] = "1"  # even with local mode chosen: sign-in was meant
    secrets = tmp_path / ".streamlit" / "secrets.toml"
    secrets.write_text('[auth]\nclient_secret = "ab"cd"\n', encoding="utf-8")  # a secret holding a "
    with streamlit_server(tmp_path, env, tmp_path / "streamlit.log") as url:
        for address in (url, f"{url}/upload"):
            page.goto(address)
            page.get_by_text("Sign-in settings unreadable").wait_for()
            _wait_ready(page)
            assert page.get_by_text(
                f"The secrets file {secrets} cannot be read, so sign-in cannot be checked and the dashboard "
                "will not start"
            ).is_visible()
            assert page.get_by_text(MARKING).is_visible()
            _no_data(page)
        page.screenshot(path=str(artifacts / "failclosed-broken-secrets.png"), full_page=True)


def test_a_foreign_host_gets_nothing(server: str, browser, chromium_path: Path, artifacts: Path) -> None:
    """DNS rebinding: a page at another name resolving to 127.0.0.1 got the admin Upload page in local mode."""
    port = server.rsplit(":", 1)[1]
    # A second Chromium (of the same Playwright) in which rebind.test resolves to 127.0.0.1.
    rebinding = browser.browser_type.launch(
        executable_path=str(chromium_path),
        args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP rebind.test 127.0.0.1"],
    )
    try:
        page = rebinding.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(30_000)
        for address in (f"http://rebind.test:{port}/", f"http://rebind.test:{port}/upload"):
            page.goto(address)
            page.get_by_text("Wrong address").wait_for()
            _wait_ready(page)
            assert page.get_by_text(
                "This dashboard does not answer to the address rebind.test: open it at its own address."
            ).is_visible()
            _no_data(page)
            assert page.get_by_text("Local mode").count() == 0
        page.screenshot(path=str(artifacts / "failclosed-foreign-host.png"), full_page=True)
        page.goto(f"http://localhost:{port}/upload")  # the same server, at its own name: served
        page.locator('[data-testid="stFileUploader"]').wait_for()
        assert page.get_by_text(MARKING).is_visible()
    finally:
        rebinding.close()


def test_an_unverified_email_gets_no_role(signin_server: SignInServer, page, artifacts: Path) -> None:
    """Before: the email claim was trusted as sent, so anyone could claim an admin's address."""
    _sign_in_refused(page, signin_server, UNVERIFIED)
    page.get_by_text("Your identity provider has not verified your email address").wait_for()
    assert page.get_by_role("heading", name="No access").is_visible()
    assert page.locator(NAV).count() == 0
    assert page.get_by_text(ADMIN).count() == 0  # not recorded, nor shown, as the admin
    page.screenshot(path=str(artifacts / "failclosed-unverified-email.png"), full_page=True)
    page.goto(f"{signin_server.url}/audit-log")
    page.get_by_role("heading", name="No access").wait_for()
    _wait_ready(page)
    assert page.locator('[data-testid="stDataFrame"]').count() == 0


def _sign_in_refused(page, server: SignInServer, sub: str) -> None:
    page.goto(server.url)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.provider.url}/oauth2/authorize*")
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{server.url}/**")
    _wait_ready(page)


def test_a_revoked_role_is_gone_on_the_next_page_view(
    signin_server: SignInServer, page, artifacts: Path
) -> None:
    """Before: the settings were read once per process, so a revoked admin stayed one until a restart."""
    rita = "rita@example.org"
    signin_server.provider.set_user(rita, {"email": rita, "name": "Rita Revoked"})
    write_roles_config(
        signin_server.config,
        ROLES.replace("admins = []", f'admins = ["{rita}"]'),
        folder=signin_server.config.parent,
    )
    try:
        _sign_in(page, signin_server, rita)
        page.locator(NAV).wait_for()
        assert "Audit log" in _nav_titles(page)
        write_roles_config(signin_server.config, ROLES, folder=signin_server.config.parent)  # revoked
        page.goto(f"{signin_server.url}/audit-log")
        page.get_by_text("You do not have access to this page (needs the admin role).").wait_for()
        _wait_ready(page)
        assert "Audit log" not in _nav_titles(page) and "Upload" not in _nav_titles(page)
        assert page.locator('[data-testid="stSidebar"]').get_by_text("viewer role").is_visible()
        assert page.locator('[data-testid="stDataFrame"]').count() == 0
        page.screenshot(path=str(artifacts / "failclosed-revoked-role.png"), full_page=True)
    finally:
        write_roles_config(signin_server.config, ROLES, folder=signin_server.config.parent)


def test_pmf_serve_local_from_another_folder_uses_the_projects_settings(
    sample_db_template: Path, tmp_path: Path, page
) -> None:
    """Before: started from another folder (systemd's WorkingDirectory), it dropped the project's .streamlit
    settings and secrets. `pmf serve` now starts the app from the project folder wherever it is run."""
    db = tmp_path / "pmf.duckdb"
    shutil.copy(sample_db_template, db)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PMF_CONFIG", "PMF_LOCAL_MODE")}
    env.update(PMF_DB=str(db), HOME=str(tmp_path))
    port = _free_port()
    command = [sys.executable, "-m", "dashboard.cli", "serve", "--local", "--port", str(port)]
    with streamlit_server(elsewhere, env, tmp_path / "serve.log", port, command=command) as url:
        page.goto(f"{url}/upload")
        page.locator('[data-testid="stFileUploader"]').wait_for()
        assert page.get_by_text(MARKING).is_visible()
        assert page.get_by_text("Local mode: no sign-in").is_visible()
        assert page.get_by_text("Started from the wrong folder").count() == 0
