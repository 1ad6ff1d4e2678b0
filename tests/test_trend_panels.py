"""The overview's trend charts (issue 14): which KPIs, in time order, target lines, legends off the axes."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from dashboard import charts
from dashboard.core.config import load_settings
from dashboard.core.db import data_quarters
from dashboard.core.periods import parse_period
from dashboard.kpis.catalogue import compute_kpis, kpis_for, load_catalogue
from dashboard.kpis.scorecard import kpis_that_matter


def _card(rows: list[tuple[str, float | None, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"kpi": k, "category": None, "target": t, "rag": r} for k, t, r in rows]
        + [{"kpi": "TR01", "category": "Virtual", "target": None, "rag": None}]
    )


def test_trend_charts_show_rated_kpis_red_first_then_amber_then_green() -> None:
    card = _card(
        [
            ("TR01", None, None),  # a count for context: no target, no chart
            ("TR03", 85.0, "Green"),
            ("TR04", 10.0, "Red"),
            ("AU02", 80.0, "Amber"),
            ("AP01", 90.0, "Red"),
            ("CR02", 100.0, None),  # too few to rate this quarter: after the rated ones
        ]
    )
    assert kpis_that_matter(card) == ["TR04", "AP01", "AU02", "TR03", "CR02"]
    assert kpis_that_matter(card, limit=2) == ["TR04", "AP01"]


def test_a_panel_runs_oldest_first_with_its_target_and_the_legend_below_the_axis(sample_db: Path) -> None:
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        cfg = load_settings()
        held = [p.label for p in data_quarters(con)]
        trend = compute_kpis(con, [parse_period(p) for p in held], cfg)
        card = kpis_for(con, parse_period("2023-24 Q3"), cfg)
    finally:
        con.close()
    chosen = kpis_that_matter(card)
    red = set(card[card["category"].isna() & (card["rag"] == "Red")]["kpi"])
    assert red and set(chosen[: len(red)]) == red  # the Red ones lead
    kpi = next(k for k in load_catalogue() if k.id == chosen[0])
    heads = trend[(trend["kpi"] == kpi.id) & trend["category"].isna()]
    colours = charts.locality_colours(cfg.all_localities)
    fig = charts.trend_panel(heads, kpi, ["Hartlepool", "Stockton-on-Tees"], colours)
    assert [t.name for t in fig.data] == ["All localities", "Hartlepool", "Stockton-on-Tees"]
    for trace in fig.data:
        assert list(trace.x) == held  # every quarter held, oldest first
    assert fig.layout.title.text.startswith(f"{kpi.id} ")
    target_lines = [s for s in fig.layout.shapes if s.line.dash == "dash"]
    assert [s.y0 for s in target_lines] == [kpi.target]
    # The legend sits at the foot of the figure, in the bottom margin, not over the plot or its tick labels.
    assert fig.layout.legend.yref == "container" and fig.layout.legend.y == 0
    assert fig.layout.margin.b >= 100
