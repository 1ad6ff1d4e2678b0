"""Roles and sign-in: the role rules, what each role may do, the app's navigation and refusals per role (AppTest
with a faked signed-in user and a fake [auth] secrets section), local mode, and the audit log."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dashboard.core.auth import (
    Access,
    Action,
    Role,
    RoleSettings,
    can,
    claim_list,
    email_from_claims,
    local_access,
    page_refusal,
    role_for,
    signed_in_access,
)
from dashboard.core.config import ConfigError, settings, settings_from_toml
from dashboard.core.db import connect
from dashboard.ingest.load import load_file, undo_latest
from dashboard.kpis.audit_log import COLUMNS, audit_log
from dashboard.kpis.catalogue import load_catalogue
from dashboard.kpis.targets import set_target
from tests.e2e.oidc_provider import write_roles_config
from tests.helpers.apptest import all_text, open_app
from tests.test_app_upload import GOOD, XLSX
from tests.test_cli import sample_rows

ROLES = RoleSettings(
    admins=frozenset({"ada@example.org"}),
    analysts=frozenset({"ann@example.org", "ada@example.org"}),
    groups={"PMF-Admins": Role.ADMIN, "PMF-Analysts": Role.ANALYST},
    default_role=Role.VIEWER,
)
REFUSING = dataclasses.replace(ROLES, default_role=None)


# --- role rules ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "groups", "expected"),
    [
        ("ada@example.org", [], Role.ADMIN),
        ("ADA@Example.ORG", [], Role.ADMIN),  # emails ignore case
        ("  Ann@example.org ", [], Role.ANALYST),
        ("vera@example.org", [], Role.VIEWER),  # everyone else: the default role
        (None, [], Role.VIEWER),
        ("vera@example.org", ["PMF-Analysts"], Role.ANALYST),
        ("vera@example.org", ["pmf-admins"], Role.ADMIN),  # group names ignore case too
        ("vera@example.org", ["Finance", "PMF-Analysts", "PMF-Admins"], Role.ADMIN),  # the highest wins
        ("ann@example.org", ["PMF-Admins"], Role.ADMIN),
        ("ada@example.org", ["PMF-Analysts"], Role.ADMIN),
        ("vera@example.org", ["Finance"], Role.VIEWER),
    ],
)
def test_role_from_email_and_groups(email: str | None, groups: list[str], expected: Role) -> None:
    assert role_for(email, groups, ROLES) == expected


def test_default_role_none_refuses_everyone_not_named() -> None:
    assert role_for("vera@example.org", [], REFUSING) is None
    assert role_for(None, ["Finance"], REFUSING) is None
    assert role_for("Ann@Example.org", [], REFUSING) == Role.ANALYST
    assert role_for("vera@example.org", ["PMF-Analysts"], REFUSING) == Role.ANALYST


def test_role_for_takes_the_settings_too() -> None:
    assert role_for("someone@example.org", [], settings()) == Role.VIEWER  # the packaged default


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.VIEWER, {Action.VIEW}),
        (Role.ANALYST, {Action.VIEW, Action.UPLOAD}),
        (Role.ADMIN, {Action.VIEW, Action.UPLOAD, Action.EDIT_TARGETS, Action.AUDIT_LOG}),
        (None, set()),
    ],
)
def test_what_each_role_may_do(role: Role | None, allowed: set[Action]) -> None:
    assert {a for a in Action if can(role, a)} == allowed
    assert can(role, "upload") == (Action.UPLOAD in allowed)  # actions by name too


def test_refusal_names_the_role_needed() -> None:
    assert page_refusal(Action.UPLOAD) == "You do not have access to this page (needs the analyst role)."
    assert page_refusal(Action.AUDIT_LOG) == "You do not have access to this page (needs the admin role)."


def test_claims_to_access() -> None:
    assert claim_list(None) == [] and claim_list("PMF-Admins") == ["PMF-Admins"]
    assert claim_list(["a", "b"]) == ["a", "b"]
    assert (
        email_from_claims({"email": "x@example.org", "preferred_username": "y@example.org"})
        == "x@example.org"
    )
    # preferred_username is never an email: in a multi-tenant provider the user's own tenant chooses it
    assert email_from_claims({"preferred_username": "y@example.org"}) is None
    assert email_from_claims({"preferred_username": "just-a-name"}) is None
    access = signed_in_access({"email": "Ann@example.org", "name": "Ann Analyst", "groups": ["x"]}, ROLES)
    assert access == Access(Role.ANALYST, "Ann@example.org", "Ann Analyst", signed_in=True)
    assert signed_in_access({"sub": "abc", "groups": "PMF-Admins"}, ROLES).role == Role.ADMIN
    entra = dataclasses.replace(ROLES, groups_claim="roles")
    assert signed_in_access({"email": "v@example.org", "roles": ["PMF-Admins"]}, entra).role == Role.ADMIN
    assert local_access("jo") == Access(Role.ADMIN, "jo", "jo", signed_in=False)


def test_preferred_username_never_gives_a_role() -> None:
    """Before: an Entra user of any tenant could set preferred_username to an admin's address."""
    claims = {"sub": "attacker", "preferred_username": "ada@example.org", "name": "Not Ada"}
    access = signed_in_access(claims, ROLES)
    assert access.role == Role.VIEWER and access.user == "attacker"
    assert signed_in_access(claims, REFUSING).role is None


@pytest.mark.parametrize("verified", [False, "false", "False", None, 0])
def test_unverified_email_gives_no_role_by_email_nor_by_default(verified: object) -> None:
    claims = {"sub": "s-1", "email": "ada@example.org", "email_verified": verified, "name": "Ada?"}
    access = signed_in_access(claims, ROLES)
    assert access.role is None
    assert access.user == "s-1"  # never recorded under an address nobody verified
    assert access.refusal.startswith("Your identity provider has not verified your email address")


def test_unverified_email_with_a_role_by_id_or_group() -> None:
    by_id = dataclasses.replace(ROLES, analyst_ids=frozenset({"s-1"}))
    claims = {"sub": "s-1", "email": "ada@example.org", "email_verified": False}
    assert signed_in_access(claims, by_id).role == Role.ANALYST  # not admin, as ada's email would give
    grouped = {**claims, "groups": ["PMF-Analysts"]}
    assert signed_in_access(grouped, ROLES).role == Role.ANALYST


@pytest.mark.parametrize("verified", [True, "true"])
def test_verified_email_gives_its_role(verified: object) -> None:
    claims = {"sub": "s-1", "email": "ada@example.org", "email_verified": verified}
    assert signed_in_access(claims, ROLES).role == Role.ADMIN


def test_roles_by_subject_or_object_id() -> None:
    roles = dataclasses.replace(
        REFUSING,
        admin_ids=frozenset({"0a1b-admin"}),
        analyst_ids=frozenset({"sub-ann"}),
        viewer_ids=frozenset({"sub-vera"}),
        viewers=frozenset({"viv@example.org"}),
    )
    assert signed_in_access({"sub": "pairwise-xyz", "oid": "0a1b-admin"}, roles).role == Role.ADMIN
    assert signed_in_access({"sub": "sub-ann"}, roles).role == Role.ANALYST
    assert signed_in_access({"sub": "sub-vera"}, roles).role == Role.VIEWER
    assert signed_in_access({"sub": "x", "email": "Viv@example.org"}, roles).role == Role.VIEWER
    assert signed_in_access({"sub": "SUB-ANN"}, roles).role is None  # ids are exact
    assert signed_in_access({"sub": "someone"}, roles).role is None


ENTRA = dataclasses.replace(
    ROLES,
    issuer="https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0",
    tenant_id="11111111-2222-3333-4444-555555555555",
)


def test_pinned_issuer_and_tenant() -> None:
    good = {
        "iss": "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0",
        "tid": "11111111-2222-3333-4444-555555555555",
        "email": "ada@example.org",
        "sub": "s",
    }
    assert signed_in_access(good, ENTRA).role == Role.ADMIN
    other_issuer = {
        **good,
        "iss": "https://login.microsoftonline.com/99999999-0000-0000-0000-000000000000/v2.0",
    }
    refused = signed_in_access(other_issuer, ENTRA)
    assert refused.role is None
    assert refused.refusal == (
        "Your account comes from an identity provider this dashboard does not accept: sign in with your "
        "organisation's account."
    )
    assert signed_in_access({k: v for k, v in good.items() if k != "iss"}, ENTRA).role is None
    other_tenant = signed_in_access({**good, "tid": "99999999-0000-0000-0000-000000000000"}, ENTRA)
    assert other_tenant.role is None and "another organisation's directory" in other_tenant.refusal
    assert signed_in_access({k: v for k, v in good.items() if k != "tid"}, ENTRA).role is None
    assert signed_in_access(other_issuer, ROLES).role == Role.ADMIN  # nothing pinned: not checked


def test_issuer_and_ids_are_read_from_roles(tmp_path: Path) -> None:
    from dashboard.core.config import load_settings

    path = _toml(
        tmp_path,
        """
[roles]
admin_ids = [" 0a1b-admin "]
viewers = ["Viv@Example.org"]
issuer = "https://issuer.example.org"
tenant_id = "tid-1"
""",
    )
    roles = load_settings(path).roles
    assert roles.admin_ids == frozenset({"0a1b-admin"}) and roles.viewers == frozenset({"viv@example.org"})
    assert (roles.issuer, roles.tenant_id) == ("https://issuer.example.org", "tid-1")
    assert settings().roles.issuer is None and settings().roles.tenant_id is None


# --- the [roles] configuration ------------------------------------------------------------------------------


def _toml(tmp_path: Path, roles: str) -> Path:
    return write_roles_config(tmp_path / "config.toml", roles)


def test_roles_section_is_read(tmp_path: Path) -> None:
    from dashboard.core.config import load_settings

    path = _toml(
        tmp_path,
        """
[roles]
admins = ["Ada@Example.org"]
analysts = ["ann@example.org"]
default_role = "none"
groups_claim = "roles"

[roles.groups]
"PMF-Admins" = "Admin"
"PMF-Analysts" = "analyst"
""",
    )
    roles = load_settings(path).roles
    assert roles == RoleSettings(
        admins=frozenset({"ada@example.org"}),
        analysts=frozenset({"ann@example.org"}),
        groups={"PMF-Admins": Role.ADMIN, "PMF-Analysts": Role.ANALYST},
        default_role=None,
        groups_claim="roles",
    )


def test_packaged_roles_and_no_roles_section() -> None:
    assert settings().roles == RoleSettings()  # nobody named: everyone signed in is a viewer
    assert settings_from_toml(_minimal(), Path("x.toml")).roles.default_role == Role.VIEWER


def _minimal() -> dict[str, Any]:
    import tomllib

    from dashboard.core.config import DEFAULT_CONFIG_PATH

    data = tomllib.loads(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    del data["roles"]
    return data


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        ({"default_role": "guest"}, "[roles] default_role is 'guest'"),
        ({"groups": {"X": "superuser"}}, "[roles.groups] 'X' is 'superuser'"),
        ({"groups": {"X": "none"}}, "leave the group out instead"),
        ({"admins": "ada@example.org"}, "[roles] admins must be a list of email addresses"),
    ],
)
def test_bad_roles_are_reported(roles: dict[str, Any], message: str) -> None:
    data = _minimal() | {"roles": roles}
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        settings_from_toml(data, Path("x.toml"))


# --- the app, per role --------------------------------------------------------------------------------------

FAKE_AUTH = {
    "auth": {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "test-cookie-secret",
        "client_id": "pmf",
        "client_secret": "secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
}
TEST_ROLES = """
[roles]
admins = ["ada@example.org"]
analysts = ["ann@example.org"]
default_role = "viewer"

[roles.groups]
"PMF-Admins" = "admin"
"""
REFUSED = "You do not have access to this page"


@pytest.fixture
def navigation(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Each st.navigation call of the app: the pages it shows (title -> visibility) and the menu's position."""
    import streamlit as st

    calls: list[dict[str, Any]] = []
    real = st.navigation

    def recording(pages: Any, **kwargs: Any) -> Any:
        shown = {p.title: p.visibility for section in pages.values() for p in section}
        calls.append({"pages": shown, "position": kwargs.get("position", "sidebar")})
        return real(pages, **kwargs)

    monkeypatch.setattr(st, "navigation", recording)
    return calls


@pytest.fixture
def signed_in_app(app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The app with sign-in configured (a fake [auth] secrets section) and TEST_ROLES; set `at.user`."""
    monkeypatch.setenv("PMF_CONFIG", str(write_roles_config(tmp_path / "config.toml", TEST_ROLES)))
    app.secrets = dict(FAKE_AUTH)
    yield app


def _sign_in(at: Any, email: str, **claims: Any) -> Any:
    at.user = {"is_logged_in": True, "email": email, "name": email.split("@")[0].title(), **claims}
    return open_app(at)


def _visible(navigation: list[dict[str, Any]]) -> list[str]:
    return [title for title, visibility in navigation[-1]["pages"].items() if visibility == "visible"]


ALL_PAGES = [
    "Overview",
    "KPI detail",
    "Training",
    "Audits",
    "Case reviews",
    "Action plan",
    "Partnership updates",
    "Reports",
    "Upload",
    "KPI catalogue",
    "Audit log",
]


def test_local_mode_everyone_is_an_admin_with_a_banner(app: Any, navigation: list[dict[str, Any]]) -> None:
    at = open_app(app)
    assert [m.value for m in at.main.markdown][:2] == [
        ":red-background[**OFFICIAL-SENSITIVE**]",
        ":orange-background[:material/lock_open: Local mode: no sign-in, so whoever uses this computer is an "
        "admin; the dashboard answers only on this computer (127.0.0.1).]",
    ]
    assert _visible(navigation) == ALL_PAGES
    assert "(admin role)" in " ".join(c.value for c in at.sidebar.caption)
    at.switch_page("app_pages/audit_log.py").run()
    assert not at.exception and at.title[0].value == "Audit log"


def test_signed_out_users_see_only_the_sign_in_screen(signed_in_app: Any, navigation) -> None:
    at = signed_in_app
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert navigation[-1]["position"] == "hidden" and _visible(navigation) == []
    assert "Local mode" not in all_text(at)  # sign-in is configured
    assert "Sign in with your organisation's account" in all_text(at)
    at.switch_page("app_pages/upload.py").run()  # a page's address, before signing in
    assert [b.label for b in at.button] == ["Sign in"] and not at.get("file_uploader")


def test_viewer_has_no_upload_page_and_its_address_is_refused(signed_in_app: Any, navigation) -> None:
    at = _sign_in(signed_in_app, "Vera@Example.org")
    assert _visible(navigation) == [p for p in ALL_PAGES if p not in ("Upload", "Audit log")]
    assert "Local mode" not in all_text(at)
    assert "Signed in as **Vera**" in [m.value for m in at.sidebar.markdown]
    assert "viewer role" in " ".join(c.value for c in at.sidebar.caption)
    at.switch_page("app_pages/upload.py").run()
    assert not at.exception
    assert [e.value for e in at.error] == ["You do not have access to this page (needs the analyst role)."]
    assert not at.get("file_uploader")
    at.switch_page("app_pages/audit_log.py").run()
    assert [e.value for e in at.error] == ["You do not have access to this page (needs the admin role)."]
    at.switch_page("app_pages/catalogue.py").run()
    assert not at.error and at.title[0].value == "KPI catalogue"
    assert "Save target" not in [b.label for b in at.button] and not at.get("form")


def test_analyst_has_upload_but_not_targets_and_uploads_under_their_email(
    signed_in_app: Any, navigation, sample_db: Path
) -> None:
    at = _sign_in(signed_in_app, "Ann@example.org")
    assert _visible(navigation) == [p for p in ALL_PAGES if p != "Audit log"]
    at.switch_page("app_pages/catalogue.py").run()
    assert not at.get("form") and "changed by the dashboard's admins" in all_text(at)
    at.switch_page("app_pages/audit_log.py").run()
    assert [e.value for e in at.error] == ["You do not have access to this page (needs the admin role)."]
    at.switch_page("app_pages/upload.py").run()
    assert not at.error
    at.file_uploader(key="upload").upload("more-training.xlsx", GOOD, XLSX).run()
    at.button(key="confirm").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Loaded more-training.xlsx as upload 6.")
    at.button(key="undo").click().run()
    at.button(key="undo_yes").click().run()
    assert at.success[0].value == "Undid upload 6 (more-training.xlsx)."
    con = duckdb.connect(str(sample_db))
    try:
        rows = con.execute("SELECT uploaded_by, undone_by FROM uploads WHERE upload_id = 6").fetchall()
    finally:
        con.close()
    assert rows == [("Ann@example.org", "Ann@example.org")]


def test_admin_by_group_has_everything_and_target_changes_are_logged(
    signed_in_app: Any, navigation, sample_db: Path
) -> None:
    at = _sign_in(signed_in_app, "gil@example.org", groups=["pmf-admins"])
    assert _visible(navigation) == ALL_PAGES
    at.switch_page("app_pages/catalogue.py").run()
    at.selectbox(key="target_kpi").set_value("TR02").run()
    at.number_input(key="target_value").set_value(90.0)
    at.text_input(key="target_reason").input("agreed by the PMF group")
    at.button[[b.label for b in at.button].index("Save target")].click().run()
    assert not at.exception and at.success[0].value == "TR02 target set to 90.0%."
    at.switch_page("app_pages/audit_log.py").run()
    assert not at.exception and at.title[0].value == "Audit log"
    log = at.dataframe[0].value
    assert list(log.columns) == ["When", "Who", "Action", "What"]
    assert log.iloc[0][["Who", "Action", "What"]].tolist() == [
        "gil@example.org",
        "target change",
        "TR02 target 85 -> 90 (agreed by the PMF group)",
    ]


def test_admin_by_email(signed_in_app: Any, navigation) -> None:
    _sign_in(signed_in_app, "ADA@example.org")
    assert _visible(navigation) == ALL_PAGES


def test_refused_user_sees_why_and_can_sign_out(
    signed_in_app: Any, navigation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    refusing = TEST_ROLES.replace('default_role = "viewer"', 'default_role = "none"')
    monkeypatch.setenv("PMF_CONFIG", str(write_roles_config(tmp_path / "refusing.toml", refusing)))
    at = signed_in_app
    at.user = {"is_logged_in": True, "email": "stranger@example.org"}
    at.run()
    assert not at.exception
    assert at.error[0].value.startswith("You are signed in as stranger@example\\.org, but you have no access")
    assert _visible(navigation) == [] and navigation[-1]["position"] == "hidden"
    at.button(key="sign_out").click().run()
    assert [b.label for b in at.button] == ["Sign in"]


def test_sign_out_returns_to_the_sign_in_screen(signed_in_app: Any, navigation) -> None:
    at = _sign_in(signed_in_app, "ann@example.org")
    at.sidebar.button(key="sign_out").click().run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]


# --- the audit log ------------------------------------------------------------------------------------------


@pytest.fixture
def audit_db(sample_db_template: Path, tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    path = tmp_path / "audit.duckdb"
    shutil.copy(sample_db_template, path)
    con = connect(path)
    yield con
    con.close()


def test_audit_log_lists_uploads_undos_and_target_changes_newest_first(
    audit_db: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    catalogue = {k.id: k for k in load_catalogue()}
    workbook = tmp_path / "training.xlsx"
    workbook.write_bytes(GOOD)
    load_file(audit_db, workbook, settings(), uploaded_by="ann@example.org")
    undo_latest(audit_db, "ann@example.org")
    set_target(audit_db, catalogue["TR02"], 90, None, "ada@example.org", "agreed by the PMF group")
    set_target(audit_db, catalogue["TR02"], 92, "10%", "ada@example.org", "")
    set_target(audit_db, catalogue["AP03"], None, "", "ada@example.org")
    log = audit_log(audit_db)
    assert tuple(log.columns) == COLUMNS
    assert log["at"].is_monotonic_decreasing
    assert log.drop(columns="at").head(5).values.tolist() == [
        ["ada@example.org", "target change", "AP03 target 30 -> none"],
        ["ada@example.org", "target change", "TR02 target 90 -> 92, tolerance default -> 10%"],
        ["ada@example.org", "target change", "TR02 target 85 -> 90 (agreed by the PMF group)"],
        ["ann@example.org", "undo", "undid upload 6 (training.xlsx)"],
        ["ann@example.org", "upload", "training.xlsx: training_sessions 2 added, 0 replaced"],
    ]
    sample = log[log["user"] == "sample data"]
    rows = sample_rows()  # the sample's row counts, as data/sample/README.md states them
    assert sample["detail"].tolist()[0] == (
        f"training.xlsx: training_sessions {rows['training_sessions']} added, 0 replaced; "
        f"training_attendance {rows['training_attendance']} added, 0 replaced"
    )
    assert set(log["action"]) == {"upload", "undo", "target change"}


def test_audit_log_describes_a_replace(audit_db: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    workbook = tmp_path / "training.xlsx"
    workbook.write_bytes(GOOD)
    load_file(audit_db, workbook, settings(), uploaded_by="ann@example.org", replace="training_sessions")
    first = audit_log(audit_db).iloc[0]
    assert first["action"] == "replace"
    assert first["detail"].startswith(
        "training.xlsx (replacing the whole training_sessions dataset): training_sessions 2 added, 0 replaced, "
    )
    assert first["detail"].endswith(" removed")


def test_audit_log_of_an_empty_database(tmp_path: Path) -> None:
    con = connect(tmp_path / "empty.duckdb")
    try:
        log = audit_log(con)
    finally:
        con.close()
    assert log.empty and tuple(log.columns) == COLUMNS


def test_local_mode_refuses_to_serve_on_a_network_address(app) -> None:
    """Without sign-in everyone is an admin: that is only safe on 127.0.0.1."""
    from streamlit import config as st_config

    previous = st_config.get_option("server.address")
    st_config.set_option("server.address", "0.0.0.0")
    try:
        at = app.run()
    finally:
        st_config.set_option("server.address", previous)
    assert not at.exception
    assert at.title[0].value == "Sign-in needed"
    assert "listening on a network address but sign-in is not configured" in at.error[0].value
    assert not at.metric  # no data shown
