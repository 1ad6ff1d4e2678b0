"""The audit trail: who uploaded, replaced, edited or removed a row in the dashboard, undid, changed a target,
signed off or reopened a quarter, and when, newest first.

Nothing new is recorded for it: uploads (an edit or removal in the dashboard is an upload of one row, with
mode 'edit' or 'remove'), undos, target changes and sign-offs are already kept in the uploads,
upload_datasets, kpi_target_changes and kpi_snapshots tables; queries/audit/audit_log.sql reads them together. Its text
(file names, user names, reasons) is returned with control characters written out (ESC as \\x1b), so
`pmf audit-log`, its CSV and the Audit log page print what was typed without obeying it.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from dashboard.core.control_chars import show_control_chars_in
from dashboard.core.db import read_sql
from dashboard.ingest.contract import DATASET_NAMES
from dashboard.kpis.catalogue import Kpi, load_catalogue

#: The columns of audit_log(): when, who (an email when signed in, else the OS login name), what kind of
#: change (one of ACTIONS) and a plain-English description.
COLUMNS = ("at", "user", "action", "detail")
ACTIONS = ("upload", "replace", "edit", "remove", "undo", "target change", "sign off", "reopen")


def audit_log(con: duckdb.DuckDBPyConnection, catalogue: list[Kpi] | None = None) -> pd.DataFrame:
    """Every upload, replace, edit, removal, undo, target change, sign-off and reopen, newest first, with
    columns COLUMNS.

    `catalogue` (default: the KPI files) gives each KPI's target before its first change in the app.
    """
    kpis = catalogue if catalogue is not None else load_catalogue()
    log = con.execute(
        read_sql("audit/audit_log.sql"),
        {
            "datasets": list(DATASET_NAMES),
            "kpis": [k.id for k in kpis],
            "targets": [k.target for k in kpis],
            "tolerances": [k.tolerance for k in kpis],
        },
    ).df()
    return show_control_chars_in(log, ("user", "action", "detail"))
