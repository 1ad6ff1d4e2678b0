"""Debian's headless Chromium: where it is and how it is started, for the PDF report and the browser tests.

PMF_CHROMIUM overrides the path (read once, at import). Nothing is downloaded: without Chromium the PDF is
refused with advice, and the browser tests are skipped (or fail in CI).
"""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM_ENV = "PMF_CHROMIUM"
DEFAULT_CHROMIUM = Path(os.environ.get(CHROMIUM_ENV, "/usr/bin/chromium"))

#: Headless, and nothing started that talks to the network or writes outside its profile.
HEADLESS_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
#: Printing a page to PDF: as HEADLESS_ARGS, with no first-run page and no header or footer on the paper.
PRINT_ARGS = (*HEADLESS_ARGS, "--no-first-run", "--no-pdf-header-footer")


def chromium_available(chromium: Path = DEFAULT_CHROMIUM) -> bool:
    return chromium.exists()
