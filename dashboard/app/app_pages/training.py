"""Training: sessions delivered by mode, fill, attendance and did-not-attend rates with the year-before change,
confidence before and after, attendance by agency, and the sessions themselves."""

from __future__ import annotations

import streamlit as st

from dashboard.app import cache, components, tables, views
from dashboard.charts import ALL_LOCALITIES
from dashboard.core.config import settings
from dashboard.core.text import format_value

filters = st.session_state.filters
path, version = cache.data_key()
period, locality, compare = filters.period.label, filters.locality, filters.compare
year_before = filters.period.year_before.label

summary = cache.training_summary(path, version, period, locality)
before = cache.training_summary(path, version, year_before, locality)

components.page_header(
    "Training", filters, "rates and confidence count delivered sessions only (TR01 to TR06)"
)


def _metric(
    label: str, now: float | None, then: float | None, unit: str, better: str, help_text: str
) -> None:
    delta = views.metric_delta(now, then, unit)
    unchanged = now is not None and then is not None and now == then
    st.metric(
        label,
        format_value(now, unit) if unit != "points" else ("–" if now is None else f"{now:.2f}"),
        delta=delta,
        delta_color="off" if unchanged else views.delta_colour(better),
        delta_arrow="off" if unchanged else "auto",
        delta_description=f"on {year_before}" if delta is not None else None,
        help=help_text,
    )


st.header("Sessions and attendance")
if not summary.has_sessions:
    st.info(components.NO_DATA)
else:
    columns = st.columns(5)
    with columns[0]:
        _metric(
            "Sessions delivered",
            summary.delivered,
            before.delivered,
            "count",
            "none",
            "Training sessions with status Delivered (TR01).",
        )
    with columns[1]:
        _metric(
            "Fill rate",
            summary.fill_rate,
            before.fill_rate,
            "percent",
            "higher",
            f"Places booked / places offered: {summary.fill_booked:,} / {summary.fill_offered:,} (TR02).",
        )
    with columns[2]:
        _metric(
            "Attendance rate",
            summary.attendance_rate,
            before.attendance_rate,
            "percent",
            "higher",
            f"Attended / places booked: {summary.attended:,} / {summary.booked:,} (TR03).",
        )
    with columns[3]:
        _metric(
            "Did-not-attend rate",
            summary.dna_rate,
            before.dna_rate,
            "percent",
            "lower",
            f"Did not attend / places booked: {summary.did_not_attend:,} / {summary.dna_booked:,} (TR04).",
        )
    with columns[4]:
        _metric(
            "Cancelled sessions",
            summary.cancelled,
            before.cancelled,
            "count",
            "none",
            "Sessions with status Cancelled: not delivered, not in any rate.",
        )

st.header("Confidence before and after")
if summary.rated_sessions == 0:
    st.info(components.NO_DATA)
else:
    cols = st.columns(3)
    with cols[0]:
        _metric(
            "Confidence before",
            summary.pre_confidence,
            before.pre_confidence,
            "points",
            "none",
            "Mean of the sessions' average pre-course confidence (1 to 5).",
        )
    with cols[1]:
        _metric(
            "Confidence after",
            summary.post_confidence,
            before.post_confidence,
            "points",
            "higher",
            "Mean of the sessions' average post-course confidence (1 to 5).",
        )
    with cols[2]:
        _metric(
            "Confidence uplift",
            summary.uplift,
            before.uplift,
            "points",
            "higher",
            "Mean after minus mean before, in points on the 1 to 5 scale (TR06).",
        )
    st.caption(
        f"Over {summary.rated_sessions} delivered session{'' if summary.rated_sessions == 1 else 's'} "
        "with both a before and an after average recorded."
    )

if compare:
    st.header("Localities compared")
    cfg = settings()
    table = views.training_comparison(path, version, period)
    if table is None:
        st.info(components.NO_DATA)
    else:
        tables.show(
            table,
            "training_compare",
            column_config={
                c: st.column_config.NumberColumn(c.replace("DNA", "Did not attend"), format="%.1f")
                for c in table.columns
                if c.endswith("(%)")
            }
            | {
                c: st.column_config.NumberColumn(c, format="%.2f", help="1 to 5 scale")
                for c in ("Confidence before", "Confidence after", "Uplift (points)")
            },
        )
        st.caption(
            f"{cfg.area_wide} sessions count under {cfg.area_wide} and once in {ALL_LOCALITIES}, never twice."
        )

st.header("Sessions delivered by delivery mode")
by_mode = views.sessions_by_mode(path, version, period, locality, compare)
if by_mode is None:
    st.info(components.NO_DATA)
else:
    components.chart(by_mode, key="training_modes")
    if (compare or locality is None) and not views.few_localities():
        st.caption(
            f"With {len(settings().all_localities)} localities the chart shows {ALL_LOCALITIES}"
            + (f" and {locality}" if locality else "")
            + "; each locality's sessions are in the localities compared table (Compare localities)."
        )

st.header("Attendance by agency")
by_agency = views.attendance_by_agency(path, version, period, locality, compare)
if by_agency is None:
    st.info(components.NO_DATA)
else:
    components.chart(by_agency, key="training_agencies")
    st.caption(
        "People who attended delivered sessions, by the agency they work for."
        + (
            f" With {len(settings().all_localities)} localities the chart shows {ALL_LOCALITIES}"
            + (f" and {locality}" if locality else "")
            + " only; each locality's attendance is in the localities compared table."
            if compare and not views.few_localities()
            else ""
        )
    )

missing = cache.agencies_not_reached(path, version, period, locality)
if missing:
    st.caption("No attendance this period from: " + ", ".join(missing) + ".")

st.header("Sessions")
sessions = cache.session_list(path, version, period, locality)
if sessions.empty:
    st.info(components.NO_DATA)
else:
    tables.show(
        sessions,
        "training_sessions",
        column_config={
            "Session": None,  # the ID is in the CSV; people read the date and title
            "Date": st.column_config.DateColumn("Date", format="D MMM YYYY"),
            "Title": st.column_config.TextColumn("Title", width="medium"),
            "DNA": st.column_config.NumberColumn("Did not attend", help="Booked but did not attend"),
            "Pre": st.column_config.NumberColumn(
                "Confidence before", format="%.1f", help="Average confidence before (1 to 5)"
            ),
            "Post": st.column_config.NumberColumn(
                "Confidence after", format="%.1f", help="Average confidence after (1 to 5)"
            ),
        },
    )
    components.csv_download(
        sessions,
        f"training-sessions-{period}.csv",
        "download_training_sessions",
        {"DNA": "Did not attend", "Pre": "Confidence before", "Post": "Confidence after"},
    )
