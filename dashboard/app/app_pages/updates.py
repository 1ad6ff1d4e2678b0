"""Partnership updates: the quarter's story beside its figures, by section (work streams and priorities with
their status, procedures reviewed, events with their dates, communications, the training programme), for
everyone to read; analysts and admins add, edit and remove them (each change recorded like an upload, and
undoable from the Upload page). Everything written is shown as plain text."""

from __future__ import annotations

import streamlit as st

from dashboard.app import cache, components, update_forms
from dashboard.areas.updates import SECTIONS
from dashboard.core.auth import Action
from dashboard.ingest.workflow import as_text

filters = st.session_state.filters
access = st.session_state.access
path, version = cache.data_key()
quarter = filters.period

components.page_header(
    "Partnership updates", filters, "the quarter's work streams, procedures, events and news"
)
if message := st.session_state.pop("updates_message", None):
    st.success(message)

if not quarter.is_quarter:
    st.info("Partnership updates are written per quarter: choose a quarter to read or write them.")
    st.stop()

shown = cache.partnership_updates(path, version, quarter.label, filters.locality)
if shown.empty:
    st.write(f"No partnership updates for {quarter.label} yet.")
for section in SECTIONS:
    rows = shown[shown["section"] == section]
    if rows.empty:
        continue
    st.header(section)
    for row in rows.to_dict("records"):
        with st.container(border=True):
            update_forms.show_update(row)

if not access.can(Action.UPLOAD):
    st.caption("Partnership updates are written by the dashboard's analysts and admins.")
    st.stop()

st.header("Add an update")
if "add_update_filled" not in st.session_state:
    update_forms.fill("add_update", None, SECTIONS)
    st.session_state.add_update_filled = True
if update_forms.form("add_update", "Add the update", SECTIONS):
    row = update_forms.values("add_update", update_forms.new_update_id(quarter), quarter)
    title = as_text(row.get("title") or "")
    if update_forms.save(row, access.user, f"Added the update {title} to {quarter.label}."):
        del st.session_state["add_update_filled"]
        st.rerun()

if shown.empty:
    st.stop()
st.header("Edit or remove an update")
titles = {str(r["update_id"]): f"{r['section']}: {r['title']}" for r in shown.to_dict("records")}
chosen = st.selectbox("Update", list(titles), key="edit_update_id", format_func=lambda i: titles[i])
row = shown[shown["update_id"] == chosen].iloc[0].to_dict()
update_forms.refill("edit_update", chosen, row, SECTIONS)
if update_forms.form("edit_update", "Save the update", SECTIONS):
    edited = update_forms.values("edit_update", chosen, quarter)
    if update_forms.save(edited, access.user, f"Saved the update {as_text(edited.get('title') or '')}."):
        st.session_state.pop("edit_update_filled", None)  # filled again from what was stored
        st.rerun()
if st.button("Remove this update", key="remove_update", icon=":material/delete:"):
    st.session_state.confirm_remove_update = chosen
if st.session_state.get("confirm_remove_update") == chosen:
    st.warning(
        f"Remove the update {as_text(row['title'])}? It can be brought back from the Upload page's undo."
    )
    yes, no = st.columns(2)
    if yes.button("Yes, remove it", type="primary", key="remove_update_yes") and update_forms.remove(
        chosen, str(row["title"]), access.user
    ):
        del st.session_state["confirm_remove_update"]
        st.rerun()
    if no.button("Cancel", key="remove_update_no"):
        del st.session_state["confirm_remove_update"]
        st.rerun()
