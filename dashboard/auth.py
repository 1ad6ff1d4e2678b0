"""Who may do what: roles from a signed-in user's email and groups, and what each role may do.

Three roles, each with everything the one before has:
- viewer: every page and report;
- analyst: + the Upload page (load, replace, undo, templates);
- admin: + editing KPI targets on the catalogue page, + the Audit log page.

The roles come from the configuration's [roles] section (see default_config.toml). Without sign-in (no [auth]
section in .streamlit/secrets.toml) the dashboard runs in local mode, where whoever uses this computer is an
admin. No Streamlit here: the app's sign-in gate calls these functions with st.user's claims.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dashboard.config import Settings


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


def role_for(email: str | None, groups: Iterable[str], settings: Settings | RoleSettings) -> Role | None:
    """The role of a signed-in user, or None when they are refused.

    The highest role that any rule gives wins: the email in [roles] admins or analysts (ignoring case), any
    of the user's groups in [roles.groups]; otherwise [roles] default_role.
    """
    roles = _roles(settings)
    found: list[Role] = []
    if email:
        address = _norm(email)
        if address in roles.admins:
            found.append(Role.ADMIN)
        if address in roles.analysts:
            found.append(Role.ANALYST)
    group_roles = {_norm(name): role for name, role in roles.groups.items()}
    for group in groups:
        role = group_roles.get(_norm(group))
        if role is not None:
            found.append(role)
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

    @property
    def local_mode(self) -> bool:
        return not self.signed_in

    def can(self, action: Action | str) -> bool:
        return can(self.role, action)


def local_access(os_user: str) -> Access:
    """Local mode (no sign-in configured): the person at this computer is an admin."""
    return Access(role=Role.ADMIN, user=os_user, display_name=os_user, signed_in=False)


def email_from_claims(claims: Mapping[str, object]) -> str | None:
    """The user's email: the `email` claim, else `preferred_username` when it is an address (Entra ID's
    sign-in name, sent even when no email claim is configured)."""
    for key in ("email", "preferred_username"):
        value = claims.get(key)
        if isinstance(value, str) and "@" in value:
            return value.strip()
    return None


def signed_in_access(claims: Mapping[str, object], settings: Settings | RoleSettings) -> Access:
    """The access of a user signed in with OpenID Connect, from their ID token's claims (st.user)."""
    roles = _roles(settings)
    email = email_from_claims(claims)
    groups = claim_list(claims.get(roles.groups_claim))
    name = claims.get("name")
    subject = claims.get("sub")
    user = email or (str(subject) if subject else "unknown")
    return Access(
        role=role_for(email, groups, roles),
        user=user,
        display_name=str(name) if isinstance(name, str) and name.strip() else user,
        signed_in=True,
    )
