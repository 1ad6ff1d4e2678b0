"""The floor app (run by AppTest): navigation to one page that replays the recorded page's Streamlit calls.

Like the real entry point it goes through st.navigation and runs a page file, so the floor pays what
Streamlit's multipage machinery costs as well as what the elements cost.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

st.navigation(
    [st.Page(Path(__file__).with_name("floor_replay.py"), title="Floor", default=True)], position="hidden"
).run()
