"""The report's newsletter sections written from the quarter's partnership updates
(dashboard.areas.updates.updates_for): work streams, each priority's progress, the training programme, the
conferences, the procedures reviewed, the key events, the communications and anything else.

The rules, as the newsletter is laid out:

* **Work streams**: rows of section "Work stream" whose priority is blank or names no priority ("Work stream"
  or "Work streams", any case). Numbered, one number per title, the title's latest status beside it, its
  updates as bullets. Always shown: with no such update the section says "No updates recorded this quarter."
* **Progress on the priority of X**: rows of section "Work stream" with priority X (e.g. Neglect); one section
  per priority, numbered as the newsletter numbers the priority's strands. Left out when there are none.
* **Training**: the "Training programme" rows' text comes first in the Training section, before the figures
  (report_activity.training_section).
* **Conferences**: "Event" rows with no event date. **Key events**: "Event" rows with a date, the dates of one
  title together ("6 Feb 2024 and 28 Mar 2024"), "took place" or "takes place" as at the period's last day.
* **Procedures reviewed**: "Procedure" rows, each title a link when it has one. **Communications and
  e-bulletins**: "Communication" rows, each a link when it has one. **Other updates**: "Other" rows.
  Each left out when there are none.

Within a section the updates keep the order of their update ids (natural order: U2 before U10), which is the
order the business unit wrote them in. Updates are the newsletter's public content: a published report
carries them in full. Every piece of text stays plain text (the template escapes it); a link is made only of
an https:// address (report_model.https_link).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

import pandas as pd

from dashboard.areas.updates import updates_for
from dashboard.core.text import as_date, is_missing
from dashboard.publish.report_model import Block, ReportContext, Section, UpdateItem, UpdateList, paragraph
from dashboard.publish.report_words import join_words, short_date

WORK_STREAM, PROCEDURE, EVENT = "Work stream", "Procedure", "Event"
COMMUNICATION, TRAINING_PROGRAMME, OTHER = "Communication", "Training programme", "Other"
# A work stream's priority that names no partnership priority (compared in lower case, blank included).
NO_PRIORITY = ("", "work stream", "work streams")
NO_UPDATES = "No updates recorded this quarter."


def period_updates(ctx: ReportContext) -> pd.DataFrame:
    """The updates of the report's quarter (a year: of its four quarters) for its locality (a locality gets its
    own and the Teeswide ones), each section's rows in the order of their update ids."""
    frames = [updates_for(ctx.con, q.label, ctx.locality) for q in ctx.period.quarters()]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return updates_for(ctx.con, ctx.period.quarters()[0].label, ctx.locality)
    table = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    keys = [_natural(str(u)) for u in table["update_id"]]
    order = sorted(range(len(table)), key=lambda i: keys[i])
    return table.iloc[order].reset_index(drop=True)


def _natural(text: str) -> tuple[tuple[int, object], ...]:
    """'U10' after 'U2': digits compared as numbers."""
    return tuple((0, int(p)) if p.isdigit() else (1, p.lower()) for p in re.split(r"(\d+)", text) if p)


def _text(value: object) -> str:
    return "" if value is None or is_missing(value) else str(value).strip()


def _of(updates: pd.DataFrame, section: str) -> pd.DataFrame:
    return updates[updates["section"] == section]


def _place(ctx: ReportContext, locality: object) -> str:
    """A locality's own update in the report of all localities says whose it is."""
    name = _text(locality)
    return name if ctx.locality is None and name and name != ctx.settings.area_wide else ""


def _item(ctx: ReportContext, row: pd.Series, lead: str = "") -> UpdateItem:
    return UpdateItem(
        text=_text(row["update"]),
        lead=lead,
        link=_text(row["link"]) or None,
        note=_place(ctx, row["locality"]),
    )


def numbered_groups(ctx: ReportContext, rows: pd.DataFrame) -> list[Block]:
    """One numbered list per title, in the order titles first appear; the title's latest status beside it."""
    blocks: list[Block] = []
    for number, title in enumerate(dict.fromkeys(_text(t) for t in rows["title"]), start=1):
        mine = rows[[_text(t) == title for t in rows["title"]]]
        statuses = [_text(s) for s in mine["status"] if _text(s)]
        items = [_item(ctx, r) for _, r in mine.iterrows()]
        blocks.append(UpdateList(title, items, number=number, note=statuses[-1] if statuses else ""))
    return blocks


def priority_of(value: object) -> str:
    """A work stream's priority, or '' when it names none."""
    text = _text(value)
    return "" if text.lower() in NO_PRIORITY else text


def priority_section_id(priority: str) -> str:
    return "priority-" + (re.sub(r"[^a-z0-9]+", "-", priority.lower()).strip("-") or "other")


def work_stream_sections(ctx: ReportContext, updates: pd.DataFrame) -> list[Section]:
    """'Work streams' (always), then one 'Progress on the priority of X' per priority with updates."""
    rows = _of(updates, WORK_STREAM)
    priorities = [priority_of(p) for p in rows["priority"]]
    general = rows[[p == "" for p in priorities]]
    body: list[Block] = numbered_groups(ctx, general) if not general.empty else [*paragraph(NO_UPDATES)]
    sections = [Section("work-streams", "Work streams", body)]
    for priority in dict.fromkeys(p for p in priorities if p):
        mine = rows[[p == priority for p in priorities]]
        sections.append(
            Section(
                priority_section_id(priority),
                f"Progress on the priority of {priority}",
                numbered_groups(ctx, mine),
            )
        )
    return sections


def training_programme_blocks(ctx: ReportContext, updates: pd.DataFrame) -> list[Block]:
    """The training programme's text, a paragraph each (a link after it), before the training figures."""
    rows = _of(updates, TRAINING_PROGRAMME)
    if rows.empty:
        return []
    return [UpdateList("", [_item(ctx, r) for _, r in rows.iterrows()], bullets=False)]


def _listed(ctx: ReportContext, rows: pd.DataFrame) -> UpdateList:
    return UpdateList("", [_item(ctx, r, lead=_text(r["title"])) for _, r in rows.iterrows()])


def event_dates_text(days: Sequence[date], period_end: date) -> str:
    """'Took place on 6 Feb 2024.'; 'Takes place on 6 Feb 2024 and 28 Mar 2024.' (after the period's end);
    both when some dates are past and some to come."""
    ordered = sorted(set(days))
    past = [d for d in ordered if d <= period_end]
    ahead = [d for d in ordered if d > period_end]
    parts = []
    if past:
        parts.append(f"took place on {join_words([short_date(d) for d in past])}")
    if ahead:
        parts.append(f"takes place on {join_words([short_date(d) for d in ahead])}")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def key_events(ctx: ReportContext, rows: pd.DataFrame) -> UpdateList:
    """One item per event title, its dates together, its distinct texts after them."""
    items = []
    for title in dict.fromkeys(_text(t) for t in rows["title"]):
        mine = rows[[_text(t) == title for t in rows["title"]]]
        days = [d for d in (as_date(v) for v in mine["event_date"]) if d is not None]
        texts = list(dict.fromkeys(_text(u) for u in mine["update"] if _text(u)))
        links = [_text(k) for k in mine["link"] if _text(k)]
        places = list(dict.fromkeys(p for p in (_place(ctx, x) for x in mine["locality"]) if p))
        items.append(
            UpdateItem(
                text=" ".join([event_dates_text(days, ctx.period.end), *texts]),
                lead=title,
                link=links[0] if links else None,
                note=", ".join(places),
            )
        )
    return UpdateList("", items)


def later_sections(ctx: ReportContext, updates: pd.DataFrame) -> list[Section]:
    """Conferences, procedures reviewed, key events, communications and other updates: each left out when
    the quarter has none."""
    events = _of(updates, EVENT)
    dated = events["event_date"].notna()
    out: list[Section] = []
    if (~dated).any():
        out.append(Section("conferences", "Conferences", [_listed(ctx, events[~dated])]))
    procedures = _of(updates, PROCEDURE)
    if not procedures.empty:
        intro = f"During {ctx.span} the following procedures and guidance were reviewed and updated (if required):"
        out.append(
            Section("procedures", "Procedures reviewed", [*paragraph(intro), _listed(ctx, procedures)])
        )
    if dated.any():
        out.append(Section("key-events", "Key events", [key_events(ctx, events[dated])]))
    communications = _of(updates, COMMUNICATION)
    if not communications.empty:
        out.append(
            Section("communications", "Communications and e-bulletins", [_listed(ctx, communications)])
        )
    other = _of(updates, OTHER)
    if not other.empty:
        out.append(Section("other", "Other updates", [_listed(ctx, other)]))
    return out
