"""The first view after an upload: a working copy of a scale's database, a small real upload, and what the
refresh of the stored KPI results adds to it.

The bench databases under bench/cache/ are shared with the other sections (kpis, report, memory, viewers),
which measure them without stored results: the page bench works on a copy of them instead (`working_copy`),
with the KPI results stored once before anything is timed, and applies its uploads there.

A small upload is what an analyst's correction looks like: a CSV of two training_sessions rows already held
(the latest two delivered sessions), whose attendance differs each round, so that every upload changes the
data. It goes through the product's own path, as dashboard/app/changes.py does: `validate_upload`, then
`load_upload` and `refresh_results` on a writer connection (`connections.writing`), closed after it.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ScaleData, Timing, side_by_side, timed

from dashboard.ingest.contract import DATASETS_BY_NAME

FILE_NAME = "bench-correction.csv"
SESSIONS = 2  # rows in each small upload
TARGET_FIRST_VS_WARM = 2.0  # the first view after an upload within 2 x a warm view
COLUMNS = tuple(DATASETS_BY_NAME["training_sessions"].column_names)  # the upload contract's, in order


def working_copy(data: ScaleData, log: Callable[[str], None] = print) -> tuple[ScaleData, Path]:
    """A copy of the scale's database and configuration in a temporary folder, its KPI results refreshed
    (a synth database is written straight into DuckDB, with no stored results). The folder is returned to
    be removed afterwards."""
    from dashboard.core.config import load_settings
    from dashboard.core.db import connect
    from dashboard.kpis.results import refresh_results

    folder = Path(tempfile.mkdtemp(prefix=f"pmf-firstview-{data.name}-"))
    database, config = folder / "pmf.duckdb", folder / "pmf.toml"
    shutil.copyfile(data.database, database)
    text = data.config.read_text(encoding="utf-8")
    config.write_text(
        re.sub(r'(?m)^path = ".*"$', lambda _: f'path = "{database}"', text, count=1), encoding="utf-8"
    )
    copy = ScaleData(data.name, database, config, data.rows)
    con = connect(database)
    try:
        done = refresh_results(con, load_settings(config))
    finally:
        con.close()
    log(f"  {data.name}: working copy in {folder}; {done.line()}")
    return copy, folder


@dataclass
class SmallUpload:
    """Two stored training sessions, uploaded again with different attendance each round."""

    data: ScaleData
    rows: list[dict[str, Any]] = field(default_factory=list)
    round: int = 0

    def __post_init__(self) -> None:
        from dashboard.core.db import connect_read_only

        con = connect_read_only(self.data.database)
        try:
            frame = con.execute(
                "SELECT * FROM training_sessions WHERE status = 'Delivered' AND places_booked >= 6 "
                "ORDER BY session_date DESC, session_id DESC LIMIT $n",
                {"n": SESSIONS},
            ).df()
        finally:
            con.close()
        self.rows = frame[list(COLUMNS)].to_dict("records")

    def csv(self) -> bytes:
        """The next round's file: attended falls by 1 to 4 from the places booked, in turn."""
        self.round += 1
        lines = [",".join(COLUMNS)]
        for row in self.rows:
            attended = int(row["places_booked"]) - 1 - self.round % 4
            values = {**row, "attended": attended, "did_not_attend": int(row["places_booked"]) - attended}
            values["session_date"] = row["session_date"].strftime("%Y-%m-%d")
            lines.append(",".join(_cell(values[c]) for c in COLUMNS))
        return ("\n".join(lines) + "\n").encode("utf-8")

    def report(self) -> Any:
        """The next round's file, validated (stores nothing)."""
        from dashboard.core.config import load_settings
        from dashboard.ingest.validate import validate_upload

        report = validate_upload(self.csv(), FILE_NAME, load_settings(self.data.config), "training_sessions")
        if not report.ok:
            raise RuntimeError(f"the small upload was refused: {report.errors[0]}")
        return report

    def apply(self, refresh: bool = True) -> None:
        """Validate, load and refresh on a writer connection, closed after it, as the app's upload does."""
        from dashboard.app import connections
        from dashboard.core.config import load_settings
        from dashboard.ingest.load import load_upload
        from dashboard.kpis.results import refresh_results

        report = self.report()
        with connections.writing(str(self.data.database)) as con:
            load_upload(con, report, "bench")
            if refresh:
                done = refresh_results(con, load_settings(self.data.config))
                if done.failed or not done.computed:
                    raise RuntimeError(f"the refresh after the small upload did not compute: {done.line()}")


def _cell(value: Any) -> str:
    if value is None or value != value:  # noqa: PLR0124 - NaN: an empty cell
        return ""
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return f'"{text}"' if "," in text or '"' in text else text


def refresh_cost(data: ScaleData, repeats: int, log: Callable[[str], None] = print) -> dict[str, Any]:
    """What the stored KPI results add to a small upload, in rounds interleaved: the load alone, the load and
    the refresh, the refresh alone after a change (computed), and the refresh when already current (a no-op
    check). The file is validated beforehand and the writer connection opened beforehand, untimed: these
    are the steps the app's "Confirm" runs (changes.confirm_upload)."""
    from dashboard.app import connections
    from dashboard.core.config import load_settings
    from dashboard.ingest.load import load_upload
    from dashboard.kpis.results import refresh_results

    upload = SmallUpload(data)
    settings = load_settings(data.config)
    held: dict[str, Any] = {}

    def load() -> None:
        load_upload(held["con"], held["report"], "bench")

    def load_and_refresh() -> None:
        load_upload(held["con"], held["report"], "bench")
        refresh_results(held["con"], settings)

    def refresh_computed() -> None:
        held["computed"].append(refresh_results(held["con"], settings).computed)

    def refresh_current() -> None:
        held["current"].append(refresh_results(held["con"], settings).computed)

    held["computed"], held["current"] = [], []
    with connections.writing(str(data.database)) as con:
        held["con"] = con
        refresh_results(con, settings)  # anything left stale by an earlier step

        def setup() -> None:
            held["report"] = upload.report()

        cases: dict[str, Callable[[], object]] = {"load": load, "load + refresh": load_and_refresh}
        timings = side_by_side(cases, repeats, setup=setup)

        def changed() -> None:  # a change, stored without a refresh: the next refresh computes
            load_upload(con, upload.report(), "bench")

        timings |= _refresh_rounds(refresh_computed, refresh_current, changed, repeats)
    if not all(held["computed"]) or any(held["current"]):
        raise RuntimeError("a refresh after a change did not compute, or one with nothing changed did")
    load_s, both_s = timings["load"].median, timings["load + refresh"].median
    result = {
        "timings": {name: t.as_dict() for name, t in timings.items()},
        "added_s": both_s - load_s,
        "ratio": both_s / load_s,
        "rows_uploaded": SESSIONS,
    }
    log(
        f"    small upload ({SESSIONS} rows): load {load_s * 1000:.1f} ms, load + refresh {both_s * 1000:.1f} ms "
        f"(+{(both_s - load_s) * 1000:.0f} ms, {result['ratio']:.1f}x); refresh computed "
        f"{timings['refresh (computed)'].median * 1000:.0f} ms, current "
        f"{timings['refresh (current)'].median * 1000:.1f} ms"
    )
    return result


def _refresh_rounds(
    computed: Callable[[], object], current: Callable[[], object], changed: Callable[[], object], repeats: int
) -> dict[str, Timing]:
    """The refresh after a change (the change stored untimed first), then at once again (already current)."""
    runs: dict[str, list[float]] = {"refresh (computed)": [], "refresh (current)": []}
    for _ in range(repeats):
        changed()
        runs["refresh (computed)"].append(timed(computed))
        runs["refresh (current)"].append(timed(current))
    return {name: Timing(values) for name, values in runs.items()}
