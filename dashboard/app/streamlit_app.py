"""Entry point: `streamlit run dashboard/app/streamlit_app.py` (or `pmf serve`). Sidebar filters, navigation."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.app import filters

PAGES = Path(__file__).resolve().parent / "app_pages"

st.set_page_config(page_title="PMF dashboard", page_icon=":material/monitoring:", layout="wide")

st.session_state.filters = filters.sidebar_filters()

navigation = st.navigation(
    {
        "Executive": [
            st.Page(PAGES / "overview.py", title="Overview", icon=":material/dashboard:", default=True),
            st.Page(
                PAGES / "kpi_detail.py", title="KPI detail", icon=":material/query_stats:", url_path="kpi"
            ),
        ],
        "Areas": [
            st.Page(PAGES / "training.py", title="Training", icon=":material/school:"),
            st.Page(PAGES / "audits.py", title="Audits", icon=":material/fact_check:"),
            st.Page(
                PAGES / "case_reviews.py",
                title="Case reviews",
                icon=":material/timeline:",
                url_path="reviews",
            ),
            st.Page(
                PAGES / "action_plan.py", title="Action plan", icon=":material/checklist:", url_path="actions"
            ),
        ],
        "Analysts": [
            st.Page(PAGES / "upload.py", title="Upload", icon=":material/upload_file:"),
            st.Page(
                PAGES / "catalogue.py",
                title="KPI catalogue",
                icon=":material/menu_book:",
                url_path="catalogue",
            ),
        ],
    }
)
navigation.run()
