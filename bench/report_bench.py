"""Report: `dashboard.publish.report.build_report(con, period, settings)` (the self-contained HTML report of one
period) at 1x and national, when the module exists; otherwise "report: not available"."""

from __future__ import annotations

import importlib
import importlib.util
import statistics
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ScaleData, measure, timed

PERIOD = "2023-24 Q3"
SLOW = 30.0  # seconds: a first run slower than this is not repeated


def available() -> bool:
    return importlib.util.find_spec("dashboard.publish.report") is not None


def run(scales: list[ScaleData], repeats: int, log: Any = print) -> dict[str, Any]:
    if not available():
        log("  report: not available (dashboard/report.py does not exist yet)")
        return {"available": False}
    report = importlib.import_module("dashboard.publish.report")
    from dashboard.core.config import load_settings
    from dashboard.core.db import connect
    from dashboard.core.periods import parse_period

    period = parse_period(PERIOD)
    out: dict[str, Any] = {"available": True, "period": PERIOD, "scales": {}}
    for data in scales:
        settings = load_settings(data.config)
        con = connect(data.database)
        try:
            html: list[str] = []

            def build(con: Any = con, settings: Any = settings, html: list[str] = html) -> None:
                html.append(report.build_report(con, period, settings))

            first = timed(build)
            runs = [first]
            if first < SLOW:
                runs += measure(build, repeats - 1).runs
        except Exception as exc:  # another engineer's module, possibly half-written
            out["scales"][data.name] = {"error": f"{type(exc).__name__}: {exc}"}
            log(f"    report {data.name}: failed ({type(exc).__name__}: {exc})")
            continue
        finally:
            con.close()
        median = statistics.median(runs)
        out["scales"][data.name] = {
            "first_s": first,
            "median_s": median,
            "runs_s": runs,
            "html_kib": len(html[0].encode()) / 1024,
        }
        log(
            f"    report {data.name:<9} median {median:.2f} s over {len(runs)} runs, {len(html[0]) // 1024} KiB"
        )
    return out
