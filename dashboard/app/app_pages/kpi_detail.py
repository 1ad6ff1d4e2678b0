"""KPI detail: one KPI's trend with its target, its definition, its figures by quarter, the PMF group's
commentary (written here by analysts and admins), any revision since sign-off, and the records behind it."""

from __future__ import annotations

import streamlit as st

from dashboard.app import cache, commentary_panel, components, signoff_panel, tables, views
from dashboard.charts import ALL_LOCALITIES
from dashboard.core.config import settings

filters = st.session_state.filters
access = st.session_state.access
cfg = settings()
path, version = cache.data_key()
catalogue = {k.id: k for k in cache.catalogue(path, version)}

if "kpi" not in st.session_state:
    wanted = st.query_params.get("kpi", "")
    st.session_state.kpi = wanted.upper() if wanted.upper() in catalogue else next(iter(catalogue))
kpi_id = st.selectbox("KPI", list(catalogue), key="kpi", format_func=lambda i: f"{i} {catalogue[i].title}")
st.query_params["kpi"] = kpi_id
kpi = catalogue[kpi_id]

components.page_header(f"{kpi.id} {kpi.title}", filters)
st.markdown(kpi.description)
target, tolerance = views.target_words(kpi)
c1, c2, c3, c4 = st.columns(4)
c1.markdown(f"**Unit**  \n{kpi.unit}")
c2.markdown(f"**Target**  \n{target}")
c3.markdown(f"**Amber within**  \n{tolerance}")
c4.markdown(f"**Area**  \n{kpi.area}")

figures = views.period_figures(path, version, kpi.id, filters.period.label, filters.locality)
for column, (label, text) in zip(st.columns(max(len(figures), 1)), figures, strict=False):
    column.metric(label, text)
state = signoff_panel.status_line(filters.period)
revised = views.revised_values(
    path, version, filters.period.label, filters.locality, cache.signoff_key(state)
)
if kpi.id in revised:
    st.warning(f"Revised since sign-off: {revised[kpi.id]}.", icon=":material/history:")

chart = views.kpi_trend(path, version, kpi.id, filters.locality)
if chart.figure is not None:
    components.chart(chart.figure, key="trend")
    if not views.few_localities():
        drawn = f"{ALL_LOCALITIES} and {chart.localities[0]}" if chart.localities else ALL_LOCALITIES
        st.caption(
            f"With {len(cfg.all_localities)} localities the chart draws {drawn} only; every locality is in "
            "the table below with Compare localities on."
        )
else:
    st.info("No data for this KPI in any quarter held.")

commentary_panel.show(kpi, filters, access)

st.header("By quarter")
history = views.history(path, version, kpi.id, filters.locality, filters.compare)
tables.show(history, "history", rag_columns=[c for c in history.columns if c.endswith("RAG")])
components.csv_download(history, f"{kpi.id}-by-quarter.csv", "download_history")

st.header(f"Records behind {kpi.id}, {filters.period.label}, {filters.locality_label}")
records = cache.records(path, version, kpi.id, filters.period.label, filters.locality)
if records.empty:
    st.info(components.NO_DATA)
else:
    st.caption(
        f"{len(records)} record(s) from {kpi.records.replace('_', ' ')}; Counts as says how each one counts."
    )
    tables.show(records, "records")
    components.csv_download(records, f"{kpi.id}-{filters.period.label}-records.csv", "download_records")
