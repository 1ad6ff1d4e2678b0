"""Audit log (admins): every upload, replace, edit or removal made in the dashboard, undo, KPI target change,
and quarter signed off or reopened, who made it and when, newest first."""

from __future__ import annotations

import streamlit as st

from dashboard.app import cache, components, tables
from dashboard.core.auth import Action, page_refusal
from dashboard.kpis.audit_log import audit_log

LOG_WORDS = {"at": "When", "user": "Who", "action": "Action", "detail": "What"}

access = st.session_state.access
if not access.can(Action.AUDIT_LOG):  # the entry point refuses first; this page does not rely on it alone
    st.error(page_refusal(Action.AUDIT_LOG))
    st.stop()

st.title("Audit log")
st.caption(
    "Every upload, replace, edit or removal made in the dashboard (commentary, partnership updates), undo, KPI "
    "target change, and quarter signed off or reopened, newest first, with who made it: the signed-in email, "
    "or the computer's login name in local mode."
)
with cache.cursor() as cur:
    log = audit_log(cur)
if log.empty:
    st.write("Nothing has been uploaded or changed yet.")
else:
    tables.show(log, "audit_log", words=LOG_WORDS)
    components.csv_download(log, "audit-log.csv", "download_audit_log", LOG_WORDS)
