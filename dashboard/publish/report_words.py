"""The report's sentences: plain text from numbers, in the partnership newsletter's words.

Correct singular and plural and UK dates, from the perspective of the period's last day (an event after it
is "scheduled", not "took place"; a publication after it is not yet known). Publishing (a `threshold`), a
count from 1 to the threshold is "a small number (fewer than 6)". Every function returns plain text: the
template escapes it where it is written into the page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from dashboard.areas import training
from dashboard.areas.reviews import LCSPR_MONTHS
from dashboard.core.periods import Period
from dashboard.core.text import format_count, is_missing, plural, uk_date
from dashboard.publish.suppression import SUPPRESSED, suppress_rate, suppress_value

# What a rapid review decided, as the newsletter says it (after "The rapid review ... and").
RAPID_REVIEW_OUTCOMES = {
    "LCSPR": "decided to progress to an LCSPR",
    "No LCSPR": "decided not to progress to an LCSPR, the learning being taken forward from the rapid review",
    "Notification withdrawn": "found the criteria for a notification were not met: it was withdrawn",
    "Alternative learning review": "decided not to progress to an LCSPR but to hold an alternative learning "
    "review",
    "National review": "referred the case to the national Panel for a national review",
}
# Rapid reviews counted by outcome (CR05's categories), as a short phrase after the count.
OUTCOME_SHORT = {
    "LCSPR": "leading to an LCSPR",
    "No LCSPR": "with no LCSPR, the learning taken forward from the rapid review",
    "Alternative learning review": "leading to an alternative learning review",
    "National review": "referred for a national review",
    "Not recorded": "with no outcome recorded",
}


def span_of(period: Period) -> str:
    """'this quarter' or 'this year'."""
    return "this quarter" if period.is_quarter else "this year"


def short_date(day: date) -> str:
    """'6 Feb 2024': the dates the quarterly cycle adds (event dates, review dates, sign-off)."""
    return f"{day.day} {day:%b %Y}"


def month_year(day: date) -> str:
    """'November 2023'."""
    return day.strftime("%B %Y")


def join_words(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = [i for i in items if i]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """'Face to face' -> 'face to face'; 'LCSPR' stays."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def is_hidden(count: float | int | None, threshold: int | None) -> bool:
    """Whether a count is suppressed for publication (threshold None: an internal report hides nothing)."""
    if threshold is None or count is None or is_missing(count):
        return False
    return suppress_value(count, threshold) == SUPPRESSED


def small_number(threshold: int) -> str:
    """'a small number (fewer than 6)' for a threshold of 5."""
    return f"a small number (fewer than {threshold + 1})"


def count_phrase(
    count: int, singular: str, plural_form: str | None = None, threshold: int | None = None
) -> tuple[str, bool]:
    """The subject of a sentence about a count, capitalised, and whether its verb is plural.

    (1, 'session') -> ('1 session', False); (0, ...) -> ('No sessions', True); publishing, a count from 1
    to the threshold -> ('A small number (fewer than 6) of sessions', True).
    """
    many = plural_form or singular + "s"
    if count == 0:
        return f"No {many}", True
    if threshold is not None and is_hidden(count, threshold):
        return f"{_capital(small_number(threshold))} of {many}", True
    return plural(count, singular, plural_form), count != 1


def was_were(many: bool) -> str:
    return "were" if many else "was"


def notifications_sentence(count: int, span: str, threshold: int | None = None) -> str:
    """'1 serious incident notification was made to the national Panel during this quarter.' Whether each
    led to a rapid review is for the data to say (rapid_reviews_sentence), never assumed."""
    subject, many = count_phrase(count, "serious incident notification", threshold=threshold)
    return f"{subject} {was_were(many)} made to the national Child Safeguarding Practice Review Panel during {span}."


def rapid_reviews_sentence(by_outcome: Mapping[str, int], span: str, threshold: int | None = None) -> str:
    """'2 rapid reviews were completed during this quarter: 1 leading to an LCSPR and 1 with no further
    review.' Publishing, the split is left out when any part of it is small."""
    total = sum(by_outcome.values())
    subject, many = count_phrase(total, "rapid review", threshold=threshold)
    text = f"{subject} {was_were(many)} completed during {span}"
    parts = [(outcome, n) for outcome, n in by_outcome.items() if n]
    if not parts or is_hidden(total, threshold) or any(is_hidden(n, threshold) for _, n in parts):
        return text + "."
    if len(parts) == 1:
        outcome = parts[0][0]
        return f"{text}, {'all ' if many else ''}{OUTCOME_SHORT.get(outcome, f'with the outcome {outcome}')}."
    described = [f"{n} {OUTCOME_SHORT.get(outcome, f'with the outcome {outcome}')}" for outcome, n in parts]
    return f"{text}: {join_words(described)}."


def rapid_review_sentence(
    outcome: str | None, completed: date | None, due: date | None, period_end: date, span: str
) -> str:
    """What one case's rapid review decided, as at the period's end: 'The rapid review was completed on
    3 November 2023 and decided not to progress to an LCSPR.'"""
    if completed is None or completed > period_end:
        text = f"The rapid review was not complete at the end of {span}"
        if due is None:
            return text + "."
        if due < period_end:
            return f"{text}: it was due by {uk_date(due)}."
        return f"{text}; it is due by {uk_date(due)}."
    if not outcome:
        decided = "its outcome is not recorded"
    else:
        decided = RAPID_REVIEW_OUTCOMES.get(outcome, f"its outcome was: {outcome}")
    return f"The rapid review was completed on {uk_date(completed)} and {decided}."


def on_time_sentence(
    on_time: int, total: int, noun: str, done: str, rule: str, span: str, threshold: int | None = None
) -> str | None:
    """'1 of the 2 rapid reviews completed during this quarter was within 15 working days of the
    notification.' None when there were none. Publishing: a percentage, or nothing when the numbers are
    small."""
    if total <= 0:
        return None
    if threshold is not None:
        rate = suppress_rate(on_time, total, threshold, protect_numerator=True)
        if not isinstance(rate, float):
            return None
        return f"{rate:.0f}% of the {noun}s {done} during {span} were {rule}."
    if total == 1:
        return f"The {noun} {done} during {span} was {'' if on_time else 'not '}{rule}."
    if on_time == total:
        return f"{'Both' if total == 2 else f'All {total}'} {noun}s {done} during {span} were {rule}."
    if on_time == 0:
        return f"None of the {total} {noun}s {done} during {span} were {rule}."
    return f"{on_time} of the {total} {noun}s {done} during {span} {was_were(on_time != 1)} {rule}."


def milestones_sentence(learning_event: date | None, recall_event: date | None, period_end: date) -> str:
    """'Its learning event is scheduled for 25 January 2024 and its recall event for 26 February 2024.'
    An event on or before the period's last day 'took place'."""
    events = [
        (name, day, day <= period_end)
        for name, day in (("learning event", learning_event), ("recall event", recall_event))
        if day is not None
    ]
    if not events:
        return "The dates of its learning event and recall event are not yet set."

    def verb(past: bool) -> str:
        return "took place on" if past else "is scheduled for"

    if len(events) == 1:
        name, day, past = events[0]
        other = "recall event" if name == "learning event" else "learning event"
        return f"Its {name} {verb(past)} {uk_date(day)}; the date of its {other} is not yet set."
    (first, day1, past1), (second, day2, past2) = events
    if past1 == past2:
        return f"Its {first} {verb(past1)} {uk_date(day1)} and its {second} {'on' if past1 else 'for'} {uk_date(day2)}."
    return f"Its {first} {verb(past1)} {uk_date(day1)} and its {second} {verb(past2)} {uk_date(day2)}."


@dataclass(frozen=True)
class LcsprUpdate:
    """One LCSPR as at the period's end (dates after it blanked, except the scheduled events). `due` is the
    end of the 6 months from the decision to hold it, by which it should be completed (final report)."""

    review: str
    rr_completed: date | None
    learning_event: date | None
    recall_event: date | None
    published: date | None
    published_name: str | None
    due: date | None
    started: date | None = None
    actions: int = 0
    final_report: date | None = None
    delay_reason: str | None = None

    @property
    def completed(self) -> date | None:
        """Completion: the final report, else (none recorded) the publication."""
        return self.final_report or self.published


def _completion_sentence(update: LcsprUpdate, end: date) -> str | None:
    """Whether the LCSPR was completed within 6 months of the decision to hold it, as at `end`."""
    done, due = update.completed, update.due
    if due is None:
        return None
    if done is not None and done <= end:
        if update.final_report is None:  # completion is the publication
            if done <= due:
                return f"It was published within {LCSPR_MONTHS} months of the decision to hold it."
            return (
                f"It was published after the expected {LCSPR_MONTHS} months (it was due by {uk_date(due)})."
            )
        if done <= due:
            return f"Its final report was completed within {LCSPR_MONTHS} months of the decision to hold it."
        return (
            f"Its final report was completed after the expected {LCSPR_MONTHS} months "
            f"(it was due by {uk_date(due)})."
        )
    if update.delay_reason:
        return None  # shown with its reason, never late
    if due < end:
        return f"Its final report was due by {uk_date(due)} and is overdue."
    return f"Its final report is due by {uk_date(due)}."


def lcspr_sentences(update: LcsprUpdate, period: Period) -> list[str]:
    """The newsletter's 'LCSPR updates' for one review: published (as what, on time, actions), or decided
    in the period, or in progress; with its milestones, when it is due to be completed, and a publication
    delayed with its reason."""
    end = period.end
    out: list[str] = []
    if update.published is not None and update.published <= end:
        text = f"The LCSPR for {update.review} was published in {month_year(update.published)}"
        out.append(text + (f" as {update.published_name}." if update.published_name else "."))
        completion = _completion_sentence(update, end)
        if completion:
            out.append(completion)
        if update.actions:
            subject, many = count_phrase(update.actions, "action")
            out.append(
                f"{subject} from its recommendations {was_were(many)} added to the combined learning action plan."
            )
        return out
    if update.rr_completed is not None and period.start <= update.rr_completed <= end:
        out.append(
            f"The rapid review for {update.review} was completed in {month_year(update.rr_completed)}, "
            "leading to an LCSPR."
        )
    else:
        started = update.started or update.rr_completed
        since = f", which began in {month_year(started)}," if started else ""
        out.append(f"The LCSPR for {update.review}{since} is in progress.")
    out.append(milestones_sentence(update.learning_event, update.recall_event, end))
    completion = _completion_sentence(update, end)
    if completion:
        out.append(completion)
    if update.delay_reason:
        out.append(f"Its publication is delayed: {update.delay_reason}.")
    return out


def audit_sentences(
    title: str,
    audit_date: date,
    cases: int,
    by_locality: Mapping[str, int],
    exec_report: date | None,
    period_end: date,
    threshold: int | None = None,
    locality: str | None = None,
) -> list[str]:
    """'A multi-agency audit of 'Step down from social care assessment' took place on 13 November 2023.
    It reviewed 6 cases (3 from Hartlepool and 3 from Stockton-on-Tees). The audit report will be presented
    to the Executive group in February 2024.'"""
    out = [f"A multi-agency audit of '{title}' took place on {uk_date(audit_date)}."]
    hidden_total = is_hidden(cases, threshold)
    how_many = f"{small_number(threshold)} of cases" if hidden_total and threshold else plural(cases, "case")
    places = {name: n for name, n in by_locality.items() if n}
    if locality is not None:
        out.append(f"It reviewed {how_many} from {locality}.")
    elif not places:
        out.append(f"It reviewed {how_many}.")
    elif hidden_total or any(is_hidden(n, threshold) for n in places.values()):
        out.append(
            f"It reviewed {how_many} from {join_words(list(places))}; the number from each is not shown, "
            "to protect small numbers."
        )
    elif len(places) == 1:
        out.append(f"It reviewed {how_many}, {'all ' if cases != 1 else ''}from {next(iter(places))}.")
    else:
        out.append(f"It reviewed {how_many} ({join_words([f'{n} from {p}' for p, n in places.items()])}).")
    if exec_report is not None:
        if exec_report > period_end:
            out.append(
                f"The audit report will be presented to the Executive group in {month_year(exec_report)}."
            )
        else:
            out.append(f"The audit report was presented to the Executive group in {month_year(exec_report)}.")
    return out


def grades_sentence(grades: Mapping[str, int], threshold: int | None = None) -> str | None:
    """'Of the 6 cases, 1 was graded outstanding, 3 good and 2 requires improvement.' Publishing with small
    grade counts: the share graded good or better, if its numbers allow."""
    total = sum(grades.values())
    if total == 0:
        return None
    parts = [(grade, n) for grade, n in grades.items() if n]
    if threshold is not None and any(is_hidden(n, threshold) for _, n in parts):
        good = sum(n for grade, n in grades.items() if grade in ("Outstanding", "Good"))
        rate = suppress_rate(good, total, threshold, protect_numerator=True)
        if isinstance(rate, float):
            return f"{rate:.0f}% of the cases were graded good or better."
        return "The grades are not shown, to protect small numbers."

    def graded(grade: str) -> str:  # "graded good", "graded as requires improvement"
        return ("as " if grade == "Requires improvement" else "") + grade.lower()

    if len(parts) == 1:
        grade, n = parts[0]
        return f"{'All ' + str(n) + ' cases were' if n != 1 else 'The case was'} graded {graded(grade)}."
    (first, n1), *rest = parts
    listed = [
        f"{n1} {was_were(n1 != 1)} graded {graded(first)}",
        *(f"{n} {graded(grade)}" for grade, n in rest),
    ]
    return f"Of the {total} cases, {join_words(listed)}."


def published_grades_sentence(grades: Mapping[str, int], threshold: int) -> str | None:
    """Publishing: the share of audited cases graded good or better, for the partnership as a whole, when
    its numbers are not small; never the count of each grade."""
    total = sum(grades.values())
    if total == 0:
        return None
    good = sum(n for grade, n in grades.items() if grade in ("Outstanding", "Good"))
    rate = suppress_rate(good, total, threshold, protect_numerator=True)
    if isinstance(rate, float):
        return f"{rate:.0f}% of the cases were graded good or better."
    return "The grades of the cases are not shown, to protect small numbers."


def training_sentence(by_mode: Mapping[str, int], span: str, threshold: int | None = None) -> str:
    """'In this quarter 5 face to face and 10 virtual training sessions were held.'"""
    total = sum(by_mode.values())
    if total == 0:
        return f"In {span} no training sessions were held."
    parts = [(mode, n) for mode, n in by_mode.items() if n]
    noun = "training session" if total == 1 else "training sessions"
    if threshold is not None and (
        is_hidden(total, threshold) or any(is_hidden(n, threshold) for _, n in parts)
    ):
        modes = join_words([lower_first(m) for m, _ in parts])
        held = (
            f"{small_number(threshold)} of training sessions were held"
            if is_hidden(total, threshold)
            else f"{total} {noun} were held"
        )
        if len(parts) == 1:
            return f"In {span} {held}, all {modes}."
        return f"In {span} {held}, {modes}; the number of each is not shown, to protect small numbers."
    counted = join_words([f"{n} {lower_first(mode)}" for mode, n in parts])
    return f"In {span} {counted} {noun} {was_were(total != 1)} held."


def action_plan_sentences(counts: Mapping[str, int], as_at: date, threshold: int | None = None) -> list[str]:
    """'As at 31 December 2023 the combined learning action plan held 42 actions: 12 open and 30 complete.'
    and the overdue ones. `counts` is actions.rag_counts (Red, Amber, Green, Blue)."""
    total = sum(counts.values())
    open_count = total - counts.get("Blue", 0)
    when = f"As at {uk_date(as_at)}"
    if total == 0:
        return [f"{when} the combined learning action plan held no actions."]
    if threshold is None:
        held = f"{when} the combined learning action plan held {plural(total, 'action')}: "
        held += f"{open_count} open and {counts.get('Blue', 0)} complete."
    elif is_hidden(total, threshold):
        held = f"{when} the combined learning action plan held {small_number(threshold)} of actions."
    else:
        held = f"{when} the combined learning action plan held {plural(total, 'action')}."
    overdue = counts.get("Red", 0)
    if overdue == 0:
        second = "No open action was overdue." if open_count else "Every action was complete."
    else:
        subject, many = count_phrase(overdue, "open action", threshold=threshold)
        second = f"{subject} {was_were(many)} past {'their' if many else 'its'} target date (red)."
    return [held, second]


def child_name(review_id: str) -> str:
    """'KLT' -> 'Child KLT' (a reference of initials, as the newsletter writes it); others as they are."""
    return f"Child {review_id}" if re.fullmatch(r"[A-Z]{1,5}", review_id) else review_id


def attendance_sentences(summary: training.TrainingSummary, threshold: int | None = None) -> list[str]:
    """Attendance, did-not-attend, fill rate and confidence, in words. The did-not-attend rate is over the
    sessions that recorded it, so when some did not its denominator is smaller, and the sentence says so
    rather than let "84.3% attended, 15.3% did not" look as if it should add up."""
    out = []
    attended, booked = summary.attended, summary.booked
    if booked:
        out.append(
            f"There were {plural(attended, 'attendance')} at the sessions delivered: "
            f"{summary.attendance_rate:.1f}% of the {plural(booked, 'place')} booked."
        )
    if summary.dna_rate is not None:
        if summary.dna_booked == booked:
            out.append(f"{summary.dna_rate:.1f}% of the places booked were not attended.")
        else:
            out.append(
                f"Did-not-attend was recorded for sessions with {plural(summary.dna_booked, 'place')} booked "
                f"of the {format_count(booked)}; {summary.dna_rate:.1f}% of those places were not attended."
            )
    if summary.fill_rate is not None:
        out.append(f"{summary.fill_rate:.1f}% of the places offered were booked.")
    if (
        summary.uplift is not None
        and summary.pre_confidence is not None
        and summary.post_confidence is not None
    ):
        sessions, _ = count_phrase(summary.rated_sessions, "session")
        out.append(
            f"Attendees rated their confidence on a scale of 1 to 5 before and after the training: the average "
            f"rose from {summary.pre_confidence:.2f} to {summary.post_confidence:.2f}, an uplift of "
            f"{summary.uplift:.2f} points ({lower_first(sessions)} with both ratings)."
            if summary.uplift >= 0
            else f"Attendees' average confidence fell from {summary.pre_confidence:.2f} to "
            f"{summary.post_confidence:.2f} on a scale of 1 to 5 ({lower_first(sessions)} with both ratings)."
        )
    return out
