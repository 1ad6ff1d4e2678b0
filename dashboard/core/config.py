"""Settings: one TOML file (PMF_CONFIG overrides its path) holding everything a partnership may change.

The whole file is checked when it is read: a wrong value is a ConfigError of one line naming its key
(`[publication] suppression_threshold is 0: it must be a whole number, 1 or more`), never a traceback later.
The settings in force are read again whenever the file changes (its modification time or size), so a
changed [roles] takes effect on the next page view.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from dashboard.core.auth import Role, RoleSettings, parse_role

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # dashboard/ (this file is dashboard/core/config.py)
PROJECT_DIR = PACKAGE_DIR.parent
DEFAULT_CONFIG_PATH = PACKAGE_DIR / "default_config.toml"
QUERIES_DIR = PROJECT_DIR / "queries"

#: Set to 1 by `pmf serve --local`: the explicit choice of local mode for this server.
LOCAL_MODE_ENV = "PMF_LOCAL_MODE"


#: What asks for every locality together (any case), where a locality may be named.
ALL_LOCALITIES_WORDS = ("all", "all localities")


class ConfigError(ValueError):
    """The configuration file is missing, unreadable or inconsistent."""


class UnknownLocalityError(ValueError):
    """A locality was asked for by a name that is neither a locality, the area-wide value nor a synonym."""


@dataclass(frozen=True)
class Settings:
    partnership_name: str
    partnership_short_name: str
    database_path: Path
    sample_dir: Path
    localities: tuple[str, ...]
    area_wide: str
    locality_synonyms: dict[str, str]
    agencies: tuple[str, ...]
    agency_synonyms: dict[str, str]
    tolerance_points: float
    tolerance_relative: float
    action_due_soon_days: int
    suppression_threshold: int
    min_denominator: int = 5
    earliest_date: date = date(2000, 4, 1)
    latest_years_ahead: int = 1
    source: Path = field(default=DEFAULT_CONFIG_PATH)
    roles: RoleSettings = field(default_factory=RoleSettings)
    local_mode: bool = False  # [server] local_mode: no sign-in, whoever uses this computer is an admin
    app_folder: Path = PROJECT_DIR  # [server] folder: where .streamlit/ (config.toml, secrets.toml) lives
    public_hosts: tuple[str, ...] = ()  # [server] public_hosts: served besides loopback when sign-in is on

    @property
    def all_localities(self) -> tuple[str, ...]:
        """The named localities and the area-wide value, in display order."""
        return (*self.localities, self.area_wide)

    def locality_named(self, text: str) -> str | None:
        """The locality (or the area-wide value) that `text` names, ignoring case and spacing, synonyms
        included; None when it names none."""
        return self.locality_synonyms.get(_norm(text))

    def resolve_locality(self, text: str | None) -> str | None:
        """A locality asked for by name: None (every locality together) for None, "all" or "All
        localities"; else the locality it names. UnknownLocalityError when it names none."""
        if text is None or text.strip().lower() in ALL_LOCALITIES_WORDS:
            return None
        found = self.locality_named(text)
        if found is None:
            raise UnknownLocalityError(
                f"unknown locality {text!r}: use one of {', '.join(self.all_localities)} or all"
            )
        return found

    @property
    def latest_date(self) -> date:
        """The last plausible date in an upload: today plus latest_years_ahead years (29 Feb -> 28 Feb)."""
        today = date.today()
        try:
            return today.replace(year=today.year + self.latest_years_ahead)
        except ValueError:
            return today.replace(year=today.year + self.latest_years_ahead, day=28)

    @property
    def local_mode_chosen(self) -> bool:
        """Local mode was chosen explicitly: `[server] local_mode = true`, or `pmf serve --local`."""
        return self.local_mode or os.environ.get(LOCAL_MODE_ENV, "") == "1"

    @property
    def streamlit_folder(self) -> Path:
        """The .streamlit folder the app must be started with (its config.toml and secrets.toml)."""
        return self.app_folder / ".streamlit"


def _norm(text: str) -> str:
    return " ".join(text.strip().lower().split())


# --- checked reading ------------------------------------------------------------------------------------

#: Every key the file may hold, per section: anything else is a typo (`suppresion_threshold`) and an error.
KNOWN_KEYS: dict[str, frozenset[str]] = {
    "partnership": frozenset({"name", "short_name"}),
    "database": frozenset({"path", "sample_dir"}),
    "localities": frozenset({"name", "synonyms"}),
    "area_wide": frozenset({"name", "synonyms"}),
    "agencies": frozenset({"names", "synonyms"}),
    "rag": frozenset({"tolerance_points", "tolerance_relative", "action_due_soon_days", "min_denominator"}),
    "dates": frozenset({"earliest", "latest_years_ahead"}),
    "publication": frozenset({"suppression_threshold"}),
    "server": frozenset({"local_mode", "folder", "public_hosts"}),
    "roles": frozenset(
        {
            "admins",
            "analysts",
            "viewers",
            "admin_ids",
            "analyst_ids",
            "viewer_ids",
            "default_role",
            "groups_claim",
            "groups",
            "issuer",
            "tenant_id",
        }
    ),
}


def _table(data: dict[str, Any], name: str, required: bool = False) -> dict[str, Any]:
    if name not in data:
        if required:
            raise ConfigError(f"[{name}] is missing")
        return {}
    value = data[name]
    if not isinstance(value, dict):
        raise ConfigError(f"[{name}] must be a table (a [{name}] section), not {value!r}")
    unknown = sorted(set(value) - KNOWN_KEYS[name])
    if unknown:
        raise ConfigError(f"[{name}] has an unknown key {unknown[0]!r}: the keys are {_keys(name)}")
    return value


def _keys(section: str) -> str:
    return ", ".join(sorted(KNOWN_KEYS[section]))


def _text(value: Any, where: str, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise ConfigError(f"{where} is {value!r}: it must be {'text' if allow_empty else 'non-empty text'}")
    return value.strip()


def _texts(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where} is {value!r}: it must be a list of non-empty texts")
    return [v.strip() for v in value]


def _whole(
    section: dict[str, Any], key: str, where: str, default: int, minimum: int, maximum: int | None = None
) -> int:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{where} {key} is {value!r}: it must be a whole number, {minimum} or more")
    if maximum is not None and value > maximum:
        raise ConfigError(
            f"{where} {key} is {value!r}: it must be a whole number from {minimum} to {maximum}"
        )
    return value


def _number(
    section: dict[str, Any], key: str, where: str, default: float, maximum: float | None = None
) -> float:
    value = section.get(key, default)
    fine = isinstance(value, int | float) and not isinstance(value, bool) and value == value and value >= 0
    if not fine or (maximum is not None and value > maximum):
        limit = f"from 0 to {maximum:g}" if maximum is not None else "0 or more"
        raise ConfigError(f"{where} {key} is {value!r}: it must be a number {limit}")
    return float(value)


def _flag(section: dict[str, Any], key: str, where: str, default: bool) -> bool:
    value = section.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"{where} {key} is {value!r}: it must be true or false")
    return value


def _names(
    entries: list[tuple[str, list[str]]], section: str, what: str, others: dict[str, str] | None = None
) -> dict[str, str]:
    """Each spelling (the names and their synonyms, ignoring case and spaces) -> its name, refusing a
    spelling that two names share; `others` are names of another kind that no spelling here may take."""
    mapping: dict[str, str] = {}
    for name, _ in entries:
        key = _norm(name)
        if key in mapping:
            raise ConfigError(f"{section} names {what} {name!r} twice")
        if others and key in others:
            raise ConfigError(f"{section} {name!r} is also the name of {others[key]!r}")
        mapping[key] = name
    for name, spellings in entries:
        for spelling in spellings:
            key = _norm(spelling)
            if others and key in others:
                raise ConfigError(
                    f"{section} synonym {spelling!r} of {name!r} is also the name of {others[key]!r}"
                )
            taken = mapping.setdefault(key, name)
            if taken != name:
                raise ConfigError(
                    f"{section} synonym {spelling!r} of {name!r} already means {taken!r}: a spelling may "
                    "stand for one name only"
                )
    return mapping


def _synonym_entries(value: Any, where: str) -> list[str]:
    return [] if value is None else _texts(value, f"{where} synonyms")


def _places(data: dict[str, Any]) -> tuple[list[str], str, dict[str, str]]:
    """The localities, the area-wide value and every spelling of either."""
    localities = data.get("localities")
    if not isinstance(localities, list) or not localities:
        raise ConfigError("[[localities]] is missing: name at least one locality")
    entries: list[tuple[str, list[str]]] = []
    for number, loc in enumerate(localities, start=1):
        where = f"[[localities]] number {number}"
        if not isinstance(loc, dict):
            raise ConfigError(f"{where} must be a table with a name")
        unknown = sorted(set(loc) - KNOWN_KEYS["localities"])
        if unknown:
            raise ConfigError(f"{where} has an unknown key {unknown[0]!r}: the keys are name, synonyms")
        name = _text(loc.get("name"), f"{where} name")
        entries.append((name, _synonym_entries(loc.get("synonyms"), f"[[localities]] {name!r}")))
    area = _table(data, "area_wide", required=True)
    area_name = _text(area.get("name"), "[area_wide] name")
    names = {_norm(n): n for n, _ in entries}
    if _norm(area_name) in names:
        raise ConfigError(
            f"[area_wide] name {area_name!r} is also a locality: the area-wide value must be another name"
        )
    # Names first (so a duplicate locality is reported as such), then every synonym against every name.
    _names(entries, "[[localities]]", "the locality")
    area_entry = (area_name, _synonym_entries(area.get("synonyms"), "[area_wide]"))
    mapping = _names([*entries, area_entry], "[[localities]] / [area_wide]", "the place")
    return [n for n, _ in entries], area_name, mapping


def _agencies(data: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    section = _table(data, "agencies", required=True)
    if "names" not in section:
        raise ConfigError("[agencies] names is missing: list the agencies")
    names = _texts(section["names"], "[agencies] names")
    if not names:
        raise ConfigError("[agencies] names is empty: list the agencies")
    synonyms = section.get("synonyms", {})
    if not isinstance(synonyms, dict):
        raise ConfigError("[agencies.synonyms] must be a table of agency name = [other spellings]")
    for name in synonyms:
        if name not in names:
            raise ConfigError(f"[agencies.synonyms] {name!r} is not one of [agencies] names")
    entries = [(n, _synonym_entries(synonyms.get(n), f"[agencies.synonyms] {n!r}")) for n in names]
    return names, _names(entries, "[agencies]", "the agency")


def _earliest(section: dict[str, Any]) -> date:
    value = section.get("earliest", date(2000, 4, 1))
    day: date | None = None
    if isinstance(value, date) and not hasattr(value, "hour"):
        day = value
    elif isinstance(value, str):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            day = None
    if day is None:
        raise ConfigError(f'[dates] earliest is {value!r}: it must be a date such as "2000-04-01"')
    if day >= date.today():  # every date in every upload would be refused
        raise ConfigError(f"[dates] earliest is {value!r}: it must be a date before today")
    return day


def _emails(value: Any, where: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of email addresses")
    return frozenset(v.strip().lower() for v in value if v.strip())


def _ids(value: Any, where: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of subject or object ids (the sub or oid claim)")
    return frozenset(v.strip() for v in value if v.strip())


def roles_from_toml(section: Any) -> RoleSettings:
    """The [roles] section: who gets which role once sign-in is configured (absent: everyone a viewer)."""
    if not isinstance(section, dict):
        raise ConfigError("[roles] must be a table")
    unknown = sorted(set(section) - KNOWN_KEYS["roles"])
    if unknown:
        raise ConfigError(f"[roles] has an unknown key {unknown[0]!r}: the keys are {_keys('roles')}")
    groups = section.get("groups", {})
    if not isinstance(groups, dict):
        raise ConfigError("[roles.groups] must be a table of group name = role")
    try:
        group_roles: dict[str, Role] = {}
        for name, value in groups.items():
            role = parse_role(value, f"[roles.groups] {name!r}")
            if role is None:
                raise ConfigError(f'[roles.groups] {name!r} is "none": leave the group out instead')
            group_roles[str(name)] = role
        default_role = parse_role(section.get("default_role", "viewer"), "[roles] default_role")
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    claim = section.get("groups_claim", "groups")
    if not isinstance(claim, str) or not claim.strip():
        raise ConfigError('[roles] groups_claim must be the name of a claim, such as "groups"')
    issuer = _text(section.get("issuer", ""), "[roles] issuer", allow_empty=True)
    tenant = _text(section.get("tenant_id", ""), "[roles] tenant_id", allow_empty=True)
    return RoleSettings(
        admins=_emails(section.get("admins", []), "[roles] admins"),
        analysts=_emails(section.get("analysts", []), "[roles] analysts"),
        viewers=_emails(section.get("viewers", []), "[roles] viewers"),
        admin_ids=_ids(section.get("admin_ids", []), "[roles] admin_ids"),
        analyst_ids=_ids(section.get("analyst_ids", []), "[roles] analyst_ids"),
        viewer_ids=_ids(section.get("viewer_ids", []), "[roles] viewer_ids"),
        groups=group_roles,
        default_role=default_role,
        groups_claim=claim.strip(),
        issuer=issuer or None,
        tenant_id=tenant or None,
    )


def _host(value: str, where: str) -> str:
    host = value.strip().lower().rstrip(".")
    if not host or any(c in host for c in "/:@ ") and not host.startswith("["):
        raise ConfigError(
            f'{where} {value!r} is not a host name: give the name only, such as "pmf.example.org"'
        )
    return host


def settings_from_toml(data: dict[str, Any], source: Path) -> Settings:
    unknown = sorted(set(data) - set(KNOWN_KEYS))
    if unknown:
        raise ConfigError(
            f"unknown section [{unknown[0]}]: the sections are {', '.join(f'[{k}]' for k in KNOWN_KEYS)}"
        )
    partnership = _table(data, "partnership")
    localities, area_wide, locality_synonyms = _places(data)
    agencies, agency_synonyms = _agencies(data)
    database = _table(data, "database", required=True)
    if "path" not in database:
        raise ConfigError("[database] path is missing")
    db_text = os.environ.get("PMF_DB") or _text(database["path"], "[database] path")
    sample_dir = Path(_text(database.get("sample_dir", "data/sample"), "[database] sample_dir"))
    if not sample_dir.is_absolute():
        sample_dir = PROJECT_DIR / sample_dir
    rag = _table(data, "rag")
    dates = _table(data, "dates")
    publication = _table(data, "publication")
    server = _table(data, "server")
    folder_text = _text(server.get("folder", ""), "[server] folder", allow_empty=True)
    folder = Path(folder_text).expanduser() if folder_text else PROJECT_DIR
    if not folder.is_absolute():
        folder = PROJECT_DIR / folder
    hosts = _texts(server.get("public_hosts", []), "[server] public_hosts")
    return Settings(
        partnership_name=_text(partnership.get("name", ""), "[partnership] name", allow_empty=True),
        partnership_short_name=_text(
            partnership.get("short_name", ""), "[partnership] short_name", allow_empty=True
        ),
        database_path=Path(db_text),
        sample_dir=sample_dir,
        localities=tuple(localities),
        area_wide=area_wide,
        locality_synonyms=locality_synonyms,
        agencies=tuple(agencies),
        agency_synonyms=agency_synonyms,
        tolerance_points=_number(rag, "tolerance_points", "[rag]", 5.0, maximum=100),
        tolerance_relative=_number(rag, "tolerance_relative", "[rag]", 0.10, maximum=1),
        action_due_soon_days=_whole(rag, "action_due_soon_days", "[rag]", 30, 0, 3650),
        suppression_threshold=_whole(publication, "suppression_threshold", "[publication]", 5, 1),
        min_denominator=_whole(rag, "min_denominator", "[rag]", 5, 1),
        earliest_date=_earliest(dates),
        latest_years_ahead=_whole(dates, "latest_years_ahead", "[dates]", 1, 0, 100),
        source=source,
        roles=roles_from_toml(data.get("roles", {})),
        local_mode=_flag(server, "local_mode", "[server]", False),
        app_folder=folder.resolve(),
        public_hosts=tuple(_host(h, "[server] public_hosts") for h in hosts),
    )


def load_settings(path: Path | str | None = None) -> Settings:
    """Read and check the configuration: `path`, else $PMF_CONFIG, else the packaged HSSCP defaults."""
    chosen = Path(path or os.environ.get("PMF_CONFIG") or DEFAULT_CONFIG_PATH)
    try:
        with chosen.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ConfigError(f"configuration file {chosen} not found") from exc
    except IsADirectoryError as exc:
        raise ConfigError(f"configuration file {chosen} is a folder") from exc
    except OSError as exc:
        raise ConfigError(f"configuration file {chosen} cannot be read: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"configuration file {chosen} is not valid TOML: {exc}") from exc
    try:
        return settings_from_toml(data, chosen)
    except ConfigError as exc:
        raise ConfigError(f"configuration file {chosen}: {exc}") from None


def _file_state(path: str | None) -> tuple[int, int]:
    """The configuration file's modification time and size: (0, 0) when it cannot be read (load says why)."""
    try:
        found = os.stat(path or DEFAULT_CONFIG_PATH)
    except OSError:
        return (0, 0)
    return (found.st_mtime_ns, found.st_size)


@lru_cache(maxsize=4)
def _cached_settings(path: str | None, pmf_db: str | None, state: tuple[int, int]) -> Settings:
    return load_settings(path)


def settings() -> Settings:
    """The settings in force: read again whenever PMF_CONFIG, PMF_DB or the file itself changes (one stat
    call per use, so a changed [roles] takes effect on the next page view)."""
    path = os.environ.get("PMF_CONFIG") or None
    return _cached_settings(path, os.environ.get("PMF_DB"), _file_state(path))
