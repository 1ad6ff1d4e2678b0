"""The KPI catalogue: queries/kpi/<ID>.sql files with a header block, run for any periods, with RAG status.

Each file computes every period of the temporary table kpi_periods and every locality in one grouped query,
returning period, locality (NULL = all localities together), category (NULL = headline), numerator,
denominator and value. Adding a KPI is adding a file.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pandas as pd

from dashboard.config import QUERIES_DIR, Settings
from dashboard.db import read_sql
from dashboard.periods import Period

KPI_DIR = QUERIES_DIR / "kpi"
HEADER_KEYS = (
    "id",
    "title",
    "unit",
    "direction",
    "target",
    "tolerance",
    "category",
    "records",
    "description",
)
UNITS = ("count", "percent", "points", "days")
DIRECTIONS = ("higher", "lower", "none")
RESULT_COLUMNS = ["period", "locality", "category", "numerator", "denominator", "value"]
OUTPUT_COLUMNS = [
    "kpi",
    "title",
    "period",
    "locality",
    "category",
    "numerator",
    "denominator",
    "value",
    "unit",
    "target",
    "direction",
    "rag",
]
AREAS = {"TR": "Training", "AU": "Audits", "CR": "Case reviews", "AP": "Action plan"}
_HEADER_LINE = re.compile(r"^--\s*([a-z_]+)\s*:\s*(.*?)\s*$")


class CatalogueError(ValueError):
    """A KPI file whose header is missing or wrong."""


@dataclass(frozen=True)
class Kpi:
    id: str
    title: str
    unit: str
    direction: str
    target: float | None
    tolerance: str | None  # "5" (in the KPI's unit) or "10%" (of the target); None = the configured default
    category: str | None  # what the breakdown rows are, e.g. "Delivery mode"
    records: str  # the table whose rows it counts
    description: str
    sql: str
    path: Path

    @property
    def area(self) -> str:
        return AREAS.get(self.id[:2], "Other")

    @property
    def has_target(self) -> bool:
        return self.target is not None and self.direction != "none"

    def tolerance_amount(self, settings: Settings) -> float:
        """How far from the target a value may be and still be Amber, in the KPI's unit."""
        if self.target is None:
            return 0.0
        text = self.tolerance
        if not text:
            return (
                settings.tolerance_points
                if self.unit == "percent"
                else abs(self.target) * settings.tolerance_relative
            )
        if text.endswith("%"):
            return abs(self.target) * float(text[:-1]) / 100
        return float(text)


def parse_kpi_file(path: Path) -> Kpi:
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    for line in text.splitlines():
        match = _HEADER_LINE.match(line)
        if not match:
            if line.strip() and not line.startswith("--"):
                break
            continue
        header[match[1]] = match[2]
    missing = [k for k in HEADER_KEYS if k not in header]
    if missing:
        raise CatalogueError(f"{path.name}: header lacks " + ", ".join(missing))
    if header["id"] != path.stem:
        raise CatalogueError(f"{path.name}: id {header['id']} does not match the file name")
    if header["unit"] not in UNITS:
        raise CatalogueError(f"{path.name}: unit must be one of {', '.join(UNITS)}")
    if header["direction"] not in DIRECTIONS:
        raise CatalogueError(f"{path.name}: direction must be one of {', '.join(DIRECTIONS)}")
    try:
        target = float(header["target"]) if header["target"] else None
        if header["tolerance"]:
            float(header["tolerance"].rstrip("%"))
    except ValueError as exc:
        raise CatalogueError(f"{path.name}: target and tolerance must be numbers ({exc})") from exc
    return Kpi(
        id=header["id"],
        title=header["title"],
        unit=header["unit"],
        direction=header["direction"],
        target=target,
        tolerance=header["tolerance"] or None,
        category=header["category"] or None,
        records=header["records"],
        description=header["description"],
        sql=text,
        path=path,
    )


def load_catalogue(directory: Path = KPI_DIR) -> list[Kpi]:
    """Every KPI file, ordered by area (training, audits, case reviews, action plan) and id."""
    order = list(AREAS)
    kpis = [parse_kpi_file(p) for p in directory.glob("*.sql")]
    return sorted(kpis, key=lambda k: (order.index(k.id[:2]) if k.id[:2] in order else len(order), k.id))


def with_target_overrides(con: duckdb.DuckDBPyConnection, catalogue: list[Kpi]) -> list[Kpi]:
    """The catalogue with the targets and tolerances the PMF group set in the app."""
    rows = con.execute(read_sql("kpi_targets/current.sql")).fetchall()
    overrides = {kpi: (target, tolerance) for kpi, target, tolerance in rows}
    return [
        replace(k, target=overrides[k.id][0], tolerance=overrides[k.id][1] or k.tolerance)
        if k.id in overrides
        else k
        for k in catalogue
    ]


def rag_status(kpi: Kpi, value: float | None, settings: Settings) -> str | None:
    """Green meets the target; Amber within the tolerance of it; Red beyond. None without a target or value."""
    if not kpi.has_target or value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    assert kpi.target is not None
    gap = value - kpi.target if kpi.direction == "higher" else kpi.target - value
    if gap >= -1e-9:
        return "Green"
    if -gap <= kpi.tolerance_amount(settings) + 1e-9:
        return "Amber"
    return "Red"


def _periods_frame(periods: list[Period]) -> pd.DataFrame:
    unique = list(dict.fromkeys(periods))
    return pd.DataFrame(
        {
            "period": [p.label for p in unique],
            "period_start": pd.to_datetime([p.start for p in unique]),
            "period_end": pd.to_datetime([p.end for p in unique]),
        }
    )


def run_kpi(con: duckdb.DuckDBPyConnection, kpi: Kpi) -> pd.DataFrame:
    """One KPI's rows for every period in kpi_periods (which the caller has created)."""
    frame = con.execute(kpi.sql).df()
    if list(frame.columns) != RESULT_COLUMNS:
        raise CatalogueError(f"{kpi.path.name} returns {list(frame.columns)}, not {RESULT_COLUMNS}")
    return frame


def compute_kpis(
    con: duckdb.DuckDBPyConnection,
    periods: list[Period],
    settings: Settings,
    catalogue: list[Kpi] | None = None,
) -> pd.DataFrame:
    """Every KPI for every period given and every locality, with RAG: the one shape all views use.

    Headline rows exist for every period and locality (a count with no events is 0, a rate with no
    denominator is empty); breakdown rows exist where there was data. Locality None = all together.
    """
    kpis = with_target_overrides(con, catalogue if catalogue is not None else load_catalogue())
    cursor = con.cursor()
    try:
        cursor.register("kpi_periods_frame", _periods_frame(periods))
        cursor.execute("CREATE OR REPLACE TEMP TABLE kpi_periods AS SELECT * FROM kpi_periods_frame")
        cursor.unregister("kpi_periods_frame")
        parts = []
        for kpi in kpis:
            rows = run_kpi(cursor, kpi)
            parts.append(_fill_headlines(rows, kpi, periods, settings).assign(kpi=kpi.id))
        cursor.execute("DROP TABLE IF EXISTS kpi_periods")
    finally:
        cursor.close()
    result = pd.concat(parts, ignore_index=True)
    for column in ("locality", "category"):  # None, never NaN, for "all localities" and "headline"
        result[column] = pd.Series([None if pd.isna(x) else x for x in result[column]], dtype=object)
    by_id = {k.id: k for k in kpis}
    result["title"] = result["kpi"].map(lambda i: by_id[i].title)
    result["unit"] = result["kpi"].map(lambda i: by_id[i].unit)
    result["direction"] = result["kpi"].map(lambda i: by_id[i].direction)
    result["target"] = result["kpi"].map(lambda i: by_id[i].target).astype("Float64")
    result["rag"] = [
        rag_status(by_id[k], None if pd.isna(v) else float(v), settings) if pd.isna(c) else None
        for k, v, c in zip(result["kpi"], result["value"], result["category"], strict=True)
    ]
    return result[OUTPUT_COLUMNS]


def _fill_headlines(rows: pd.DataFrame, kpi: Kpi, periods: list[Period], settings: Settings) -> pd.DataFrame:
    rows = rows.astype({"period": object, "locality": object, "category": object})
    rows = rows.astype({"numerator": "Float64", "denominator": "Float64", "value": "Float64"})
    have = {
        (p, None if pd.isna(loc) else loc)
        for p, loc, cat in zip(rows["period"], rows["locality"], rows["category"], strict=True)
        if pd.isna(cat)
    }
    missing = [
        (p.label, loc)
        for p in dict.fromkeys(periods)
        for loc in (None, *settings.all_localities)
        if (p.label, loc) not in have
    ]
    if missing:
        # A context count with no events is 0; a KPI with a target and no data has no value (and no RAG).
        zero = 0.0 if kpi.unit == "count" and kpi.direction == "none" else None
        filler = pd.DataFrame(
            {
                "period": [m[0] for m in missing],
                "locality": [m[1] for m in missing],
                "category": [None] * len(missing),
                "numerator": pd.array([zero] * len(missing), dtype="Float64"),
                "denominator": pd.array([None] * len(missing), dtype="Float64"),
                "value": pd.array([zero] * len(missing), dtype="Float64"),
            }
        ).astype({"period": object, "locality": object, "category": object})
        rows = pd.concat([rows, filler], ignore_index=True)
    return rows


def kpis_for(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    settings: Settings,
    locality: str | None = None,
    catalogue: list[Kpi] | None = None,
) -> pd.DataFrame:
    """The scorecard of one period and one locality (None = all together), with the value a year before."""
    table = compute_kpis(con, [period, period.year_before], settings, catalogue)
    mine = table[(table["period"] == period.label) & _locality_mask(table, locality)].reset_index(drop=True)
    before = table[(table["period"] == period.year_before.label) & _locality_mask(table, locality)]
    previous = {(k, c): v for k, c, v in zip(before["kpi"], before["category"], before["value"], strict=True)}
    mine["previous_value"] = pd.array(
        [previous.get((k, c)) for k, c in zip(mine["kpi"], mine["category"], strict=True)], dtype="Float64"
    )
    return mine


def _locality_mask(table: pd.DataFrame, locality: str | None) -> pd.Series:
    if locality is None:
        return table["locality"].isna()
    return table["locality"] == locality
