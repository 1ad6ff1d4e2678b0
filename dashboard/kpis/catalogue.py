"""The KPI catalogue: queries/kpi/<ID>.sql files with a header block, run for any periods, with RAG status.

Each file computes every period of the temporary table kpi_periods and every locality in one grouped query,
returning period, locality (NULL = all localities together), category (NULL = headline), numerator,
denominator and value. Adding a KPI is adding a file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from dashboard.core.config import Settings
from dashboard.core.db import read_sql
from dashboard.core.kpi_names import KPI_DIR, kpi_files, read_header
from dashboard.core.kpi_names import RECORDS_SUFFIX as RECORDS_SUFFIX  # for the drill-downs
from dashboard.core.periods import Period, TwelveMonths
from dashboard.kpis import results_store

HEADER_KEYS = (
    "id",
    "title",
    "unit",
    "direction",
    "target",
    "tolerance",
    "category",
    "records",
    "publication",  # case (about children: partnership-wide only) or activity (in full): dashboard.publish.suppression
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
CASE = "case"
"""A KPI about children (notifications, rapid reviews, LCSPRs, audited cases' grades): published for the
partnership as a whole only, never split by locality or category, with counts from 1 to the threshold hidden."""

ACTIVITY = "activity"
"""A KPI about the workforce (training, the action plan, the audits' samples): published in full."""

PUBLICATION_KINDS = (CASE, ACTIVITY)

AREAS = {"TR": "Training", "AU": "Audits", "CR": "Case reviews", "AP": "Action plan"}


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
    publication: str = CASE  # CASE: about children, published partnership-wide only; ACTIVITY: in full

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
    header = read_header(text)
    missing = [k for k in HEADER_KEYS if k not in header]
    if missing:
        raise CatalogueError(f"{path.name}: header lacks " + ", ".join(missing))
    if header["id"] != path.stem:
        raise CatalogueError(f"{path.name}: id {header['id']} does not match the file name")
    if header["unit"] not in UNITS:
        raise CatalogueError(f"{path.name}: unit must be one of {', '.join(UNITS)}")
    if header["direction"] not in DIRECTIONS:
        raise CatalogueError(f"{path.name}: direction must be one of {', '.join(DIRECTIONS)}")
    publication = header["publication"]
    if publication not in PUBLICATION_KINDS:
        raise CatalogueError(f"{path.name}: publication must be one of {', '.join(PUBLICATION_KINDS)}")
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
        publication=publication,
    )


def load_catalogue(directory: Path = KPI_DIR) -> list[Kpi]:
    """Every KPI file, ordered by area (training, audits, case reviews, action plan) and id.

    Parsed once and kept while no file is added, removed or changed (checked by name, size and mtime), so
    the app's reruns do not read and parse the 19 files each time.
    """
    paths = kpi_files(directory)
    stamp = tuple((p.name, *_file_stamp(p)) for p in paths)
    cached = _CATALOGUE_CACHE.get(directory)
    if cached is not None and cached[0] == stamp:
        return list(cached[1])
    order = list(AREAS)
    kpis = [parse_kpi_file(p) for p in paths]
    ordered = sorted(kpis, key=lambda k: (order.index(k.id[:2]) if k.id[:2] in order else len(order), k.id))
    _CATALOGUE_CACHE[directory] = (stamp, tuple(ordered))
    return ordered


_CATALOGUE_CACHE: dict[Path, tuple[tuple[tuple[str, int, int], ...], tuple[Kpi, ...]]] = {}


def _file_stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


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


Span = Period | TwelveMonths


def _periods_frame(periods: Sequence[Span]) -> pd.DataFrame:
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
    periods: Sequence[Span],
    settings: Settings,
    catalogue: list[Kpi] | None = None,
    fresh: bool = False,
    localities: Sequence[str | None] | None = None,
) -> pd.DataFrame:
    """Every KPI for every period given and every locality, with RAG: the one shape all views use.

    Headline rows exist for every period and locality (a count with no events is 0, a rate with no
    denominator is empty); breakdown rows exist where there was data. Locality None = all together.
    `localities` keeps only those places (None in it: all localities together): exactly the rows of the
    whole table that are theirs, in the same order.

    The rows come from the stored results (dashboard.kpis.results_store) when every period asked for is
    stored under the results key of the data, the KPI queries and the configuration as they are now; else
    (or with `fresh`) the KPI queries run. Targets, tolerances and RAG are applied here either way.
    """
    kpis = with_target_overrides(con, catalogue if catalogue is not None else load_catalogue())
    places = _places(settings, localities)
    found = None
    if not fresh:
        key = results_key(con, kpis, settings)
        labels = [p.label for p in periods]
        found = results_store.stored_rows(
            con, key, labels, [k.id for k in kpis], None if localities is None else places
        )
    if found is not None:
        rows, kpi_index = found
    else:
        rows, kpi_index = run_queries(con, kpis, periods, settings)
        if localities is not None:
            mine = _in_places(rows["locality"], places)
            rows, kpi_index = rows[mine].reset_index(drop=True), kpi_index[mine]
    return _assemble(kpis, rows, kpi_index, periods, settings, places)


def _places(settings: Settings, localities: Sequence[str | None] | None) -> list[str | None]:
    """The places a table holds, in the table's order: all localities together (None) first, then every
    configured locality, or those of them asked for."""
    if localities is None:
        return [None, *settings.all_localities]
    wanted = set(localities)
    return ([None] if None in wanted else []) + [name for name in settings.all_localities if name in wanted]


def _in_places(locality: pd.Series, places: list[str | None]) -> np.ndarray:
    named = [name for name in places if name is not None]
    mask = locality.isin(named).to_numpy(dtype=bool)
    if None in places:
        mask = mask | locality.isna().to_numpy(dtype=bool)
    return mask


def results_key(con: duckdb.DuckDBPyConnection, kpis: Sequence[Kpi], settings: Settings) -> str:
    """The key of the stored results that `kpis` computed with `settings` would give on this database now."""
    return results_store.results_key(
        con, [(k.id, k.sql) for k in kpis], settings.all_localities, reach_agencies(settings)
    )


def run_queries(
    con: duckdb.DuckDBPyConnection, kpis: list[Kpi], periods: Sequence[Span], settings: Settings
) -> tuple[pd.DataFrame, np.ndarray]:
    """The KPI queries' own rows for the periods (no targets, no RAG, no filler rows), and the index in
    `kpis` of each row's KPI."""
    cursor = con.cursor()
    try:
        cursor.register("kpi_periods_frame", _periods_frame(periods))
        cursor.execute(  # DATE columns: the queries compare dates, and need not cast a TIMESTAMP per row
            "CREATE OR REPLACE TEMP TABLE kpi_periods AS SELECT period, period_start::DATE AS period_start, "
            "period_end::DATE AS period_end FROM kpi_periods_frame"
        )
        cursor.unregister("kpi_periods_frame")
        register_agencies(cursor, settings)
        rows, kpi_index = _run_catalogue(cursor, kpis)
        cursor.execute("DROP TABLE IF EXISTS kpi_periods")
    finally:
        cursor.close()
    return rows, kpi_index


OTHER_AGENCY = "other"


def reach_agencies(settings: Settings) -> list[str]:
    """The agencies TR05 reaches for: the configured list without its catch-all "Other" (an attendee from
    no named agency says nothing about reach)."""
    return [a for a in settings.agencies if a.strip().lower() != OTHER_AGENCY]


def register_agencies(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """The temporary table kpi_agencies (agency) that TR05 and its drill-down read: the configuration's
    agencies are settings, not data, so they reach SQL this way, as a bound list."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE kpi_agencies AS SELECT unnest($agencies::VARCHAR[]) AS agency",
        {"agencies": reach_agencies(settings)},
    )


# KPI queries whose result columns run_kpi has checked (by their text): these may run together.
_CHECKED_SQL: set[str] = set()


def _run_catalogue(cursor: duckdb.DuckDBPyConnection, kpis: list[Kpi]) -> tuple[pd.DataFrame, np.ndarray]:
    """Every KPI's rows, in catalogue order and each KPI's own order, and the KPI (its index) of each row.

    A query's result columns are checked the first time its text is seen (DESCRIBE: bound, not run), so that
    a file returning the wrong columns is named (CatalogueError); then the KPIs run as one UNION ALL
    statement: one round trip that DuckDB plans and schedules at once, instead of 19 (the fixed cost of each
    query dominates on small data, and a new process, such as `pmf load`, would pay it for every query).
    """
    parts: list[pd.DataFrame] = []
    indexes: list[np.ndarray] = []
    together = list(range(len(kpis)))
    for kpi in kpis:
        if kpi.sql not in _CHECKED_SQL:
            _check_columns(cursor, kpi)
            _CHECKED_SQL.add(kpi.sql)
    if together:
        try:
            frame = cursor.execute(_union_sql(kpis, together)).df()
        except duckdb.Error:  # a query that only runs alone: run each one alone, as before
            for i in together:
                alone = run_kpi(cursor, kpis[i])
                parts.append(alone)
                indexes.append(np.full(len(alone), i, dtype=np.int64))
        else:
            indexes.append(frame["kpi_ordinal"].to_numpy(dtype=np.int64))
            parts.append(frame[RESULT_COLUMNS])
    if not parts:
        return pd.DataFrame(columns=RESULT_COLUMNS), np.zeros(0, dtype=np.int64)
    rows = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)
    return rows, np.concatenate(indexes)


def _check_columns(cursor: duckdb.DuckDBPyConnection, kpi: Kpi) -> None:
    """CatalogueError when the KPI's query does not return RESULT_COLUMNS (found by binding it, not running it)."""
    columns = [row[0] for row in cursor.execute("DESCRIBE " + kpi.sql.strip().rstrip(";")).fetchall()]
    if columns != RESULT_COLUMNS:
        raise CatalogueError(f"{kpi.path.name} returns {columns}, not {RESULT_COLUMNS}")


def _union_sql(kpis: list[Kpi], chosen: list[int]) -> str:
    """The chosen KPIs' queries as one statement; kpi_ordinal and row_ordinal keep each query's row order."""
    # Filled with the catalogue's own files (never user input) and integers: queries/kpi_runner/branch.sql.
    branch = "\n".join(
        line for line in read_sql("kpi_runner/branch.sql").splitlines() if not line.startswith("--")
    )
    parts = [branch.format(ordinal=int(i), kpi_sql=kpis[i].sql.strip().rstrip(";")) for i in chosen]
    return "\nUNION ALL\n".join(parts) + "\nORDER BY kpi_ordinal, row_ordinal"


def _assemble(
    kpis: list[Kpi],
    rows: pd.DataFrame,
    kpi_index: np.ndarray,
    periods: Sequence[Span],
    settings: Settings,
    places: list[str | None] | None = None,
) -> pd.DataFrame:
    """The KPIs' rows, each KPI followed by the headline rows it lacks (for every period and each of
    `places`: by default all localities together and every one), with titles, targets and RAG.

    Column operations on the whole table (no per-row Python), so the cost grows with the rows returned,
    not with a per-row interpreter loop: a national trend has about 250,000 rows.
    """
    labels = [p.label for p in dict.fromkeys(periods)]
    localities = places if places is not None else [None, *settings.all_localities]
    together = 1 if None in localities else 0  # all localities together is place 0 when it is held
    period = _as_object(rows["period"])
    locality = _as_object(rows["locality"])
    category = _as_object(rows["category"])

    # The headline (period, locality) pairs each KPI lacks: every pair minus the pairs it returned.
    n_periods, n_places = len(labels), len(localities)
    period_code = pd.Categorical(period, categories=labels).codes.astype(np.int64)
    named = pd.Index(localities[together:], dtype=object).get_indexer(locality).astype(np.int64)  # -1: other
    place_code = np.where(
        pd.isna(locality), 0 if together else -1, np.where(named >= 0, named + together, -1)
    )
    known = (category == None) & (period_code >= 0) & (place_code >= 0)  # noqa: E711 - elementwise
    have = (kpi_index * n_periods + period_code) * n_places + place_code
    grid = np.arange(len(kpis) * n_periods * n_places, dtype=np.int64)
    missing = grid[~np.isin(grid, have[known])]
    missing_kpi, rest = np.divmod(missing, n_periods * n_places)
    missing_period, missing_place = np.divmod(rest, n_places)
    # A context count with no events is 0; a KPI with a target and no data has no value (and no RAG).
    zero = np.array([0.0 if k.unit == "count" and k.direction == "none" else np.nan for k in kpis], "float64")
    fill = zero[missing_kpi]

    def numbers(column: str, filler: np.ndarray) -> pd.Series:
        values = rows[column].astype("Float64").to_numpy("float64", na_value=np.nan)
        return _float64(np.concatenate([values, filler]))

    no_number = np.full(len(missing), np.nan)
    table = pd.DataFrame(
        {
            "kpi_index": np.concatenate([kpi_index, missing_kpi]),
            "period": _objects(period, np.asarray(labels, dtype=object)[missing_period]),
            "locality": _objects(locality, np.asarray(localities, dtype=object)[missing_place]),
            "category": _objects(category, np.full(len(missing), None, dtype=object)),
            "numerator": numbers("numerator", fill),
            "denominator": numbers("denominator", no_number),
            "value": numbers("value", fill),
        }
    )
    # Each KPI's own rows first, then its filler rows (a stable sort keeps each part's order).
    order = np.argsort(table["kpi_index"].to_numpy(), kind="stable")
    table = table.iloc[order].reset_index(drop=True)
    index = table.pop("kpi_index").to_numpy()

    def per_kpi(values: list[str]) -> pd.Series:  # one value per KPI, repeated for its rows
        return pd.Series(values, dtype="str").take(index).reset_index(drop=True)

    table["kpi"] = per_kpi([k.id for k in kpis])
    table["title"] = per_kpi([k.title for k in kpis])
    table["unit"] = per_kpi([k.unit for k in kpis])
    table["direction"] = per_kpi([k.direction for k in kpis])
    targets = np.array([np.nan if k.target is None else float(k.target) for k in kpis], dtype="float64")
    table["target"] = _float64(targets[index])
    table["rag"] = _rag_column(kpis, index, table["value"], table["category"], settings)
    # A rate on a small denominator is shown as "n of N": no RAG colour (settings.min_denominator).
    small = (table["unit"] == "percent").to_numpy() & (
        table["denominator"].to_numpy("float64", na_value=np.nan) < settings.min_denominator
    )
    if small.any():
        rag = table["rag"].astype(object).to_numpy(copy=True)
        rag[small] = None
        table["rag"] = pd.Series(rag, dtype=object)
    return table[OUTPUT_COLUMNS]


def _float64(values: np.ndarray) -> pd.Series:
    """A nullable Float64 column, NA where the value is NaN."""
    array = pd.array(values, dtype="Float64")
    array[np.isnan(values)] = pd.NA
    return pd.Series(array)


def _objects(*parts: np.ndarray) -> pd.Series:
    """An object column (None stays None: pandas 3 would otherwise infer str and turn it into NaN)."""
    return pd.Series(np.concatenate(parts), dtype=object)


def _as_object(series: pd.Series) -> np.ndarray:
    """Values as an object array with None (never NaN or NA) for missing ones."""
    return series.to_numpy(dtype=object, na_value=None)


def _rag_column(
    kpis: list[Kpi], index: np.ndarray, values: pd.Series, category: pd.Series, settings: Settings
) -> pd.Series:
    """rag_status for every headline row at once (breakdown rows have none)."""
    has_target = np.array([k.has_target for k in kpis], dtype=bool)
    target = np.array([k.target if k.has_target else np.nan for k in kpis], dtype="float64")
    higher = np.array([k.direction == "higher" for k in kpis], dtype=bool)
    tolerance = np.array(
        [k.tolerance_amount(settings) if k.has_target else 0.0 for k in kpis], dtype="float64"
    )
    value = values.to_numpy("float64", na_value=np.nan)
    judged = has_target[index] & ~np.isnan(value) & category.isna().to_numpy()
    gap = np.where(higher[index], value - target[index], target[index] - value)
    with np.errstate(invalid="ignore"):
        green = gap >= -1e-9
        amber = -gap <= tolerance[index] + 1e-9
    rag = np.where(green, "Green", np.where(amber, "Amber", "Red")).astype(object)
    rag[~judged] = None
    return pd.Series(rag)  # inferred as the runner always did: str (None -> NaN), or object when all None


def kpis_for(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    settings: Settings,
    locality: str | None = None,
    catalogue: list[Kpi] | None = None,
) -> pd.DataFrame:
    """The scorecard of one period and one locality (None = all together), with the value a year before and,
    for a quarter, over the 12 months to its end."""
    return scorecard_from(compute_kpis(con, scorecard_periods(period), settings, catalogue), period, locality)


def scorecard_periods(period: Period) -> list[Span]:
    """What a scorecard reads: the period, the same period a year before and, for a quarter, the 12 months to
    its end (for a year, those 12 months are the year itself)."""
    spans: list[Span] = [period, period.year_before]
    if period.is_quarter:
        spans.append(TwelveMonths(period))
    return spans


TWELVE_MONTH_COLUMNS = ["twelve_value", "twelve_numerator", "twelve_denominator", "twelve_rag"]


def scorecard_from(table: pd.DataFrame, period: Period, locality: str | None = None) -> pd.DataFrame:
    """kpis_for's rows taken from compute_kpis(con, [period, period.year_before], ...), which holds every
    locality: one table serves the scorecard of each locality (the overview's "Compare localities")."""
    mine = table[(table["period"] == period.label) & _locality_mask(table, locality)].reset_index(drop=True)
    before = table[(table["period"] == period.year_before.label) & _locality_mask(table, locality)]
    previous = {(k, c): v for k, c, v in zip(before["kpi"], before["category"], before["value"], strict=True)}
    keys = list(zip(mine["kpi"], mine["category"], strict=True))
    mine["previous_value"] = pd.array([previous.get(key) for key in keys], dtype="Float64")
    twelve = table[(table["period"] == TwelveMonths(period).label) & _locality_mask(table, locality)]
    by_key = {
        (k, c): (v, n, d, r)
        for k, c, v, n, d, r in zip(
            twelve["kpi"],
            twelve["category"],
            twelve["value"],
            twelve["numerator"],
            twelve["denominator"],
            twelve["rag"],
            strict=True,
        )
    }
    found = [by_key.get(key, (None, None, None, None)) for key in keys]
    for i, column in enumerate(TWELVE_MONTH_COLUMNS[:3]):
        mine[column] = pd.array([f[i] for f in found], dtype="Float64")
    mine["twelve_rag"] = pd.Series([f[3] if isinstance(f[3], str) else None for f in found], dtype=object)
    return mine


def scorecards_by_place(
    table: pd.DataFrame, period: Period, places: Sequence[str | None]
) -> dict[str | None, pd.DataFrame]:
    """scorecard_from for each place (None: all localities together), the table split by locality once
    rather than scanned once per place (a national configuration has about 300)."""
    locality = table["locality"].to_numpy(dtype=object, na_value=None)
    groups = pd.Series(np.arange(len(table))).groupby(pd.Series(locality).fillna(_TOGETHER), sort=False)
    rows = {key: index.to_numpy() for key, index in groups}
    none = np.zeros(0, dtype=np.int64)
    return {
        place: scorecard_from(
            table.iloc[rows.get(_TOGETHER if place is None else place, none)].reset_index(drop=True),
            period,
            place,
        )
        for place in places
    }


# The key of all localities together (None) when a table is split by locality.
_TOGETHER = "\x00all localities"


def reset_caches() -> None:
    """Forget the parsed catalogue and the checked queries (a cold start, for benchmarks and tests)."""
    _CATALOGUE_CACHE.clear()
    _CHECKED_SQL.clear()


def _locality_mask(table: pd.DataFrame, locality: str | None) -> pd.Series:
    if locality is None:
        return table["locality"].isna()
    return table["locality"] == locality
