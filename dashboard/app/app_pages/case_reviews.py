"""Case reviews: every serious incident review active in the period, its journey against the deadlines,
and the steps that were late."""

from __future__ import annotations

import streamlit as st

from dashboard.app import cache, components, tables, views
from dashboard.areas import reviews
from dashboard.core.text import plural

filters = st.session_state.filters
period = filters.period
view = views.case_reviews(*cache.data_key(), period.label, period.start, period.end, filters.locality)

components.page_header(
    "Case reviews", filters, "reviews notified, rapid-reviewed or with an LCSPR running in the period"
)

if view is None:
    st.info(components.NO_DATA)
    st.stop()

late = view.late
if late.empty:
    st.success(f"No step was late in {period.label}: every deadline that fell due was met.", icon="✔")
else:
    st.warning(f"**{plural(len(late), 'late step')} in {period.label}**", icon="✖")
    tables.show(late, "late_steps", rag_columns=["Status"], style=reviews.timeliness_style)

for sentence in view.not_judged:
    st.info(sentence, icon="ℹ")

st.caption(
    f"Deadlines: notification to the Panel within {reviews.NOTIFICATION_WORKING_DAYS} working days of the "
    f"local authority becoming aware (statutory); rapid review within {reviews.RAPID_REVIEW_WORKING_DAYS} "
    f"working days of the notification (or as extended by the Panel); LCSPR completed within "
    f"{reviews.LCSPR_MONTHS} months of the decision to hold it. A step belongs to the period its deadline "
    "fell in: one not taken by then is late in that period. Working days leave out weekends and England and "
    "Wales bank holidays."
)

components.chart(view.timeline, key="review_timeline")

st.header("Reviews")
table = view.table
tables.show(
    table,
    "reviews_table",
    rag_columns=list(reviews.TIMELINESS_COLUMNS),
    style=reviews.timeliness_style,
    column_config={"Review": st.column_config.TextColumn("Review", pinned=True)},
)
st.caption(
    "Steps are judged on every date held, including steps taken after the period; a step not yet taken is "
    "✖ Overdue when its deadline passed before the period's last day. A publication delayed with a reason "
    "is never late. The number of notifications is context, not a performance measure."
)
components.csv_download(table, f"case-reviews-{period.label}.csv", "download_reviews")
