"""Upload: analysts load workbooks. Check -> preview of the change -> Confirm; history and undo of the latest.

Everything a user typed or uploaded (file names above all) goes into messages and labels through as_text, so it
shows as written and is never read as Markdown (an image link in a file name is not fetched).
"""

from __future__ import annotations

import streamlit as st

from dashboard.app import cache, changes, components, tables
from dashboard.app.connections import DatabaseBusy
from dashboard.core.auth import Action, page_refusal
from dashboard.core.readable import date_text
from dashboard.ingest.contract import DATASET_NAMES
from dashboard.ingest.load import NothingToUndo, upload_history
from dashboard.ingest.workflow import as_text, preview_table, report_csv

#: The upload history's headers (the rest are read by dashboard.core.readable.header_words).
HISTORY_WORDS = {
    "file_name": "File",
    "added": "Rows added",
    "replaced": "Rows replaced",
    "removed": "Rows removed",
    "unchanged": "Rows unchanged",
}

filters = st.session_state.filters
access = st.session_state.access
if not access.can(Action.UPLOAD):  # the entry point refuses first; this page does not rely on it alone
    st.error(page_refusal(Action.UPLOAD))
    st.stop()
user = access.user  # recorded as uploaded_by / undone_by: the signed-in email, else the OS login name

st.title("Upload")
st.caption(
    "Upload a workbook (.xlsx, a sheet per dataset) or a single-table .csv. Nothing is stored until you confirm, "
    "and a file with any error stores nothing."
)

with st.expander("Templates", icon=":material/download:"):
    st.write("A template has a sheet per dataset with the right headers, drop-down lists and a Notes sheet.")
    st.download_button(
        "Download the template (all datasets)",
        cache.template(None),
        file_name="pmf-template.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="template_all",
    )
    one = st.selectbox("Or one dataset", DATASET_NAMES, key="template_dataset")
    st.download_button(
        f"Download the {one} template",
        cache.template((one,)),
        file_name=f"pmf-template-{one}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="template_one",
    )

with st.expander("What a file must hold (the upload format)", icon=":material/menu_book:"):
    st.caption(
        "This guide is docs/upload-format.md in the project folder; the KPIs' definitions are docs/kpis.md "
        "(and the KPI catalogue page)."
    )
    components.show_doc("upload-format.md", "upload_format_guide")

if message := st.session_state.pop("upload_message", None):
    st.success(message["text"])
    if message.get("kpis") is not None and not message["kpis"].empty:
        st.markdown(f"KPIs that changed for {as_text(message['period'])} ({as_text(message['locality'])}):")
        tables.show(message["kpis"], "changed_kpis")

uploaded = st.file_uploader("Workbook or CSV file", type=["xlsx", "csv"], key="upload")
# Both choices are a dataset's name, or "" for none (upsert; recognised from the headers).
replace_dataset = (
    st.selectbox(
        "Mode",
        ["", *DATASET_NAMES],
        key="upload_mode",
        format_func=lambda name: (
            f"Replace the whole {name} dataset" if name else "Add and update rows (upsert)"
        ),
        help="Upsert: rows whose key is stored are replaced, new keys added, nothing deleted. "
        "Replace: the dataset's stored rows that are not in the file are removed too.",
    )
    or None
)
dataset = (
    st.selectbox(
        "Dataset of a single-table file",
        ["", *DATASET_NAMES],
        key="upload_dataset",
        format_func=lambda name: name or "Recognise from the headers",
        help="A .csv or one-sheet workbook is recognised from its headers; choose here when they fit more "
        "than one.",
    )
    or None
)

if uploaded is not None:
    checking = components.Stages(f"Checking {as_text(uploaded.name)}")
    checked = changes.checked_upload(
        uploaded.getvalue(), uploaded.name, replace_dataset, dataset, progress=checking
    )
    checking.done(
        f"Checked {as_text(uploaded.name)}: "
        + ("ready to load" if checked.ok else f"{checked.report.error_count:,} error(s)")
    )
    report = checked.report
    if report.warnings:
        st.warning(f"{len(report.warnings)} warning(s): columns or sheets that were not stored.")
        tables.show(report.warning_table(), "warnings")
    if not checked.ok:
        capped = report.error_count > len(report.errors) or len(report.shown_errors()) < len(report.errors)
        shown = (
            " Below are the first of each column and how many more there are; the report lists up to 10,000."
            if capped
            else ""
        )
        st.error(
            f"{as_text(uploaded.name)} was not loaded: {report.error_count:,} error(s). Nothing was stored. "
            f"Correct them and upload again.{shown}"
        )
        tables.show(report.error_table(), "errors")
        st.download_button(
            "Download the validation report (CSV)",
            report_csv(report),
            file_name=f"{uploaded.name}-report.csv",
            mime="text/csv",
            key="report_csv",
        )
    else:
        assert checked.preview is not None
        st.header("What this upload will change")
        tables.show(preview_table(checked.preview), "preview")
        if not checked.preview.changed:
            st.info("Nothing would change: every row is already stored as it is in this file.")
        elif st.button("Confirm and load", type="primary", key="confirm", icon=":material/check:"):
            loading = components.Stages(f"Loading {as_text(uploaded.name)}")
            try:
                st.session_state.upload_message = changes.confirm_upload(
                    checked, uploaded.name, user, replace_dataset, filters, progress=loading
                )
            except DatabaseBusy:
                loading.failed("Nothing was loaded")
                st.error(changes.STILL_BUSY)
            else:
                del st.session_state["upload"]
                st.rerun()

st.header("Upload history")
with cache.cursor() as cur:
    history = upload_history(cur)
if history.empty:
    st.write("No uploads yet.")
else:
    tables.show(history.drop(columns=["file_hash"]), "history", words=HISTORY_WORDS)
    components.csv_download(history, "upload-history.csv", "download_history", HISTORY_WORDS)
    in_force = history[history["undone_at"].isna()]
    if not in_force.empty:
        latest = in_force.iloc[0]
        if st.button(
            f"Undo upload {latest['upload_id']} ({as_text(latest['file_name'])})",
            key="undo",
            icon=":material/undo:",
        ):
            st.session_state.confirm_undo = int(latest["upload_id"])
        if st.session_state.get("confirm_undo") == int(latest["upload_id"]):
            st.warning(
                f"Undo upload {latest['upload_id']} ({as_text(latest['file_name'])}, "
                f"{date_text(latest['uploaded_at'])})? "
                "Every row it added, replaced or removed goes back exactly as it was before it."
            )
            yes, no = st.columns(2)
            if yes.button("Yes, undo it", type="primary", key="undo_yes"):
                try:
                    st.session_state.upload_message = changes.undo_latest_upload(user)
                except NothingToUndo as exc:
                    st.error(as_text(exc))
                except DatabaseBusy:
                    st.error(changes.STILL_BUSY)
                del st.session_state["confirm_undo"]
                st.rerun()
            if no.button("Cancel", key="undo_no"):
                del st.session_state["confirm_undo"]
                st.rerun()
