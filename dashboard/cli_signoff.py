"""`pmf signoff`: sign a quarter off (freeze every KPI's figures for it), reopen it, or say whether it is
signed off. Run by whoever uses the computer, like `pmf load`: the user is the login name unless --user."""

from __future__ import annotations

import argparse
from typing import Any

from dashboard.cli_common import UserError, db_option, open_existing, parse_period_arg
from dashboard.core.config import Settings


def add_signoff_command(sub: Any) -> None:
    signoff = sub.add_parser(
        "signoff", help="sign a quarter off (freeze its KPI figures), reopen it, or show its status"
    )
    signoff.add_argument("--period", required=True, help='the quarter, such as "2023-24 Q3"')
    what = signoff.add_mutually_exclusive_group()
    what.add_argument(
        "--reopen", action="store_true", help="lift the quarter's sign-off (kept for the record, logged)"
    )
    what.add_argument("--status", action="store_true", help="say whether the quarter is signed off")
    signoff.add_argument("--user", help="who is signing off or reopening (default: your login name)")
    db_option(signoff)


def _places(localities: list[str | None]) -> str:
    """'all localities, Hartlepool, Stockton-on-Tees and Teeswide'."""
    names = ["all localities" if p is None else p for p in localities]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def cmd_signoff(args: argparse.Namespace, cfg: Settings) -> int:
    period = parse_period_arg(args.period)
    from dashboard.core.control_chars import show_control_chars
    from dashboard.ingest.load import current_user
    from dashboard.kpis.signoff import SignOffError, current_signoff, reopen, sign_off, snapshot_scope, when

    if args.status:
        con = open_existing(args, cfg, read_only=True)
        found = current_signoff(con, period.label)
        if found is None:
            print(f"{period.label} is not signed off.")
        else:
            by = show_control_chars(found.signed_off_by)
            print(f"{period.label} is signed off, by {by} on {when(found.signed_off_at)}.")
        return 0
    user = args.user or current_user()
    con = open_existing(args, cfg)
    try:
        if args.reopen:
            lifted = reopen(con, period, user)
            print(
                f"Reopened {period.label}: its sign-off by {show_control_chars(lifted.signed_off_by)} on "
                f"{when(lifted.signed_off_at)} is lifted (kept for the record). "
                f'Sign it off again with `pmf signoff --period "{period.label}"`.'
            )
            return 0
        done = sign_off(con, period, cfg, user)
    except SignOffError as exc:
        message = str(exc)
        if "reopen it first" in message:
            message += f' (pmf signoff --period "{period.label}" --reopen)'
        raise UserError(message) from exc
    kpis, localities = snapshot_scope(con, done.snapshot_id)
    print(
        f"Signed off {period.label}: {kpis} KPIs for {_places(localities)}, "
        f"by {show_control_chars(done.signed_off_by)} at {when(done.signed_off_at)}"
    )
    return 0
