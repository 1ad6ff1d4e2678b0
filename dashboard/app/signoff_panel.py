"""A quarter's sign-off in the app: the status line (on the overview and the KPI page) and, for admins, the
"Sign off 2023-24 Q3" and "Reopen 2023-24 Q3" buttons, each with a confirmation step (on the overview, where
the PMF group reviews the scorecard before signing the quarter off).

Signing off freezes every KPI of the quarter for every locality (dashboard.kpis.signoff); a figure that moves
afterwards shows as a revision beside the signed-off one. Both are recorded in the audit log.
"""

from __future__ import annotations

import streamlit as st

from dashboard.app import cache, changes, components
from dashboard.app.connections import DatabaseBusy
from dashboard.core.auth import Access, Action
from dashboard.core.periods import Period
from dashboard.ingest.workflow import as_text
from dashboard.kpis.signoff import SignOff, SignOffError

#: Who may sign a quarter off or reopen it: the admins, who also set the targets the RAG is judged by.
SIGN_OFF = Action.EDIT_TARGETS
PER_QUARTER = "Sign-off is per quarter: choose a quarter to see whether it is signed off."
#: st.session_state: ("sign off" | "reopen", period label, data version, snapshot id) awaiting "Confirm": the
#: figures the admin saw when asking. Confirm acts only on those figures: if the data or the sign-off moved in
#: between (an upload, another admin), the confirmation is cancelled with CHANGED_SINCE.
_CONFIRM = "confirm_signoff"
CHANGED_SINCE = {
    "sign off": "The figures changed since you asked to sign off: review them and sign off again.",
    "reopen": "The sign-off changed since you asked to reopen it: review it and reopen again if still needed.",
}


def status(period: Period) -> SignOff | None:
    """The sign-off in force for the period (None when it is not signed off, or is a year)."""
    if not period.is_quarter:
        return None
    path, version = cache.data_key()
    return cache.current_signoff(path, version, period.label)


def status_text(period: Period, state: SignOff | None) -> str:
    """'Signed off on 12 Jan 2024 by X' or 'Not yet signed off' (for a year: sign-off is per quarter)."""
    if not period.is_quarter:
        return PER_QUARTER
    if state is None:
        return f"{period.label}: not yet signed off."
    return (
        f"{period.label}: signed off on {components.short_date(state.signed_off_at)} by "
        f"{as_text(state.signed_off_by)}."
    )


def status_line(period: Period) -> SignOff | None:
    """The status, shown as one line; returns it."""
    state = status(period)
    st.markdown(f":material/verified: {status_text(period, state)}")
    return state


def controls(period: Period, access: Access, state: SignOff | None) -> None:
    """For admins, sign the quarter off or reopen it, with a confirmation step (the status is shown above,
    with the scorecard)."""
    st.header("Quarter sign-off")
    if message := st.session_state.pop("signoff_message", None):
        st.success(message)
    if not period.is_quarter:
        st.caption(PER_QUARTER)
        return
    if not access.can(SIGN_OFF):
        st.caption("Admins sign a quarter off once the PMF group has reviewed it.")
        return
    what = "reopen" if state is not None else "sign off"
    label = f"{'Reopen' if state is not None else 'Sign off'} {period.label}"
    seen = (what, period.label, cache.data_key()[1], state.snapshot_id if state else None)
    if st.button(label, key="signoff", icon=":material/lock_open:" if state else ":material/verified:"):
        st.session_state[_CONFIRM] = seen
    asked = st.session_state.get(_CONFIRM)
    if asked is not None and asked[1] == period.label and asked != seen:
        del st.session_state[_CONFIRM]  # asked about other figures, or another sign-off: never act on it
        st.warning(CHANGED_SINCE[asked[0]], icon=":material/sync_problem:")
        return
    if asked != seen:
        return
    if state is None:
        st.warning(
            f"Sign off {period.label}? Every KPI of the quarter, for every locality and all together, is "
            "frozen as it stands now; a figure that changes afterwards shows as a revision beside it."
        )
    else:
        st.warning(
            f"Reopen {period.label}? Its figures are no longer signed off and show no revisions until it is "
            "signed off again."
        )
    yes, no = st.columns(2)
    if yes.button("Confirm", type="primary", key="signoff_yes"):
        _apply(what, period, access.user)
    if no.button("Cancel", key="signoff_no"):
        del st.session_state[_CONFIRM]
        st.rerun()


def _apply(what: str, period: Period, user: str) -> None:
    try:
        done = changes.sign_off(period, user) if what == "sign off" else changes.reopen(period, user)
    except SignOffError as exc:
        st.error(as_text(exc))
        return
    except DatabaseBusy:
        st.error(changes.STILL_BUSY)
        return
    del st.session_state[_CONFIRM]
    if what == "sign off":
        st.session_state.signoff_message = (
            f"{period.label} signed off on {components.short_date(done.signed_off_at)} by {as_text(user)}."
        )
    else:
        st.session_state.signoff_message = f"{period.label} reopened: it is no longer signed off."
    st.rerun()
