"""Serious incident notifications, rapid reviews and LCSPRs: each review's journey, its deadlines and its
late steps, for the Case reviews page. The SQL (queries/areas/reviews_active.sql) counts working days and
deadlines exactly as CR01, CR02 and CR03 do, so the page and the KPIs always agree.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import RAG_COLOURS, _layout, new_figure
from dashboard.core.db import query_df
from dashboard.core.text import as_date, is_missing, plain, plural, uk_date
from dashboard.kpis.timescales import (  # written once in SQL; here for the pages and the report
    LCSPR_MONTHS,
    NOTIFICATION_WORKING_DAYS,
    RAPID_REVIEW_WORKING_DAYS,
)

ON_TIME, LATE, OVERDUE, NOT_YET_DUE, NOT_KNOWN = "On time", "Late", "Overdue", "Not yet due", "Not known"
EXTENDED, WITHDRAWN, DELAYED = "Extension agreed", "Withdrawn", "Delayed"
STATUS_LABELS = {
    ON_TIME: "✔ On time",
    LATE: "✖ Late",
    OVERDUE: "✖ Overdue",
    NOT_YET_DUE: "Not yet due",
    NOT_KNOWN: "Not known",
    EXTENDED: "Extension agreed with the Panel",
    WITHDRAWN: "Withdrawn (criteria not met)",
    DELAYED: "Publication delayed",
}
NEUTRAL_COLOUR = "#4D4D4D"
DEADLINE_COLOUR = "#6B6B6B"

# The steps of a review's journey, in order: (column, name, Plotly marker symbol).
STEPS: tuple[tuple[str, str, str], ...] = (
    ("la_aware_date", "LA aware", "circle-open"),
    ("notification_date", "Notification", "circle"),
    ("rr_completed_date", "Rapid review", "diamond"),
    ("lcspr_decision_date", "LCSPR decision", "triangle-right-open"),
    ("learning_event_date", "Learning event", "square"),
    ("recall_event_date", "Recall event", "square-open"),
    ("lcspr_completed_date", "LCSPR completed", "star-open"),
    ("lcspr_published_date", "Publication", "star"),
)
# The LCSPR is decided the day of the rapid review that decided it: a larger open triangle keeps both visible.
STEP_SIZES = {"LCSPR decision": 24}
TEXT_POSITIONS = {"Notification": "top left", "Rapid review": "top right"}
# The steps with a deadline: step column -> (status column, due column, deadline name).
TIMED_STEPS = {
    "notification_date": ("notification_status", "notification_due_date", "Notification due"),
    "rr_completed_date": ("rr_status", "rr_due_date", "Rapid review due"),
    "lcspr_completed_date": ("lcspr_status", "lcspr_due_date", "Completion due"),
}


def active_reviews(
    con: duckdb.DuckDBPyConnection, period_start: date, period_end: date, locality: str | None
) -> pd.DataFrame:
    """Every review whose journey overlaps the period (locality None = all), with deadlines and statuses.

    A journey runs from the day the local authority became aware to the rapid review or, when an LCSPR was
    decided, to its publication; an unfinished journey is still running. Columns: see reviews_active.sql.
    """
    return query_df(
        con,
        "areas/reviews_active.sql",
        {"period_start": period_start, "period_end": period_end, "locality": locality},
    )


def _text(value: Any) -> str:
    return "" if is_missing(value) else str(value)


def _status(value: Any) -> str:
    return "" if is_missing(value) else STATUS_LABELS.get(str(value), str(value))


def _working_days(days: Any, status: Any) -> str:
    """'34 · ✖ Late'; a step not yet taken just shows its status."""
    if is_missing(days):
        return _status(status)
    return f"{int(days)} · {_status(status)}"


def review_label(row: Any) -> str:
    """The review's reference, with the name it was published under: 'JM (Child Joe)'."""
    name = _text(row["published_name"])
    return f"{row['review_id']} ({name})" if name else str(row["review_id"])


def review_table(reviews: pd.DataFrame) -> pd.DataFrame:
    """One row per review for people: UK dates, working days with ✔ On time / ✖ Late."""
    rows = []
    for _, r in reviews.iterrows():
        published = uk_date(as_date(r["lcspr_published_date"]))
        if published and _text(r["published_name"]):
            published += f" as {r['published_name']}"
        rows.append(
            {
                "Review": r["review_id"],
                "Locality": r["locality"],
                "Nature": r["nature"],
                "Harm type": _text(r["harm_type"]),
                "LA aware": uk_date(as_date(r["la_aware_date"])),
                "Notified": uk_date(as_date(r["notification_date"])),
                f"Working days to notify (target {NOTIFICATION_WORKING_DAYS})": _working_days(
                    r["notification_working_days"], r["notification_status"]
                ),
                "Rapid review completed": uk_date(as_date(r["rr_completed_date"])),
                f"Rapid review working days (target {RAPID_REVIEW_WORKING_DAYS})": _working_days(
                    r["rr_working_days"], r["rr_status"]
                ),
                "Outcome": _text(r["rr_outcome"]),
                "Panel's response": " ".join(
                    x for x in (_text(r["panel_response"]), uk_date(as_date(r["panel_response_date"]))) if x
                ),
                "Decision to hold an LCSPR": uk_date(as_date(r["lcspr_decision_date"])),
                "Learning event": uk_date(as_date(r["learning_event_date"])),
                "Recall event": uk_date(as_date(r["recall_event_date"])),
                f"Completion due by ({LCSPR_MONTHS} months)": uk_date(as_date(r["lcspr_due_date"])),
                "Final report": uk_date(as_date(r["final_report_date"])),
                "Completion": _status(r["lcspr_status"]),
                "Published": published,
                "Publication delayed because": _text(r["publication_delay_reason"]),
            }
        )
    return pd.DataFrame(rows, columns=list(rows[0]) if rows else None)


TIMELINESS_COLUMNS = (
    f"Working days to notify (target {NOTIFICATION_WORKING_DAYS})",
    f"Rapid review working days (target {RAPID_REVIEW_WORKING_DAYS})",
    "Completion",
)


def timeliness_style(value: object) -> str:
    """CSS for a table cell holding a status: red for late or overdue, green for on time."""
    text = str(value)
    if text.endswith(STATUS_LABELS[LATE]) or text.endswith(STATUS_LABELS[OVERDUE]):
        return f"color: {RAG_COLOURS['Red']}; font-weight: 600"
    if text.endswith(STATUS_LABELS[ON_TIME]):
        return f"color: {RAG_COLOURS['Green']}"
    return ""


def late_steps(reviews: pd.DataFrame, period_start: date, period_end: date) -> pd.DataFrame:
    """The steps whose deadline fell in the period and that were late: taken after the deadline, or still
    not taken at the period's end (overdue). As the KPIs: timeliness belongs to the period of the deadline,
    so a review that is months late and still not sent is listed in the period its deadline fell in."""
    rows = []
    for _, r in reviews.iterrows():
        for step_column, (status_column, due_column, _) in TIMED_STEPS.items():
            status = _text(r[status_column])
            taken, due = as_date(r[step_column]), as_date(r[due_column])
            if status not in (LATE, OVERDUE) or due is None or not period_start <= due <= period_end:
                continue
            when = due
            rows.append((when, r, step_column, status, taken, due))
    rows.sort(key=lambda item: (item[0], str(item[1]["review_id"])))
    return pd.DataFrame(
        [
            {
                "Review": review_label(r),
                "Locality": r["locality"],
                "Step": _step_sentence(r, step_column),
                "Due by": uk_date(due),
                "Done": uk_date(taken) if taken else "Not yet",
                "Status": STATUS_LABELS[status],
            }
            for _, r, step_column, status, taken, due in rows
        ],
        columns=["Review", "Locality", "Step", "Due by", "Done", "Status"],
    )


def not_judged_sentences(reviews: pd.DataFrame, period_start: date, period_end: date) -> list[str]:
    """What the timeliness KPIs cannot judge, said rather than dropped silently: notifications made in the
    period with no date the local authority became aware (CR01), LCSPRs decided with no decision date
    (CR03), and LCSPRs whose publication is delayed with a reason (never counted late)."""

    def in_period(value: Any) -> bool:
        day = as_date(value)
        return day is not None and period_start <= day <= period_end

    out = []
    undated = sum(
        1
        for aware, notified in zip(reviews["la_aware_date"], reviews["notification_date"], strict=True)
        if is_missing(aware) and in_period(notified)
    )
    if undated:
        has = "has" if undated == 1 else "have"
        out.append(
            f"{plural(undated, 'notification')} made in the period {has} no date the local authority became "
            "aware, so " + ("it is" if undated == 1 else "they are") + " not judged for timeliness."
        )
    no_decision = int((reviews["lcspr_status"] == NOT_KNOWN).sum())
    if no_decision:
        out.append(
            f"{plural(no_decision, 'LCSPR')} {'has' if no_decision == 1 else 'have'} no date of the decision to "
            "hold it, so " + ("its" if no_decision == 1 else "their") + " timeliness is not judged."
        )
    for _, r in reviews[reviews["lcspr_status"] == DELAYED].iterrows():
        out.append(
            f"The publication of the LCSPR for {r['review_id']} is delayed ({_text(r['publication_delay_reason'])}): "
            "it is not counted as late."
        )
    return out


def _step_sentence(r: Any, step_column: str) -> str:
    if step_column == "notification_date":
        days = r["notification_working_days"]
        return f"Notification: {int(days)} working days after LA aware (target {NOTIFICATION_WORKING_DAYS})"
    if step_column == "rr_completed_date":
        days = r["rr_working_days"]
        taken = "" if is_missing(days) else f": {int(days)} working days after notification"
        return f"Rapid review{taken} (target {RAPID_REVIEW_WORKING_DAYS})"
    return f"LCSPR completion (due {LCSPR_MONTHS} months after the decision to hold it)"


def timeline_points(reviews: pd.DataFrame) -> pd.DataFrame:
    """The review journeys in long form for the timeline: one row per step taken or deadline.

    Columns: review (label), step, date, kind ('step' or 'deadline'), status (On time / Late / Overdue /
    '' for steps with no deadline), text (hover text).
    """
    points = []
    for _, r in reviews.iterrows():
        label = plain(review_label(r))  # uploaded text: shown as text, never as Plotly's HTML
        for column, name, _ in STEPS:
            day = as_date(r[column])
            if day is None:
                continue
            status = _text(r[TIMED_STEPS[column][0]]) if column in TIMED_STEPS else ""
            detail = _hover_detail(r, column, status)
            points.append(
                {
                    "review": label,
                    "step": name,
                    "date": day,
                    "kind": "step",
                    "status": status if status in (ON_TIME, LATE) else "",
                    "text": f"<b>{label}</b><br>{name}: {uk_date(day)}{detail}",
                }
            )
        for status_column, due_column, deadline in TIMED_STEPS.values():
            due = as_date(r[due_column])
            if due is None:
                continue
            status = _text(r[status_column])
            points.append(
                {
                    "review": label,
                    "step": deadline,
                    "date": due,
                    "kind": "deadline",
                    "status": OVERDUE if status == OVERDUE else "",
                    "text": f"<b>{label}</b><br>{deadline}: {uk_date(due)}"
                    + (
                        f"<br>{STATUS_LABELS[OVERDUE]} (not done by the period end)"
                        if status == OVERDUE
                        else ""
                    ),
                }
            )
    return pd.DataFrame(points, columns=["review", "step", "date", "kind", "status", "text"])


def _hover_detail(r: Any, column: str, status: str) -> str:
    if column == "notification_date" and not is_missing(r["notification_working_days"]):
        return (
            f"<br>{int(r['notification_working_days'])} working days after LA aware "
            f"(due by {uk_date(as_date(r['notification_due_date']))})<br>{_status(status)}"
        )
    if column == "rr_completed_date" and not is_missing(r["rr_working_days"]):
        outcome = _text(r["rr_outcome"])
        return (
            f"<br>{int(r['rr_working_days'])} working days after notification "
            f"(due by {uk_date(as_date(r['rr_due_date']))})<br>{_status(status)}"
            + (f"<br>Outcome: {outcome}" if outcome else "")
        )
    if column == "lcspr_completed_date":
        due = as_date(r["lcspr_due_date"])
        return (f"<br>Due by {uk_date(due)}" if due else "") + (f"<br>{_status(status)}" if status else "")
    if column == "lcspr_published_date":
        name = plain(_text(r["published_name"]))
        reason = plain(_text(r["publication_delay_reason"]))
        return (f" as {name}" if name else "") + (f"<br>Delayed: {reason}" if reason else "")
    return ""


def timeline_figure(
    points: pd.DataFrame, period_label: str, period_start: date, period_end: date
) -> go.Figure:
    """One row per review along a date axis: a marker per step, deadlines as grey bars, late steps in red
    with ✖ Late, on-time steps in green with ✔; the period shaded."""
    fig = new_figure()
    reviews = list(dict.fromkeys(points["review"]))
    symbols = {name: symbol for _, name, symbol in STEPS}
    # Each review's journey as a thin line from its first to its last date.
    xs: list[date | None] = []
    ys: list[str | None] = []
    spans = points.groupby("review", sort=False)["date"].agg(["min", "max"])
    for review in reviews:
        xs += [spans.at[review, "min"], spans.at[review, "max"], None]
        ys += [review, review, None]
    fig.add_trace(
        go.Scatter(
            x=xs, y=ys, mode="lines", line=dict(color="#BDBDBD", width=2), hoverinfo="skip", showlegend=False
        )
    )
    deadlines = points[points["kind"] == "deadline"]
    if not deadlines.empty:
        fig.add_trace(
            go.Scatter(
                x=deadlines["date"],
                y=deadlines["review"],
                mode="markers+text",
                name="Deadline (due by)",
                marker=dict(
                    symbol="line-ns",
                    size=22,
                    line=dict(
                        width=3,
                        color=[
                            RAG_COLOURS["Red"] if s == OVERDUE else DEADLINE_COLOUR
                            for s in deadlines["status"]
                        ],
                    ),
                ),
                text=[STATUS_LABELS[OVERDUE] if s == OVERDUE else "" for s in deadlines["status"]],
                textposition="bottom center",
                textfont=dict(color=RAG_COLOURS["Red"]),
                hovertext=deadlines["text"],
                hoverinfo="text",
                legendgroup="deadlines",
                legendgrouptitle_text="Deadlines",
            )
        )
    steps = points[points["kind"] == "step"]
    groups = (  # steps with no deadline first, so a rapid review's diamond sits on the LCSPR start's triangle
        ("", "Step with no deadline", NEUTRAL_COLOUR, ""),
        (ON_TIME, "✔ On time", RAG_COLOURS["Green"], "✔"),
        (LATE, "✖ Late", RAG_COLOURS["Red"], "✖ Late"),
    )
    for status, name, colour, text in groups:
        rows = steps[steps["status"] == status]
        if rows.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=rows["date"],
                y=rows["review"],
                mode="markers+text" if text else "markers",
                name=name,
                marker=dict(
                    symbol=[symbols[s] for s in rows["step"]],
                    size=[STEP_SIZES.get(s, 13) for s in rows["step"]],
                    opacity=1,
                    color=colour,
                    line=dict(width=2, color=colour),
                ),
                text=[text] * len(rows) if text else None,
                # Notification and rapid review can be days apart: their labels lean away from each other.
                textposition=[TEXT_POSITIONS.get(s, "top center") for s in rows["step"]],
                textfont=dict(color=colour, size=13),
                hovertext=rows["text"],
                hoverinfo="text",
                legendgroup="status",
                legendgrouptitle_text="Timeliness",
            )
        )
    # A legend entry per step symbol (plotted nowhere), so the shapes are explained.
    for _, name, symbol in STEPS:
        if name in set(steps["step"]):
            fig.add_trace(
                go.Scatter(
                    x=[None],
                    y=[None],
                    mode="markers",
                    name=name,
                    marker=dict(
                        symbol=symbol, size=11, color=NEUTRAL_COLOUR, line=dict(width=2, color=NEUTRAL_COLOUR)
                    ),
                    legend="legend2",
                )
            )
    fig.add_vrect(
        x0=period_start, x1=period_end, fillcolor="#0072B2", opacity=0.08, line_width=0, layer="below"
    )
    fig.add_annotation(  # above the plot, where no marker can hide it
        x=period_start,
        y=1,
        xref="x",
        yref="paper",
        yanchor="bottom",
        xanchor="left",
        text=f"{period_label} (shaded)",
        showarrow=False,
        font=dict(color="#0072B2"),
    )
    _layout(fig, f"Case review journeys active in {period_label}", "Review", "Date")
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=list(reversed(reviews)),
        rangemode="normal",
    )
    fig.update_xaxes(tickformat="%b %Y")
    fig.update_layout(
        hovermode="closest",
        height=max(420, 160 + 80 * len(reviews)),
        legend=dict(orientation="v", yanchor="top", y=1, x=1.01, xanchor="left", groupclick="toggleitem"),
        legend2=dict(
            orientation="h", yanchor="top", y=-0.22, x=0, title_text="Steps (shape):", font=dict(size=12)
        ),
        margin=dict(l=140, r=20, t=80, b=90),
    )
    return fig
