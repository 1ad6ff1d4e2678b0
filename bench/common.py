"""Shared by the benchmarks: where things are, timing by medians, and the cached benchmark data."""

from __future__ import annotations

import gc
import hashlib
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
BENCH_DIR = PROJECT / "bench"
CACHE_DIR = BENCH_DIR / "cache"
RESULTS_DIR = PROJECT / "bench-results"
ENTRY = PROJECT / "dashboard" / "app" / "streamlit_app.py"
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from data import synth  # noqa: E402 - needs the project on sys.path

SEED = synth.DEFAULT_SEED
SCALES = ("1", "10", "100", "national")


@dataclass
class Timing:
    """Seconds of each run, and their median (the figure reported)."""

    runs: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def low(self) -> float:
        return min(self.runs)

    def as_dict(self) -> dict[str, Any]:
        return {"median_s": self.median, "min_s": self.low, "runs_s": self.runs, "n": len(self.runs)}


def timed(function: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def measure(
    function: Callable[[], object], repeats: int, setup: Callable[[], object] | None = None
) -> Timing:
    """`repeats` runs of `function`, each after `setup` (not timed)."""
    runs = []
    for _ in range(repeats):
        if setup is not None:
            setup()
        runs.append(timed(function))
    return Timing(runs)


def side_by_side(
    functions: dict[str, Callable[[], object]], repeats: int, setup: Callable[[], object] | None = None
) -> dict[str, Timing]:
    """Interleaved rounds (a, b, c, a, b, c, ...), so that a noisy neighbour slows each alike."""
    runs: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            if setup is not None:
                setup()
            runs[name].append(timed(function))
    return {name: Timing(values) for name, values in runs.items()}


def source_digest() -> str:
    """Changes when the generator changes, so that cached data is made again."""
    return hashlib.sha256((PROJECT / "data" / "synth.py").read_bytes()).hexdigest()[:10]


@dataclass(frozen=True)
class ScaleData:
    name: str  # "1x", "10x", "100x", "national"
    database: Path
    config: Path
    rows: dict[str, int]

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def scale_data(scale_text: str, seed: int = SEED, log: Callable[[str], None] = print) -> ScaleData:
    """The scale's database and configuration under bench/cache, generated the first time (seconds)."""
    scale = synth.parse_scale(scale_text)
    folder = CACHE_DIR / f"{scale.name}-seed{seed}-{source_digest()}"
    database, config = folder / "pmf.duckdb", folder / "pmf.toml"
    if not (database.is_file() and config.is_file()):
        start = time.perf_counter()
        folder.mkdir(parents=True, exist_ok=True)
        config.write_text(synth.config_text(scale, database), encoding="utf-8")
        synth.write_database(synth.generate(scale, seed), database)
        log(
            f"  generated {scale.name} ({sum(synth.expected_rows(scale).values()):,} rows) "
            f"in {time.perf_counter() - start:.1f} s -> {folder.relative_to(PROJECT)}"
        )
    return ScaleData(scale.name, database, config, synth.expected_rows(scale))


def upload_workbook(rows: int, seed: int = SEED, log: Callable[[str], None] = print) -> Path:
    """A workbook of `rows` training sessions (one sheet), written once: .xlsx writing is slow."""
    path = CACHE_DIR / f"training_sessions-{rows}-seed{seed}-{source_digest()}.xlsx"
    if not path.is_file():
        start = time.perf_counter()
        partial = path.with_suffix(".partial.xlsx")
        synth.write_workbook(partial, {"training_sessions": synth.training_sessions(rows, seed)})
        partial.replace(path)
        log(f"  wrote {path.relative_to(PROJECT)} ({rows:,} rows) in {time.perf_counter() - start:.1f} s")
    return path


def use_database(data: ScaleData) -> None:
    """Point the app's settings (PMF_DB, PMF_CONFIG) at this scale's database."""
    os.environ["PMF_DB"] = str(data.database)
    os.environ["PMF_CONFIG"] = str(data.config)


def rss_kib(pid: int | str = "self") -> dict[str, int]:
    """VmRSS and VmHWM (peak resident memory) of a process, in KiB, from /proc."""
    out: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    return out


def fmt_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"
