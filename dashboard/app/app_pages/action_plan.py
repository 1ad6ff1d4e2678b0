"""Action plan: the combined learning action plan as at the period's last day, each action with its RAG."""

from __future__ import annotations

import streamlit as st

from dashboard.app import cache, components, tables, views
from dashboard.areas import actions
from dashboard.core.config import settings
from dashboard.core.text import uk_date

filters = st.session_state.filters
cfg = settings()
as_at = actions.as_at_date(filters.period.end)
path, version = cache.data_key()
options = views.plan_options(path, version, as_at, filters.locality, cfg.action_due_soon_days)

components.page_header("Action plan", filters, f"combined learning action plan as at {uk_date(as_at)}")

if options is None:
    st.info(components.NO_DATA)
    st.stop()

agency_options, source_options = options
left, right = st.columns(2)
with left:
    agencies = st.multiselect("Lead agency", agency_options, key="agency", placeholder="All lead agencies")
with right:
    sources = st.multiselect("Source", source_options, key="source_type", placeholder="All sources")
view = views.action_plan(
    path, version, as_at, filters.locality, cfg.action_due_soon_days, tuple(agencies), tuple(sources)
)
shown = view.shown

counts = view.counts
for column, (rag, count) in zip(st.columns(len(counts)), counts.items(), strict=True):
    column.metric(
        actions.rag_markdown(rag), count, help=f"Actions {actions.RAG_MEANING[rag]} as at {uk_date(as_at)}"
    )

if shown.empty:
    st.info("No action matches these filters.")
    st.stop()

if view.by_agency is None:
    st.info(f"No action was open on {uk_date(as_at)}.")
else:
    components.chart(view.by_agency, key="open_by_agency")

st.header("Actions")
table = view.table
tables.show(
    table,
    "actions_table",
    rag_columns=["RAG"],
    column_config={
        "RAG": st.column_config.TextColumn("RAG", pinned=True),
        "Action": st.column_config.TextColumn("Action", width="large"),
    },
)
st.caption(
    f"■ Blue complete; ✖ Red open past its target date; ▲ Amber open and due within "
    f"{cfg.action_due_soon_days} days, or reported at risk; ✔ Green other open actions. Overdue actions come "
    "first, then open actions by target date, then completed ones. An action counts only once agreed; one "
    "completed after the as-at date was still open then. Statuses are the latest uploaded."
)
components.csv_download(table, f"action-plan-{as_at.isoformat()}.csv", "download_actions")
