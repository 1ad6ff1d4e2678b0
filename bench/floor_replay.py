"""The floor page: the recorded page's Streamlit calls, replayed from its own results (see floor.py)."""

from __future__ import annotations

import floor

floor.replay()
