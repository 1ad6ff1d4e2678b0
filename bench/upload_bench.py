"""Upload: validate and load a large training_sessions workbook, against reading the same file.

Three ways through the same file, timed side by side (interleaved rounds):

- floor: python-calamine alone, `CalamineWorkbook.from_path(p).get_sheet_by_name(s).to_python()`: the least
  any reader of this file can cost;
- openpyxl: `pandas.read_excel(p, engine="openpyxl")` alone: what a plain pandas app would do;
- load: `dashboard.ingest.load.load_file` into a new, empty database: read, check every cell and rule, store.
  `validate_upload` alone is timed too, so the store's share is load - validate.

As whole processes (issue 15: what a user waits for, imports included), interleaved rounds of `pmf load FILE`
into a copy of an empty database against a Python process that only reads the sheet with calamine (its
import included): `pmf load` within 2.0x. Since the stored KPI results (issue 15), `pmf load` also refreshes
them before it reports the load done (`refresh_results`, every KPI of every period held): that is in its time.

Peak memory: each way once more in a fresh subprocess (this file run as a script), which reports its peak
resident memory (ru_maxrss) and its resident memory before the work began.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PROJECT, Timing, side_by_side, upload_workbook

SHEET = "training_sessions"
TARGET_VS_FLOOR = 1.5  # load <= 1.5 x the calamine read
TARGET_VS_OPENPYXL = 3.0  # load >= 3 x faster than the openpyxl read
TARGET_PROCESS_VS_FLOOR = 2.0  # `pmf load` <= 2 x a process that only reads the sheet with calamine
READ_ONLY = (
    "import sys\n"
    "from python_calamine import CalamineWorkbook\n"
    "CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_name(sys.argv[2]).to_python()\n"
)


def read_calamine(path: Path) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SHEET).to_python()


def read_openpyxl(path: Path) -> object:
    import pandas as pd

    return pd.read_excel(path, sheet_name=SHEET, engine="openpyxl")


def validate(path: Path) -> object:
    from dashboard.core.config import settings
    from dashboard.ingest.validate import validate_upload

    report = validate_upload(path.read_bytes(), path.name, settings())
    if report.errors:
        raise RuntimeError(f"{path.name}: {len(report.errors)} errors, first {report.errors[0]}")
    return report


class _FreshDatabase:
    """A new empty database for each load (made before the timer starts)."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="pmf-bench-load-"))
        self.count = 0
        self.con: Any = None

    def make(self) -> None:
        from dashboard.core.db import connect

        self.close()
        self.count += 1
        self.con = connect(self.folder / f"load{self.count}.duckdb")

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None
        for path in self.folder.glob("*"):
            path.unlink()

    def load(self, path: Path) -> None:
        from dashboard.core.config import settings
        from dashboard.ingest.load import load_file

        result = load_file(self.con, path, settings(), uploaded_by="bench")
        if not result.changed:
            raise RuntimeError("the load changed nothing")


def _pmf() -> list[str]:
    """How to run pmf: the virtualenv's console script beside this Python, else python -m dashboard.cli."""
    script = Path(sys.executable).with_name("pmf")
    return [str(script)] if script.exists() else [sys.executable, "-m", "dashboard.cli"]


def _run(command: list[str]) -> None:
    run = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT, check=False)
    if run.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:3])}: {(run.stderr.strip().splitlines() or ['failed'])[-1]}")


def whole_processes(path: Path, repeats: int) -> dict[str, Timing]:
    """`pmf load` into a copy of an empty database, against a process that only reads the sheet, interleaved."""
    from dashboard.core.db import connect

    folder = Path(tempfile.mkdtemp(prefix="pmf-bench-process-"))
    empty = folder / "empty.duckdb"
    connect(empty).close()
    target = folder / "load.duckdb"

    def fresh() -> None:
        target.unlink(missing_ok=True)
        target.write_bytes(empty.read_bytes())

    try:
        return side_by_side(
            {
                "calamine process": lambda: _run([sys.executable, "-c", READ_ONLY, str(path), SHEET]),
                "pmf load process": lambda: _run(
                    [*_pmf(), "load", str(path), "--db", str(target), "--user", "bench"]
                ),
            },
            repeats,
            setup=fresh,
        )
    finally:
        for file in folder.glob("*"):
            file.unlink()
        folder.rmdir()


def _child(mode: str, path: Path) -> None:
    """Run one way once and print its memory use as JSON (subprocess entry point)."""
    from common import rss_kib

    if mode == "load":
        db = _FreshDatabase()
        db.make()
        import dashboard.ingest.load  # noqa: F401 - imports are not the work being measured
    elif mode == "validate":
        import dashboard.ingest.validate  # noqa: F401
    elif mode == "openpyxl":
        import openpyxl  # noqa: F401
        import pandas  # noqa: F401
    else:
        import python_calamine  # noqa: F401
    before = rss_kib()["VmRSS"]
    if mode == "load":
        db.load(path)
        db.close()
    elif mode == "validate":
        validate(path)
    elif mode == "openpyxl":
        read_openpyxl(path)
    else:
        read_calamine(path)
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child would report its parent's peak.
    print(json.dumps({"before_kib": before, "peak_kib": rss_kib()["VmHWM"]}))


def _memory(mode: str, path: Path) -> dict[str, Any]:
    run = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), mode, str(path)],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        check=False,
    )
    if run.returncode != 0:
        return {"error": run.stderr.strip().splitlines()[-1:] or ["failed"]}
    data = json.loads(run.stdout.strip().splitlines()[-1])
    data["peak_mib"] = data["peak_kib"] / 1024
    data["added_mib"] = (data["peak_kib"] - data["before_kib"]) / 1024
    return data


def run(rows: int, repeats: int, log: Any = print) -> dict[str, Any]:
    path = upload_workbook(rows, log=log)
    fresh = _FreshDatabase()
    log(f"  upload: {rows:,} rows, {repeats} interleaved rounds of calamine / openpyxl / validate / load")
    timings: dict[str, Timing]
    try:
        read_calamine(path)  # warm the file cache and imports
        timings = side_by_side(
            {
                "calamine": lambda: read_calamine(path),
                "openpyxl": lambda: read_openpyxl(path),
                "validate": lambda: validate(path),
                "load": lambda: fresh.load(path),
            },
            repeats,
            setup=fresh.make,
        )
    finally:
        fresh.close()
    log(f"  upload: {repeats} interleaved rounds of a calamine-only process / pmf load as a process")
    processes = whole_processes(path, repeats)
    timings.update(processes)
    memory = {mode: _memory(mode, path) for mode in ("calamine", "openpyxl", "validate", "load")}
    floor, openpyxl_t, load = (timings[k].median for k in ("calamine", "openpyxl", "load"))
    process_ratio = timings["pmf load process"].median / timings["calamine process"].median
    return {
        "rows": rows,
        "file": str(path.relative_to(PROJECT)),
        "file_mib": path.stat().st_size / 2**20,
        "timings": {name: t.as_dict() for name, t in timings.items()},
        "rows_per_second": {name: rows / t.median for name, t in timings.items()},
        "load_vs_calamine": load / floor,
        "openpyxl_vs_load": openpyxl_t / load,
        "validate_share_of_load": timings["validate"].median / load,
        "process_vs_calamine_process": process_ratio,
        "targets": {
            "process_vs_calamine_process_max": TARGET_PROCESS_VS_FLOOR,
            "process_vs_calamine_process_met": process_ratio <= TARGET_PROCESS_VS_FLOOR,
            "load_vs_calamine_max": TARGET_VS_FLOOR,
            "load_vs_calamine_met": load / floor <= TARGET_VS_FLOOR,
            "faster_than_openpyxl_min": TARGET_VS_OPENPYXL,
            "faster_than_openpyxl_met": openpyxl_t / load >= TARGET_VS_OPENPYXL,
        },
        "memory": memory,
    }


if __name__ == "__main__":
    _child(sys.argv[1], Path(sys.argv[2]))
