"""The scorecard on a phone: each KPI as a compact card (title, value, RAG, change), shown instead of the
table on a narrow screen.

Streamlit cannot know the screen's width on the server, so the overview renders both the table (in a
container keyed WIDE) and the cards (keyed CARDS), and CSS media queries show one of them: the cards at
NARROW_PX and below, the table above. Every value in a card is escaped (html.escape): a title or a revision
text is shown as written, never read as HTML.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from dashboard.charts import RAG_COLOURS

WIDE = "scorecard_wide"  # st.container(key=...) gives the CSS class st-key-scorecard_wide
CARDS = "scorecard_cards"
NARROW_PX = 640

#: Shows the table on a wide screen and the cards on a narrow one; keeps the page itself no wider than the
#: screen (a table wider than a phone scrolls inside its own box).
SWITCH_CSS = f"""
<style>
@media (max-width: {NARROW_PX}px) {{ .st-key-{WIDE} {{ display: none; }} }}
@media (min-width: {NARROW_PX + 1}px) {{ .st-key-{CARDS} {{ display: none; }} }}
.kpi-cards {{ display: grid; gap: 0.5rem; }}
.kpi-card {{ border: 1px solid #c8c8c8; border-radius: 0.5rem; padding: 0.5rem 0.75rem; }}
.kpi-card-title {{ font-weight: 600; overflow-wrap: anywhere; }}
.kpi-card-figures {{ display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; align-items: baseline; }}
.kpi-card-value {{ font-size: 1.5rem; font-weight: 700; overflow-wrap: anywhere; }}
.kpi-card-change {{ color: #555; }}
</style>
"""


def _rag_colour(rag: str) -> str:
    for name, colour in RAG_COLOURS.items():
        if rag.endswith(name):
            return colour
    return "#555"


def _text(row: pd.Series, column: str) -> str:
    value = row.get(column, "")
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def card_html(row: pd.Series) -> str:
    """One KPI of the scorecard table (views.cycle_scorecard's columns) as a card, every value escaped. A KPI
    with no target (a count for context) says so beside its RAG: "RAG – (no target)"."""
    rag = _text(row, "RAG")
    change = _text(row, "Change on a year before")
    noted = _text(row, "Commentary")
    target = _text(row, "Target")
    has_target = target not in ("", "–", "no target")
    rag_text = rag if rag not in ("", "–") else ("–" if has_target else "– (no target)")
    parts = [
        '<div class="kpi-card">',
        f'<div class="kpi-card-title">{escape(_text(row, "KPI"))} {escape(_text(row, "Title"))}</div>',
        '<div class="kpi-card-figures">',
        f'<span class="kpi-card-value">{escape(_text(row, "Value"))}</span>',
        f'<span class="kpi-card-rag" style="color: {_rag_colour(rag)}; font-weight: 600">'
        f"RAG {escape(rag_text)}</span>",
        f'<span class="kpi-card-target">Target {escape(target)}</span>' if has_target else "",
        "</div>",
        f'<div class="kpi-card-change">Change on a year before: {escape(change or "–")}'
        + (f" · Commentary {escape(noted)}" if noted else "")
        + "</div>",
        "</div>",
    ]
    return "".join(parts)


def cards_html(table: pd.DataFrame) -> str:
    """Every KPI of the scorecard table as a card, in the table's order."""
    return '<div class="kpi-cards">' + "".join(card_html(row) for _, row in table.iterrows()) + "</div>"


def comparison_cards_html(table: pd.DataFrame, localities: tuple[str, ...]) -> str:
    """The comparison table as cards: each KPI with every locality's value and RAG."""
    cards = []
    for _, row in table.iterrows():
        lines = "".join(
            f"<div>{escape(name)}: <strong>{escape(_text(row, name) or '–')}</strong> "
            f'<span style="color: {_rag_colour(_text(row, f"{name} RAG"))}; font-weight: 600">'
            f"{escape(_text(row, f'{name} RAG') or '–')}</span></div>"
            for name in localities
        )
        cards.append(
            '<div class="kpi-card">'
            f'<div class="kpi-card-title">{escape(_text(row, "KPI"))} {escape(_text(row, "Title"))}</div>'
            f'<div class="kpi-card-change">Target {escape(_text(row, "Target") or "–")}</div>'
            f"{lines}</div>"
        )
    return '<div class="kpi-cards">' + "".join(cards) + "</div>"
