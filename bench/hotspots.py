"""Where the time goes: cProfile of one benchmark case, the hottest functions first.

Usage::

    python bench/hotspots.py upload [--rows 100000] [--sort tottime|cumulative] [--top 25]
    python bench/hotspots.py page overview [--scale national] [--cold | --first [--after app|load]]
    python bench/hotspots.py kpis [--scale national] [--trend]

`upload` profiles validate_upload and load_file on the cached benchmark workbook; `page` profiles one
AppTest run of a page (or a variant: overview+compare) in the thread that runs the script (where the page's own
work happens), warm unless --cold (every cache cleared) or --first (the first view after a small upload, on a
working copy with the KPI results stored, as the page bench measures it: `--after load`, the default, as after
`pmf load`, every cache missing; `--after app`, as after the app's upload, the default overview made at once);
`kpis` profiles kpis_for (or compute_kpis over every quarter with --trend).
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import pstats
import sys
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import scale_data, upload_workbook, use_database  # noqa: E402


def _print(profile: cProfile.Profile, sort: str, top: int) -> None:
    stats = pstats.Stats(profile)
    stats.sort_stats(sort).print_stats(top)


def profile_upload(rows: int) -> cProfile.Profile:
    from dashboard.core.config import load_settings
    from dashboard.core.db import connect
    from dashboard.ingest.load import load_file

    path = upload_workbook(rows)
    settings = load_settings()
    folder = Path(tempfile.mkdtemp(prefix="pmf-profile-"))
    con = connect(folder / "warm.duckdb")
    load_file(con, path, settings, uploaded_by="profile")  # imports and caches out of the way
    con.close()
    con = connect(folder / "load.duckdb")
    profile = cProfile.Profile()
    profile.enable()
    load_file(con, path, settings, uploaded_by="profile")
    profile.disable()
    con.close()
    return profile


def profile_page(
    page: str, scale: str, cold: bool, first: bool = False, after: str = "load"
) -> cProfile.Profile:
    import shutil

    import first_view_bench

    data = scale_data(scale)
    if not first:
        return _profile_page(page, data, cold, None)
    copy, folder = first_view_bench.working_copy(data)
    try:
        return _profile_page(page, copy, False, first_view_bench.SmallUpload(copy), after)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _profile_page(page: str, data: Any, cold: bool, upload: Any, after: str = "load") -> cProfile.Profile:
    import page_bench
    import streamlit.runtime.scriptrunner.script_runner as script_runner
    from streamlit import config

    config.set_option("logger.level", "error")
    use_database(data)
    profile = cProfile.Profile()
    active = {"on": False}
    original: Callable[..., Any] = script_runner.exec_func_with_error_handling

    def profiled(func: Any, ctx: Any) -> Any:  # the script runs in its own thread: profile it there
        if not active["on"]:
            return original(func, ctx)
        profile.enable()
        try:
            return original(func, ctx)
        finally:
            profile.disable()

    script_runner.exec_func_with_error_handling = profiled  # type: ignore[assignment]
    page_bench.share_script_cache()  # as the benchmark does: scripts compiled once
    pages = page_bench.Pages()
    pages.discover()
    if upload is not None:  # the first view after an upload, as the page bench measures it
        pages.app(page).run()
        upload.apply()
        page_bench.AFTER[after]()
    elif cold:
        page_bench.clear_caches()
    else:
        pages.app(page).run()
    active["on"] = True
    pages.app(page).run()
    return profile


def profile_kpis(scale: str, trend: bool) -> cProfile.Profile:
    from dashboard.core.config import load_settings
    from dashboard.core.db import connect, data_quarters
    from dashboard.core.periods import parse_period
    from dashboard.kpis import catalogue as kpis

    data = scale_data(scale)
    settings = load_settings(data.config)
    con = connect(data.database)
    period = parse_period("2023-24 Q3")
    quarters = data_quarters(con)
    kpis.kpis_for(con, period, settings)
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(3):
        if trend:
            kpis.compute_kpis(con, quarters, settings)
        else:
            kpis.kpis_for(con, period, settings)
    profile.disable()
    con.close()
    return profile


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("case", choices=("upload", "page", "kpis"))
    parser.add_argument("page", nargs="?", default="overview")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--scale", default="national")
    parser.add_argument("--cold", action="store_true")
    parser.add_argument("--first", action="store_true", help="page: the first view after a small upload")
    parser.add_argument(
        "--after", default="load", choices=("load", "app"), help="--first: after pmf load or the app's upload"
    )
    parser.add_argument("--trend", action="store_true")
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumulative"))
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    if args.case == "upload":
        profile = profile_upload(args.rows)
    elif args.case == "page":
        profile = profile_page(args.page, args.scale, args.cold, args.first, args.after)
    else:
        profile = profile_kpis(args.scale, args.trend)
    _print(profile, args.sort, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
