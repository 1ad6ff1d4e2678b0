"""Memory: peak resident memory of the app serving the overview of the national database to a browser.

`streamlit run` in a subprocess on 127.0.0.1 (a free port), PMF_DB and PMF_CONFIG pointing at the national
database; headless Chromium (Playwright, Debian's /usr/bin/chromium) opens the overview and waits for the
scorecard; then the server process's VmHWM (its peak resident set) is read from /proc/PID/status and the
server is stopped.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PROJECT, RESULTS_DIR, ScaleData, rss_kib

from dashboard.core.chromium import DEFAULT_CHROMIUM, HEADLESS_ARGS

CHROMIUM = DEFAULT_CHROMIUM  # Debian's, or PMF_CHROMIUM
CHROMIUM_ARGS = list(HEADLESS_ARGS)
START_TIMEOUT = 90
PAGE_TIMEOUT = 180_000  # ms


def streamlit_command(port: int) -> list[str]:
    """The app served headless on loopback at `port` (the memory and the concurrent-viewers figures): the
    command line `pmf serve` itself runs."""
    from dashboard.service import streamlit_command as served

    return served("127.0.0.1", port)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:  # noqa: S310 - loopback
                if answer.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError("streamlit did not answer /_stcore/health in time")


def run(data: ScaleData, log: Any = print) -> dict[str, Any]:
    if not CHROMIUM.exists():
        return {"skipped": f"no browser at {CHROMIUM}"}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"skipped": "playwright is not installed (pip install -e '.[test]')"}
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PMF_DB": str(data.database), "PMF_CONFIG": str(data.config)}
    RESULTS_DIR.mkdir(exist_ok=True)
    log_path = RESULTS_DIR / "memory-streamlit.log"
    command = streamlit_command(port)
    log(f"  memory: streamlit on {url} with the {data.name} database, overview in headless Chromium")
    with log_path.open("wb") as server_log:
        process = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=server_log, stderr=subprocess.STDOUT)
        try:
            _wait_healthy(url, process)
            idle = rss_kib(process.pid)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                try:
                    page = browser.new_page(viewport={"width": 1400, "height": 1000})
                    start = time.perf_counter()
                    page.goto(url, wait_until="domcontentloaded")
                    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=PAGE_TIMEOUT)
                    page.wait_for_selector('[data-testid="stMetric"]', timeout=PAGE_TIMEOUT)
                    rendered = time.perf_counter() - start
                    title = page.locator("h1").first.inner_text(timeout=10_000)
                    page.screenshot(path=str(RESULTS_DIR / "memory-overview.png"))
                finally:
                    browser.close()
            served = rss_kib(process.pid)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return {
        "scale": data.name,
        "idle_rss_mib": idle["VmRSS"] / 1024,
        "rss_after_overview_mib": served["VmRSS"] / 1024,
        "peak_rss_mib": served["VmHWM"] / 1024,
        "overview_rendered_s": rendered,
        "page_title": title,
        "database_mib": data.database.stat().st_size / 2**20,
    }
