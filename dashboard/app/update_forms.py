"""The Partnership updates page's pieces: one update as read (plain text, escaped) and the add / edit / remove
forms for analysts and admins (an upload of one row: checked by the upload rules, recorded in the upload log
and the audit log, undoable from the Upload page)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

import streamlit as st

from dashboard.app import changes, components
from dashboard.app.connections import DatabaseBusy
from dashboard.core.config import settings
from dashboard.core.periods import Period
from dashboard.core.text import as_date, is_missing
from dashboard.ingest.edits import RowNotFound
from dashboard.ingest.load import UploadRejected
from dashboard.ingest.workflow import as_text

DATASET = "partnership_updates"
STATUSES = ("", "On track", "At risk", "Off track", "Complete")


def text_of(value: object) -> str:
    return "" if value is None or is_missing(value) else str(value)


def show_update(row: Mapping[str, Any]) -> None:
    """One update: its title, what it serves, status and date, the text as written, and its link."""
    st.markdown(f"**{as_text(text_of(row['title']))}**")
    facts = [
        f"Priority: {as_text(text_of(row.get('priority')))}" if text_of(row.get("priority")) else "",
        f"Status: {as_text(text_of(row.get('status')))}" if text_of(row.get("status")) else "",
        f"Date: {components.short_date(as_date(row.get('event_date')))}"
        if as_date(row.get("event_date"))
        else "",
        as_text(text_of(row.get("locality"))),
    ]
    st.caption(" · ".join(f for f in facts if f))
    st.markdown(components.plain_text(text_of(row["update"])))
    if text_of(row.get("link")):
        st.markdown("Link: " + components.link_markdown(row["link"]))


def new_update_id(quarter: Period) -> str:
    """A key for an update written in the dashboard: the quarter and a random tail (never one in use)."""
    return f"{quarter.label.replace(' ', '-')}-{secrets.token_hex(3)}"


_FIELDS = ("section", "title", "priority", "update", "status", "event_date", "link", "locality")


def stored_values(prefix: str, row: Mapping[str, Any] | None, sections: tuple[str, ...]) -> dict[str, object]:
    """A stored update (or blanks for a new one) as the form's widget values (keys `<prefix>_<column>`)."""
    area_wide = settings().area_wide
    out: dict[str, object] = {f"{prefix}_section": text_of(row["section"]) if row else sections[0]}
    for name in ("title", "priority", "update", "link"):
        out[f"{prefix}_{name}"] = text_of(row.get(name)) if row else ""
    status = text_of(row.get("status")) if row else ""
    out[f"{prefix}_status"] = status if status in STATUSES else ""
    out[f"{prefix}_event_date"] = as_date(row.get("event_date")) if row else None
    locality = text_of(row.get("locality")) if row else area_wide
    out[f"{prefix}_locality"] = locality if locality in settings().all_localities else area_wide
    return out


def fill(prefix: str, row: Mapping[str, Any] | None, sections: tuple[str, ...]) -> None:
    """Put a stored update (or blanks for a new one) into the form's widgets."""
    for key, value in stored_values(prefix, row, sections).items():
        st.session_state[key] = value


def refill(prefix: str, chosen: str, row: Mapping[str, Any], sections: tuple[str, ...]) -> None:
    """The edit form filled with the chosen update when the choice changed, or when the stored update changed
    while the form was untouched; never over what the user typed (components.refill)."""
    components.refill(f"{prefix}_filled", chosen, stored_values(prefix, row, sections))


def form(prefix: str, label: str, sections: tuple[str, ...]) -> bool:
    """The update's fields in a form (keys `<prefix>_<column>`); whether it was submitted."""
    with st.form(f"{prefix}_form"):
        left, right = st.columns(2)
        left.selectbox("Section", sections, key=f"{prefix}_section")
        right.selectbox(
            "Locality",
            settings().all_localities,
            key=f"{prefix}_locality",
            help=f"{settings().area_wide}: the whole partnership",
        )
        st.text_input("Title", key=f"{prefix}_title", help="e.g. Engagement of Children and Young People")
        st.text_input("Priority it serves (optional)", key=f"{prefix}_priority", help="e.g. Neglect")
        st.text_area("Update (plain text, at most 2,000 characters)", key=f"{prefix}_update")
        left, right = st.columns(2)
        left.selectbox("Status", STATUSES, key=f"{prefix}_status", format_func=lambda s: s or "(none)")
        right.date_input("Event date (for an event)", key=f"{prefix}_event_date", format="DD/MM/YYYY")
        st.text_input("Link (an https:// address, optional)", key=f"{prefix}_link")
        return st.form_submit_button(label, type="primary", icon=":material/save:")


def values(prefix: str, update_id: str, quarter: Period) -> dict[str, object]:
    """The row the form describes, as the upload rules read it (blank fields as None)."""
    row: dict[str, object] = {"update_id": update_id, "quarter": quarter.label}
    for name in _FIELDS:
        value = st.session_state.get(f"{prefix}_{name}")
        row[name] = None if value in ("", None) else value
    return row


def save(row: Mapping[str, object], user: str, done: str) -> bool:
    """Save an update; on refusal, the validator's reasons beside the form (nothing is stored)."""
    try:
        result = changes.save_row(DATASET, row, user)
    except UploadRejected as exc:
        st.error("The update was not saved: " + "; ".join(components.problem_lines(exc.report)) + ".")
        return False
    except DatabaseBusy:
        st.error(changes.STILL_BUSY)
        return False
    st.session_state.updates_message = (
        done if result.upload_id is not None else "Nothing changed: the update is already stored as written."
    )
    return True


def remove(update_id: str, title: str, user: str) -> bool:
    try:
        changes.remove_row(DATASET, {"update_id": update_id}, user)
    except RowNotFound as exc:
        st.error(as_text(exc))
        return False
    except DatabaseBusy:
        st.error(changes.STILL_BUSY)
        return False
    st.session_state.updates_message = f"Removed the update {as_text(title)} (undo it from the Upload page)."
    return True
