"""Changes made from the app: check and load an upload, undo the latest, change a KPI target, save or remove
a row of commentary or partnership updates (an upload of one row: recorded, undoable alike), sign a quarter
off and reopen it.

Each runs the core on a read-write connection opened for that change and closed at once (so the app never
holds the database), waiting its turn with a message while another program writes, and then refreshes every
cached result and view (refresh_after_change), so the pages only ask for a change and show what it says.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import streamlit as st

from dashboard.app import cache, connections, tables, views
from dashboard.app.filters import Filters
from dashboard.core.config import settings
from dashboard.core.periods import Period
from dashboard.core.text import format_value
from dashboard.ingest import edits
from dashboard.ingest.load import LoadResult, UploadRejected, load_upload, undo_latest
from dashboard.ingest.upload_report import Problem, UploadReport
from dashboard.ingest.validate import validate_upload
from dashboard.ingest.workflow import CheckedUpload, apply_upload, as_text, kpi_changes
from dashboard.kpis import signoff
from dashboard.kpis.catalogue import Kpi
from dashboard.kpis.results import refresh_results
from dashboard.kpis.targets import set_target

WAITING = "Another program is updating the database: {what} as soon as it has finished."
STILL_BUSY = (
    "Another program has been updating the database for too long, so nothing was changed: try again in a "
    "few minutes."
)


@contextmanager
def _in_turn(what: str) -> Iterator[None]:
    """A change the user asked for waits its turn while another program writes (up to WRITE_WAIT, its reads
    included), saying so in the page once, and the message goes when it is done."""
    shown: list[Any] = []

    def waiting() -> None:
        shown.append(st.info(WAITING.format(what=what), icon=":material/hourglass_top:"))

    try:
        with connections.patient(connections.WRITE_WAIT, waiting):
            yield
    finally:
        for message in shown:
            message.empty()


def refresh_after_change(filters: Filters | None = None) -> None:
    """After an upload, undo or target change: drop every cached result and view, read the version again.
    (An upload, undo or edit has already stored the new KPI results, on its own write connection: the pages
    read them; a target change re-rates them as they are read.) Then make the overview everyone opens first
    (the latest quarter, all localities) and, given `filters`, the one of the user's own choice, so that the
    first person to open them after the change finds them made."""
    cache.clear_results()
    views.clear()
    path, version = cache.data_key()
    ready: set[tuple[str, str | None]] = {(cache.quarters(path, version)[-1], None)}
    if filters is not None:
        ready.add((filters.period.label, filters.locality))
    try:
        cache.holds_sample_data(path, version)  # every page asks (the sample's notice)
        for period, locality in sorted(ready, key=str):
            table = views.ready_overview(path, version, period, locality)
            if table is not None:
                tables.readable(table, None)  # the scorecard in words, as the page shows it
    except connections.DatabaseBusy:  # another program is writing: the first page view makes it instead
        pass


Progress = Callable[[str, float], None]  # (the stage's label, the share of the work done before it)


def _quiet(label: str, fraction: float) -> None:
    """No progress shown."""


def rows_in(report: UploadReport) -> int:
    return sum(len(rows) for rows in report.located.values())


def checked_upload(
    data: bytes,
    file_name: str,
    replace: str | None,
    dataset: str | None,
    progress: Progress | None = None,
) -> CheckedUpload:
    """The file validated and its change previewed (stores nothing). Checked once per file, mode and data
    version: reruns (Confirm, other widgets) do not read it again. `progress` hears each stage: reading and
    checking the file, then comparing its rows with what is stored (workflow.check_upload's two steps)."""
    key = (hashlib.sha256(data).hexdigest(), file_name, replace, dataset, cache.data_key()[1])
    held = st.session_state.get("upload_check")
    if held is not None and held[0] == key:
        checked: CheckedUpload = held[1]
        return checked
    stage = progress or _quiet
    stage(f"Reading and checking {as_text(file_name)}", 0.0)
    report = validate_upload(data, file_name, settings(), dataset)
    if not report.ok:
        checked = CheckedUpload(report, None)
    else:
        stage(f"Comparing {rows_in(report):,} rows with what is stored", 0.6)
        # The preview is a load rolled back: it needs the write connection.
        with _in_turn("the file will be checked"), cache.writer() as cur:
            checked = _previewed(cur, report, replace)
    st.session_state.upload_check = (key, checked)
    return checked


def _previewed(cur: Any, report: UploadReport, replace: str | None) -> CheckedUpload:
    """The second step of workflow.check_upload (the change computed by a load rolled back) for a report
    already validated, so that the page can name the two stages as they run."""
    try:
        preview = load_upload(cur, report, "preview", replace=replace, dry_run=True)
    except UploadRejected as exc:
        return CheckedUpload(exc.report, None)
    except ValueError as exc:  # replace mode asked of a dataset the file lacks, or with an empty sheet
        report.errors.append(Problem(report.file_name, None, None, "", str(exc)))
        return CheckedUpload(report, None)
    return CheckedUpload(report, preview)


def confirm_upload(
    checked: CheckedUpload,
    file_name: str,
    user: str,
    replace: str | None,
    filters: Filters,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Load a checked upload; the message to show after it, with the KPIs it changed for the filters.
    `progress` hears each stage: storing the rows, then computing the KPIs."""
    period = filters.period.label
    stage = progress or _quiet
    with _in_turn("your upload will be loaded"):
        before = cache.scorecard(*cache.data_key(), period, filters.locality)
        stage(f"Storing {rows_in(checked.report):,} rows", 0.1)
        with cache.writer() as cur:
            result = apply_upload(cur, checked, user, replace=replace)
            stage("Computing the KPIs", 0.7)
            refresh_results(cur, settings())
        refresh_after_change(filters)
        after = cache.scorecard(*cache.data_key(), period, filters.locality)
    changes = kpi_changes(before, after)
    for column in ("value_before", "value_after"):
        changes[column] = [format_value(v, u) for v, u in zip(changes[column], changes["unit"], strict=True)]
    return {
        "text": f"Loaded {as_text(file_name)} as upload {result.upload_id}. "
        + as_text(" ".join(result.summary_lines()[:-1])),
        "kpis": changes.drop(columns=["unit"]).rename(
            columns={"kpi": "KPI", "title": "Title", "value_before": "Before", "value_after": "After"}
        ),
        "period": period,
        "locality": filters.locality_label,
    }


def undo_latest_upload(user: str) -> dict[str, Any]:
    """Undo the latest upload still in force (NothingToUndo when there is none); the message to show."""
    with _in_turn("the upload will be undone"):
        with cache.writer() as cur:
            undone = undo_latest(cur, user)
            refresh_results(cur, settings())
        refresh_after_change()
    return {"text": f"Undid upload {undone.upload_id} ({as_text(undone.file_name)})."}


def change_target(kpi: Kpi, target: float, tolerance: str, user: str, reason: str) -> None:
    """Set a KPI's target and tolerance (TargetError when they are refused), kept with who and why."""
    with _in_turn("the target will be changed"):
        with cache.writer() as cur:
            set_target(cur, kpi, target, tolerance, user, reason)
        refresh_after_change()


def save_row(dataset: str, values: Mapping[str, object], user: str) -> LoadResult:
    """Add or replace one row of `dataset` as written in a form, checked by exactly the upload rules
    (UploadRejected, whose report lists the errors, when they refuse it; nothing is then stored)."""
    with _in_turn("your change will be saved"):
        with cache.writer() as cur:
            result = edits.save_row(cur, settings(), dataset, values, user)
            refresh_results(cur, settings())
        refresh_after_change()
    return result


def remove_row(dataset: str, key: Mapping[str, object], user: str) -> LoadResult:
    """Remove one row of `dataset` by its key (recorded, and undone by the Upload page's undo)."""
    with _in_turn("the row will be removed"):
        with cache.writer() as cur:
            result = edits.remove_row(cur, dataset, key, user)
            refresh_results(cur, settings())
        refresh_after_change()
    return result


def sign_off(period: Period, user: str) -> signoff.SignOff:
    """Freeze every KPI of the quarter (SignOffError when it is refused: a year, or already signed off)."""
    with _in_turn("the quarter will be signed off"):
        with cache.writer() as cur:
            done = signoff.sign_off(cur, period, settings(), user)
        refresh_after_change()
    return done


def reopen(period: Period, user: str) -> signoff.SignOff:
    """Lift a quarter's sign-off (SignOffError when it is not signed off)."""
    with _in_turn("the quarter will be reopened"):
        with cache.writer() as cur:
            done = signoff.reopen(cur, period, user)
        refresh_after_change()
    return done
