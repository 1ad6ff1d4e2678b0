"""Overview: the executive's scorecard of every KPI for the chosen period and locality (shown whole; on a
phone as a card per KPI), which KPIs carry commentary (and the Red ones that have none yet), revisions since
sign-off, the quarter's sign-off, and the trend charts of the KPIs that matter."""

from __future__ import annotations

import streamlit as st

from dashboard.app import cache, components, scorecard_cards, signoff_panel, tables, views
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
st.markdown(scorecard_cards.SWITCH_CSS, unsafe_allow_html=True)
state = signoff_panel.status_line(filters.period)
if filters.compare:
    cfg = settings()
    table = views.comparison(path, version, filters.period.label)
    with st.container(key=scorecard_cards.WIDE):
        tables.show(table, "comparison", rag_columns=[f"{n} RAG" for n in cfg.all_localities], whole=True)
    with st.container(key=scorecard_cards.CARDS):
        st.markdown(scorecard_cards.comparison_cards_html(table, cfg.all_localities), unsafe_allow_html=True)
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
    with st.container(key=scorecard_cards.WIDE):
        tables.show(
            table,
            "scorecard",
            rag_columns=["RAG"],
            whole=True,
            column_config={
                "Trend": st.column_config.LineChartColumn(
                    "Trend", help="Every quarter held, oldest first", width="small"
                ),
                "Title": st.column_config.TextColumn("Title", width="medium"),
            },
        )
    with st.container(key=scorecard_cards.CARDS):
        st.markdown(scorecard_cards.cards_html(table), unsafe_allow_html=True)
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

st.header("Trends")
trends = views.overview_trends(path, version, filters.period.label, filters.locality, filters.compare)
if not trends:
    st.info("No KPI with a target has values in any quarter held.")
else:
    drawn = (
        "every locality beside All localities"
        if filters.compare and views.few_localities()
        else f"All localities and {filters.locality}"
        if filters.locality
        else "All localities"
    )
    st.caption(
        f"The KPIs that matter for {filters.period.label}: Red first, then Amber, then Green; quarters oldest "
        f"first, a gap where a quarter has no value; the dashed line is the target. Lines: {drawn}."
    )
    for start in range(0, len(trends), 3):
        for column, (offset, figure) in zip(
            st.columns(3), enumerate(trends[start : start + 3], start=start), strict=False
        ):
            with column:
                components.chart(figure, key=f"overview_trend_{offset}")

signoff_panel.controls(filters.period, access, state)
