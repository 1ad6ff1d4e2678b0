"""Settings: one TOML file (PMF_CONFIG overrides its path) holding everything a partnership may change."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date
from pathlib import Path
from typing import Any

from dashboard.auth import Role, RoleSettings, parse_role

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
DEFAULT_CONFIG_PATH = PACKAGE_DIR / "default_config.toml"
QUERIES_DIR = PROJECT_DIR / "queries"


class ConfigError(ValueError):
    """The configuration file is missing, unreadable or inconsistent."""


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

    @property
    def all_localities(self) -> tuple[str, ...]:
        """The named localities and the area-wide value, in display order."""
        return (*self.localities, self.area_wide)

    @property
    def latest_date(self) -> date:
        """The last plausible date in an upload: today plus latest_years_ahead years (29 Feb -> 28 Feb)."""
        today = date.today()
        try:
            return today.replace(year=today.year + self.latest_years_ahead)
        except ValueError:
            return today.replace(year=today.year + self.latest_years_ahead, day=28)


def _norm(text: str) -> str:
    return " ".join(text.strip().lower().split())


def _synonym_map(canonical: list[str], extra: dict[str, list[str]]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for name in canonical:
        mapping[_norm(name)] = name
    for name, spellings in extra.items():
        if name not in canonical:
            raise ConfigError(f"synonyms given for {name!r}, which is not in the list")
        for spelling in spellings:
            mapping[_norm(spelling)] = name
    return mapping


def _require(data: dict[str, Any], dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ConfigError(f"configuration has no {dotted!r}")
        node = node[part]
    return node


def _emails(value: Any, where: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of email addresses")
    return frozenset(v.strip().lower() for v in value if v.strip())


def roles_from_toml(section: Any) -> RoleSettings:
    """The [roles] section: who gets which role once sign-in is configured (absent: everyone a viewer)."""
    if not isinstance(section, dict):
        raise ConfigError("[roles] must be a table")
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
    return RoleSettings(
        admins=_emails(section.get("admins", []), "[roles] admins"),
        analysts=_emails(section.get("analysts", []), "[roles] analysts"),
        groups=group_roles,
        default_role=default_role,
        groups_claim=claim.strip(),
    )


def settings_from_toml(data: dict[str, Any], source: Path) -> Settings:
    localities = _require(data, "localities")
    names = [str(loc["name"]) for loc in localities]
    area = _require(data, "area_wide")
    loc_extra = {str(loc["name"]): [str(s) for s in loc.get("synonyms", [])] for loc in localities}
    loc_extra[str(area["name"])] = [str(s) for s in area.get("synonyms", [])]
    agencies = [str(a) for a in _require(data, "agencies.names")]
    agency_extra = {str(k): [str(s) for s in v] for k, v in data["agencies"].get("synonyms", {}).items()}
    db_path = Path(os.environ.get("PMF_DB") or _require(data, "database.path"))
    sample_dir = Path(data.get("database", {}).get("sample_dir", "data/sample"))
    if not sample_dir.is_absolute():
        sample_dir = PROJECT_DIR / sample_dir
    rag = data.get("rag", {})
    return Settings(
        partnership_name=str(data.get("partnership", {}).get("name", "")),
        partnership_short_name=str(data.get("partnership", {}).get("short_name", "")),
        database_path=db_path,
        sample_dir=sample_dir,
        localities=tuple(names),
        area_wide=str(area["name"]),
        locality_synonyms=_synonym_map([*names, str(area["name"])], loc_extra),
        agencies=tuple(agencies),
        agency_synonyms=_synonym_map(agencies, agency_extra),
        tolerance_points=float(rag.get("tolerance_points", 5.0)),
        tolerance_relative=float(rag.get("tolerance_relative", 0.10)),
        action_due_soon_days=int(rag.get("action_due_soon_days", 30)),
        suppression_threshold=int(data.get("publication", {}).get("suppression_threshold", 5)),
        min_denominator=int(rag.get("min_denominator", 5)),
        earliest_date=date.fromisoformat(str(data.get("dates", {}).get("earliest", "2000-04-01"))),
        latest_years_ahead=int(data.get("dates", {}).get("latest_years_ahead", 1)),
        source=source,
        roles=roles_from_toml(data.get("roles", {})),
    )


def load_settings(path: Path | str | None = None) -> Settings:
    """Read the configuration: `path`, else $PMF_CONFIG, else the packaged HSSCP defaults."""
    chosen = Path(path or os.environ.get("PMF_CONFIG") or DEFAULT_CONFIG_PATH)
    try:
        with chosen.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ConfigError(f"configuration file {chosen} not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"configuration file {chosen} is not valid TOML: {exc}") from exc
    try:
        return settings_from_toml(data, chosen)
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"configuration file {chosen} is incomplete: {exc}") from exc


@lru_cache(maxsize=1)
def _cached_settings(path: str | None, pmf_db: str | None) -> Settings:
    return load_settings(path)


def settings() -> Settings:
    """The settings in force, read once per combination of PMF_CONFIG and PMF_DB."""
    return _cached_settings(os.environ.get("PMF_CONFIG"), os.environ.get("PMF_DB"))
