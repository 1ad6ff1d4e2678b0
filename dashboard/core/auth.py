"""Who may do what: roles from a signed-in user's email and groups, and what each role may do.

Three roles, each with everything the one before has:
- viewer: every page and report;
- analyst: + the Upload page (load, replace, undo, templates);
- admin: + editing KPI targets on the catalogue page, + the Audit log page.

The roles come from the configuration's [roles] section (see default_config.toml). Local mode (no sign-in:
whoever uses this computer is an admin) is only ever an explicit choice (`pmf serve --local`, or
`[server] local_mode = true`). No Streamlit here: the app's sign-in gate calls these functions with st.user's
claims.

Claims are trusted only as far as they are verified: a user whose token says `email_verified = false`, or
whose issuer (`iss`) or Microsoft Entra tenant (`tid`) is not the one pinned in [roles], is refused; the
`email` claim is the only email (never `preferred_username`, which a user of another tenant may choose); and
[roles] may name people by their subject (`sub`) or object id (`oid`) instead of an email.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Protocol


class Settings(Protocol):
    """What the role rules need of the settings (dashboard.core.config.Settings has it)."""

    @property
    def roles(self) -> RoleSettings: ...


class Role(StrEnum):
    VIEWER = "viewer"
    ANALYST = "analyst"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)


class Action(StrEnum):
    VIEW = "view"  # every page and report
    UPLOAD = "upload"  # the Upload page: load, replace, undo, templates
    EDIT_TARGETS = "edit targets"  # change a KPI's target or tolerance on the catalogue page
    AUDIT_LOG = "audit log"  # the Audit log page


NEEDS: dict[Action, Role] = {
    Action.VIEW: Role.VIEWER,
    Action.UPLOAD: Role.ANALYST,
    Action.EDIT_TARGETS: Role.ADMIN,
    Action.AUDIT_LOG: Role.ADMIN,
}

#: [roles] default_role = "none": signed-in users named nowhere are refused.
NO_ROLE = "none"


@dataclass(frozen=True)
class RoleSettings:
    """The [roles] section: who gets which role once sign-in is configured."""

    admins: frozenset[str] = frozenset()  # emails, lower case
    analysts: frozenset[str] = frozenset()
    groups: Mapping[str, Role] = field(default_factory=dict)  # group name (any case) -> role
    default_role: Role | None = Role.VIEWER  # None: refuse everyone not named
    groups_claim: str = "groups"
    viewers: frozenset[str] = frozenset()  # emails, lower case (with default_role "none")
    admin_ids: frozenset[str] = frozenset()  # subject (sub) or Entra object (oid) ids, exactly as sent
    analyst_ids: frozenset[str] = frozenset()
    viewer_ids: frozenset[str] = frozenset()
    issuer: str | None = None  # the one issuer (iss claim) accepted; None: not checked
    tenant_id: str | None = None  # the one Microsoft Entra tenant (tid claim) accepted; None: not checked


def _norm(text: str) -> str:
    return text.strip().lower()


def parse_role(value: object, where: str) -> Role | None:
    """'viewer' / 'analyst' / 'admin' (any case); 'none' -> None. Anything else is a ValueError naming `where`."""
    text = _norm(str(value))
    if text == NO_ROLE:
        return None
    try:
        return Role(text)
    except ValueError:
        choices = ", ".join(f'"{r}"' for r in [*Role, NO_ROLE])
        raise ValueError(f"{where} is {value!r}: it must be one of {choices}") from None


def _roles(settings: Settings | RoleSettings) -> RoleSettings:
    return settings if isinstance(settings, RoleSettings) else settings.roles


def role_for(
    email: str | None,
    groups: Iterable[str],
    settings: Settings | RoleSettings,
    ids: Iterable[str] = (),
) -> Role | None:
    """The role of a signed-in user, or None when they are refused.

    The highest role that any rule gives wins: the email in [roles] admins, analysts or viewers (ignoring
    case), one of `ids` (the sub and oid claims) in admin_ids, analyst_ids or viewer_ids, any of the user's
    groups in [roles.groups]; otherwise [roles] default_role.
    """
    roles = _roles(settings)
    found: list[Role] = []
    if email:
        address = _norm(email)
        for names, role in (
            (roles.admins, Role.ADMIN),
            (roles.analysts, Role.ANALYST),
            (roles.viewers, Role.VIEWER),
        ):
            if address in names:
                found.append(role)
    for ident in ids:
        for names, role in (
            (roles.admin_ids, Role.ADMIN),
            (roles.analyst_ids, Role.ANALYST),
            (roles.viewer_ids, Role.VIEWER),
        ):
            if ident.strip() in names:
                found.append(role)
    group_roles = {_norm(name): role for name, role in roles.groups.items()}
    for group in groups:
        group_role = group_roles.get(_norm(group))
        if group_role is not None:
            found.append(group_role)
    if found:
        return max(found, key=lambda r: r.rank)
    return roles.default_role


def can(role: Role | None, action: Action | str) -> bool:
    """Whether `role` may do `action` (a refused user, None, may do nothing)."""
    if role is None:
        return False
    return role.rank >= NEEDS[Action(action)].rank


def role_needed(action: Action | str) -> Role:
    return NEEDS[Action(action)]


def page_refusal(action: Action | str) -> str:
    """What a user sees on a page their role may not open."""
    return f"You do not have access to this page (needs the {role_needed(action)} role)."


def claim_list(value: object) -> list[str]:
    """A groups claim as a list: providers send a list, a single string, or nothing."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return [str(v) for v in value]
    return [str(value)]


@dataclass(frozen=True)
class Access:
    """The person using a session: their role and the name their changes are recorded under."""

    role: Role | None  # None: signed in but refused
    user: str  # recorded as uploaded_by, undone_by, changed_by: the email, else the OS login name
    display_name: str
    signed_in: bool  # False in local mode
    refusal: str = ""  # why a signed-in user is refused (role None), in one sentence; "" for no reason given

    @property
    def local_mode(self) -> bool:
        return not self.signed_in

    def can(self, action: Action | str) -> bool:
        return can(self.role, action)


def local_access(os_user: str) -> Access:
    """Local mode (no sign-in configured): the person at this computer is an admin."""
    return Access(role=Role.ADMIN, user=os_user, display_name=os_user, signed_in=False)


def email_from_claims(claims: Mapping[str, object]) -> str | None:
    """The user's email: the `email` claim only. `preferred_username` is never an email: in a multi-tenant
    provider it is whatever the user's own tenant says."""
    value = claims.get("email")
    if isinstance(value, str) and "@" in value:
        return value.strip()
    return None


def _claim_text(claims: Mapping[str, object], key: str) -> str | None:
    value = claims.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _verified(value: object) -> bool:
    """email_verified as providers send it: true, or (some) the text "true"."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


UNVERIFIED_EMAIL = (
    "Your identity provider has not verified your email address, so it cannot give you access: verify it "
    "with your provider, or ask the dashboard's administrator to give you a role by your account id."
)


def claims_refusal(claims: Mapping[str, object], roles: RoleSettings) -> str:
    """Why these ID-token claims cannot be trusted at all, in one sentence; "" when they can."""
    if roles.issuer is not None:
        issuer = _claim_text(claims, "iss")
        if issuer is None or issuer.rstrip("/") != roles.issuer.rstrip("/"):
            return (
                "Your account comes from an identity provider this dashboard does not accept: sign in with "
                "your organisation's account."
            )
    if roles.tenant_id is not None:
        tenant = _claim_text(claims, "tid")
        if tenant is None or tenant.lower() != roles.tenant_id.lower():
            return (
                "Your account belongs to another organisation's directory: sign in with your "
                "organisation's account."
            )
    return ""


def signed_in_access(claims: Mapping[str, object], settings: Settings | RoleSettings) -> Access:
    """The access of a user signed in with OpenID Connect, from their ID token's claims (st.user).

    A token from another issuer or tenant than [roles] pins is refused. An email the provider says is not
    verified (`email_verified` false) is not used at all: such a user gets a role only by their account id
    or a group, never by the email nor by default_role, and is recorded under their subject id.
    """
    roles = _roles(settings)
    email = email_from_claims(claims)
    subject = _claim_text(claims, "sub")
    object_id = _claim_text(claims, "oid")
    ids = [i for i in (subject, object_id) if i]
    unverified = "email_verified" in claims and not _verified(claims.get("email_verified"))
    if unverified:
        email = None
    name = claims.get("name")
    user = email or subject or object_id or "unknown"
    display_name = str(name) if isinstance(name, str) and name.strip() and not unverified else user
    refusal = claims_refusal(claims, roles)
    if refusal:
        return Access(role=None, user=user, display_name=display_name, signed_in=True, refusal=refusal)
    groups = claim_list(claims.get(roles.groups_claim))
    if unverified:
        role = role_for(None, groups, replace(roles, default_role=None), ids)
        return Access(role, user, display_name, signed_in=True, refusal="" if role else UNVERIFIED_EMAIL)
    return Access(
        role=role_for(email, groups, roles, ids), user=user, display_name=display_name, signed_in=True
    )


LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def host_name(host_header: str | None) -> str | None:
    """The name in a Host header, lower case, without its port or a trailing dot ("[::1]:8501" -> "::1");
    None when there is none or it is malformed."""
    if host_header is None:
        return None
    text = host_header.strip().lower()
    if text.startswith("["):
        end = text.find("]")
        if end < 0 or (text[end + 1 :] and not text[end + 1 :].startswith(":")):
            return None
        name = text[1:end]
        port = text[end + 2 :] if text[end + 1 :] else ""
    else:
        name, _, port = text.partition(":")
    if port and not port.isdigit():
        return None
    name = name.rstrip(".")
    return name or None


def host_allowed(host_header: str | None, public_hosts: Iterable[str] = ()) -> bool:
    """Whether a request's Host header names this dashboard: localhost, 127.0.0.1 or [::1] (any port), or
    one of `public_hosts` (the configured public names, only when sign-in is on). Anything else, such as a
    page of another site whose name was made to resolve to 127.0.0.1 (DNS rebinding), is refused."""
    name = host_name(host_header)
    if name is None:
        return False
    return name in LOOPBACK_HOSTS or name in {h.strip().lower().rstrip(".") for h in public_hosts}
