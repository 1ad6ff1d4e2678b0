"""The whole configuration is checked when it is read: each mistake is one line naming its key, in the
library (ConfigError), on the command line (exit 1, no traceback) and in the app (no page, no data); and the
settings in force follow the file when it changes."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import time
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dashboard.core.config import (
    DEFAULT_CONFIG_PATH,
    ConfigError,
    UnknownLocalityError,
    load_settings,
    settings,
    settings_from_toml,
)
from tests.e2e.oidc_provider import write_roles_config

PROJECT = Path(__file__).resolve().parents[1]


def _default() -> dict[str, Any]:
    with DEFAULT_CONFIG_PATH.open("rb") as handle:
        return tomllib.load(handle)


def _changed(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(_default())
    change(data)
    return data


def _set(section: str, key: str, value: Any) -> Any:
    return lambda data: data.setdefault(section, {}).__setitem__(key, value)


BAD = {
    "suppression threshold 0 would turn suppression off": (
        _set("publication", "suppression_threshold", 0),
        "[publication] suppression_threshold is 0: it must be a whole number, 1 or more",
    ),
    "negative suppression threshold": (
        _set("publication", "suppression_threshold", -3),
        "[publication] suppression_threshold is -3: it must be a whole number, 1 or more",
    ),
    "fractional suppression threshold": (
        _set("publication", "suppression_threshold", 2.5),
        "[publication] suppression_threshold is 2.5: it must be a whole number, 1 or more",
    ),
    "tolerance in words": (
        _set("rag", "tolerance_points", "five"),
        "[rag] tolerance_points is 'five': it must be a number from 0 to 100",
    ),
    "negative relative tolerance": (
        _set("rag", "tolerance_relative", -0.1),
        "[rag] tolerance_relative is -0.1: it must be a number from 0 to 1",
    ),
    "due-soon days as text": (
        _set("rag", "action_due_soon_days", "30"),
        "[rag] action_due_soon_days is '30': it must be a whole number, 0 or more",
    ),
    "minimum denominator 0": (
        _set("rag", "min_denominator", 0),
        "[rag] min_denominator is 0: it must be a whole number, 1 or more",
    ),
    "earliest date after today (every upload refused)": (
        _set("dates", "earliest", "2040-01-01"),
        "[dates] earliest is '2040-01-01': it must be a date before today",
    ),
    "latest years ahead past the calendar": (
        _set("dates", "latest_years_ahead", 9000),
        "[dates] latest_years_ahead is 9000: it must be a whole number from 0 to 100",
    ),
    "due-soon window past any date": (
        _set("rag", "action_due_soon_days", 100000000000),
        "[rag] action_due_soon_days is 100000000000: it must be a whole number from 0 to 3650",
    ),
    "earliest date not a date": (
        _set("dates", "earliest", "1st April 2000"),
        "[dates] earliest is '1st April 2000': it must be a date such as \"2000-04-01\"",
    ),
    "latest years ahead negative": (
        _set("dates", "latest_years_ahead", -1),
        "[dates] latest_years_ahead is -1: it must be a whole number, 0 or more",
    ),
    "latest years ahead fractional": (
        _set("dates", "latest_years_ahead", 1.5),
        "[dates] latest_years_ahead is 1.5: it must be a whole number, 0 or more",
    ),
    "duplicate locality": (
        lambda d: d["localities"].append({"name": " hartlepool ", "synonyms": []}),
        "[[localities]] names the locality 'hartlepool' twice",
    ),
    "area-wide value equal to a locality": (
        lambda d: d["area_wide"].__setitem__("name", "Stockton-on-Tees"),
        "[area_wide] name 'Stockton-on-Tees' is also a locality",
    ),
    "locality synonym that is another locality's name": (
        lambda d: d["localities"][0].__setitem__("synonyms", ["Stockton-on-Tees"]),
        "synonym 'Stockton-on-Tees' of 'Hartlepool' already means 'Stockton-on-Tees'",
    ),
    "area-wide synonym that is a locality's name": (
        lambda d: d["area_wide"]["synonyms"].append("Hartlepool"),
        "synonym 'Hartlepool' of 'Teeswide' already means 'Hartlepool'",
    ),
    "one synonym for two localities": (
        lambda d: d["localities"][0].__setitem__("synonyms", ["Stockton"]),
        "synonym 'Stockton' of 'Stockton-on-Tees' already means 'Hartlepool'",
    ),
    "agency synonym that is another agency's name": (
        lambda d: d["agencies"]["synonyms"].__setitem__("Police", ["Probation"]),
        "[agencies] synonym 'Probation' of 'Police' already means 'Probation'",
    ),
    "duplicate agency": (
        lambda d: d["agencies"]["names"].append("POLICE"),
        "[agencies] names the agency 'POLICE' twice",
    ),
    "synonyms of an agency not listed": (
        lambda d: d["agencies"]["synonyms"].__setitem__("Fire service", ["Fire"]),
        "[agencies.synonyms] 'Fire service' is not one of [agencies] names",
    ),
    "no localities": (lambda d: d.__setitem__("localities", []), "[[localities]] is missing"),
    "locality without a name": (
        lambda d: d["localities"].append({"synonyms": ["x"]}),
        "[[localities]] number 3 name is None: it must be non-empty text",
    ),
    "misspelt key": (
        lambda d: d["publication"].__setitem__("suppresion_threshold", 3),
        "[publication] has an unknown key 'suppresion_threshold'",
    ),
    "misspelt section": (lambda d: d.__setitem__("role", {"admins": []}), "unknown section [role]"),
    "local mode as text": (
        _set("server", "local_mode", "yes"),
        "[server] local_mode is 'yes': it must be true or false",
    ),
    "public host with a scheme": (
        _set("server", "public_hosts", ["https://pmf.example.org"]),
        "[server] public_hosts 'https://pmf.example.org' is not a host name",
    ),
    "issuer not text": (_set("roles", "issuer", 5), "[roles] issuer is 5: it must be text"),
    "ids not a list": (
        _set("roles", "admin_ids", "abc"),
        "[roles] admin_ids must be a list of subject or object ids",
    ),
    "rag not a table": (lambda d: d.__setitem__("rag", 5), "[rag] must be a table"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_each_mistake_is_one_line_naming_its_key(case: str) -> None:
    change, message = BAD[case]
    with pytest.raises(ConfigError) as caught:
        settings_from_toml(_changed(change), Path("x.toml"))
    text = str(caught.value)
    assert message in text, text
    assert "\n" not in text


def test_the_packaged_configuration_and_good_values_pass() -> None:
    cfg = settings_from_toml(_default(), DEFAULT_CONFIG_PATH)
    assert (cfg.suppression_threshold, cfg.min_denominator, cfg.latest_years_ahead) == (5, 5, 1)
    assert cfg.earliest_date == date(2000, 4, 1)
    assert not cfg.local_mode and cfg.app_folder == PROJECT and cfg.public_hosts == ()
    as_date = _changed(_set("dates", "earliest", date(2001, 4, 1)))  # a TOML date literal
    assert settings_from_toml(as_date, Path("x.toml")).earliest_date == date(2001, 4, 1)
    whole = _changed(_set("rag", "tolerance_points", 3))  # a whole number is a number too
    assert settings_from_toml(whole, Path("x.toml")).tolerance_points == 3.0
    one = _changed(_set("publication", "suppression_threshold", 1))
    assert settings_from_toml(one, Path("x.toml")).suppression_threshold == 1
    hosts = _changed(_set("server", "public_hosts", ["PMF.Example.org"]))
    assert settings_from_toml(hosts, Path("x.toml")).public_hosts == ("pmf.example.org",)


def _write(tmp_path: Path, change: Any) -> Path:
    data = _changed(change)
    path = tmp_path / "pmf.toml"
    path.write_text(_toml(data), encoding="utf-8")
    return path


def _toml(data: dict[str, Any]) -> str:
    """A small TOML writer for the configuration's shapes (tables, arrays of tables, lists, scalars)."""
    import json

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, date):
            return v.isoformat()
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return json.dumps(v)

    lines: list[str] = []

    def table(name: str, body: dict[str, Any], header: str) -> None:
        lines.append(header)
        nested = {k: v for k, v in body.items() if isinstance(v, dict)}
        for key, v in body.items():
            if not isinstance(v, dict):
                lines.append(f"{json.dumps(key)} = {value(v)}")
        for key, v in nested.items():
            table(f"{name}.{key}", v, f"[{name}.{json.dumps(key)}]")

    for name, body in data.items():
        if isinstance(body, list):
            for item in body:
                table(name, item, f"[[{name}]]")
        elif isinstance(body, dict):
            table(name, body, f"[{name}]")
        else:
            lines.insert(0, f"{name} = {value(body)}")
    return "\n".join(lines) + "\n"


def test_load_settings_names_the_file_and_the_key(tmp_path: Path) -> None:
    path = _write(tmp_path, _set("publication", "suppression_threshold", -3))
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(caught.value) == (
        f"configuration file {path}: [publication] suppression_threshold is -3: it must be a whole number, "
        "1 or more"
    )
    assert (
        load_settings(_write(tmp_path, lambda d: None)).suppression_threshold == 5
    )  # the writer is faithful


def _pmf(*args: str, config: Path, db: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PMF_CONFIG=str(config), PMF_DB=str(db))
    return subprocess.run(
        [sys.executable, "-m", "dashboard.cli", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set("publication", "suppression_threshold", -3), "[publication] suppression_threshold is -3"),
        (_set("rag", "tolerance_points", "five"), "[rag] tolerance_points is 'five'"),
    ],
)
def test_the_command_line_says_one_line_and_exits_1(tmp_path: Path, change: Any, message: str) -> None:
    config = _write(tmp_path, change)
    done = _pmf("kpis", "--period", "2023-24 Q3", config=config, db=tmp_path / "none.duckdb")
    assert done.returncode == 1, done
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"pmf: configuration file {config}: {message}"), (
        done.stderr
    )
    assert "Traceback" not in done.stderr


def test_the_app_shows_the_mistake_and_no_data(
    app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PMF_CONFIG", str(_write(tmp_path, _set("publication", "suppression_threshold", 0))))
    at = app.run()
    assert not at.exception
    assert at.title[0].value == "Configuration error"
    error = at.error[0].value.replace("\\", "")
    assert error.startswith("The dashboard cannot start: configuration file ")
    assert "[publication] suppression_threshold is 0: it must be a whole number, 1 or more." in error
    assert not at.metric and not at.dataframe and not at.sidebar.selectbox


def test_a_changed_file_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_roles_config(tmp_path / "roles.toml", '[roles]\nadmins = ["ada@example.org"]\n')
    monkeypatch.setenv("PMF_CONFIG", str(path))
    assert settings().roles.admins == frozenset({"ada@example.org"})
    assert settings() is settings()  # unchanged: read once
    write_roles_config(path, "[roles]\nadmins = []\n")
    stamp = time.time() + 5  # a later modification time even on a coarse clock
    os.utime(path, (stamp, stamp))
    assert settings().roles.admins == frozenset()


# --- a locality asked for by name (the CLI, the report, the app's link) ---------------------------------


@pytest.mark.parametrize(
    ("asked", "meant"),
    [
        (None, None),
        ("all", None),
        (" All Localities ", None),
        ("hartlepool", "Hartlepool"),
        ("  stockton   ON tees ", "Stockton-on-Tees"),
        ("Stockton", "Stockton-on-Tees"),
        ("both", "Teeswide"),
    ],
)
def test_a_locality_is_resolved_from_any_spelling(asked: str | None, meant: str | None) -> None:
    assert load_settings(DEFAULT_CONFIG_PATH).resolve_locality(asked) == meant


def test_an_unknown_locality_names_the_localities() -> None:
    cfg = load_settings(DEFAULT_CONFIG_PATH)
    assert cfg.locality_named("Middlesbrough") is None
    with pytest.raises(UnknownLocalityError) as raised:
        cfg.resolve_locality("Middlesbrough")
    assert str(raised.value) == (
        "unknown locality 'Middlesbrough': use one of Hartlepool, Stockton-on-Tees, Teeswide or all"
    )
