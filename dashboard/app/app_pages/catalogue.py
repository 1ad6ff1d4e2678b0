"""KPI catalogue: every KPI's definition, SQL, unit, direction, target and tolerance; targets editable by admins."""

from __future__ import annotations

import streamlit as st

from dashboard.app import cache, changes, components, tables, views
from dashboard.app.connections import DatabaseBusy
from dashboard.core.auth import Action, role_needed
from dashboard.core.text import format_value
from dashboard.kpis.targets import TargetError, target_history

access = st.session_state.access
catalogue = cache.catalogue(*cache.data_key())

st.title("KPI catalogue")
st.caption(
    f"{len(catalogue)} KPIs, one SQL file each in queries/kpi/. Targets and tolerances below are the ones in force; "
    "the PMF group changes them here and every change is kept with who made it and when."
)
st.caption(
    "The same definitions as a document: docs/kpis.md in the project folder; "
    "what an upload must hold: docs/upload-format.md."
)

with st.expander("The KPI definitions as a document (docs/kpis.md)", icon=":material/menu_book:"):
    st.caption("Generated from the catalogue, so it always says what the dashboard computes.")
    components.show_doc("kpis.md", "kpi_definitions_guide")

if message := st.session_state.pop("target_message", None):
    st.success(message)

overview = views.catalogue_table(*cache.data_key())
tables.show(overview, "catalogue", whole=True)
components.csv_download(overview, "kpi-catalogue.csv", "download_catalogue")

for kpi in catalogue:
    with st.expander(f"{kpi.id} {kpi.title}"):
        st.markdown(kpi.description)
        st.markdown(
            f"**Unit** {kpi.unit} · **Better** {kpi.direction} · **Target** "
            f"{format_value(kpi.target, kpi.unit) if kpi.has_target else 'none'} · **Records** {kpi.records}"
            + (f" · **Breakdown** {kpi.category}" if kpi.category else "")
        )
        st.code(kpi.sql, language="sql")

st.header("Change a target")
if not access.can(Action.EDIT_TARGETS):
    st.caption(f"Targets and tolerances are changed by the dashboard's {role_needed(Action.EDIT_TARGETS)}s.")
else:
    editable = [k for k in catalogue if k.direction != "none"]
    choice = st.selectbox(
        "KPI",
        [k.id for k in editable],
        key="target_kpi",
        format_func=lambda i: f"{i} {next(k.title for k in editable if k.id == i)}",
    )
    kpi = next(k for k in editable if k.id == choice)
    with st.form("target_form"):
        target = st.number_input(
            f"Target ({'%' if kpi.unit == 'percent' else kpi.unit})",
            value=float(kpi.target) if kpi.target is not None else 0.0,
            min_value=0.0,
            max_value=100.0 if kpi.unit == "percent" else None,
            step=1.0 if kpi.unit in ("percent", "count", "days") else 0.1,
            key="target_value",
        )
        tolerance = st.text_input(
            "Amber tolerance (blank = the default; a number in the KPI's unit, or a share of the target such as 10%)",
            value=kpi.tolerance or "",
            key="target_tolerance",
        )
        reason = st.text_input("Reason for the change (kept in the history)", key="target_reason")
        submitted = st.form_submit_button("Save target", type="primary")
    if submitted:
        try:
            changes.change_target(kpi, float(target), tolerance, access.user, reason)
        except TargetError as exc:
            st.error(str(exc))
        except DatabaseBusy:
            st.error(changes.STILL_BUSY)
        else:
            st.session_state.target_message = f"{kpi.id} target set to {format_value(target, kpi.unit)}."
            st.rerun()

st.header("Target history")
# Who changed a target and why is for admins, as the audit log of the same events is.
who_and_why = access.can(Action.AUDIT_LOG)
with cache.cursor() as cur:
    history = target_history(cur, catalogue, who_and_why=who_and_why)
if history.empty:
    st.write("No target has been changed yet: every KPI uses its file's default.")
else:
    tables.show(history, "target_history")
    components.csv_download(history, "target-history.csv", "download_target_history")
    if not who_and_why:
        st.caption("Who made each change and why is in the audit log, which admins read.")
