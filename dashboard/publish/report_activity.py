"""The report's activity sections: training and the combined learning action plan, as blocks for the
template (report_model.py). Activity is about the workforce and the partnership, so it is published in full
(the text of each action, which may describe a case, stays internal).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard.areas import actions, training
from dashboard.charts import ALL_LOCALITIES, RAG_COLOURS, bars_by_locality, locality_colours
from dashboard.core.text import as_count, is_missing, plural, rag_label, uk_date
from dashboard.publish.report_model import (
    Block,
    Rag,
    ReportContext,
    Section,
    Table,
    TitledList,
    kpi_row,
    paragraph,
    paragraphs,
    table_of,
)
from dashboard.publish.report_words import (
    action_plan_sentences,
    attendance_sentences,
    count_phrase,
    is_hidden,
    join_words,
    training_sentence,
    was_were,
)


def training_section(ctx: ReportContext, card: pd.DataFrame, programme: Sequence[Block] = ()) -> Section:
    """Training is activity about the workforce: published in full. `programme`: the training programme's
    text from the quarter's updates (report_cycle.py), before the figures."""
    period, span, threshold = ctx.period, ctx.span, None
    localities = ctx.settings.all_localities
    colours = locality_colours(localities)
    by_mode = training.sessions_by_mode(ctx.con, period, ctx.locality, ctx.locality is None, localities)
    summary = training.training_summary(ctx.con, period, ctx.locality)
    if not summary.has_sessions:
        return Section(
            "training", "Training", [*programme, *paragraph(f"In {span} no training sessions were held.")]
        )
    whole = by_mode[by_mode["locality"] == (ctx.locality or ALL_LOCALITIES)]
    modes = {str(m): int(n) for m, n in zip(whole["delivery_mode"], whole["sessions"], strict=True)}
    body: list[Block] = [*programme, *paragraph(training_sentence(modes, span, threshold))]
    if summary.cancelled:
        noun = "further session" if summary.delivered else "session"
        subject, many = count_phrase(summary.cancelled, noun, threshold=threshold)
        body += paragraph(f"{subject} {was_were(many)} cancelled.")
    body += paragraphs(attendance_sentences(summary))
    if summary.elearning_completions:
        n = summary.elearning_completions
        body += paragraph(f"{plural(n, 'e-learning course')} {was_were(n != 1)} completed.")
    reach = kpi_row(card, "TR05")
    if reach is not None and not is_missing(reach["denominator"]) and as_count(reach["denominator"]):
        reached, of = as_count(reach["numerator"]), as_count(reach["denominator"])
        missing = training.agencies_not_reached(ctx.con, period, ctx.locality, ctx.settings)
        text = f"People from {reached} of the {of} partner agencies attended"
        body += paragraph(text + (f"; none from {join_words(missing)}." if missing else "."))
    if not by_mode.empty:
        body.append(_sessions_table(ctx, by_mode))
    by_place = _summaries_by_place(ctx)
    body.append(_rates_table(by_place))
    body.append(
        ctx.charts.figure(
            training.sessions_by_mode_figure(by_mode, colours, period.label),
            "Delivered sessions by delivery mode; one colour per locality.",
            height=380,
        )
    )
    rates_fig = _rates_figure(ctx, by_place, colours)
    if rates_fig is not None:
        body.append(
            ctx.charts.figure(
                rates_fig,
                "Fill rate: places booked / places offered. Attendance rate: attended / booked. "
                "Did-not-attend rate: did not attend / booked. Delivered sessions only.",
                height=400,
            )
        )
    agencies = training.attendance_by_agency(ctx.con, period, ctx.locality)
    if not agencies.empty:
        body.append(
            ctx.charts.figure(
                training.attendance_by_agency_figure(agencies, colours, period.label),
                "Attendances at delivered sessions, by the attendee's agency.",
            )
        )
    if not ctx.publish:
        sessions = training.session_list(ctx.con, period, ctx.locality)
        listing = sessions[["Date", "Title", "Mode", "Locality", "Status", "Booked", "Attended"]]
        body.append(
            table_of(listing, "The sessions", numeric=["Booked", "Attended"], nowrap=["Date", "Mode"])
        )
    else:
        sessions = training.session_list(ctx.con, period, ctx.locality)
        titles = sorted(set(sessions.loc[sessions["Status"] == "Delivered", "Title"].astype(str)))
        if titles:
            body.append(TitledList("Courses delivered", titles))
    return Section("training", "Training", body)


def _sessions_table(ctx: ReportContext, by_mode: pd.DataFrame) -> Table:
    """Delivered sessions by delivery mode (columns) and locality (rows), with totals (activity: published
    in full)."""
    localities = ctx.settings.all_localities
    modes = list(dict.fromkeys(by_mode["delivery_mode"]))
    pivot = by_mode.pivot_table(
        index="locality", columns="delivery_mode", values="sessions", aggfunc="sum", sort=False
    )
    pivot = pivot.reindex(columns=modes).fillna(0).astype(int)
    pivot["Total"] = pivot.sum(axis=1)
    order = [*localities, ALL_LOCALITIES] if ctx.locality is None else [ctx.locality]
    pivot = pivot.reindex([o for o in order if o in pivot.index])
    shown = pivot.reset_index(names="Locality").set_index(pd.Index(list(pivot.index)))
    return table_of(
        shown,
        "Training sessions delivered by delivery mode and locality",
        numeric=[*modes, "Total"],
        total_rows=[ALL_LOCALITIES],
    )


def _summaries_by_place(ctx: ReportContext) -> dict[str, training.TrainingSummary]:
    """The training summary of every locality and of all together (or of the report's one locality), in
    display order, keyed by the name shown."""
    names: list[str | None] = [None, *ctx.settings.all_localities] if ctx.locality is None else [ctx.locality]
    by_name = training.training_summaries(ctx.con, ctx.period, names)
    return {n or ALL_LOCALITIES: by_name[n] for n in names}


def _rates_table(by_place: Mapping[str, training.TrainingSummary]) -> Table:
    """Fill, attendance and did-not-attend rates and confidence by locality (activity: published in full)."""
    summaries = {k: s for k, s in by_place.items() if s.has_sessions}
    rows = []
    for name, s in summaries.items():
        rows.append(
            {
                "Locality": name,
                "Fill rate": _pct(s.fill_booked, s.fill_offered),
                "Attendance rate": _pct(s.attended, s.booked),
                "Did-not-attend rate": _pct(s.did_not_attend, s.dna_booked),
                "Confidence before": "–" if s.pre_confidence is None else f"{s.pre_confidence:.2f}",
                "Confidence after": "–" if s.post_confidence is None else f"{s.post_confidence:.2f}",
                "Uplift": "–" if s.uplift is None else f"{s.uplift:+.2f}",
            }
        )
    frame = pd.DataFrame(rows)
    frame.index = pd.Index(frame["Locality"])
    return table_of(
        frame,
        "Attendance and confidence by locality (delivered sessions)",
        numeric=[c for c in frame.columns if c != "Locality"],
        total_rows=[ALL_LOCALITIES] if len(frame) > 1 else [],
    )


def _pct(numerator: int, denominator: int) -> str:
    if not denominator:
        return "–"
    return f"{100.0 * numerator / denominator:.1f}%"


def _rates_figure(
    ctx: ReportContext, by_place: Mapping[str, training.TrainingSummary], colours: Mapping[str, str]
) -> go.Figure | None:
    rows = []
    for name, s in by_place.items():
        for measure, num, den in (
            ("Fill rate", s.fill_booked, s.fill_offered),
            ("Attendance rate", s.attended, s.booked),
            ("Did-not-attend rate", s.did_not_attend, s.dna_booked),
        ):
            if not den:
                continue
            rate = 100.0 * num / den
            rows.append({"locality": name, "measure": measure, "rate": round(rate, 1)})
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    fig = bars_by_locality(
        frame,
        x="measure",
        y="rate",
        colour_by="locality",
        title=f"Training rates by locality, {ctx.period.label}",
        x_title="Measure",
        y_title="Per cent (%)",
        colours=dict(colours),
    )
    fig.update_traces(texttemplate="%{y:.1f}%", cliponaxis=False)
    fig.update_yaxes(range=[0, 110])
    return fig


def action_plan_section(ctx: ReportContext, card: pd.DataFrame, plan: pd.DataFrame, as_at: date) -> Section:
    """The action plan is activity of the partnership: its counts are published in full; the text of each
    action (which may describe a case) is internal."""
    threshold = None
    counts = actions.rag_counts(plan)
    body: list[Block] = [*paragraphs(action_plan_sentences(counts, as_at, threshold))]
    overdue = kpi_row(card, "AP03")
    if overdue is not None and not is_missing(overdue["value"]) and as_count(overdue["denominator"]):
        days = as_count(overdue["value"])
        if threshold is None or not is_hidden(as_count(overdue["denominator"]), threshold):
            which = (
                "The median overdue action" if as_count(overdue["denominator"]) > 1 else "The overdue action"
            )
            body += paragraph(f"{which} was {plural(days, 'day')} past its target date.")
    table = pd.DataFrame(
        {
            "RAG": [rag_label(r) for r in actions.RAG_ORDER],
            "Meaning": [actions.RAG_MEANING[r] for r in actions.RAG_ORDER],
            "Actions": [counts[r] for r in actions.RAG_ORDER],
        },
        index=list(actions.RAG_ORDER),
    )
    counted = pd.DataFrame({"Actions": [counts[r] for r in actions.RAG_ORDER]}, index=list(actions.RAG_ORDER))
    counted.loc["Total"] = counted["Actions"].sum()
    table = pd.concat(
        [
            table,
            pd.DataFrame(
                {"RAG": ["Total"], "Meaning": ["all actions agreed by then"], "Actions": [0]}, index=["Total"]
            ),
        ]
    )
    table["Actions"] = counted["Actions"]
    table["RAG"] = [Rag(r) if r in RAG_COLOURS else r for r in table.index]
    body.append(
        table_of(
            table,
            f"Actions by RAG as at {uk_date(as_at)}",
            numeric=["Actions"],
            total_rows=["Total"],
        )
    )
    if not ctx.publish:
        late = plan[plan["rag"] == "Red"]
        if not late.empty:
            rows = actions.plan_table(late)[
                ["Action ID", "Action", "Lead agency", "Source", "Target date", "Days overdue"]
            ]
            body.append(
                table_of(rows, "Overdue actions", nowrap=["Action ID", "Target date", "Days overdue"])
            )
    else:
        ctx.left_out.append("the text of each action and the case it came from")
    by_agency = actions.open_by_agency(plan)
    if not by_agency.empty:
        fig = actions.open_by_agency_figure(by_agency, as_at)
        body.append(
            ctx.charts.figure(
                fig,
                "Open actions by lead agency, stacked by RAG.",
                height=int(fig.layout.height or 380) + 40,
            )
        )
    return Section("action-plan", "Combined learning action plan", body)
