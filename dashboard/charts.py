"""Pure functions from data to Plotly figures: one colour per locality everywhere, colour-blind-safe palette
(Okabe and Ito), every chart titled with units on its axes, target lines labelled."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dashboard.core.periods import in_time_order
from dashboard.kpis.catalogue import Kpi

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
ALL_LOCALITIES = "All localities"
ALL_COLOUR = "#333333"
TARGET_COLOUR = "#6B6B6B"
RAG_COLOURS = {"Green": "#1B7837", "Amber": "#B35806", "Red": "#B2182B", "Blue": "#2166AC"}
UNIT_AXIS = {"percent": "Per cent (%)", "count": "Number", "points": "Points (scale 1 to 5)", "days": "Days"}
FONT = dict(family="Source Sans Pro, Arial, sans-serif", size=13, color="#1B1F24")
# Charts with more localities than this draw "All localities" and the chosen locality only (one trace per
# locality of a national configuration, about 300, was slow to build and unreadable).
MAX_CHARTED_LOCALITIES = 8
LEGEND_BOTTOM = 170  # pixels under the plot: upright quarter labels, the axis title, a two-line legend


TEMPLATE = "plotly_white"


def new_figure() -> go.Figure:
    """An empty figure in the house template. The template is made Plotly's default rather than named on
    each figure: a template given by name is copied and validated again for every figure (about 25 ms, the
    most of a small chart's cost), the default is applied as it is."""
    if pio.templates.default != TEMPLATE:
        pio.templates.default = TEMPLATE
    return go.Figure()


def locality_colours(localities: Sequence[str]) -> dict[str, str]:
    """The same colour for a locality in every chart: by its position in the configuration."""
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(localities)}
    colours[ALL_LOCALITIES] = ALL_COLOUR
    return colours


def _layout_spec(title: str, y_title: str, x_title: str = "Financial quarter") -> dict[str, Any]:
    """The house layout of a chart, as a specification."""
    return dict(
        title=dict(text=title, x=0, xanchor="left", automargin=True, yref="container", y=0.98, yanchor="top"),
        font=FONT,
        margin=dict(l=60, r=20, t=60, b=LEGEND_BOTTOM),
        # At the foot of the figure, below the axis title: never on the axis labels, which a narrow screen
        # turns upright (the margin holds both, and a legend wrapped on two lines).
        legend=dict(orientation="h", yanchor="bottom", y=0, x=0, xanchor="left", yref="container"),
        hovermode="x unified",
        xaxis=dict(title=dict(text=x_title)),
        yaxis=dict(title=dict(text=y_title), rangemode="tozero"),
    )


def _layout(fig: go.Figure, title: str, y_title: str, x_title: str = "Financial quarter") -> go.Figure:
    spec = _layout_spec(title, y_title, x_title)
    xaxis, yaxis = spec.pop("xaxis"), spec.pop("yaxis")
    fig.update_layout(**spec)
    fig.update_xaxes(**xaxis)
    fig.update_yaxes(**yaxis)
    return fig


def kpi_trend(
    trend: pd.DataFrame, kpi: Kpi, localities: Sequence[str], colours: dict[str, str], tolerance: float
) -> go.Figure:
    """One line per locality over the quarters, with the target line and, for rates, RAG bands.

    `trend` holds headline rows of one KPI: period, locality (None = all), value.
    """
    fig = new_figure()
    periods = in_time_order(trend["period"])
    if kpi.has_target and kpi.target is not None and kpi.unit == "percent":
        _rag_bands(fig, kpi, tolerance)
    for name in [None, *localities]:
        rows = trend[trend["locality"].isna()] if name is None else trend[trend["locality"] == name]
        if rows.empty:
            continue
        rows = rows.set_index("period").reindex(periods).reset_index()  # every quarter: empty ones are gaps
        label = ALL_LOCALITIES if name is None else name
        fig.add_trace(
            go.Scatter(
                x=rows["period"],
                y=rows["value"].astype("float64"),
                mode="lines+markers",
                name=label,
                line=dict(
                    color=colours.get(label, ALL_COLOUR),
                    width=3 if name is None else 2,
                    dash=None if name is None else "solid",
                ),
                marker=dict(
                    symbol="circle"
                    if name is None
                    else ["square", "diamond", "triangle-up", "x"][localities.index(name) % 4]
                ),
                hovertemplate="%{y:.1f}" if kpi.unit in ("percent", "points") else "%{y:,.0f}",
            )
        )
    if kpi.has_target and kpi.target is not None:
        fig.add_hline(
            y=kpi.target,
            line=dict(color=TARGET_COLOUR, dash="dash", width=2),
            annotation_text=f"Target {kpi.target:g}{'%' if kpi.unit == 'percent' else ''}",
            annotation_position="top left",
        )
    fig.update_xaxes(categoryorder="array", categoryarray=periods, type="category")
    return _layout(fig, f"{kpi.id} {kpi.title}: trend by quarter", UNIT_AXIS[kpi.unit])


def _rag_bands(fig: go.Figure, kpi: Kpi, amount: float) -> None:
    """Shaded Green, Amber and Red zones behind a percentage KPI's lines (the labels say which is which)."""
    assert kpi.target is not None
    if kpi.direction == "higher":
        bands = [
            ("Red", 0, kpi.target - amount),
            ("Amber", kpi.target - amount, kpi.target),
            ("Green", kpi.target, 100),
        ]
    else:
        bands = [
            ("Green", 0, kpi.target),
            ("Amber", kpi.target, kpi.target + amount),
            ("Red", kpi.target + amount, 100),
        ]
    for rag, low, high in bands:
        if high > low:
            fig.add_hrect(
                y0=max(low, 0),
                y1=min(high, 100),
                fillcolor=RAG_COLOURS[rag],
                opacity=0.07,
                line_width=0,
                layer="below",
            )


def bars_by_locality(
    frame: pd.DataFrame,
    x: str,
    y: str,
    colour_by: str,
    title: str,
    x_title: str,
    y_title: str,
    colours: dict[str, str],
) -> go.Figure:
    """Grouped bars, one colour per locality (colour_by holds locality names)."""
    fig = new_figure()
    for name, rows in frame.groupby(colour_by, sort=False):
        fig.add_trace(
            go.Bar(
                x=rows[x],
                y=rows[y],
                name=str(name),
                marker_color=colours.get(str(name), ALL_COLOUR),
                text=rows[y],
                textposition="outside",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    return _layout(fig, title, y_title, x_title)


def stacked_bars(
    frame: pd.DataFrame,
    x: str,
    y: str,
    stack_by: str,
    title: str,
    x_title: str,
    y_title: str,
    colours: dict[str, str] | None = None,
) -> go.Figure:
    """Stacked bars, e.g. cases by grade per locality; colours from `colours` or the palette in order."""
    fig = new_figure()
    for i, (name, rows) in enumerate(frame.groupby(stack_by, sort=False)):
        colour = (colours or {}).get(str(name), PALETTE[i % len(PALETTE)])
        fig.add_trace(
            go.Bar(
                x=rows[x], y=rows[y], name=str(name), marker_color=colour, text=rows[y], textposition="inside"
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category")
    return _layout(fig, title, y_title, x_title)


def trend_panel(
    trend: pd.DataFrame, kpi: Kpi, localities: Sequence[str], colours: dict[str, str]
) -> go.Figure:
    """One small multiple of the overview: a KPI over the quarters (oldest first, empty quarters as gaps),
    its target as a dashed line, "All localities" and each of `localities` in their own colours. Large type
    and few ticks, for a projector; the page lays the panels out in columns, which a phone stacks.

    `trend` holds headline rows of the KPI: period, locality (None = all), value. The figure is made from
    one specification, validated once (a dozen updates of a figure cost Plotly over ten times as much, and
    the overview draws six panels on its first view after every upload).
    """
    periods = in_time_order(trend["period"])
    data = []
    for name in [None, *localities]:
        lines = trend[trend["locality"].isna()] if name is None else trend[trend["locality"] == name]
        if lines.empty:
            continue
        lines = lines.set_index("period").reindex(periods)
        label = ALL_LOCALITIES if name is None else name
        data.append(
            dict(
                type="scatter",
                x=periods,
                y=lines["value"].astype("float64"),
                mode="lines+markers",
                name=label,
                line=dict(color=colours.get(label, ALL_COLOUR), width=3 if name is None else 2),
                hovertemplate="%{y:.1f}" if kpi.unit in ("percent", "points") else "%{y:,.0f}",
            )
        )
    layout = _layout_spec(f"{kpi.id} {kpi.title}", UNIT_AXIS[kpi.unit], x_title="")
    layout["xaxis"].update(type="category", categoryorder="array", categoryarray=periods, nticks=5)
    layout.update(height=400, font=dict(FONT, size=15), margin=dict(l=55, r=10, t=50, b=LEGEND_BOTTOM - 50))
    if kpi.has_target and kpi.target is not None:
        layout["shapes"] = [
            dict(
                type="line",
                xref="x domain",
                x0=0,
                x1=1,
                yref="y",
                y0=kpi.target,
                y1=kpi.target,
                line=dict(color=TARGET_COLOUR, dash="dash", width=2),
            )
        ]
        layout["annotations"] = [
            dict(
                text=f"Target {kpi.target:g}{'%' if kpi.unit == 'percent' else ''}",
                showarrow=False,
                xref="x domain",
                x=0,
                xanchor="left",
                yref="y",
                y=kpi.target,
                yanchor="bottom",
            )
        ]
    new_figure()  # the house template as Plotly's default
    return go.Figure(dict(data=data, layout=layout))
