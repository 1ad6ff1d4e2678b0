"""Concurrent viewers: 1, 5 and 10 headless Chromium pages opening the overview together against one server.

`streamlit run` in a subprocess on 127.0.0.1 (a free port, its own process group) with PMF_DB and PMF_CONFIG
pointing at a scale's database, as in memory_bench. One warm-up visit fills the server's caches; then, for
each N, rounds of N pages: the N pages (each in a Chromium of its own and a new browser context, so each is
a new Streamlit session, as N people are) are made first, then all are sent to the overview address at once
and each is timed from `goto` until the scorecard shows with its rows (a KPI id such as "TR01" in the
scorecard grid). One Chromium per viewer, because one Chromium serving N contexts was measured slower
(N=5, interleaved rounds: a round's wall time 21.3 s against 15.7 s, median of 3): its one browser process
and one GPU process partly serialise the pages (--one-browser measures it that way).

Per N: p50 and p95 of every page's time over the rounds, the pages per second each round achieved
(N / wall time from the first `goto` to the last scorecard), the server's peak resident set during those
rounds (VmHWM of the server and any children, reset before each N through /proc/PID/clear_refs), and the
CPU seconds the server and the browser (Chromium and Playwright's driver) used, from /proc/PID/stat. The
browser runs on the same 2 cores as the server, so its CPU share is reported beside the figures.

Usage: python bench/viewers_bench.py [--scale national] [--rounds 3] [--viewers 1,5,10] [--one-browser]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PROJECT, RESULTS_DIR, ScaleData, rss_kib, scale_data
from memory_bench import CHROMIUM, CHROMIUM_ARGS, _wait_healthy, free_port, streamlit_command

VIEWERS = (1, 5, 10)
OVERVIEW = "/?fy=2023-24&q=Q3"  # the quarter every other figure uses
PAGE_TIMEOUT = 180_000  # ms
VIEWPORT = {"width": 1400, "height": 1000}
TICK = os.sysconf("SC_CLK_TCK")
# The scorecard has rendered with its values: its grid (glide-data-grid's accessible table) holds a KPI id.
SCORECARD_SHOWN = """() => {
  const heading = [...document.querySelectorAll("h2")].some(h => h.textContent.trim().startsWith("Scorecard"));
  const cells = document.querySelectorAll('[data-testid="stDataFrame"] [role="gridcell"]');
  return heading && [...cells].some(c => /^[A-Z]{2}[0-9]{2}$/.test(c.textContent.trim()));
}"""
# A page that shows the scorecard is a success; one that shows Streamlit's error box is not.
ERROR_SHOWN = "This app has encountered an error"


# --- the server ----------------------------------------------------------------------------------------------


@contextmanager
def app_server(data: ScaleData, log_path: Path) -> Iterator[tuple[str, int]]:
    """The app on 127.0.0.1 against `data`'s database, in local mode; its URL and pid. Stopped (its whole
    process group) when the block ends."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PMF_DB": str(data.database), "PMF_CONFIG": str(data.config), "PMF_LOCAL_MODE": "1"}
    command = streamlit_command(port)
    with log_path.open("wb") as server_log:
        process = subprocess.Popen(
            command, cwd=PROJECT, env=env, stdout=server_log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            _wait_healthy(url, process)
            yield url, process.pid
        finally:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, sig)
                try:
                    process.wait(timeout=15)
                    break
                except subprocess.TimeoutExpired:
                    continue


# --- /proc ---------------------------------------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rpartition(")")[2].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def descendants(pid: int, exclude: int | None = None) -> list[int]:
    """`pid` and every process below it, leaving out `exclude` and its own descendants."""
    tree, out, todo = _children(), [], [pid]
    while todo:
        current = todo.pop()
        if current == exclude:
            continue
        out.append(current)
        todo.extend(tree.get(current, []))
    return out


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """utime + stime of each process and of its children already waited for (cutime, cstime)."""
    out: dict[int, float] = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue  # ended meanwhile
        out[pid] = sum(int(value) for value in fields[11:15]) / TICK  # utime stime cutime cstime
    return out


def reset_peak(pids: list[int]) -> bool:
    """Reset each process's VmHWM to its current resident set (Linux: "5" into clear_refs)."""
    try:
        for pid in pids:
            Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with suppress(OSError):
            total += rss_kib(pid)["VmHWM"]
    return total / 1024


def rss_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with suppress(OSError):
            total += rss_kib(pid)["VmRSS"]
    return total / 1024


# --- the browsers --------------------------------------------------------------------------------------------


async def _open(page: Any, address: str) -> tuple[float, float]:
    """Start and end (perf_counter) of one page: goto until the scorecard shows."""
    start = time.perf_counter()
    await page.goto(address, wait_until="commit", timeout=PAGE_TIMEOUT)
    await page.wait_for_function(SCORECARD_SHOWN, timeout=PAGE_TIMEOUT, polling=50)
    end = time.perf_counter()
    if ERROR_SHOWN in await page.content():
        raise RuntimeError("the overview showed an error")
    return start, end


async def _round(browsers: list[Any], address: str, viewers: int, server_pid: int) -> dict[str, Any]:
    """N contexts made first (not timed), then every page sent at once: each page's time, the wall time, and
    the CPU seconds the server and the browser used meanwhile (read while the pages' renderers still live)."""
    contexts = [await browsers[i % len(browsers)].new_context(viewport=VIEWPORT) for i in range(viewers)]
    try:
        pages = [await context.new_page() for context in contexts]
        server, client = _cpu(server_pid)
        spans = await asyncio.gather(*(_open(page, address) for page in pages))
        server_after, client_after = _cpu(server_pid)
    finally:
        for context in contexts:
            await context.close()
    return {
        "times": [end - start for start, end in spans],
        "wall": max(end for _, end in spans) - min(start for start, _ in spans),
        "server_cpu": _used(server, server_after),
        "browser_cpu": _used(client, client_after),
    }


def _cpu(server_pid: int) -> tuple[dict[int, float], dict[int, float]]:
    """CPU seconds of each process: the server's, and the browsers' (this process's other descendants)."""
    server = descendants(server_pid)
    client = [pid for pid in descendants(os.getpid(), exclude=server_pid) if pid != os.getpid()]
    return cpu_seconds(server), cpu_seconds(client)


def _used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU used between two readings: processes started meanwhile count from nothing."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def percentile(values: list[float], share: float) -> float:
    """The `share` quantile, linear between the two nearest values (numpy's default)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


async def _measure(
    url: str, server_pid: int, viewers: tuple[int, ...], rounds: int, separate: bool, log: Any
) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    address = url + OVERVIEW
    out: dict[str, Any] = {"viewers": {}}
    async with async_playwright() as playwright:

        async def launch() -> Any:
            return await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)

        browsers = [await launch() for _ in range(max(viewers) if separate else 1)]
        try:
            warm = await _round(browsers, address, 1, server_pid)  # the first visit: cold caches
            out["warm_up_s"] = warm["times"][0]
            out["server_idle_rss_mib"] = rss_mib(descendants(server_pid))
            for n in viewers:
                server = descendants(server_pid)
                out.setdefault("peak_reset", reset_peak(server))
                done = [await _round(browsers, address, n, server_pid) for _ in range(rounds)]
                out["viewers"][str(n)] = figure = _figure(n, done, peak_mib(descendants(server_pid)))
                log(
                    f"    {n:>2} viewers: p50 {figure['p50_s']:.2f} s, p95 {figure['p95_s']:.2f} s, "
                    f"{figure['pages_per_s']:.2f} pages/s, server peak {figure['server_peak_mib']:.0f} MiB, "
                    f"CPU server {figure['server_cpu_s']:.1f} s / browser {figure['browser_cpu_s']:.1f} s"
                )
        finally:
            for browser in browsers:
                await browser.close()
    return out


def _figure(n: int, done: list[dict[str, Any]], server_peak: float) -> dict[str, Any]:
    times = [t for one in done for t in one["times"]]
    walls = [one["wall"] for one in done]
    server_cpu = sum(one["server_cpu"] for one in done)
    browser_cpu = sum(one["browser_cpu"] for one in done)
    capacity = sum(walls) * (os.cpu_count() or 1)  # core-seconds the rounds lasted
    return {
        "pages": len(times),
        "times_s": times,
        "walls_s": walls,
        "p50_s": statistics.median(times),
        "p95_s": percentile(times, 0.95),
        "pages_per_s": statistics.median(n / wall for wall in walls),
        "server_peak_mib": server_peak,
        "server_cpu_s": server_cpu,
        "browser_cpu_s": browser_cpu,
        "server_cpu_per_page_s": server_cpu / len(times),
        "server_cpu_share": server_cpu / capacity,
        "browser_cpu_share": browser_cpu / capacity,
    }


def scaling(viewers: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Where one process stops scaling: pages/s grows by less than a fifth from one N to the next."""
    ns = sorted(int(n) for n in viewers)
    first = viewers[str(ns[0])]
    saturated = None
    for before, after in zip(ns, ns[1:], strict=False):
        if viewers[str(after)]["pages_per_s"] < 1.2 * viewers[str(before)]["pages_per_s"]:
            saturated = after
            break
    return {
        "pages_per_s_vs_1": {n: v["pages_per_s"] / first["pages_per_s"] for n, v in viewers.items()},
        "p95_vs_1": {n: v["p95_s"] / first["p50_s"] for n, v in viewers.items()},
        "flat_from": saturated,
    }


def run_scale(
    data: ScaleData,
    rounds: int,
    viewers: tuple[int, ...] = VIEWERS,
    separate: bool = True,
    log: Any = print,
) -> dict[str, Any]:
    RESULTS_DIR.mkdir(exist_ok=True)
    log_path = RESULTS_DIR / f"viewers-{data.name}-streamlit.log"
    mode = "one Chromium per viewer" if separate else "one Chromium, a context per viewer"
    log(f"  viewers: {data.name}, {', '.join(map(str, viewers))} at once x{rounds} rounds ({mode})")
    start = time.perf_counter()
    with app_server(data, log_path) as (url, pid):
        out = asyncio.run(_measure(url, pid, viewers, rounds, separate, log))
    out.update(
        {
            "scale": data.name,
            "rounds": rounds,
            "browsers": "one per viewer" if separate else "one, a context per viewer",
            "scaling": scaling(out["viewers"]),
            "elapsed_s": time.perf_counter() - start,
        }
    )
    return out


def run(scales: list[tuple[ScaleData, int]], log: Any = print) -> dict[str, Any]:
    """Each (scale, rounds) in turn, a server of its own each."""
    if not CHROMIUM.exists():
        return {"skipped": f"no browser at {CHROMIUM}"}
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return {"skipped": "playwright is not installed (pip install -e '.[test]')"}
    out: dict[str, Any] = {"address": OVERVIEW, "cpus": os.cpu_count(), "scales": {}}
    for data, rounds in scales:
        try:
            out["scales"][data.name] = run_scale(data, rounds, log=log)
        except Exception as exc:  # one scale failing should not hide the other's figures
            out["scales"][data.name] = {"error": f"{type(exc).__name__}: {exc}"}
            log(f"    viewers {data.name}: failed ({type(exc).__name__}: {exc})")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", default="national")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--viewers", default=",".join(map(str, VIEWERS)))
    parser.add_argument("--one-browser", action="store_true", help="one Chromium, a context per viewer")
    args = parser.parse_args(argv)
    os.environ["PMF_LOCAL_MODE"] = "1"
    viewers = tuple(int(n) for n in args.viewers.split(","))
    result = run_scale(scale_data(args.scale), args.rounds, viewers, separate=not args.one_browser)
    print(json.dumps({k: v for k, v in result.items() if k != "viewers"}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
