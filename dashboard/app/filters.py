"""The sidebar filters shared by every page, mirrored in the URL (st.query_params) so a view can be shared.

URL parameters: fy=2023-24, q=Q3 (or q=year), loc=Hartlepool (or all), compare=1, and kpi=TR02 on the KPI page.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard.app import cache
from dashboard.core.config import settings
from dashboard.core.periods import Period, parse_period

WHOLE_YEAR = "Whole year"
QUARTER_OPTIONS = ("Q1", "Q2", "Q3", "Q4", WHOLE_YEAR)
ALL = "All localities"


@dataclass(frozen=True)
class Filters:
    period: Period
    locality: str | None  # None = all localities together
    compare: bool

    @property
    def locality_label(self) -> str:
        return self.locality or ALL

    @property
    def span(self) -> str:
        return "this quarter" if self.period.is_quarter else "this year"


def _from_url(key: str) -> str | None:
    value = st.query_params.get(key)
    return value if isinstance(value, str) and value else None


def sidebar_filters() -> Filters:
    """Draw the filters (first run: from the URL, else the latest quarter held) and keep the URL in step."""
    cfg = settings()
    quarters = cache.quarters(*cache.data_key())
    years = sorted({q.split(" ")[0] for q in quarters}, reverse=True)
    localities = [ALL, *cfg.all_localities]
    if "fy" not in st.session_state:
        latest = quarters[-1].split(" ")
        fy, q = _from_url("fy"), _from_url("q")
        st.session_state.fy = fy if fy in years else latest[0]
        if q is not None and q.lower() == "year":
            q = WHOLE_YEAR
        st.session_state.quarter = (
            q.upper() if q and q.upper() in QUARTER_OPTIONS else (q if q == WHOLE_YEAR else latest[1])
        )
        loc = _from_url("loc")
        wanted = cfg.locality_synonyms.get(" ".join(loc.lower().split())) if loc else None
        st.session_state.locality = wanted if wanted in localities else ALL
        st.session_state.compare = _from_url("compare") in ("1", "true", "yes")
    with st.sidebar:
        st.markdown(f"**{cfg.partnership_short_name or 'PMF'} performance dashboard**")
        fy = st.selectbox("Financial year", years, key="fy", help="1 April to 31 March")
        quarter = st.selectbox(
            "Quarter",
            QUARTER_OPTIONS,
            key="quarter",
            help="Q1 Apr-Jun, Q2 Jul-Sep, Q3 Oct-Dec, Q4 Jan-Mar",
        )
        locality = st.selectbox("Locality", localities, key="locality")
        compare = st.toggle("Compare localities", key="compare", help="Show the localities side by side")
    period = parse_period(fy if quarter == WHOLE_YEAR else f"{fy} {quarter}")
    st.query_params["fy"] = fy
    st.query_params["q"] = "year" if quarter == WHOLE_YEAR else quarter
    st.query_params["loc"] = "all" if locality == ALL else locality
    if compare:
        st.query_params["compare"] = "1"
    elif "compare" in st.query_params:
        del st.query_params["compare"]
    return Filters(period, None if locality == ALL else locality, compare)
