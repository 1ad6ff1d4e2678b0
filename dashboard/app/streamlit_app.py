"""Entry point: `streamlit run dashboard/app/streamlit_app.py` (or `pmf serve`). Sign-in gate, navigation per
role, sidebar filters.

Sign-in (OpenID Connect, st.login) is on when .streamlit/secrets.toml has an [auth] section; roles come from
the configuration's [roles] (dashboard/auth.py). Without it the dashboard runs in local mode: whoever uses
this computer is an admin, and a banner says the dashboard must only be reachable from this computer.

Every page is registered for every role, so that opening a page's address directly reaches this file; a
page the role may not use is hidden from the navigation and refused here, before the page runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from dashboard.app import filters, state
from dashboard.auth import Access, Action, local_access, page_refusal, signed_in_access
from dashboard.ingest import current_user

PAGES = Path(__file__).resolve().parent / "app_pages"

LOCAL_MODE_BANNER = (
    "Local mode: sign-in is not configured, so this dashboard must only be reachable from this computer "
    "(it listens on 127.0.0.1)."
)


@dataclass(frozen=True)
class PageSpec:
    section: str
    file: str
    title: str
    icon: str
    url_path: str  # the page's address: /<url_path> ("" for the overview)
    needs: Action = Action.VIEW


PAGE_SPECS = (
    PageSpec("Executive", "overview.py", "Overview", ":material/dashboard:", ""),
    PageSpec("Executive", "kpi_detail.py", "KPI detail", ":material/query_stats:", "kpi"),
    PageSpec("Areas", "training.py", "Training", ":material/school:", "training"),
    PageSpec("Areas", "audits.py", "Audits", ":material/fact_check:", "audits"),
    PageSpec("Areas", "case_reviews.py", "Case reviews", ":material/timeline:", "reviews"),
    PageSpec("Areas", "action_plan.py", "Action plan", ":material/checklist:", "actions"),
    PageSpec("Areas", "reports.py", "Reports", ":material/description:", "reports"),
    PageSpec("Analysts", "upload.py", "Upload", ":material/upload_file:", "upload", Action.UPLOAD),
    PageSpec("Analysts", "catalogue.py", "KPI catalogue", ":material/menu_book:", "catalogue"),
    PageSpec(
        "Administration", "audit_log.py", "Audit log", ":material/history:", "audit-log", Action.AUDIT_LOG
    ),
)


def sign_in_configured() -> bool:
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, StreamlitSecretNotFoundError):  # no secrets.toml at all
        return False


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def listening_on_loopback() -> bool:
    """Local mode is safe only when the server cannot be reached from another computer."""
    address = st.get_option("server.address")
    return bool(address) and (str(address) in LOOPBACK or str(address).startswith("127."))


def who_is_here() -> Access | None:
    """The person using this session; None when sign-in is configured and nobody has signed in yet."""
    if not sign_in_configured():
        return local_access(current_user())
    if not st.user.get("is_logged_in"):
        return None
    return signed_in_access(st.user.to_dict(), state.app_settings())


def navigation_pages(access: Access | None) -> dict[str, list[st.Page]]:
    """The st.navigation sections for `access`: the pages it may use, and the others hidden (so that their
    address still comes here, to be refused with a reason rather than Streamlit's "page not found")."""
    sections: dict[str, list[st.Page]] = {}
    hidden: list[st.Page] = []
    for spec in PAGE_SPECS:
        allowed = access is not None and access.can(spec.needs)
        page = st.Page(
            PAGES / spec.file,
            title=spec.title,
            icon=spec.icon,
            url_path=spec.url_path or None,
            default=spec.url_path == "",
            visibility="visible" if allowed else "hidden",
        )
        (sections.setdefault(spec.section, []) if allowed else hidden).append(page)
    # Hidden pages go in the first section, so that no section header shows with nothing under it.
    first = next(iter(sections), PAGE_SPECS[0].section)
    sections.setdefault(first, []).extend(hidden)
    return sections


def _plain(text: str) -> str:
    """Text from an identity provider, shown as written rather than as Markdown."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", text)


def sign_in_screen() -> None:
    cfg = state.app_settings()
    st.title(f"{cfg.partnership_short_name or 'PMF'} performance dashboard")
    if cfg.partnership_name:
        st.caption(cfg.partnership_name)
    st.write("Sign in with your organisation's account to see the dashboard.")
    st.button("Sign in", type="primary", key="sign_in", icon=":material/login:", on_click=st.login)


def refused_screen(access: Access) -> None:
    st.title("No access")
    st.error(
        f"You are signed in as {_plain(access.user)}, but you have no access to this dashboard. "
        "Ask its administrator to give you a role."
    )
    st.button("Sign out", key="sign_out", icon=":material/logout:", on_click=st.logout)


def user_panel(access: Access) -> None:
    with st.sidebar:
        st.divider()
        if access.signed_in:
            st.markdown(f"Signed in as **{_plain(access.display_name)}**")
            st.caption(f"{_plain(access.user)} · {access.role} role")
            st.button("Sign out", key="sign_out", icon=":material/logout:", on_click=st.logout)
        else:
            st.caption(f"Local mode: {_plain(access.user)} ({access.role} role)")


st.set_page_config(page_title="PMF dashboard", page_icon=":material/monitoring:", layout="wide")

access = who_is_here()
st.session_state.access = access
current = st.navigation(
    navigation_pages(access), position="sidebar" if access is not None and access.role else "hidden"
)
if access is None:
    sign_in_screen()
    st.stop()
if access.role is None:
    refused_screen(access)
    st.stop()

if access.local_mode and not listening_on_loopback():
    st.title("Sign-in needed")
    st.error(
        "This dashboard is listening on a network address but sign-in is not configured, so anyone who can "
        "reach it would be an admin. Configure sign-in (see the README, 'Deploying with sign-in'), or start it "
        "with `pmf serve`, which listens on 127.0.0.1 only."
    )
    st.stop()

st.session_state.filters = filters.sidebar_filters()
user_panel(access)
if access.local_mode:
    # A highlighted line rather than st.warning: pages keep st.warning and st.info for their own messages.
    st.markdown(f":orange-background[:material/lock_open: {LOCAL_MODE_BANNER}]")
needs = next((s.needs for s in PAGE_SPECS if s.url_path == (current.url_path or "")), Action.VIEW)
if not access.can(needs):
    st.error(page_refusal(needs))
    st.stop()
current.run()
