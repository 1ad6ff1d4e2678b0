"""Plain-English headline sentences from a scorecard, e.g. "1 serious incident notification this quarter"."""

from __future__ import annotations

import pandas as pd

from dashboard.core.text import as_count, is_missing, plural
from dashboard.kpis.timescales import RAPID_REVIEW_WORKING_DAYS


def _row(card: pd.DataFrame, kpi: str, category: str | None = None) -> pd.Series | None:
    mask = card["kpi"] == kpi
    mask &= card["category"].isna() if category is None else card["category"] == category
    found = card[mask]
    return None if found.empty else found.iloc[0]


def headline_sentences(card: pd.DataFrame, span: str = "this quarter") -> list[str]:
    """Sentences for the executive, from the rows of one period and locality (kpis.kpis_for)."""
    sentences = []
    sessions = _row(card, "TR01")
    if sessions is not None:
        modes = card[(card["kpi"] == "TR01") & card["category"].notna()]
        split = ", ".join(
            f"{as_count(r.value)} {str(r.category).lower()}" for r in modes.itertuples() if as_count(r.value)
        )
        text = f"{plural(as_count(sessions['value']), 'training session')} delivered {span}"
        sentences.append(text + (f" ({split})." if split else "."))
    notifications, reviews, on_time = _row(card, "CR04"), _row(card, "CR05"), _row(card, "CR02")
    if notifications is not None:  # the notifications and the rapid reviews due are different cases
        sentences.append(
            f"{plural(as_count(notifications['value']), 'serious incident notification')} {span}."
        )
    if on_time is not None and not is_missing(on_time["denominator"]) and as_count(on_time["denominator"]):
        due = as_count(on_time["denominator"])
        sent = as_count(on_time["numerator"])
        whose = "whose deadline fell"
        if due == 1:
            sentences.append(
                f"The rapid review {whose} {span} was {'' if sent else 'not '}sent within {RAPID_REVIEW_WORKING_DAYS} working days."
            )
        else:
            sentences.append(
                f"{sent} of the {due} rapid reviews {whose} {span} were sent within {RAPID_REVIEW_WORKING_DAYS} working days."
            )
    elif reviews is not None and as_count(reviews["value"]):
        sentences.append(f"{plural(as_count(reviews['value']), 'rapid review')} completed {span}.")
    published = _row(card, "CR06")
    if published is not None and as_count(published["value"]):
        sentences.append(f"{plural(as_count(published['value']), 'LCSPR')} published.")
    cases, good = _row(card, "AU01"), _row(card, "AU02")
    if cases is not None:
        text = f"{plural(as_count(cases['value']), 'case')} audited {span}"
        if good is not None and not is_missing(good["denominator"]):
            text += (
                f"; {as_count(good['numerator'])} of {as_count(good['denominator'])} graded good or better"
            )
        sentences.append(text + ".")
    overdue = _row(card, "AP02")
    if overdue is not None and not is_missing(overdue["denominator"]):
        late, open_actions = as_count(overdue["numerator"]), as_count(overdue["denominator"])
        if late == 0:
            sentences.append("No open action was overdue at the end of the period.")
        else:
            sentences.append(
                f"{late} of the {plural(open_actions, 'open action')} {'were' if late != 1 else 'was'} overdue "
                "at the end of the period."
            )
    return sentences
