"""Overview: the executive's scorecard of every KPI for the chosen period and locality, which KPIs carry
commentary (and the Red ones that have none yet), revisions since sign-off, and the quarter's sign-off."""

from __future__ import annotations

import streamlit as st

from dashboard.app import cache, components, signoff_panel, views
from dashboard.core.config import settings

filters = st.session_state.filters
access = st.session_state.access
path, version = cache.data_key()
card = cache.scorecard(path, version, filters.period.label, filters.locality)

components.page_header("Overview", filters)

if not views.has_data(card):
    st.info(components.NO_DATA)
    st.stop()

st.header("Headlines")
st.markdown(
    "\n".join(
        f"- {s}" for s in views.headlines(path, version, filters.period.label, filters.locality, filters.span)
    )
)

metrics = views.headline_metrics(card, filters.period.year_before.label)
for column, shown in zip(st.columns(len(metrics)), metrics, strict=True):
    if shown is not None:
        column.metric(
            shown.label, shown.value, delta=shown.delta, delta_color=shown.delta_color, help=shown.help
        )

st.header("Scorecard")
state = signoff_panel.status_line(filters.period)
if filters.compare:
    cfg = settings()
    table = views.comparison(path, version, filters.period.label)
    st.dataframe(
        components.styled(table, [f"{n} RAG" for n in cfg.all_localities]),
        hide_index=True,
        key="comparison",
    )
    components.csv_download(table, f"kpi-comparison-{filters.period.label}.csv", "download_comparison")
else:
    signed = cache.signoff_key(state)
    if missing := views.red_without_commentary_sentence(
        path, version, filters.period.label, filters.locality
    ):
        st.warning(missing + ".", icon=":material/edit_note:")
    every = filters.period.is_quarter and st.toggle(
        "Every KPI over the 12 months to the period's end",
        key="every_twelve_months",
        help="Case-review rates are always shown over the 12 months as well: a quarter holds very few reviews.",
    )
    table = views.cycle_scorecard(path, version, filters.period.label, filters.locality, every, signed)
    st.dataframe(
        components.styled(table, ["RAG"]),
        hide_index=True,
        key="scorecard",
        column_config={
            "Trend": st.column_config.LineChartColumn(
                "Trend", help="Every quarter held, oldest first", width="small"
            ),
            "Title": st.column_config.TextColumn("Title", width="medium"),
        },
    )
    components.csv_download(
        table.drop(columns=["Trend"]), f"kpi-scorecard-{filters.period.label}.csv", "download_scorecard"
    )
st.caption(
    "RAG: ✔ Green meets the target; ▲ Amber within the tolerance of it; ✖ Red beyond. "
    "Counts of notifications, reviews and sessions give context and have no target. A rate on fewer than "
    f"{settings().min_denominator} records reads 'n of N', with no RAG and no change. "
    + (
        f"{views.HAS_COMMENTARY}: the PMF group has written commentary on the KPI (on its KPI detail page)."
        if filters.period.is_quarter
        else "Commentary is written per quarter."
    )
)

signoff_panel.controls(filters.period, access, state)
