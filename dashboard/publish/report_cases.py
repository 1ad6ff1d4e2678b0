"""The report's case sections: serious incident notifications and rapid reviews, LCSPR updates and
multi-agency audits, as blocks for the template (report_model.py).

Case data (notifications, rapid reviews, LCSPRs, audited cases' grades) is published only for the
partnership as a whole, never split by nature, outcome, grade or locality, and with no case references.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.areas import audits, reviews
from dashboard.areas.reviews import LCSPR_MONTHS, NOTIFICATION_WORKING_DAYS, RAPID_REVIEW_WORKING_DAYS
from dashboard.core.text import as_count, as_date, is_missing, uk_date
from dashboard.publish.report_model import (
    Block,
    CaseItem,
    CaseList,
    ReportContext,
    Section,
    TitledBlock,
    in_period,
    kpi_categories,
    kpi_row,
    paragraph,
    paragraphs,
    table_of,
)
from dashboard.publish.report_words import (
    LcsprUpdate,
    audit_sentences,
    child_name,
    count_phrase,
    grades_sentence,
    join_words,
    lcspr_sentences,
    month_year,
    notifications_sentence,
    on_time_sentence,
    published_grades_sentence,
    rapid_review_sentence,
    rapid_reviews_sentence,
    was_were,
)

PARTNERSHIP_ONLY = (
    "Figures about serious incidents, case reviews and the grades of audited cases are published for the "
    "partnership as a whole only: see the partnership's report."
)


def reviews_as_at(active: pd.DataFrame, period_end: date) -> pd.DataFrame:
    """The reviews as they stood on the period's last day: steps taken after it are blanked and their
    statuses worked out again ('Overdue' or 'Not yet due'); learning and recall event dates are kept, as
    they are scheduled ahead."""
    frame = active.copy()
    end = pd.Timestamp(period_end)

    def after(column: str) -> pd.Series:
        return frame[column].notna() & (pd.to_datetime(frame[column]) > end)

    def still_due(due_column: str) -> list[str]:
        days = [as_date(d) for d in frame[due_column]]
        return ["Overdue" if d is not None and d < period_end else "Not yet due" for d in days]

    late_rr = after("rr_completed_date")
    if late_rr.any():
        statuses = still_due("rr_due_date")
        extended = frame["rr_extension_agreed"].fillna(False).astype(bool).to_numpy()
        statuses = ["Extension agreed" if x else s for s, x in zip(statuses, extended, strict=True)]
        frame.loc[late_rr, "rr_status"] = [s for s, m in zip(statuses, late_rr, strict=True) if m]
        for column in ("rr_completed_date", "rr_working_days", "rr_outcome"):
            frame.loc[late_rr, column] = None
    undecided = frame["rr_completed_date"].isna() & (
        frame["lcspr_decision_date"].isna() | after("lcspr_decision_date")
    )
    for column in ("lcspr_decision_date", "learning_event_date", "recall_event_date", "lcspr_due_date"):
        frame.loc[undecided, column] = None
    frame.loc[undecided, "lcspr_status"] = None
    late_done = after("lcspr_completed_date")
    if late_done.any():
        statuses = still_due("lcspr_due_date")
        delayed = frame["publication_delay_reason"].notna() & frame["final_report_date"].isna()
        statuses = ["Delayed" if d else s for s, d in zip(statuses, delayed, strict=True)]
        frame.loc[late_done, "lcspr_status"] = [s for s, m in zip(statuses, late_done, strict=True) if m]
        frame.loc[late_done, "lcspr_completed_date"] = None
    for column in ("final_report_date", "lcspr_published_date"):
        frame.loc[after(column), column] = None
    frame.loc[frame["lcspr_published_date"].isna(), "published_name"] = None
    return frame


def case_reviews_section(ctx: ReportContext, card: pd.DataFrame, active: pd.DataFrame) -> Section:
    period, span, threshold = ctx.period, ctx.span, ctx.threshold
    title = "Serious incident notifications and rapid reviews"
    if ctx.case_split_withheld:
        return Section("case-reviews", title, paragraph(PARTNERSHIP_ONLY))
    notified = kpi_row(card, "CR04")
    body: list[Block] = [
        *paragraph(
            "A rapid review decides whether a Local Child Safeguarding Practice Review (LCSPR) is needed.",
            "small",
        ),
        *paragraph(
            notifications_sentence(
                as_count(notified["value"]) if notified is not None else 0, span, threshold
            )
        ),
    ]
    outcomes = kpi_categories(card, "CR05")
    completed = sum(int(n) for n in outcomes.values())
    if ctx.publish and completed:  # never split by outcome
        subject, many = count_phrase(completed, "rapid review", threshold=threshold)
        body += paragraph(f"{subject} {was_were(many)} completed during {span}.")
    elif completed:
        body += paragraph(rapid_reviews_sentence(outcomes, span, threshold))
    timeliness = []
    for kpi, noun, done, rule in (
        (
            "CR01",
            "notification",
            "due",
            f"made within {NOTIFICATION_WORKING_DAYS} working days of the local authority becoming aware",
        ),
        (
            "CR02",
            "rapid review",
            "due",
            f"sent within {RAPID_REVIEW_WORKING_DAYS} working days of the notification",
        ),
    ):
        row = kpi_row(card, kpi)
        if row is not None and not is_missing(row["denominator"]):
            timeliness.append(
                on_time_sentence(
                    as_count(row["numerator"]),
                    as_count(row["denominator"]),
                    noun,
                    done,
                    rule,
                    span,
                    threshold,
                )
            )
    body += paragraphs(timeliness)
    if not ctx.publish:  # what the timeliness figures cannot judge, said rather than dropped
        body += paragraphs(reviews.not_judged_sentences(active, period.start, period.end))
    if ctx.publish:
        ctx.left_out.append("the details of each case review")
        return Section("case-reviews", title, body)
    as_at = reviews_as_at(active, period.end)
    listed = as_at[
        [
            in_period(n, period) or (in_period(c, period) and o != "LCSPR" and not in_period(n, period))
            for n, c, o in zip(
                as_at["notification_date"], as_at["rr_completed_date"], as_at["rr_outcome"], strict=True
            )
        ]
    ]
    items: list[CaseItem] = []
    for _, r in listed.iterrows():
        category = " – ".join(str(x) for x in (r["nature"], r["harm_type"]) if not is_missing(x))
        notified_then = in_period(r["notification_date"], period)
        lead = f"{child_name(str(r['review_id']))} ({'Category: ' + category if category else 'category not recorded'})"
        if not notified_then:
            lead += f", notified in {month_year(as_date(r['notification_date']))}"  # type: ignore[arg-type]
        sentence = rapid_review_sentence(
            None if is_missing(r["rr_outcome"]) else str(r["rr_outcome"]),
            as_date(r["rr_completed_date"]),
            as_date(r["rr_due_date"]),
            period.end,
            span,
        )
        items.append(CaseItem(lead, sentence))
    if items:
        body.append(CaseList(items))
    if not as_at.empty:
        points = reviews.timeline_points(as_at)
        if not points.empty:
            fig = reviews.timeline_figure(points, period.label, period.start, period.end)
            height = max(460, 300 + 70 * as_at["review_id"].nunique())
            # The page's legends go below the chart (A4 has no room beside it), in pixels from the bottom.
            fig.update_layout(
                legend=dict(
                    orientation="h", yref="container", yanchor="top", y=150 / height, x=0, xanchor="left"
                ),
                legend2=dict(orientation="h", yref="container", yanchor="top", y=62 / height, x=0),
                margin=dict(l=110, r=20, t=70, b=215),
            )
            body.append(
                ctx.charts.figure(
                    fig,
                    "Each review's steps as known at the end of the period, with its deadlines; late steps "
                    "are marked ✖ Late, steps on time ✔.",
                    height=height,
                )
            )
    return Section("case-reviews", title, body)


def lcspr_section(
    ctx: ReportContext, card: pd.DataFrame, active: pd.DataFrame, plan: pd.DataFrame
) -> Section:
    period, span, threshold = ctx.period, ctx.span, ctx.threshold
    as_at = reviews_as_at(active, period.end)
    if ctx.case_split_withheld:
        return Section("lcspr", "LCSPR updates", paragraph(PARTNERSHIP_ONLY))
    is_lcspr = (as_at["rr_outcome"] == "LCSPR") | as_at["lcspr_decision_date"].notna()
    lcsprs = as_at[is_lcspr & as_at["rr_completed_date"].notna()]
    published = kpi_row(card, "CR06")
    n_published = as_count(published["value"]) if published is not None else 0
    in_progress = int(lcsprs["lcspr_published_date"].isna().sum())
    if ctx.publish:
        subject, many = count_phrase(n_published, "LCSPR", threshold=threshold)
        texts: list[str | None] = [f"{subject} {was_were(many)} published during {span}."]
        names = sorted(
            str(n)
            for n, day in zip(lcsprs["published_name"], lcsprs["lcspr_published_date"], strict=True)
            if not is_missing(n) and in_period(day, period)
        )
        if names:  # the partnership has already published these names
            texts.append(f"Published during {span}: {join_words(names)}.")
        subject, many = count_phrase(in_progress, "LCSPR", threshold=threshold)
        texts.append(f"{subject} {was_were(many)} in progress at the end of {span}.")
        cr03 = kpi_row(card, "CR03")
        if cr03 is not None and not is_missing(cr03["denominator"]):
            texts.append(
                on_time_sentence(
                    as_count(cr03["numerator"]),
                    as_count(cr03["denominator"]),
                    "LCSPR",
                    "due",
                    f"completed within {LCSPR_MONTHS} months of the decision to hold them",
                    span,
                    threshold,
                )
            )
        return Section("lcspr", "LCSPR updates", paragraphs(texts))
    if lcsprs.empty:
        return Section(
            "lcspr", "LCSPR updates", paragraph(f"No LCSPR was in progress or published during {span}.")
        )
    blocks: list[Block] = []
    for _, r in lcsprs.iterrows():
        review = str(r["review_id"])
        from_review = plan[(plan["source_type"] == "LCSPR") & (plan["source_ref"] == review)]
        update = LcsprUpdate(
            review=review,
            rr_completed=as_date(r["rr_completed_date"]),
            learning_event=as_date(r["learning_event_date"]),
            recall_event=as_date(r["recall_event_date"]),
            published=as_date(r["lcspr_published_date"]),
            published_name=None if is_missing(r["published_name"]) else str(r["published_name"]),
            due=as_date(r["lcspr_due_date"]),
            started=as_date(r["lcspr_decision_date"]),
            final_report=as_date(r["final_report_date"]),
            delay_reason=None
            if is_missing(r["publication_delay_reason"])
            else str(r["publication_delay_reason"]),
            actions=len(from_review),
        )
        blocks.append(TitledBlock(review, paragraphs(lcspr_sentences(update, period))))
    return Section("lcspr", "LCSPR updates", blocks)


def audits_section(ctx: ReportContext) -> Section:
    """An audit's sample (how many cases, from where) is activity, published in full; the grades of the
    audited cases are case data: publishing, only the share graded good or better for the partnership."""
    period, threshold = ctx.period, ctx.threshold
    localities = ctx.settings.all_localities
    table = audits.audit_list(ctx.con, period, ctx.locality, localities)
    if table.empty:
        return Section(
            "audits", "Multi-agency audits", paragraph(f"No multi-agency audit took place during {ctx.span}.")
        )
    places = [c for c in table.columns if c in localities]
    body: list[Block] = []
    for _, a in table.iterrows():
        by_locality = {p: int(a[p]) for p in places}
        sentences = audit_sentences(
            str(a["Title"]),
            as_date(a["Date"]),  # type: ignore[arg-type]
            int(a["Cases"]),
            by_locality,
            as_date(a["Exec report"]),
            period.end,
            None,
            ctx.locality,
        )
        grades = {g: int(a[g]) for g in audits.GRADES}
        if not ctx.publish:
            sentences.append(grades_sentence(grades))  # type: ignore[arg-type]
        elif ctx.locality is None:
            sentences.append(published_grades_sentence(grades, threshold or 0))  # type: ignore[arg-type]
        body.append(TitledBlock(str(a["Title"]), paragraphs(sentences)))
    # Cases by locality and by grade, one row per audit, each with its total.
    labels = [f"{uk_date(as_date(d))}: {t}" for d, t in zip(table["Date"], table["Title"], strict=True)]
    if len(set(labels)) < len(labels):
        labels = [f"{label} ({a})" for label, a in zip(labels, table["Audit"], strict=True)]
    split = pd.DataFrame({p: table[p].astype(int).to_numpy() for p in places}, index=labels)
    split["Total"] = table["Cases"].astype(int).to_numpy()
    if len(labels) > 1:
        split.loc["All audits"] = split.sum()
    tables = [("Cases audited by locality", split)]
    grades_table = pd.DataFrame({g: table[g].astype(int).to_numpy() for g in audits.GRADES}, index=labels)
    grades_table["Total"] = table["Cases"].astype(int).to_numpy()
    if len(labels) > 1:
        grades_table.loc["All audits"] = grades_table.sum()
    if not ctx.publish:
        tables.append(("Cases audited by grade", grades_table))
    else:
        ctx.left_out.append("the grades of audited cases by audit and by locality")
    for caption, frame in tables:
        shown = frame.reset_index(names="Audit")
        body.append(
            table_of(
                shown.set_index(shown["Audit"], drop=False),
                caption,
                numeric=[c for c in shown.columns if c != "Audit"],
                total_rows=["All audits"],
            )
        )
    if not ctx.publish:
        grades = audits.grades_by_locality(ctx.con, period, ctx.locality, localities)
        if not grades.empty:
            body.append(
                ctx.charts.figure(
                    audits.grades_figure(grades, period.label),
                    "Each bar is one locality's audited cases, best grade at the bottom.",
                    height=400,
                )
            )
    return Section("audits", "Multi-agency audits", body)
