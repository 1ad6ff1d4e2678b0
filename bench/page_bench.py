"""Pages: each page's AppTest run cold (every cache cleared), first after an upload, warm, and its floor.

The floor is the same page's Streamlit calls replayed with the results the page had already made (see
floor.py): what Streamlit itself costs to build and serialise those elements. warm / floor is what the
page's own work (cache look-ups, tables and figures built on every rerun) adds on top of Streamlit;
cold / floor adds the queries and the KPI runs.

Each page is run the way a visitor opening its address would (AppTest on the real entry point, straight to
that page), so the sidebar filters and navigation are part of every figure, the floor's included.

The pages run on a working copy of the scale's database with its KPI results stored (first_view_bench), as
after any upload, `pmf load` or `pmf serve`: *cold* is every cache cleared with nothing changed. The first view
after a small real upload (validated, loaded and its results refreshed on a writer connection) is measured for
the two ways a change reaches a running server:

- *first (app)*: the upload made in the app: then `changes.refresh_after_change()`, which drops every cached
  result and view and makes the overview everyone opens first (latest quarter, all localities) in the
  server's shared caches (`views.ready_overview`): that warming is timed apart (*ready*), as part of the
  upload, not of the view;
- *first (pmf load)*: the upload made by `pmf load` (another process): the server sees only a new data version,
  so its cache keys miss; measured as `cache.clear_results()` and `views.clear()`, with no warming.

*warm* is the next new session after the cold run and after each first view (three per round). Issue 15's
target: first <= 2x warm, for both.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import floor
from common import BENCH_DIR, ENTRY, ScaleData, Timing, timed, use_database
from first_view_bench import TARGET_FIRST_VS_WARM, SmallUpload, refresh_cost, working_copy

PAGES = ("overview", "kpi_detail", "training", "audits", "case_reviews", "action_plan", "upload", "catalogue")
# Cases opened with URL parameters: (page, query parameters). "Compare localities" asks for the scorecard of
# every locality, the heaviest overview at national scale.
VARIANTS = {"overview+compare": ("overview", {"compare": "1"})}
TARGET_WARM = 1.3  # warm within 1.3 x the floor
TARGET_COLD = 3.0  # cold within 3 x the floor
TIMEOUT = 600


def clear_caches() -> None:
    """A cold start: Streamlit's caches and the package's own (parsed KPI files, SQL texts)."""
    import streamlit as st

    from dashboard.core import db
    from dashboard.kpis import catalogue as kpis

    st.cache_data.clear()
    st.cache_resource.clear()
    reset = getattr(kpis, "reset_caches", None)
    if callable(reset):
        reset()
    db.read_sql.cache_clear()


def after_upload() -> None:
    """What the app does after its own upload (changes.refresh_after_change): drop every cached result and
    view, read the data version again, and make the default overview (latest quarter, all localities) in the
    server's caches. What does not depend on the data (the parsed KPI files, SQL texts, compiled scripts, the
    upload templates) stays, as in the app."""
    from dashboard.app.changes import refresh_after_change

    refresh_after_change()


def after_load() -> None:
    """What a running server sees after `pmf load` in another process: a new data version, so every cached
    result and view misses. Dropped here (the same as their keys missing), with no view made in advance."""
    from dashboard.app import cache, views

    cache.clear_results()
    views.clear()


# The two ways a change reaches the server: what the server does once the writer has stored it, and the name
# of its first view's timing.
AFTER = {"app": after_upload, "load": after_load}
FIRST = {"app": "first (app)", "load": "first (pmf load)"}


def share_script_cache() -> None:
    """Compile each script once for every session, as a real server does.

    A server keeps one ScriptCache (the scripts' compiled bytecode, magic added) for all its sessions; each
    AppTest run makes a new one, so every run parsed and compiled the entry point and the page again (about
    20 ms for a page of a few hundred lines, next to nothing for the floor's short replay file). Every
    AppTest made here, the floor's included, shares one cache instead.
    """
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    app_test.ScriptCache = lambda: shared  # type: ignore[attr-defined,misc,assignment]
    local_script_runner.ScriptCache = lambda: shared  # type: ignore[attr-defined,misc,assignment]


class Pages:
    def __init__(self) -> None:
        self.hashes: dict[str, str] = {}
        # Each new AppTest scans every installed package for Streamlit components (~0.2 s), which a real
        # server does once at start: share the first scan, for the pages and the floor alike.
        self.components: Any = None

    def discover(self) -> None:
        """Each page's script hash, as st.navigation registers it (AppTest needs one run to learn them)."""
        from streamlit.testing.v1 import AppTest

        at = AppTest.from_file(str(ENTRY), default_timeout=TIMEOUT)
        at.run()
        _check(at, "overview (discovery)")
        self.components = at._bidi_component_manager
        for page in PAGES:
            at.switch_page(f"app_pages/{page}.py")
            self.hashes[page] = at._page_hash

    def app(self, case: str) -> Any:
        """A new session opening the case's page directly (with its URL parameters)."""
        from streamlit.testing.v1 import AppTest

        page, params = VARIANTS.get(case, (case, {}))
        at = AppTest.from_file(str(ENTRY), default_timeout=TIMEOUT)
        for key, value in params.items():
            at.query_params[key] = value
        at._page_hash = self.hashes[page]  # what switch_page sets; here before the first run
        at._bidi_component_manager = self.components
        return at

    def floor(self) -> Any:
        from streamlit.testing.v1 import AppTest

        at = AppTest.from_file(str(BENCH_DIR / "floor_page.py"), default_timeout=TIMEOUT)
        at._bidi_component_manager = self.components
        return at


def _check(at: Any, what: str) -> None:
    if at.exception:
        error = at.exception[0]
        detail = error.message or ""
        trace = [line for line in (error.stack_trace or []) if line.strip()]
        raise RuntimeError(f"{what}: {detail}" + (f" ({trace[-1].strip()})" if trace else ""))


def _elements(at: Any) -> int:
    return sum(1 for _ in at.main) + sum(1 for _ in at.sidebar)


def _page(pages: Pages, page: str, repeats: int, upload: SmallUpload) -> dict[str, Any]:
    # Record the page's Streamlit calls on a warm run (caches filled by the run before it).
    first = pages.app(page)
    first.run()
    _check(first, page)
    with floor.recording():
        recorded = pages.app(page)
        recorded.run()
    _check(recorded, page)
    calls = floor.summary()
    check = pages.floor()
    check.run()
    _check(check, f"{page} floor")
    runs: dict[str, list[float]] = {
        "cold": [],
        FIRST["app"]: [],
        FIRST["load"]: [],
        "warm": [],
        "floor": [],
        "ready (app)": [],
    }
    elements: dict[str, int] = {}
    for round_ in range(repeats):
        clear_caches()
        cold = pages.app(page)
        runs["cold"].append(timed(cold.run))
        _check(cold, f"{page} cold")
        warm = pages.app(page)
        runs["warm"].append(timed(warm.run))
        _check(warm, f"{page} warm")
        replay = pages.floor()
        runs["floor"].append(timed(replay.run))
        _check(replay, f"{page} floor")
        elements = {"page": _elements(warm), "floor": _elements(replay)}
        for way in ("app", "load") if round_ % 2 == 0 else ("load", "app"):  # each first in both places
            upload.apply()  # a new data version, its KPI results stored (by the app, or by pmf load)
            ready = timed(AFTER[way])
            if way == "app":
                runs["ready (app)"].append(ready)
            first = pages.app(page)
            runs[FIRST[way]].append(timed(first.run))
            _check(first, f"{page} {FIRST[way]}")
            again = pages.app(page)
            runs["warm"].append(timed(again.run))
            _check(again, f"{page} warm after {FIRST[way]}")
    timings = {name: Timing(values) for name, values in runs.items()}
    base = timings["floor"].median
    ratios = {way: timings[FIRST[way]].median / timings["warm"].median for way in AFTER}
    return {
        "timings": {name: t.as_dict() for name, t in timings.items()},
        "first_vs_warm": ratios,
        "first_met": {way: ratio <= TARGET_FIRST_VS_WARM for way, ratio in ratios.items()},
        "warm_vs_floor": timings["warm"].median / base,
        "cold_vs_floor": timings["cold"].median / base,
        "warm_met": timings["warm"].median / base <= TARGET_WARM,
        "cold_met": timings["cold"].median / base <= TARGET_COLD,
        "calls": calls,
        "elements": elements,
    }


def run(data: ScaleData, repeats: int, log: Any = print, refresh_repeats: int = 5) -> dict[str, Any]:
    import shutil

    copy, folder = working_copy(data, log=log)
    try:
        upload_refresh = refresh_cost(copy, refresh_repeats, log=log)
        result = _run(copy, repeats, log)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {**result, "upload_refresh": upload_refresh}


def _run(data: ScaleData, repeats: int, log: Any) -> dict[str, Any]:
    from streamlit import config

    config.set_option("client.showErrorDetails", "full")  # the real message of a page that fails
    use_database(data)
    upload = SmallUpload(data)
    clear_caches()
    share_script_cache()
    pages = Pages()
    pages.discover()
    log(
        f"  pages on {data.name}: {repeats} rounds per page of cold / warm / floor, then an upload in the app "
        "and one by pmf load, each with its first view and a warm one"
    )
    results: dict[str, Any] = {}
    for page in (*PAGES, *VARIANTS):
        try:
            results[page] = _page(pages, page, repeats, upload)
        except Exception as exc:  # a page that fails at this scale is a finding, not the end of the run
            message = str(exc).splitlines()[0][:300]
            results[page] = {"error": f"{type(exc).__name__}: {message}"}
            log(f"    {page:<16} FAILED: {results[page]['error']}")
            continue
        timings, ratios = results[page]["timings"], results[page]["first_vs_warm"]
        log(
            f"    {page:<16} cold {timings['cold']['median_s']:6.3f} s  "
            f"first app {timings[FIRST['app']]['median_s']:6.3f} s  "
            f"first pmf load {timings[FIRST['load']]['median_s']:6.3f} s  "
            f"warm {timings['warm']['median_s']:6.3f} s  floor {timings['floor']['median_s']:6.3f} s  "
            f"first/warm {ratios['app']:4.1f}x / {ratios['load']:4.1f}x  "
            f"({sum(results[page]['calls'].values())} calls)"
        )
    clear_caches()
    return {
        "scale": data.name,
        "targets": {
            "warm_max": TARGET_WARM,
            "cold_max": TARGET_COLD,
            "first_vs_warm_max": TARGET_FIRST_VS_WARM,
        },
        "results_stored": True,
        "pages": results,
    }
