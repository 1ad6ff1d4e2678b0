"""Entry point: `pmf serve` (or `streamlit run dashboard/app/streamlit_app.py` from the app's folder). The
gate that fails closed, navigation per role, sidebar filters.

Before anything is shown, every page checks, in order (each refusal is one sentence and shows no data):
- the configuration reads and is consistent (dashboard/config.py);
- the server was started from the app's folder ([server] folder, else the project), so that its
  .streamlit/config.toml (showErrorDetails = "none") and secrets.toml are the ones in force;
- sign-in: an [auth] section in the secrets turns it on (roles from [roles], dashboard/auth.py); a secrets
  file that does not parse, an [auth] section missing a key, or the app folder's secrets.toml without [auth]
  stops the app; without sign-in the app runs only when local mode was chosen explicitly (`pmf serve
  --local`, or [server] local_mode = true), never as a fallback;
- the Host the browser asked for is this computer (localhost, 127.0.0.1, [::1]) or, with sign-in, a
  configured public name (a foreign name resolving to 127.0.0.1 is DNS rebinding);
- in local mode, the server listens on a loopback address only; the database exists and can be read.

The app never holds the database (connections.py): when another program is writing to it, a page says so in
one sentence and runs again a few seconds later; a damaged file is one sentence too, never an error page.

Every page is registered for every role, so that opening a page's address directly reaches this file; a
page the role may not use is hidden from the navigation and refused here, before the page runs.
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import duckdb
import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from dashboard.app import cache, components, connections, filters
from dashboard.app.connections import DatabaseBusy, DatabaseUnreadable, unreadable_message
from dashboard.core.auth import (
    Access,
    Action,
    host_allowed,
    host_name,
    local_access,
    page_refusal,
    signed_in_access,
)
from dashboard.core.config import ConfigError, Settings, settings
from dashboard.ingest.load import current_user
from dashboard.publish.suppression import SAMPLE_DATA_NOTICE

PAGES = Path(__file__).resolve().parent / "app_pages"

LOCAL_MODE_BANNER = (
    "Local mode: no sign-in, so whoever uses this computer is an admin; the dashboard answers only on this "
    "computer (127.0.0.1)."
)
#: The protective marking on every page: the dashboard names cases.
OFFICIAL_MARKING = "OFFICIAL-SENSITIVE"
AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
DEPLOYING = "see the README, 'Deploying with sign-in'"


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
    PageSpec("Areas", "updates.py", "Partnership updates", ":material/campaign:", "updates"),
    PageSpec("Areas", "reports.py", "Reports", ":material/description:", "reports"),
    PageSpec("Analysts", "upload.py", "Upload", ":material/upload_file:", "upload", Action.UPLOAD),
    PageSpec("Analysts", "catalogue.py", "KPI catalogue", ":material/menu_book:", "catalogue"),
    PageSpec(
        "Administration", "audit_log.py", "Audit log", ":material/history:", "audit-log", Action.AUDIT_LOG
    ),
)


class Refused(Exception):
    """The app must not run: the one-sentence reason is shown instead of any page."""

    def __init__(self, title: str, message: str) -> None:
        super().__init__(message)
        self.title = title


def _secrets_paths() -> list[Path]:
    return [Path(p) for p in (st.get_option("secrets.files") or [])]


def _parses(path: Path) -> bool:
    try:
        tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return True


def auth_section(cfg: Settings) -> dict[str, Any] | None:
    """The [auth] secrets section when sign-in is configured; None when it is not. Refused when the secrets
    cannot be trusted: a file that does not parse, an [auth] missing a key, or the app folder's secrets.toml
    without [auth] (sign-in was meant, and must not silently become local mode)."""
    try:
        has_auth = "auth" in st.secrets
    except (FileNotFoundError, StreamlitSecretNotFoundError) as exc:
        existing = [p for p in _secrets_paths() if p.exists()]
        if existing:
            # Name the file that does not parse (Streamlit reads several), not merely the last one found.
            broken = next((p for p in existing if not _parses(p)), existing[-1])
            raise Refused(
                "Sign-in settings unreadable",
                f"The secrets file {_plain(str(broken))} cannot be read, so sign-in cannot be checked "
                f"and the dashboard will not start: correct the file ({DEPLOYING}).",
            ) from exc
        has_auth = False
    if has_auth:
        section = st.secrets["auth"]
        missing = [k for k in AUTH_KEYS if not str(section.get(k, "") or "").strip()]
        if missing:
            raise Refused(
                "Sign-in settings incomplete",
                f"The \\[auth\\] section of the secrets has no {_plain(missing[0])}, so sign-in cannot "
                f"work and the dashboard will not start: add it ({DEPLOYING}).",
            )
        return dict(section)
    own = cfg.streamlit_folder / "secrets.toml"
    if own.exists():
        raise Refused(
            "Sign-in settings incomplete",
            f"The secrets file {_plain(str(own))} has no \\[auth\\] section, so sign-in is not "
            "configured and the dashboard will not start: add the section, or remove the file and start it "
            "with `pmf serve --local` for use on this computer only.",
        )
    return None


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def listening_on_loopback() -> bool:
    """Local mode is safe only when the server cannot be reached from another computer."""
    address = st.get_option("server.address")
    return bool(address) and (str(address) in LOOPBACK or str(address).startswith("127."))


def check_started_from_app_folder(cfg: Settings) -> None:
    """Streamlit reads .streamlit/config.toml and secrets.toml from the folder it is started in: refuse to
    run from any other, where the project's showErrorDetails = "none" and its secrets would be dropped."""
    here = Path.cwd().resolve()
    if here != cfg.app_folder:
        raise Refused(
            "Started from the wrong folder",
            f"The dashboard was started from {_plain(str(here))}, not from its folder "
            f"{_plain(str(cfg.app_folder))}, so its settings and sign-in would be ignored: start it with "
            "`pmf serve`.",
        )


def _redirect_host() -> str | None:
    """The host of [auth] redirect_uri, read without trusting the secrets any further (None if unreadable)."""
    try:
        section = st.secrets.get("auth", {})
        return urlsplit(str(section.get("redirect_uri", ""))).hostname or None
    except Exception:  # unreadable secrets are refused later, to a visitor at a name of this dashboard
        return None


def check_host(cfg: Settings | None) -> None:
    """Serve only the names of this dashboard (no DNS rebinding), before anything else is said: loopback,
    and with sign-in on the configured public hosts and the host of the sign-in redirect address. A foreign
    page's script can read what its own name is sent, so it is told nothing but this."""
    headers = st.context.headers
    if not headers:  # no HTTP request at all: the app is run in-process (AppTest), not served
        return
    redirect = _redirect_host()
    public = [*(cfg.public_hosts if cfg is not None else ()), redirect] if redirect else []
    host = headers.get("Host")
    if not host_allowed(host, [p for p in public if p]):
        raise Refused(
            "Wrong address",
            f"This dashboard does not answer to the address {_plain(host_name(host) or '(none)')}: open it at "
            "its own address.",
        )


def gate() -> tuple[Settings, dict[str, Any] | None]:
    """The settings and the [auth] section (None: local mode, explicitly chosen); Refused otherwise."""
    try:
        cfg: Settings | None = settings()
        problem = None
    except ConfigError as exc:
        cfg, problem = None, exc
    check_host(cfg)
    if cfg is None:
        raise Refused("Configuration error", f"The dashboard cannot start: {_plain(str(problem))}.")
    check_started_from_app_folder(cfg)
    auth = auth_section(cfg)
    if auth is None:
        if not cfg.local_mode_chosen:
            raise Refused(
                "Sign-in needed",
                "Sign-in is not configured and local mode was not chosen, so the dashboard will not start: "
                f"configure sign-in ({DEPLOYING}), or start it with `pmf serve --local` for use on this "
                "computer only.",
            )
        if not listening_on_loopback():
            raise Refused(
                "Sign-in needed",
                "This dashboard is listening on a network address but sign-in is not configured, so anyone "
                f"who can reach it would be an admin: configure sign-in ({DEPLOYING}), or start it with "
                "`pmf serve --local`, which listens on 127.0.0.1 only.",
            )
    missing = cache.missing_database()
    if missing is not None:
        raise Refused(
            "No database", f"There is no database at {_plain(str(missing))}: run `pmf init` to create it."
        )
    return cfg, auth


def who_is_here(cfg: Settings, auth: dict[str, Any] | None) -> Access | None:
    """The person using this session; None when sign-in is configured and nobody has signed in yet."""
    if auth is None:
        return local_access(current_user())
    if not st.user.get("is_logged_in"):
        return None
    return signed_in_access(st.user.to_dict(), cfg)


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


def sign_in_screen(cfg: Settings) -> None:
    st.title(f"{cfg.partnership_short_name or 'PMF'} performance dashboard")
    if cfg.partnership_name:
        st.caption(cfg.partnership_name)
    st.write("Sign in with your organisation's account to see the dashboard.")
    st.button("Sign in", type="primary", key="sign_in", icon=":material/login:", on_click=st.login)


def refused_screen(access: Access) -> None:
    st.title("No access")
    st.error(
        f"You are signed in as {_plain(access.user)}, but you have no access to this dashboard. "
        + (_plain(access.refusal) if access.refusal else "Ask its administrator to give you a role.")
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


#: What a page run may meet in a database file that is damaged or not a PMF database.
UNREADABLE = (DatabaseUnreadable, duckdb.IOException, duckdb.InternalException, duckdb.SerializationException)
logger = logging.getLogger(__name__)


def read_database() -> tuple[str, str]:
    """The data version of this run (cache.read_data_version); Refused when the file cannot be read."""
    try:
        return cache.read_data_version()
    except UNREADABLE as exc:
        logger.warning("the database cannot be read: %s", exc)
        raise Refused("Database unreadable", _plain(unreadable_message(str(cache.database_path())))) from exc


def database_unreadable(exc: BaseException) -> NoReturn:
    """The database failed while a page read it (damaged, or not a PMF database): one sentence, no trace."""
    logger.warning("the database could not be read during a page run", exc_info=exc)
    st.error(_plain(unreadable_message(str(cache.database_path()))))
    st.stop()
    raise AssertionError("st.stop() returned")  # pragma: no cover


def official_marking() -> None:
    """The protective marking, first on every page (and on every refusal)."""
    st.markdown(f":red-background[**{OFFICIAL_MARKING}**]")


def refuse(refused: Refused) -> NoReturn:
    """Show why the app will not run, with no navigation and no data, and stop."""
    st.navigation(navigation_pages(None), position="hidden")
    st.title(refused.title)
    st.error(str(refused))
    st.stop()
    raise AssertionError("st.stop() returned")  # pragma: no cover


st.set_page_config(page_title="PMF dashboard", page_icon=":material/monitoring:", layout="wide")
official_marking()


def serve() -> None:
    """This run: the gate, the data version, who is here, navigation, then the page."""
    try:
        cfg, auth = gate()
        # The data version, read once for this run: the filters, the banner and the page key their results
        # on it. The file is opened only if it changed since the last run (by this app or another program).
        data_key = read_database()
    except Refused as refused:
        st.session_state.access = None
        refuse(refused)
    except DatabaseBusy:
        st.navigation(navigation_pages(None), position="hidden")
        components.busy_then_retry()

    access = who_is_here(cfg, auth)
    st.session_state.access = access
    current = st.navigation(
        navigation_pages(access), position="sidebar" if access is not None and access.role else "hidden"
    )
    if access is None:
        sign_in_screen(cfg)
        st.stop()
    if access.role is None:
        refused_screen(access)
        st.stop()
    try:
        show_page(access, current, data_key)
    except DatabaseBusy:
        components.busy_then_retry()
    except UNREADABLE as exc:
        database_unreadable(exc)


def show_page(access: Access, current: Any, data_key: tuple[str, str]) -> None:
    """The sidebar filters, the banners, and the page, if this person may use it."""
    st.session_state.filters = filters.sidebar_filters()
    user_panel(access)
    if access.local_mode:
        # A highlighted line rather than st.warning: pages keep st.warning and st.info for their own messages.
        st.markdown(f":orange-background[:material/lock_open: {LOCAL_MODE_BANNER}]")
    if cache.holds_sample_data(*data_key):
        st.markdown(f":blue-background[:material/science: {SAMPLE_DATA_NOTICE}]")
    needs = next((s.needs for s in PAGE_SPECS if s.url_path == (current.url_path or "")), Action.VIEW)
    if not access.can(needs):
        st.error(page_refusal(needs))
        st.stop()
    current.run()


# One read-only connection for the whole run, opened at its first read and closed at its end (connections.py).
with connections.one_reader_per_run():
    serve()
