"""Printing the report to PDF with headless Chromium.

Chromium's path and flags are written once, in dashboard/core/chromium.py (shared with the browser tests and
the benchmarks); `DEFAULT_CHROMIUM` is re-exported here, where the app and the CLI have always found it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from dashboard.core.chromium import DEFAULT_CHROMIUM, PRINT_ARGS

__all__ = ["DEFAULT_CHROMIUM", "ChromiumNotFoundError", "ReportError", "report_pdf"]


class ReportError(RuntimeError):
    """The report cannot be made as asked (an unknown locality, a PDF that Chromium did not write...)."""


class ChromiumNotFoundError(ReportError):
    """No Chromium to print the PDF with."""


def report_pdf(html_text: str, path: Path, chromium: Path = DEFAULT_CHROMIUM, timeout: float = 120) -> Path:
    """Print the report to a PDF at `path` (A4, from the page's own @page rule) with headless Chromium.

    Raises ChromiumNotFoundError when there is no Chromium at `chromium`, ReportError when it fails.
    """
    executable = Path(chromium)
    if not executable.exists() and shutil.which(str(chromium)) is None:
        raise ChromiumNotFoundError(
            f"cannot make a PDF: Chromium not found at {chromium}. Install it (Debian: apt-get install "
            "chromium), or set PMF_CHROMIUM to its path; or open the HTML report in a browser and print it."
        )
    target = Path(path).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pmf-report-") as work:
        source = Path(work) / "report.html"
        source.write_text(html_text, encoding="utf-8")
        profile = Path(work) / "profile"
        output = Path(work) / "report.pdf"
        command = [
            str(executable if executable.exists() else shutil.which(str(chromium))),
            *PRINT_ARGS,
            f"--user-data-dir={profile}",
            "--virtual-time-budget=10000",
            f"--print-to-pdf={output}",
            source.as_uri(),
        ]
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ReportError(f"Chromium took more than {timeout:g} seconds to print the report") from exc
        except OSError as exc:
            raise ReportError(f"cannot run Chromium at {chromium}: {exc}") from exc
        if not output.is_file() or output.stat().st_size == 0 or not output.read_bytes().startswith(b"%PDF"):
            detail = (run.stderr or run.stdout or "").strip().splitlines()[-5:]
            raise ReportError(
                f"Chromium did not write the PDF (exit status {run.returncode})"
                + (": " + " | ".join(detail) if detail else "")
            )
        shutil.move(str(output), target)
    return target
