"""Overview: the executive's scorecard of every KPI for the chosen period and locality."""

from __future__ import annotations

import streamlit as st

from dashboard.app import cache, components, views
from dashboard.core.config import settings
from dashboard.core.text import format_value, is_missing

filters = st.session_state.filters
path, version = cache.data_key()
card = cache.scorecard(path, version, filters.period.label, filters.locality)

components.page_header("Overview", filters)

has_data = bool(card[(card["unit"] == "count") & card["category"].isna()]["value"].fillna(0).sum()) or bool(
    card["denominator"].notna().any()
)
if not has_data:
    st.info(components.NO_DATA)
    st.stop()

st.header("Headlines")
st.markdown(
    "\n".join(
        f"- {s}" for s in views.headlines(path, version, filters.period.label, filters.locality, filters.span)
    )
)

METRICS = (
    ("TR01", "Training sessions"),
    ("CR04", "Notifications"),
    ("AU01", "Cases audited"),
    ("AP02", "Overdue actions"),
)
columns = st.columns(len(METRICS))
heads = card[card["category"].isna()].set_index("kpi")
for column, (kpi_id, label) in zip(columns, METRICS, strict=True):
    if kpi_id not in heads.index:
        continue
    row = heads.loc[kpi_id]
    delta = (
        None
        if is_missing(row["previous_value"]) or is_missing(row["value"])
        else float(row["value"] - row["previous_value"])
    )
    with column:
        st.metric(
            label,
            format_value(row["value"], row["unit"]),
            delta=None
            if delta is None
            else (f"{delta:+.1f} pts" if row["unit"] == "percent" else f"{delta:+,.0f}"),
            delta_color="inverse"
            if row["direction"] == "lower"
            else ("off" if row["direction"] == "none" else "normal"),
            help=f"{row['title']}; change on {filters.period.year_before.label}",
        )

st.header("Scorecard")
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
    every = filters.period.is_quarter and st.toggle(
        "Every KPI over the 12 months to the period's end",
        key="every_twelve_months",
        help="Case-review rates are always shown over the 12 months as well: a quarter holds very few reviews.",
    )
    table = views.scorecard(path, version, filters.period.label, filters.locality, every)
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
    f"{settings().min_denominator} records reads 'n of N', with no RAG and no change."
)
