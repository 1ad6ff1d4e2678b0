"""The stored KPI results never serve stale numbers (issue 15): after an upload (by `pmf load` and in the
app), an undo, a replace, a target edit and a configuration change, the overview (all localities and one
locality), the KPI detail page, `pmf kpis` and the report agree with a fresh computation.

Each change starts from the `pmf init` sample database, whose results are stored. Before the change one
stored figure is overwritten with a number no computation gives (TR01 in 2023-24 Q3: 999 for all localities,
777 for Hartlepool) and the overview, already open, shows it: the pages read the store. After the change the
same open pages run again (as a user's next click does), and the tampered number must be gone, every figure
equal to compute_kpis(..., fresh=True). A target edit instead re-rates what is stored without recomputing
it: the same snapshots, a new RAG.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboard.core.config import settings
from dashboard.core.db import connect
from dashboard.core.periods import parse_period
from dashboard.kpis.catalogue import load_catalogue, scorecard_periods
from dashboard.kpis.scorecard import period_figures
from dashboard.kpis.targets import set_target
from dashboard.publish.report import build_report
from tests.helpers.apptest import frame, metric, open_app
from tests.helpers.pmf_cli import Run, write_book
from tests.helpers.results_checks import (
    Shown,
    Stored,
    config_without_agencies,
    current_key,
    environment,
    fresh_scorecard,
    pmf,
    records,
    shown,
    stored_results,
    tamper,
)
from tests.test_report import sections_of

Q3 = parse_period("2023-24 Q3")
PLACE = "Hartlepool"
PLACES: tuple[str | None, ...] = (None, PLACE)
TAMPERED = {None: 999.0, PLACE: 777.0}  # TR01 in 2023-24 Q3: no computation gives these
DETAIL_KPI = "TR01"
ENTRY = Path(__file__).resolve().parents[1] / "dashboard" / "app" / "streamlit_app.py"
SAMPLE_TRAINING = Path(__file__).resolve().parents[1] / "data" / "sample" / "training.xlsx"

UPLOAD = "upload"
APP_UPLOAD = "upload in the app"
UNDO = "undo"
REPLACE = "replace"
TARGET = "target edit"
CONFIG = "configuration change"
CHANGES = [UPLOAD, APP_UPLOAD, UNDO, REPLACE, TARGET, CONFIG]
DATA_CHANGES = [UPLOAD, APP_UPLOAD, UNDO, REPLACE]
TAMPERED_BEFORE = [*DATA_CHANGES, CONFIG]  # a target edit keeps the stored figures: nothing is tampered with

#: The KPI and place each change moves in 2023-24 Q3 (a change that moved nothing would prove nothing): the
#: sessions delivered (TR01), the fill rate's RAG (TR03), Hartlepool's agency reach (TR05: all localities
#: together reached every agency, 100% whatever the list).
MOVED: dict[str, tuple[str, str | None]] = {
    UPLOAD: ("TR01", None),
    APP_UPLOAD: ("TR01", None),
    UNDO: ("TR01", None),
    REPLACE: ("TR01", PLACE),
    TARGET: ("TR03", None),
    CONFIG: ("TR05", PLACE),
}
LEFT_OUT_AGENCIES = ["Probation", "Youth justice", "Early years"]

SESSION_HEADER = [
    "session_id",
    "session_date",
    "course_title",
    "theme",
    "delivery_mode",
    "locality",
    "status",
    "places_offered",
    "places_booked",
    "attended",
    "did_not_attend",
]
NEW_SESSIONS_CSV = (
    ",".join(SESSION_HEADER)
    + "\nNEW-Q3-1,20/11/2023,Neglect: graded care profile,Neglect,Face to face,Hartlepool,Delivered,20,15,12,3"
    + "\nNEW-Q3-2,21/11/2023,Exploitation,Exploitation,Virtual,Stockton-on-Tees,Delivered,20,18,16,2\n"
)


def _label(place: str | None) -> str:
    return place or "All localities"


# --- one change, seen by every view ----------------------------------------------------------------------


@dataclass
class Scene:
    """One change made to a copy of the sample database, and what every view showed before and after it."""

    change: str
    db: Path
    work: Path
    config: Path | None = None
    stored_before: dict[str, Stored] = field(default_factory=dict)
    stored_after: dict[str, Stored] = field(default_factory=dict)
    key_after: str = ""
    fresh_before: dict[str | None, dict[str, Shown]] = field(default_factory=dict)
    fresh: dict[str | None, pd.DataFrame] = field(default_factory=dict)
    overview_before: dict[str | None, dict[str, Shown]] = field(default_factory=dict)
    overview: dict[str | None, dict[str, Shown]] = field(default_factory=dict)
    overview_restarted: dict[str | None, dict[str, Shown]] = field(default_factory=dict)  # new sessions
    detail: dict[str | None, str] = field(default_factory=dict)
    comparison: dict[str, dict[str, Shown]] = field(default_factory=dict)  # "Compare localities", by locality
    report: dict[str, Shown] = field(default_factory=dict)
    kpis_json: list[dict[str, Any]] = field(default_factory=list)

    @property
    def tampered(self) -> bool:
        return self.change in TAMPERED_BEFORE

    def expected(self, place: str | None) -> dict[str, Shown]:
        return shown(self.fresh[place])


def _new_app() -> Any:
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(ENTRY), default_timeout=60)


def _overview(at: Any) -> dict[str, Shown]:
    assert not at.exception, at.exception
    card = frame(at, "RAG")
    return {str(r["KPI"]): (str(r["Value"]), str(r["RAG"])) for _, r in card.iterrows()}


def _detail_figure(at: Any) -> str:
    at.switch_page("app_pages/kpi_detail.py").run()
    at.selectbox(key="kpi").set_value(DETAIL_KPI).run()
    assert not at.exception, at.exception
    return metric(at, Q3.label)


def _comparison(at: Any) -> dict[str, dict[str, Shown]]:
    """The overview with "Compare localities" on: each locality's value and RAG of every KPI."""
    at.switch_page("app_pages/overview.py").run()
    at.toggle(key="compare").set_value(True).run()
    assert not at.exception, at.exception
    names = settings().all_localities
    table = frame(at, f"{names[0]} RAG")
    seen = {
        name: {str(r["KPI"]): (str(r[name]), str(r[f"{name} RAG"])) for _, r in table.iterrows()}
        for name in names
    }
    at.toggle(key="compare").set_value(False).run()
    return seen


def _report_rows(db: Path) -> dict[str, Shown]:
    with duckdb.connect(str(db), read_only=True) as con:
        html = build_report(con, Q3, settings())
    rows = sections_of(html)["scorecard"].table("Key performance indicators").rows
    assert rows[0][2] == "Value" and rows[0][4] == "RAG", rows[0]
    return {r[0]: (r[2], r[4]) for r in rows[1:] if r[0]}


def _ok(done: subprocess.CompletedProcess[str]) -> str:
    """What a `pmf` command that worked printed."""
    run = Run(tuple(done.args[3:]), done.returncode, done.stdout, done.stderr)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run
    return run.stdout


def _load_new_sessions(scene: Scene) -> None:
    path = scene.work / "new-sessions.csv"
    path.write_text(NEW_SESSIONS_CSV, encoding="utf-8")
    said = _ok(pmf("load", path, "--user", "ann", db=scene.db))
    assert "training_sessions: 2 added, 0 replaced, 0 unchanged" in said, said


def _in_q3(day: object) -> bool:
    return isinstance(day, datetime) and Q3.start <= day.date() <= Q3.end


def _replace_sessions(scene: Scene) -> None:
    """Every sample session again, one delivered in Hartlepool in 2023-24 Q3 now cancelled."""
    book = load_workbook(SAMPLE_TRAINING)
    rows = [list(r) for r in book["training_sessions"].iter_rows(values_only=True)]
    header, body = [str(c) for c in rows[0]], rows[1:]
    date, place, status = (header.index(c) for c in ("session_date", "locality", "status"))
    chosen = next(r for r in body if r[place] == PLACE and r[status] == "Delivered" and _in_q3(r[date]))
    chosen[status] = "Cancelled"
    path = write_book(scene.work / "sessions.xlsx", {"training_sessions": (header, body)})
    said = _ok(pmf("load", path, "--replace", "training_sessions", db=scene.db))
    assert f"training_sessions: 0 added, 1 replaced, {len(body) - 1} unchanged" in said, said


def _undo(scene: Scene) -> None:
    said = _ok(pmf("undo", db=scene.db))
    assert said.startswith("Undid upload 6 (new-sessions.csv)"), said


def _edit_target(scene: Scene) -> None:
    con = connect(scene.db)
    try:
        tr03 = next(k for k in load_catalogue() if k.id == "TR03")
        set_target(con, tr03, 80, None, "ada@example.org", "agreed by the PMF group")
    finally:
        con.close()


def _change_configuration(scene: Scene) -> None:
    scene.config = config_without_agencies(scene.work / "pmf.toml", LEFT_OUT_AGENCIES)


def _upload_in_the_app(scene: Scene, at: Any) -> None:
    """The analyst's own path: the Upload page, the new sessions as a workbook, Confirm; then the overview."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "training_sessions"
    for line in NEW_SESSIONS_CSV.strip().splitlines():
        sheet.append(line.split(","))
    data = io.BytesIO()
    book.save(data)
    at.switch_page("app_pages/upload.py").run()
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    at.file_uploader(key="upload").upload("new-sessions.xlsx", data.getvalue(), xlsx).run()
    at.button(key="confirm").click().run()
    assert not at.exception, at.exception
    said = [str(s.value) for s in at.success]
    assert said and said[0].startswith("Loaded new-sessions.xlsx as upload 6."), said
    at.switch_page("app_pages/overview.py")


def _make_scene(change: str, work: Path, template: Path) -> Scene:
    import streamlit as st

    scene = Scene(change, work / "pmf.duckdb", work)
    shutil.copyfile(template, scene.db)
    if change == UNDO:
        _load_new_sessions(scene)  # the upload to undo; its results are stored
    scene.stored_before = stored_results(scene.db)
    if scene.tampered:
        for place, value in TAMPERED.items():
            tamper(scene.db, "TR01", Q3.label, place, value)
    st.cache_data.clear()
    st.cache_resource.clear()
    with environment(scene.db, None):
        scene.fresh_before = {p: shown(fresh_scorecard(scene.db, Q3, p)) for p in PLACES}
        sessions = {p: open_app(_new_app(), locality=_label(p)) for p in PLACES}
        scene.overview_before = {p: _overview(at) for p, at in sessions.items()}
        if change == APP_UPLOAD:
            _upload_in_the_app(scene, sessions[None])
    plain: dict[str, Callable[[Scene], None]] = {
        UPLOAD: _load_new_sessions,
        UNDO: _undo,
        REPLACE: _replace_sessions,
        TARGET: _edit_target,
        CONFIG: _change_configuration,
    }
    if change in plain:
        plain[change](scene)
    scene.stored_after = stored_results(scene.db)
    with environment(scene.db, scene.config):
        for place, at in sessions.items():
            at.run()  # the user's next click on the page already open
            scene.overview[place] = _overview(at)
            scene.detail[place] = _detail_figure(at)
        scene.comparison = _comparison(sessions[None])
        scene.fresh = {p: fresh_scorecard(scene.db, Q3, p) for p in (*PLACES, *settings().all_localities)}
        scene.report = _report_rows(scene.db)
        scene.key_after = current_key(scene.db)
    if change == CONFIG:  # the app started again: nothing it cached before the change
        st.cache_data.clear()
        st.cache_resource.clear()
        with environment(scene.db, scene.config):
            restarted = {p: open_app(_new_app(), locality=_label(p)) for p in PLACES}
            scene.overview_restarted = {p: _overview(at) for p, at in restarted.items()}
    said = _ok(pmf("kpis", "--period", Q3.label, "--format", "json", db=scene.db, config=scene.config))
    scene.kpis_json = json.loads(said)
    st.cache_resource.clear()  # the sessions' cached results belong to this database
    return scene


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample database as `pmf init` makes it: the sample loaded and every KPI result stored."""
    path = tmp_path_factory.mktemp("results-base") / "pmf.duckdb"
    _ok(pmf("init", db=path))
    return path


@pytest.fixture(scope="module")
def scenes(base_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Scene]:
    """Each change's scene, made the first time a test asks for it (each on its own copy of the database)."""
    made: dict[str, Scene] = {}

    def get(change: str) -> Scene:
        if change not in made:
            made[change] = _make_scene(change, tmp_path_factory.mktemp(change.replace(" ", "-")), base_db)
        return made[change]

    return get


@pytest.fixture(params=CHANGES)
def scene(request: pytest.FixtureRequest, scenes: Callable[[str], Scene]) -> Scene:
    return scenes(str(request.param))


# --- the store is read, and a change leaves nothing stale in it --------------------------------------------


def test_init_stores_the_results_of_every_period_held(base_db: Path) -> None:
    stored = stored_results(base_db)
    read_by_a_scorecard = {p.label for p in scorecard_periods(Q3)}  # the quarter, a year before, 12 months
    assert read_by_a_scorecard <= set(stored), sorted(stored)
    assert {s.key for s in stored.values()} == {current_key(base_db)}, "stored under another key"
    with duckdb.connect(str(base_db), read_only=True) as con:
        rows = con.execute(
            "SELECT count(*) FROM kpi_snapshot_rows AS r JOIN kpi_snapshots AS s USING (snapshot_id) "
            "WHERE s.kind = 'results' AND s.period = $period AND r.category IS NULL",
            {"period": Q3.label},
        ).fetchall()[0][0]
    assert rows >= 19, f"{rows} headline rows stored for {Q3.label}"


@pytest.mark.parametrize("change", TAMPERED_BEFORE)
def test_the_overview_shows_the_stored_figure(scenes: Callable[[str], Scene], change: str) -> None:
    """Before the change: the overview reads the store (a tampered figure shows), as a fresh computation
    would not."""
    scene = scenes(change)
    for place, value in TAMPERED.items():
        got = scene.overview_before[place]["TR01"][0]
        assert got == f"{value:.0f}", (
            f"before the {scene.change}: TR01, {_label(place)}: the overview shows {got}, not the stored "
            f"{value:.0f}; a fresh computation gives {scene.fresh_before[place]['TR01'][0]}"
        )


def test_the_change_moves_a_figure(scene: Scene) -> None:
    """A change that moved nothing would prove nothing: the KPI it moves differs in a fresh computation."""
    kpi, place = MOVED[scene.change]
    before, after = scene.fresh_before[place][kpi], scene.expected(place)[kpi]
    assert before != after, f"{scene.change}: {kpi}, {_label(place)}, is {before} before and after it"


@pytest.mark.parametrize("change", TAMPERED_BEFORE)
def test_the_tampered_figure_is_gone_everywhere(scenes: Callable[[str], Scene], change: str) -> None:
    scene = scenes(change)
    for place, value in TAMPERED.items():
        seen = {
            "the overview": scene.overview[place]["TR01"][0],
            "the KPI detail page": scene.detail[place],
        }
        if place is None:
            seen["the report"] = scene.report["TR01"][0]
            head = next(r for r in scene.kpis_json if r["kpi"] == "TR01" and r["category"] is None)
            seen["pmf kpis"] = str(head["value"])
        for view, text in seen.items():
            assert text != f"{value:.0f}", (
                f"after the {scene.change}: TR01, {_label(place)}: {view} still shows the stale {text}"
            )


@pytest.mark.parametrize("change", DATA_CHANGES)
def test_a_data_change_stores_the_results_of_the_new_data(
    scenes: Callable[[str], Scene], change: str
) -> None:
    scene = scenes(change)
    keys_before = {s.key for s in scene.stored_before.values()}
    keys_after = {s.key for s in scene.stored_after.values()}
    assert keys_after == {scene.key_after}, f"{change}: the stored results are not of the data now"
    assert not keys_before & keys_after, f"{change}: results from before the change are still stored"
    computed = min(s.taken_at for s in scene.stored_after.values())
    assert computed > max(s.taken_at for s in scene.stored_before.values()), (
        f"{change}: the stored results were not computed again"
    )


def test_a_configuration_change_leaves_the_stored_results_unread(scenes: Callable[[str], Scene]) -> None:
    """Nothing refreshes on a configuration change: the stored results stay, under a key that no longer
    matches, so every reader computes."""
    scene = scenes(CONFIG)
    assert scene.stored_after == scene.stored_before, f"{CONFIG}: the stored results changed"
    assert scene.key_after not in {s.key for s in scene.stored_after.values()}, (
        f"{CONFIG}: the stored results' key still matches"
    )


def test_a_target_edit_rerates_without_recomputing(scenes: Callable[[str], Scene]) -> None:
    """The same snapshots, computed at the same time, still read (their key matches); TR03 (84.3% against
    85%) is Amber before and Green against the new 80%."""
    scene = scenes(TARGET)
    assert scene.stored_after == scene.stored_before, (
        f"{TARGET}: the stored results were recomputed (snapshot, key or time changed)"
    )
    assert {s.key for s in scene.stored_after.values()} == {scene.key_after}, (
        f"{TARGET}: the stored results no longer match the key"
    )
    before, after = scene.overview_before[None]["TR03"], scene.overview[None]["TR03"]
    assert before == ("84.3%", "▲ Amber"), before
    assert after == ("84.3%", "✔ Green"), f"{scene.change}: TR03, all localities, the overview shows {after}"
    assert scene.report["TR03"] == after, f"{scene.change}: TR03, all localities, the report"
    head = next(r for r in scene.kpis_json if r["kpi"] == "TR03" and r["category"] is None)
    assert (head["target"], head["rag"]) == (80, "Green"), f"{scene.change}: TR03, pmf kpis: {head}"


# --- every view agrees with a fresh computation --------------------------------------------------------


def _differences(got: dict[str, Shown], want: dict[str, Shown]) -> list[str]:
    return [
        f"{kpi} shows {got.get(kpi)} (value, RAG), a fresh computation gives {want[kpi]}"
        for kpi in want
        if got.get(kpi) != want[kpi]
    ]


@pytest.mark.parametrize("place", PLACES, ids=_label)
def test_the_overview_agrees_with_a_fresh_computation(scene: Scene, place: str | None) -> None:
    got, want = scene.overview[place], scene.expected(place)
    assert set(got) == set(want), f"after the {scene.change}: {_label(place)}: the KPIs differ"
    wrong = _differences(got, want)
    assert not wrong, f"after the {scene.change}: the overview, {_label(place)}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("place", PLACES, ids=_label)
def test_a_restarted_app_agrees_after_a_configuration_change(
    scenes: Callable[[str], Scene], place: str | None
) -> None:
    """The app started again after the configuration changed reads nothing stale from the store (the open
    pages are test_the_overview_agrees_with_a_fresh_computation's)."""
    scene = scenes(CONFIG)
    wrong = _differences(scene.overview_restarted[place], scene.expected(place))
    assert not wrong, (
        f"after the {scene.change}: the restarted app's overview, {_label(place)}:\n" + "\n".join(wrong)
    )


@pytest.mark.parametrize("place", PLACES, ids=_label)
def test_the_kpi_detail_figure_agrees_with_a_fresh_computation(scene: Scene, place: str | None) -> None:
    figures = period_figures(scene.fresh[place], DETAIL_KPI, Q3.label, settings().min_denominator)
    assert scene.detail[place] == figures[0][1], (
        f"after the {scene.change}: the KPI detail page, {DETAIL_KPI}, {_label(place)}: shows "
        f"{scene.detail[place]}, a fresh computation gives {figures[0][1]}"
    )


def test_the_comparison_of_localities_agrees_with_a_fresh_computation(scene: Scene) -> None:
    wrong = [
        f"{name}: {line}"
        for name, got in scene.comparison.items()
        for line in _differences(got, scene.expected(name))
    ]
    assert scene.comparison, f"after the {scene.change}: no comparison of localities was shown"
    assert not wrong, f"after the {scene.change}: Compare localities:\n" + "\n".join(wrong)


def test_pmf_kpis_agrees_with_a_fresh_computation(scene: Scene) -> None:
    want = records(scene.fresh[None])
    got = {
        (r["kpi"], r["category"]): {k: r[k] for k in ("value", "numerator", "denominator", "rag")}
        for r in scene.kpis_json
    }
    assert set(got) == set(want), f"after the {scene.change}: pmf kpis: the rows differ"
    wrong = [
        f"{kpi} {category or 'headline'}: {got[kpi, category]}, a fresh computation gives {row}"
        for (kpi, category), row in want.items()
        if got[kpi, category] != pytest.approx(row, abs=0.01)
    ]
    assert not wrong, f"after the {scene.change}: pmf kpis, all localities:\n" + "\n".join(wrong)


def test_the_report_agrees_with_a_fresh_computation(scene: Scene) -> None:
    wrong = _differences(scene.report, scene.expected(None))
    assert not wrong, f"after the {scene.change}: the report's KPI table, all localities:\n" + "\n".join(
        wrong
    )
