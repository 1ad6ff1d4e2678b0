"""Browser tests: the app started with `streamlit run` on a free loopback port, driven by headless Chromium.

Chromium is Debian's (/usr/bin/chromium); nothing is downloaded. With CI=true a missing browser fails the
run; on a developer's machine without it the browser tests are skipped with a message saying how to get it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from dashboard.core.chromium import DEFAULT_CHROMIUM, HEADLESS_ARGS

PROJECT = Path(__file__).resolve().parents[2]
CHROMIUM = DEFAULT_CHROMIUM  # Debian's, or PMF_CHROMIUM
CHROMIUM_ARGS = list(HEADLESS_ARGS)
ARTIFACTS = PROJECT / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def streamlit_command(port: int) -> list[str]:
    """`streamlit run` of the app on 127.0.0.1 and `port`."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(PROJECT / "dashboard" / "app" / "streamlit_app.py"),
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]


@contextmanager
def streamlit_server(
    cwd: Path,
    env: dict[str, str],
    log_path: Path,
    port: int | None = None,
    command: list[str] | None = None,
) -> Iterator[str]:
    """`streamlit run` of the app on 127.0.0.1 and `port` (else a free one), from `cwd` with `env` (or
    `command`, such as `pmf serve`, serving that port); its URL once healthy. Stopped when the block ends,
    with every process it started (it runs in a process group of its own)."""
    port = port or _free_port()
    url = f"http://127.0.0.1:{port}"
    command = command or streamlit_command(port)
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                        if response.read().decode().strip() == "ok":
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"streamlit did not start; see {log_path}:\n{log_path.read_text()[-3000:]}"
                    )
                time.sleep(0.3)
            yield url
        finally:
            _stop_group(process)


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """Stop the process and its children (its own process group, started by streamlit_server)."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="module")
def server(sample_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the sample data (a private copy), on 127.0.0.1 and a free port; stopped after."""
    work = tmp_path_factory.mktemp("e2e")
    db = work / "pmf.duckdb"
    shutil.copy(sample_db_template, db)
    env = dict(os.environ, PMF_DB=str(db), PMF_LOCAL_MODE="1")  # local mode, as `pmf serve --local` chooses
    env.pop("PMF_CONFIG", None)
    with streamlit_server(PROJECT, env, work / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser(chromium_path: Path) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()
