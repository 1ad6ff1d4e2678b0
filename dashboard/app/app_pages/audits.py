"""Audits: each multi-agency audit of the period, the grades of the localities side by side, and the cases
of one audit."""

from __future__ import annotations

import streamlit as st

from dashboard.app import cache, components, tables, views
from dashboard.areas.audits import GRADES, audit_choices
from dashboard.core.config import settings

SHORT_GRADES = {"Requires improvement": "Req. improvement"}

filters = st.session_state.filters
path, version = cache.data_key()
period, locality = filters.period.label, filters.locality

components.page_header("Audits", filters, "multi-agency audits by audit date (AU01 to AU04)")

st.header("Audits in the period")
audits = cache.audit_list(path, version, period, locality)
if audits.empty:
    st.info(components.NO_DATA)
else:
    tables.show(
        audits,
        "audit_list",
        column_config={
            **{
                name: st.column_config.NumberColumn(name, help=f"Cases from {name}")
                for name in settings().all_localities
            },
            **{
                grade: st.column_config.NumberColumn(
                    SHORT_GRADES.get(grade, grade), help=f"Cases graded {grade}"
                )
                for grade in GRADES
            },
            "Audit": None,  # the ID is in the CSV; people read the title and date
            "Title": st.column_config.TextColumn("Title", width="medium"),
            "Date": st.column_config.DateColumn("Date", format="D MMM YYYY", help="Date of the audit"),
            "Cases": st.column_config.NumberColumn("Cases", help="Cases audited (AU01)"),
            "Good or better (%)": st.column_config.NumberColumn(
                "Good or better (%)", format="%.1f", help="Outstanding or Good / graded cases (AU02)"
            ),
            "Actions completed": st.column_config.NumberColumn(
                "Actions completed", help="As currently recorded on the audit rows (AU04)"
            ),
            "Exec report": st.column_config.DateColumn(
                "Exec report", format="D MMM YYYY", help="Date reported to the Exec group"
            ),
        },
    )
    components.csv_download(audits, f"audits-{period}.csv", "download_audits")

st.header("Grades by locality")
grades = views.grades(path, version, period, None if filters.compare else locality)
if grades is None:
    st.info(components.NO_DATA)
else:
    components.chart(grades, key="audit_grades")
    st.caption("Each bar is one locality's audited cases, best grade at the bottom; hover for the share.")

st.header("Cases of one audit")
if audits.empty:
    st.info(components.NO_DATA)
else:
    choices = audit_choices(audits)
    chosen = st.selectbox("Audit", list(choices), format_func=choices.__getitem__, key="audit")
    cases = cache.audit_cases(path, version, period, locality, chosen)
    tables.show(cases, "audit_cases")
    components.csv_download(cases, f"audit-{chosen}-cases.csv", "download_audit_cases")
