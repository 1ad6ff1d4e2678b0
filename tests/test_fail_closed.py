"""The app fails closed (AppTest on the real entry point): it runs only when it can tell who is using it.

Local mode is an explicit choice, never a fallback; secrets that do not parse or lack [auth] stop it; it runs
only from its own folder; a foreign Host is refused; a missing database is not created; every refusal is one
sentence with no navigation and no data; the OFFICIAL-SENSITIVE marking is on every page.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dashboard.core.auth import host_allowed
from tests.e2e.oidc_provider import write_roles_config
from tests.helpers.apptest import open_app
from tests.test_auth import FAKE_AUTH

MARKING = ":red-background[**OFFICIAL-SENSITIVE**]"


def _text(value: str) -> str:
    """Markdown as a user reads it: without the escapes that keep paths and names literal."""
    return value.replace("\\", "")


def _refused(at: Any, title: str) -> str:
    """The one refusal on the page (its text), after checking that nothing else is there."""
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == [title]
    assert len(at.error) == 1
    assert [m.value for m in at.main.markdown] == [MARKING]
    assert not at.metric and not at.dataframe and not at.sidebar.selectbox and not at.button
    assert not at.get("file_uploader")
    return _text(at.error[0].value)


@pytest.fixture
def not_local(monkeypatch: pytest.MonkeyPatch) -> None:
    """Local mode not chosen (the tests choose it by default: conftest.py)."""
    monkeypatch.delenv("PMF_LOCAL_MODE", raising=False)


@pytest.fixture
def secrets_files(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Point Streamlit's secrets at chosen files for one test (`use([paths])`), then put everything back."""
    import streamlit as st
    from streamlit import config as st_config

    previous = st_config.get_option("secrets.files")

    def use(paths: list[Path]) -> None:
        st_config.set_option("secrets.files", [str(p) for p in paths])
        st.secrets._reset()

    yield use
    st_config.set_option("secrets.files", previous)
    st.secrets._reset()


# --- local mode is a choice ---------------------------------------------------------------------------------


def test_without_sign_in_and_without_local_mode_nothing_is_shown(app: Any, not_local: None) -> None:
    """Before: no [auth] meant local mode, where everyone is an admin."""
    message = _refused(app.run(), "Sign-in needed")
    assert message == (
        "Sign-in is not configured and local mode was not chosen, so the dashboard will not start: configure "
        "sign-in (see the README, 'Deploying with sign-in'), or start it with `pmf serve --local` for use on "
        "this computer only."
    )


def test_local_mode_chosen_in_the_configuration(
    app: Any, not_local: None, tmp_path: Path, monkeypatch
) -> None:
    config = write_roles_config(tmp_path / "pmf.toml", "[roles]\n")
    text = config.read_text().replace("local_mode = false", "local_mode = true")
    config.write_text(text)
    monkeypatch.setenv("PMF_CONFIG", str(config))
    at = open_app(app)
    assert "(admin role)" in " ".join(c.value for c in at.sidebar.caption)


def test_local_mode_chosen_by_pmf_serve_local(app: Any) -> None:
    at = open_app(app)  # PMF_LOCAL_MODE=1, as `pmf serve --local` sets it
    assert [m.value for m in at.main.markdown][0] == MARKING
    assert "Local mode" in at.main.markdown[1].value


# --- secrets ------------------------------------------------------------------------------------------------


def test_a_secrets_file_that_does_not_parse_stops_the_app(app: Any, tmp_path: Path, secrets_files) -> None:
    """Before: Streamlit's parse error was taken for "no secrets file", and the app ran in local mode."""
    broken = tmp_path / "secrets.toml"
    broken.write_text('[auth]\nclient_secret = "ab"cd"\n', encoding="utf-8")  # a secret holding a "
    secrets_files([broken])
    message = _refused(app.run(), "Sign-in settings unreadable")
    assert message == (
        f"The secrets file {broken} cannot be read, so sign-in cannot be checked and the dashboard will not "
        "start: correct the file (see the README, 'Deploying with sign-in')."
    )


def test_the_app_folders_secrets_without_auth_stop_the_app(
    app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, secrets_files
) -> None:
    folder = tmp_path / "site"
    (folder / ".streamlit").mkdir(parents=True)
    secrets = folder / ".streamlit" / "secrets.toml"
    secrets.write_text('[database]\npassword = "x"\n', encoding="utf-8")
    config = write_roles_config(tmp_path / "pmf.toml", "[roles]\n")
    config.write_text(config.read_text().replace('folder = ""', f'folder = "{folder}"'))
    monkeypatch.setenv("PMF_CONFIG", str(config))
    monkeypatch.chdir(folder)
    secrets_files([secrets])
    message = _refused(app.run(), "Sign-in settings incomplete")  # even with local mode chosen
    assert message.startswith(
        f"The secrets file {secrets} has no [auth] section, so sign-in is not configured"
    )


def test_an_auth_section_missing_a_key_stops_the_app(app: Any) -> None:
    app.secrets = {"auth": {k: v for k, v in FAKE_AUTH["auth"].items() if k != "client_secret"}}
    app.user = {"is_logged_in": True, "email": "ada@example.org"}
    message = _refused(app.run(), "Sign-in settings incomplete")
    assert message == (
        "The [auth] section of the secrets has no client_secret, so sign-in cannot work and the dashboard will "
        "not start: add it (see the README, 'Deploying with sign-in')."
    )


# --- where it runs, what it is asked for ----------------------------------------------------------------------


def test_started_from_another_folder_it_refuses(
    app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: started elsewhere (systemd's WorkingDirectory), it dropped the project's .streamlit settings
    (showErrorDetails = "none") and its secrets, and ran in local mode."""
    monkeypatch.chdir(tmp_path)
    message = _refused(app.run(), "Started from the wrong folder")
    project = Path(__file__).resolve().parents[1]
    assert message == (
        f"The dashboard was started from {tmp_path.resolve()}, not from its folder {project}, so its settings "
        "and sign-in would be ignored: start it with `pmf serve`."
    )


@pytest.fixture
def host(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Make the session's request carry a Host header (AppTest has no HTTP request of its own)."""
    import streamlit as st
    from streamlit.runtime.context import StreamlitHeaders

    def use(value: str) -> None:
        monkeypatch.setattr(
            type(st.context), "headers", property(lambda self: StreamlitHeaders([("Host", value)]))
        )

    yield use


@pytest.mark.parametrize("name", ["127.0.0.1:8501", "localhost:8501", "[::1]:8501", "LOCALHOST"])
def test_loopback_names_are_served(app: Any, host, name: str) -> None:
    host(name)
    at = open_app(app)
    assert "(admin role)" in " ".join(c.value for c in at.sidebar.caption)


@pytest.mark.parametrize("name", ["rebind.test:8501", "127.0.0.1.nip.io", "attacker.example"])
def test_a_foreign_host_is_refused(app: Any, host, name: str) -> None:
    """Before: a page at another name resolving to 127.0.0.1 got the admin Upload page (DNS rebinding)."""
    host(name)
    message = _refused(app.run(), "Wrong address")
    assert message == (
        f"This dashboard does not answer to the address {name.split(':')[0]}: open it at its own address."
    )
    app.switch_page("app_pages/upload.py").run()
    _refused(app, "Wrong address")


def test_with_sign_in_the_public_host_is_served_too(app: Any, host, tmp_path: Path, monkeypatch) -> None:
    config = write_roles_config(tmp_path / "pmf.toml", "[roles]\n")
    config.write_text(config.read_text().replace("public_hosts = []", 'public_hosts = ["pmf.example.org"]'))
    monkeypatch.setenv("PMF_CONFIG", str(config))
    app.secrets = dict(FAKE_AUTH)
    app.user = {"is_logged_in": False}
    for name in ("pmf.example.org", "PMF.example.org:443", "127.0.0.1:8501"):  # the redirect URI's host too
        host(name)
        at = app.run()
        assert not at.exception and [b.label for b in at.button] == ["Sign in"], name
    host("other.example.org")
    _refused(app.run(), "Wrong address")


def test_host_rules() -> None:
    assert host_allowed("127.0.0.1:8501") and host_allowed("localhost") and host_allowed("[::1]:1")
    assert not host_allowed("pmf.example.org")  # a public name only when configured (with sign-in)
    assert host_allowed("pmf.example.org", ["pmf.example.org"])
    for bad in (None, "", "rebind.test", "localhost.evil.test", "127.0.0.1@evil", "[::1", "localhost:x"):
        assert not host_allowed(bad), bad


# --- the database -------------------------------------------------------------------------------------------


def test_a_missing_database_is_not_created(app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: a mistyped PMF_DB silently became a new database made from the sample workbooks."""
    missing = tmp_path / "typo" / "pmf.duckdb"
    monkeypatch.setenv("PMF_DB", str(missing))
    message = _refused(app.run(), "No database")
    assert message == f"There is no database at {missing}: run `pmf init` to create it."
    assert not missing.parent.exists()


# --- the marking --------------------------------------------------------------------------------------------


PAGE_FILES = [
    "overview.py",
    "kpi_detail.py",
    "training.py",
    "audits.py",
    "case_reviews.py",
    "action_plan.py",
    "updates.py",
    "reports.py",
    "upload.py",
    "catalogue.py",
    "audit_log.py",
]


def test_every_page_is_marked_official_sensitive(app: Any) -> None:
    at = open_app(app)
    for page in PAGE_FILES:
        at.switch_page(f"app_pages/{page}").run()
        assert not at.exception, (page, at.exception)
        assert at.main.markdown[0].value == MARKING, page


def test_the_sign_in_screen_is_marked_too(app: Any) -> None:
    app.secrets = dict(FAKE_AUTH)
    app.user = {"is_logged_in": False}
    at = app.run()
    assert at.main.markdown[0].value == MARKING


def test_a_foreign_host_is_told_nothing_else(app: Any, host, tmp_path: Path, monkeypatch, not_local) -> None:
    """A rebinding page's script reads what its own name is sent: no configuration path, no other reason."""
    config = tmp_path / "pmf.toml"
    config.write_text("[publication]\nsuppression_threshold = 0\n", encoding="utf-8")
    monkeypatch.setenv("PMF_CONFIG", str(config))
    host("rebind.test")
    message = _refused(app.run(), "Wrong address")
    assert str(tmp_path) not in message and "configuration" not in message


# --- sign-in: claims and a changed [roles] ------------------------------------------------------------------

ROLES = """
[roles]
admins = ["ada@example.org"]
default_role = "viewer"
"""


@pytest.fixture
def signed_in(app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Path]]:
    config = write_roles_config(tmp_path / "pmf.toml", ROLES)
    monkeypatch.setenv("PMF_CONFIG", str(config))
    app.secrets = dict(FAKE_AUTH)
    yield app, config


def test_a_revoked_admin_loses_the_role_on_the_next_page_view(signed_in: tuple[Any, Path]) -> None:
    """Before: the settings were cached for the life of the process."""
    at, config = signed_in
    at.user = {"is_logged_in": True, "email": "ada@example.org", "name": "Ada"}
    at.run()
    assert "admin role" in " ".join(c.value for c in at.sidebar.caption)
    write_roles_config(config, ROLES.replace('admins = ["ada@example.org"]', "admins = []"))
    at.switch_page("app_pages/audit_log.py").run()
    assert not at.exception
    assert [e.value for e in at.error] == ["You do not have access to this page (needs the admin role)."]
    assert "viewer role" in " ".join(c.value for c in at.sidebar.caption)
    write_roles_config(
        config,
        ROLES.replace('default_role = "viewer"', 'default_role = "none"').replace(
            'admins = ["ada@example.org"]', "admins = []"
        ),
    )
    at.run()
    assert at.title[0].value == "No access" and not at.sidebar.selectbox


def test_an_unverified_email_sees_why_it_has_no_access(signed_in: tuple[Any, Path]) -> None:
    at, _ = signed_in
    at.user = {"is_logged_in": True, "email": "ada@example.org", "email_verified": False, "sub": "eve-1"}
    at.run()
    assert not at.exception and at.title[0].value == "No access"
    assert _text(at.error[0].value) == (
        "You are signed in as eve-1, but you have no access to this dashboard. Your identity provider has not "
        "verified your email address, so it cannot give you access: verify it with your provider, or ask the "
        "dashboard's administrator to give you a role by your account id."
    )
    assert not at.sidebar.selectbox and not at.metric


def test_a_token_from_another_tenant_is_refused(signed_in: tuple[Any, Path]) -> None:
    at, config = signed_in
    write_roles_config(config, ROLES + 'tenant_id = "11111111-2222-3333-4444-555555555555"\n')
    at.user = {
        "is_logged_in": True,
        "email": "ada@example.org",
        "tid": "99999999-0000-0000-0000-000000000000",
    }
    at.run()
    assert not at.exception and at.title[0].value == "No access"
    assert "another organisation's directory" in at.error[0].value


def test_the_secrets_file_that_does_not_parse_is_the_one_named(
    app: Any, tmp_path: Path, secrets_files
) -> None:
    """With a broken file and a good one, the message names the broken one, not merely the last found."""
    broken = tmp_path / "home-secrets.toml"
    broken.write_text('[auth]\nclient_secret = "ab"cd"\n', encoding="utf-8")
    good = tmp_path / "secrets.toml"
    good.write_text('[other]\nkey = "value"\n', encoding="utf-8")
    secrets_files([broken, good])
    message = _refused(app.run(), "Sign-in settings unreadable")
    assert message.startswith(f"The secrets file {broken} cannot be read")
