"""`make bench`: upload, KPI, page, report, memory and concurrent-viewer benchmarks, 1x to national scale.

Usage::

    python bench/run.py [--quick] [--only upload,kpis,pages,report,memory,viewers] [--upload-rows N] [--seed S]

Prints a table and writes bench-results/bench.json. Every figure is a median of several runs (>= 5 for fast
things, >= 3 for slow ones; --quick: fewer, for trying the harness out), and every ratio compares runs made
side by side in this same run. Generated data is cached under bench/cache/ (made again when data/synth.py
changes). bench/README.md explains each figure.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import sys
import tempfile
import time
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULTS_DIR, SCALES, SEED, ScaleData, fmt_seconds, scale_data  # noqa: E402

SECTIONS = ("upload", "kpis", "report", "pages", "memory", "viewers")


def log(text: str) -> None:
    print(text, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and a smaller upload, to try it out")
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated: " + ", ".join(SECTIONS))
    parser.add_argument("--upload-rows", type=int, default=None, help="default 100000 (20000 with --quick)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "bench.json")
    args = parser.parse_args(argv)
    wanted = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(wanted) - set(SECTIONS)
    if unknown:
        parser.error("unknown section(s): " + ", ".join(sorted(unknown)))
    quick: bool = args.quick
    fast, slow = (3, 2) if quick else (7, 3)
    upload_rows = args.upload_rows or (20_000 if quick else 100_000)

    warnings.filterwarnings("ignore", category=Warning, module="pandas")
    warnings.filterwarnings("ignore", message=".*fragmented.*")
    from streamlit import config as streamlit_config
    from streamlit import logger as streamlit_logger

    # AppTest's "no runtime" and "missing ScriptRunContext" notes (each run re-reads logger.level)
    streamlit_config.set_option("logger.level", "error")
    streamlit_logger.set_log_level(logging.ERROR)
    started = time.perf_counter()
    results: dict[str, Any] = {
        "started": datetime.now().isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "quick": quick,
        "seed": args.seed,
    }
    log(f"bench: {', '.join(wanted)}{' (quick)' if quick else ''}; data cached under bench/cache/")
    data: dict[str, ScaleData] = {}
    if {"kpis", "report", "pages", "memory", "viewers"} & set(wanted):
        for scale in SCALES:
            data[scale] = scale_data(scale, args.seed, log=log)

    # The default configuration and a throwaway database path for everything but the scale runs.
    os.environ.pop("PMF_CONFIG", None)
    os.environ["PMF_DB"] = str(Path(tempfile.mkdtemp(prefix="pmf-bench-")) / "unused.duckdb")

    if "upload" in wanted:
        import upload_bench

        results["upload"] = _section(lambda: upload_bench.run(upload_rows, slow, log=log))
    if "kpis" in wanted:
        import kpi_bench

        log(f"  kpis: scorecard x{fast}, trend x{slow} at each scale, side by side with the baseline")
        results["kpis"] = _section(
            lambda: kpi_bench.run(list(data.values()), fast, slow, baseline=True, log=log)
        )
    if "report" in wanted:
        import report_bench

        results["report"] = _section(lambda: report_bench.run([data["1"], data["national"]], slow, log=log))
    if "pages" in wanted:
        import page_bench

        results["pages"] = {}
        for scale in ("1", "national"):
            results["pages"][data[scale].name] = _section(
                lambda scale=scale: page_bench.run(data[scale], slow, log=log, refresh_repeats=slow + 2)
            )
    if "memory" in wanted:
        import memory_bench

        results["memory"] = _section(lambda: memory_bench.run(data["national"], log=log))
    if "viewers" in wanted:
        import viewers_bench

        # National three rounds (one with --quick); 1x, for reference, one round (none with --quick).
        scales = [(data["national"], slow - 1 if quick else slow)] + ([] if quick else [(data["1"], 1)])
        results["viewers"] = _section(lambda: viewers_bench.run(scales, log=log))

    results["elapsed_s"] = time.perf_counter() - started
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    log("")
    log(report_table(results))
    log(f"\nwrote {args.output} in {results['elapsed_s']:.0f} s")
    return 0


def _section(run: Any) -> dict[str, Any]:
    try:
        return dict(run())
    except Exception as exc:  # keep going: one broken section should not hide the others' figures
        import traceback

        traceback.print_exc()
        return {"error": f"{type(exc).__name__}: {exc}"}


# --- the printed table -------------------------------------------------------------------------------------


def _verdict(met: bool | None) -> str:
    return "–" if met is None else ("met" if met else "NOT met")


def _mib(value: Any) -> str:
    return "–" if value is None else f"{value:,.0f} MiB"


def _upload_lines(upload: dict[str, Any] | None) -> list[str]:
    lines: list[str] = []
    if upload and "error" not in upload:
        timings, memory = upload["timings"], upload["memory"]
        lines.append(f"Upload: {upload['rows']:,} training sessions ({upload['file_mib']:.1f} MiB .xlsx)")
        lines.append(f"  {'':<36} {'median':>9} {'rows/s':>9} {'peak RSS':>10} {'added':>9}")
        names = {
            "calamine": "python-calamine read (the floor)",
            "openpyxl": "pandas.read_excel(openpyxl)",
            "validate": "validate_upload",
            "load": "load_file (validate + store)",
        }
        for key, label in names.items():
            mem = memory.get(key, {})
            lines.append(
                f"  {label:<36} {fmt_seconds(timings[key]['median_s']):>9} "
                f"{upload['rows_per_second'][key]:>9,.0f} {_mib(mem.get('peak_mib')):>10} "
                f"{_mib(mem.get('added_mib')):>9}"
            )
        targets = upload["targets"]
        lines.append(
            f"  load / calamine read = {upload['load_vs_calamine']:.2f}x (target <= "
            f"{targets['load_vs_calamine_max']}x: {_verdict(targets['load_vs_calamine_met'])}); "
            f"openpyxl read / load = {upload['openpyxl_vs_load']:.2f}x (target >= "
            f"{targets['faster_than_openpyxl_min']}x: {_verdict(targets['faster_than_openpyxl_met'])})"
        )
        if "process_vs_calamine_process" in upload:
            lines.append(
                f"  as whole processes: pmf load (its KPI results refresh included) "
                f"{fmt_seconds(timings['pmf load process']['median_s'])} / "
                f"calamine-only process {fmt_seconds(timings['calamine process']['median_s'])} = "
                f"{upload['process_vs_calamine_process']:.2f}x (target <= "
                f"{targets['process_vs_calamine_process_max']}x: "
                f"{_verdict(targets['process_vs_calamine_process_met'])})"
            )
    elif upload:
        lines.append(f"Upload: {upload['error']}")
    return lines


def report_table(results: dict[str, Any]) -> str:
    lines: list[str] = _upload_lines(results.get("upload"))
    kpis = results.get("kpis")
    if kpis and "error" not in kpis:
        lines.append("")
        lines.append(
            f"KPIs ({kpis['period']}): scorecard = kpis_for, trend = compute_kpis over every quarter"
        )
        lines.append(
            f"  {'scale':<9} {'rows':>9} {'places':>6} {'qtrs':>4} {'scorecard':>10} {'ms/1k rows':>10} "
            f"{'trend':>9} {'ms/1k rows':>10} {'baseline card':>13} {'baseline trend':>14}"
        )
        for name, s in kpis["scales"].items():
            base = s.get("baseline", {})
            lines.append(
                f"  {name:<9} {s['total_rows']:>9,} {s['localities']:>6} {s['quarters']:>4} "
                f"{fmt_seconds(s['scorecard']['median_s']):>10} {s['scorecard_ms_per_1k_rows']:>10.3f} "
                f"{fmt_seconds(s['trend']['median_s']):>9} {s['trend_ms_per_1k_rows']:>10.3f} "
                f"{fmt_seconds(base.get('scorecard', {}).get('median_s')):>13} "
                f"{fmt_seconds(base.get('trend', {}).get('median_s')):>14}"
            )
        t = kpis["targets"]
        lines.append(
            f"  national scorecard < {t['national_scorecard_max_s']} s: {_verdict(t['national_scorecard_met'])}"
        )
    elif kpis:
        lines.append(f"KPIs: {kpis['error']}")
    report = results.get("report")
    if report is not None:
        lines.append("")
        if not report.get("available", False) or "error" in report:
            lines.append("report: not available" + (f" ({report['error']})" if "error" in report else ""))
        else:
            for name, r in report["scales"].items():
                figure = r.get("error") or f"median {fmt_seconds(r['median_s'])} ({len(r['runs_s'])} runs)"
                lines.append(f"Report build_report at {name}: {figure}")
    for scale, pages in (results.get("pages") or {}).items():
        lines.append("")
        if "error" in pages:
            lines.append(f"Pages ({scale}): {pages['error']}")
            continue
        lines.append(
            f"Pages ({scale}, AppTest, KPI results stored): cold; first view after a small upload made in the app "
            "(default overview made at once) and by pmf load (caches miss); warm; floor"
        )
        lines.append(
            f"  {'page':<16} {'cold':>9} {'first app':>9} {'first load':>10} {'warm':>9} {'floor':>9} "
            f"{'app/warm':>9} {'load/warm':>9} {'warm/floor':>10} {'cold/floor':>10}"
        )
        for page, p in pages["pages"].items():
            if "error" in p:
                lines.append(f"  {page:<16} {p['error'][:110]}")
                continue
            lines.append(_page_line(page, p))
        targets = pages["targets"]
        lines.append(
            f"  targets: first <= {targets['first_vs_warm_max']}x warm; warm <= {targets['warm_max']}x, "
            f"cold <= {targets['cold_max']}x the floor ('!' = not met)"
        )
        ready = [
            s
            for p in pages["pages"].values()
            if "error" not in p
            for s in p["timings"]["ready (app)"]["runs_s"]
        ]
        if ready:
            lines.append(
                "  what the app's upload adds by making the default overview (changes.refresh_after_change): "
                f"median {fmt_seconds(statistics.median(ready))} of {len(ready)} uploads"
            )
        lines += _refresh_lines(pages.get("upload_refresh"))
    memory = results.get("memory")
    if memory is not None:
        lines.append("")
        if "error" in memory or "skipped" in memory:
            lines.append(f"Memory: {memory.get('error') or memory.get('skipped')}")
        else:
            lines.append(
                f"Memory ({memory['scale']}, {memory['database_mib']:.0f} MiB database): streamlit idle "
                f"{memory['idle_rss_mib']:.0f} MiB, peak {memory['peak_rss_mib']:.0f} MiB after serving the "
                f"overview (rendered in Chromium in {memory['overview_rendered_s']:.1f} s)"
            )
    lines += _viewers_lines(results.get("viewers"))
    return "\n".join(lines)


def _page_line(page: str, p: dict[str, Any]) -> str:
    tm, ratios, met = p["timings"], p["first_vs_warm"], p["first_met"]
    return (
        f"  {page:<16} {fmt_seconds(tm['cold']['median_s']):>9} "
        f"{fmt_seconds(tm['first (app)']['median_s']):>9} {fmt_seconds(tm['first (pmf load)']['median_s']):>10} "
        f"{fmt_seconds(tm['warm']['median_s']):>9} {fmt_seconds(tm['floor']['median_s']):>9} "
        f"{ratios['app']:>8.2f}x{'' if met['app'] else '!'} {ratios['load']:>8.2f}x{'' if met['load'] else '!'} "
        f"{p['warm_vs_floor']:>9.2f}x{'' if p['warm_met'] else '!'}"
        f" {p['cold_vs_floor']:>9.2f}x{'' if p['cold_met'] else '!'}"
    )


def _refresh_lines(refresh: dict[str, Any] | None) -> list[str]:
    """What storing the KPI results adds to a small upload (first_view_bench.refresh_cost)."""
    if not refresh:
        return []
    tm = refresh["timings"]
    return [
        f"  small upload ({refresh['rows_uploaded']} rows, validated beforehand): load "
        f"{fmt_seconds(tm['load']['median_s'])}, load + refresh_results "
        f"{fmt_seconds(tm['load + refresh']['median_s'])} (+{fmt_seconds(refresh['added_s'])}, "
        f"{refresh['ratio']:.1f}x); refresh alone after a change {fmt_seconds(tm['refresh (computed)']['median_s'])}, "
        f"when already current {fmt_seconds(tm['refresh (current)']['median_s'])}"
    ]


def _viewers_lines(viewers: dict[str, Any] | None) -> list[str]:
    if viewers is None:
        return []
    lines = [""]
    if "error" in viewers or "skipped" in viewers:
        return [*lines, f"Viewers: {viewers.get('error') or viewers.get('skipped')}"]
    lines.append(
        f"Viewers: N headless Chromium pages open the overview at once (one server, {viewers['cpus']} cores "
        "shared with the browsers); time until the scorecard shows"
    )
    lines.append(
        f"  {'scale':<9} {'N':>3} {'pages':>5} {'p50':>8} {'p95':>8} {'pages/s':>8} {'peak RSS':>9} "
        f"{'server CPU/page':>15} {'server CPU':>10} {'browser CPU':>11}"
    )
    for name, scale in viewers["scales"].items():
        if "error" in scale:
            lines.append(f"  {name:<9} {scale['error'][:110]}")
            continue
        for n, v in scale["viewers"].items():
            lines.append(
                f"  {name:<9} {n:>3} {v['pages']:>5} {fmt_seconds(v['p50_s']):>8} "
                f"{fmt_seconds(v['p95_s']):>8} "
                f"{v['pages_per_s']:>8.2f} {_mib(v['server_peak_mib']):>9} "
                f"{fmt_seconds(v['server_cpu_per_page_s']):>15} {v['server_cpu_share']:>9.0%} "
                f"{v['browser_cpu_share']:>10.0%}"
            )
        flat = scale["scaling"]["flat_from"]
        lines.append(
            f"  {name}: warm-up (first, cold) visit {fmt_seconds(scale['warm_up_s'])}; pages/s "
            + (f"stops growing at N={flat}" if flat else "still growing at the largest N")
            + "; CPU shares are of all cores over the rounds' wall time"
        )
    return lines


if __name__ == "__main__":
    sys.exit(main())
