"""A KPI's commentary on its detail page: for the chosen quarter and locality, what is behind the figure, the
action, its owner and review date, who wrote it and when, and its history; analysts and admins write, edit
and remove it in a form (an upload of one row, checked by the upload rules, recorded and undoable from the
Upload page), viewers read it.

Commentary is plain text: it is shown exactly as written (components.plain_text), never as Markdown or HTML.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard.app import cache, changes, components, tables
from dashboard.app.connections import DatabaseBusy
from dashboard.app.filters import Filters
from dashboard.core.auth import Access, Action
from dashboard.core.text import as_date, is_missing
from dashboard.ingest.edits import RowNotFound
from dashboard.ingest.load import UploadRejected
from dashboard.ingest.workflow import as_text
from dashboard.kpis.catalogue import Kpi

DATASET = "kpi_commentary"
#: Who writes commentary: analysts and admins, who load the data it explains.
WRITE = Action.UPLOAD
PER_QUARTER = "Commentary is written per quarter: choose a quarter to read or write it."
FIELDS = ("commentary", "action", "owner", "review_date")
_FOR = "commentary_form_for"  # st.session_state: the (KPI, quarter, locality) the form was filled for, and with what


def _text(value: object) -> str:
    return "" if value is None or is_missing(value) else str(value)


def current(kpi: Kpi, filters: Filters) -> dict[str, Any] | None:
    """The commentary row for the KPI, quarter and locality (None when there is none)."""
    path, version = cache.data_key()
    rows = cache.kpi_commentary(path, version, filters.period.label, filters.locality)
    mine = rows[rows["kpi"] == kpi.id]
    return None if mine.empty else dict(mine.iloc[0])


def show(kpi: Kpi, filters: Filters, access: Access) -> None:
    """The commentary section of the KPI detail page."""
    st.header("Commentary")
    if message := st.session_state.pop("commentary_message", None):
        st.success(message)
    if not filters.period.is_quarter:
        st.info(PER_QUARTER)
    else:
        row = current(kpi, filters)
        _show_row(kpi, filters, row)
        if access.can(WRITE):
            _form(kpi, filters, row, access.user)
        else:
            st.caption("Commentary is written by the dashboard's analysts and admins.")
    _history(kpi, filters)


def _show_row(kpi: Kpi, filters: Filters, row: dict[str, Any] | None) -> None:
    where = f"{filters.period.label}, {filters.locality_label}"
    if row is None:
        st.write(f"No commentary on {kpi.id} for {where} yet.")
        return
    st.markdown(components.plain_text(row["commentary"]))
    facts = [
        ("Action", _text(row.get("action"))),
        ("Owner", _text(row.get("owner"))),
        ("Review date", components.short_date(as_date(row.get("review_date")))),
    ]
    for column, (label, text) in zip(st.columns(3), facts, strict=True):
        column.markdown(f"**{label}**  \n{components.plain_text(text) if text else '–'}")
    written = components.short_date(row.get("written_at"))
    by = _text(row.get("written_by"))
    if written or by:
        st.caption(f"Written by {as_text(by or 'unknown')}" + (f" on {written}" if written else "") + ".")


def _fill(kpi: Kpi, filters: Filters, row: dict[str, Any] | None) -> None:
    """Fill the form with the stored commentary when the KPI, quarter or locality changed, or when the stored
    commentary changed while the form was untouched; never over what the user typed (components.refill)."""
    stored = {
        "commentary_text": _text(row["commentary"]) if row else "",
        "commentary_action": _text(row.get("action")) if row else "",
        "commentary_owner": _text(row.get("owner")) if row else "",
        "commentary_review": as_date(row.get("review_date")) if row else None,
    }
    components.refill(_FOR, (kpi.id, filters.period.label, filters.locality), stored)


def _form(kpi: Kpi, filters: Filters, row: dict[str, Any] | None, user: str) -> None:
    _fill(kpi, filters, row)
    title = "Edit the commentary" if row else "Write the commentary"
    with st.form("commentary_form"):
        st.subheader(f"{title} for {filters.period.label}, {filters.locality_label}")
        st.text_area(
            "Commentary: what is behind the figure (plain text, at most 2,000 characters)",
            key="commentary_text",
        )
        st.text_input("Action: what is being done about it", key="commentary_action")
        left, right = st.columns(2)
        left.text_input("Owner: a role or team", key="commentary_owner")
        right.date_input("Review date", key="commentary_review", format="DD/MM/YYYY")
        saved = st.form_submit_button("Save commentary", type="primary", icon=":material/save:")
    if saved:
        values: dict[str, object] = {
            "kpi": kpi.id,
            "quarter": filters.period.label,
            "locality": filters.locality,  # blank: all localities
            "commentary": st.session_state.commentary_text,
            "action": st.session_state.commentary_action or None,
            "owner": st.session_state.commentary_owner or None,
            "review_date": st.session_state.commentary_review,
        }
        _save(kpi, filters, values, user)
    if row is not None:
        _remove(kpi, filters, user)


def _save(kpi: Kpi, filters: Filters, values: dict[str, object], user: str) -> None:
    try:
        result = changes.save_row(DATASET, values, user)
    except UploadRejected as exc:
        lines = components.problem_lines(exc.report)
        st.error("The commentary was not saved: " + "; ".join(lines) + ". Nothing was stored.")
        return
    except DatabaseBusy:
        st.error(changes.STILL_BUSY)
        return
    st.session_state.pop(_FOR, None)  # filled again from what was stored
    where = f"{kpi.id} for {filters.period.label}, {filters.locality_label}"
    st.session_state.commentary_message = (
        f"Commentary on {where} saved (undo it from the Upload page)."
        if result.upload_id is not None
        else f"Nothing changed: the commentary on {where} is already stored as written."
    )
    st.rerun()


def _remove(kpi: Kpi, filters: Filters, user: str) -> None:
    key = (kpi.id, filters.period.label, filters.locality)
    if st.button("Remove this commentary", key="commentary_remove", icon=":material/delete:"):
        st.session_state.confirm_commentary_remove = key
    if st.session_state.get("confirm_commentary_remove") != key:
        return
    st.warning(f"Remove the commentary on {kpi.id} for {filters.period.label}, {filters.locality_label}?")
    yes, no = st.columns(2)
    if yes.button("Yes, remove it", type="primary", key="commentary_remove_yes"):
        try:
            changes.remove_row(
                DATASET,
                {"kpi": kpi.id, "quarter": filters.period.label, "locality": filters.locality},
                user,
            )
        except RowNotFound as exc:
            st.error(as_text(exc))
            return
        except DatabaseBusy:
            st.error(changes.STILL_BUSY)
            return
        del st.session_state["confirm_commentary_remove"]
        st.session_state.pop(_FOR, None)
        st.session_state.commentary_message = (
            f"Commentary on {kpi.id} for {filters.period.label}, {filters.locality_label} removed "
            "(undo it from the Upload page)."
        )
        st.rerun()
    if no.button("Cancel", key="commentary_remove_no"):
        del st.session_state["confirm_commentary_remove"]
        st.rerun()


HISTORY_WORDS = {
    "quarter": "Quarter",
    "commentary": "Commentary",
    "action": "Action",
    "owner": "Owner",
    "review_date": "Review date",
    "written_at": "Written on",
    "written_by": "Written by",
    "replaced_at": "Replaced on",
    "replaced_by": "Replaced by",
    "current": "In force",
}


def history_table(history: pd.DataFrame) -> pd.DataFrame:
    """The history as shown: every quarter's wording in force and the earlier ones, dates as 13 Nov 2023."""
    shown = history[[c for c in HISTORY_WORDS if c in history.columns]].copy()
    for column in ("review_date", "written_at", "replaced_at"):
        if column in shown.columns:
            shown[column] = [components.short_date(as_date(v)) for v in shown[column]]
    if "current" in shown.columns:
        shown["current"] = ["Yes" if bool(v) else "No, replaced" for v in shown["current"]]
    return shown.rename(columns=HISTORY_WORDS).fillna("")


def _history(kpi: Kpi, filters: Filters) -> None:
    path, version = cache.data_key()
    history = cache.kpi_commentary_history(path, version, kpi.id, filters.locality)
    st.subheader(f"History of the commentary on {kpi.id}, {filters.locality_label}")
    if history.empty:
        st.write("No commentary has been written on this KPI yet.")
        return
    st.caption("Every quarter, newest first, with the earlier wordings that later edits replaced.")
    tables.show(history_table(history), "commentary_history")
