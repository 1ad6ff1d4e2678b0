"""KPIs: the whole scorecard and the whole trend set at each scale.

- scorecard: `kpis.kpis_for(con, 2023-24 Q3, settings)`: every KPI for one period and the year before,
  every locality (the overview's table comes out of it), median of >= 5 runs;
- trend: `kpis.compute_kpis(con, every quarter held, settings)`: every KPI, every quarter, every locality
  (the KPI detail page's chart and table), median of >= 3 runs.

Time per 1,000 rows (the five datasets' rows added up) shows whether the cost grows faster than the data.
With `baseline` the same two calls are timed side by side with dashboard/kpis.py as it was at
BASELINE_COMMIT (before this work's changes), loaded from git.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PROJECT, ScaleData, side_by_side

PERIOD = "2023-24 Q3"
TARGET_NATIONAL_SCORECARD = 0.1  # seconds
BASELINE_COMMIT = "50bb366"  # the dashboard before the benchmarks' changes to kpis.py


def baseline_module() -> ModuleType | None:
    """dashboard/kpis.py at BASELINE_COMMIT, imported under another name (None without git history)."""
    try:
        source = subprocess.run(
            ["git", "show", f"{BASELINE_COMMIT}:dashboard/kpis.py"],
            cwd=PROJECT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    folder = Path(tempfile.mkdtemp(prefix="pmf-bench-baseline-"))
    path = folder / "kpis_baseline.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("kpis_baseline", path)
    if spec is None or spec.loader is None:
        return None
    # The baseline imports the flat layout's module names: point them at where those modules live now.
    for flat, moved in (
        ("dashboard.config", "dashboard.core.config"),
        ("dashboard.db", "dashboard.core.db"),
        ("dashboard.periods", "dashboard.core.periods"),
    ):
        sys.modules.setdefault(flat, importlib.import_module(moved))
    module = importlib.util.module_from_spec(spec)
    sys.modules["kpis_baseline"] = module
    spec.loader.exec_module(module)
    return module


def _calls(kpis: Any, old: Any, con: Any, period: Any, quarters: Any, settings: Any) -> tuple[dict, dict]:
    """The scorecard and trend calls, now and (with a baseline) as they were."""
    card: dict[str, Any] = {"now": lambda: kpis.kpis_for(con, period, settings)}
    trend: dict[str, Any] = {"now": lambda: kpis.compute_kpis(con, quarters, settings)}
    if old is not None:
        # The baseline runs today's KPI files, and TR05 now reads the configured agencies from kpi_agencies.
        if not hasattr(old, "_pmf_run_kpi"):
            old._pmf_run_kpi = old.run_kpi

            def run_kpi(cursor: Any, kpi: Any) -> Any:
                kpis.register_agencies(cursor, settings)
                return old._pmf_run_kpi(cursor, kpi)

            old.run_kpi = run_kpi
        # Today's KPI files only (each KPI's drill-down, <ID>.records.sql, now sits beside it).
        files = [old.parse_kpi_file(path) for path in kpis.kpi_files()]
        card["baseline"] = lambda: old.kpis_for(con, period, settings, catalogue=files)
        trend["baseline"] = lambda: old.compute_kpis(con, quarters, settings, catalogue=files)
    return card, trend


def run(
    scales: list[ScaleData], repeats_fast: int, repeats_slow: int, baseline: bool, log: Any = print
) -> dict:
    from dashboard.core.config import load_settings
    from dashboard.core.db import connect, data_quarters
    from dashboard.core.periods import parse_period
    from dashboard.kpis import catalogue as kpis

    old = baseline_module() if baseline else None
    if baseline and old is None:
        log("  kpis: no git history, so no baseline")
    period = parse_period(PERIOD)
    out: dict[str, Any] = {
        "period": PERIOD,
        "baseline_commit": BASELINE_COMMIT if old else None,
        "scales": {},
    }
    for data in scales:
        settings = load_settings(data.config)
        con = connect(data.database)
        try:
            quarters = data_quarters(con)
            kpis.kpis_for(con, period, settings)  # first run: each query is checked alone once
            kpis.compute_kpis(con, quarters, settings)
            card_runs, trend_runs = _calls(kpis, old, con, period, quarters, settings)
            card = side_by_side(card_runs, repeats_fast)
            trend = side_by_side(trend_runs, repeats_slow)
            card_rows = len(kpis.kpis_for(con, period, settings))
            trend_rows = len(kpis.compute_kpis(con, quarters, settings))
        finally:
            con.close()
        thousands = data.total_rows / 1000
        entry: dict[str, Any] = {
            "rows": data.rows,
            "total_rows": data.total_rows,
            "localities": len(settings.all_localities),
            "quarters": len(quarters),
            "scorecard": card["now"].as_dict(),
            "trend": trend["now"].as_dict(),
            "scorecard_ms_per_1k_rows": 1000 * card["now"].median / thousands,
            "trend_ms_per_1k_rows": 1000 * trend["now"].median / thousands,
            "result_rows": {"scorecard": card_rows, "trend": trend_rows},
        }
        if old is not None:
            entry["baseline"] = {
                "scorecard": card["baseline"].as_dict(),
                "trend": trend["baseline"].as_dict(),
            }
            entry["speedup"] = {
                "scorecard": card["baseline"].median / card["now"].median,
                "trend": trend["baseline"].median / trend["now"].median,
            }
        out["scales"][data.name] = entry
        log(
            f"    {data.name:<9} {data.total_rows:>9,} rows  scorecard {card['now'].median * 1000:7.1f} ms  "
            f"trend {trend['now'].median * 1000:8.1f} ms"
            + (
                f"  (baseline {card['baseline'].median * 1000:.0f} / {trend['baseline'].median * 1000:.0f} ms)"
                if old is not None
                else ""
            )
        )
    national = out["scales"].get("national")
    out["targets"] = {
        "national_scorecard_max_s": TARGET_NATIONAL_SCORECARD,
        "national_scorecard_met": None
        if national is None
        else national["scorecard"]["median_s"] < TARGET_NATIONAL_SCORECARD,
    }
    return out
