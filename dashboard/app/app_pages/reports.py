"""Reports: the quarterly report (every section of the newsletter, from the updates and the data) or the
executive report (what needs attention first: Red and Amber KPIs, revisions since sign-off, commentary),
as HTML, PDF and Word to download, print, edit or email, internal or for publication, with a preview."""

from __future__ import annotations

import streamlit as st

from dashboard.app import cache, components
from dashboard.core.chromium import chromium_available
from dashboard.core.config import settings
from dashboard.publish import pack, report
from dashboard.publish.pdf import ReportError

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

filters = st.session_state.filters
cfg = settings()
path, version = cache.data_key()
period, locality = filters.period.label, filters.locality

components.page_header("Reports", filters, "the newsletter and the executive's report, from the data")

KINDS = {"quarterly": "Quarterly report (the newsletter)", "executive": "Executive report"}
kind = st.radio(
    "Report",
    list(KINDS),
    key="report_kind",
    format_func=KINDS.__getitem__,
    horizontal=True,
    help="Quarterly: every section of the newsletter, in its order. Executive: what needs attention first "
    "(Red and Amber KPIs, revisions since sign-off, the commentary), then the trends.",
)

publish = st.toggle(
    "Publication mode",
    key="publish",
    help=(
        "For anything published. Activity (training, the action plan, the audits' samples) is shown in full. "
        "Case figures (notifications, rapid reviews, LCSPRs, the grades of audited cases) are shown for the "
        f"partnership as a whole only, never split by nature, outcome or locality, with counts from 1 to "
        f"{cfg.suppression_threshold} shown as c (and secondary suppression so totals cannot reveal them); "
        "no case references."
    ),
)
if publish:
    st.success(
        "Publication version: case figures for the partnership as a whole only, small numbers (1 to "
        f"{cfg.suppression_threshold}) suppressed, no case named; activity in full.",
        icon=":material/public:",
    )
else:
    st.warning(
        "Internal version: it names cases and shows small numbers. Do not publish or share it outside the "
        "partnership; switch on Publication mode for that.",
        icon=":material/lock:",
    )

html = cache.report_html(path, version, period, locality, publish, kind)


def file_name(suffix: str) -> str:
    return report.report_filename(filters.period, locality, publish, cfg.partnership_short_name, kind, suffix)


name = file_name(".html")

left, word, middle, right = st.columns(4)
with left:
    st.download_button(
        "Download the report (HTML)",
        html.encode("utf-8"),
        file_name=name,
        mime="text/html",
        key="download_report_html",
        icon=":material/download:",
        type="primary",
        help="One file that opens offline in any browser; print it from there (A4).",
    )
with word:
    st.download_button(
        "Download as Word (.docx)",
        lambda: cache.report_docx_bytes(path, version, period, locality, publish, kind),
        file_name=file_name(".docx"),
        mime=DOCX,
        key="download_report_docx",
        icon=":material/article:",
        help="The same report as a Word document, to edit before sending it.",
    )
with middle:
    pack_key = ("pack", version, period, publish)
    if st.session_state.get("prepared_pack", (None,))[0] != pack_key and st.button(
        "Make the KPI pack (Excel)",
        key="make_kpi_pack",
        icon=":material/table_view:",
        help="A scorecard sheet, a sheet per area and the definitions, formatted for Excel.",
    ):
        stages = components.Stages("Making the KPI pack")
        stages("Computing the KPIs and writing the scorecard, area and definition sheets", 0.1)
        st.session_state.prepared_pack = (pack_key, cache.kpi_pack(path, version, period, publish))
        stages.done("The KPI pack is ready")
    if st.session_state.get("prepared_pack", (None,))[0] == pack_key:
        st.download_button(
            "Download the KPI pack (Excel)",
            st.session_state.prepared_pack[1],
            file_name=pack.pack_file_name(filters.period, cfg, publish),
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="download_kpi_pack",
            icon=":material/download:",
            help="A scorecard sheet, a sheet per area and the definitions, formatted for Excel.",
        )
with right:
    pdf_key = ("pdf", version, period, locality, publish, kind)
    if not chromium_available():
        st.caption("PDF: open the HTML report in a browser and print it (Chromium is not installed here).")
    elif st.session_state.get("prepared_pdf", (None,))[0] != pdf_key and st.button(
        "Make the PDF",
        key="make_report_pdf",
        icon=":material/picture_as_pdf:",
        help="The same report printed to A4 by headless Chromium (a few seconds).",
    ):
        stages = components.Stages("Making the PDF")
        stages("Writing the report", 0.0)
        cache.report_html(path, version, period, locality, publish, kind)
        stages("Printing it to A4 with Chromium", 0.3)
        try:
            made = cache.report_pdf_bytes(path, version, period, locality, publish, kind)
        except ReportError as exc:
            stages.failed("The PDF could not be made")
            st.error(f"{exc} Open the HTML report in a browser and print it instead.")
        else:
            st.session_state.prepared_pdf = (pdf_key, made)
            stages.done("The PDF is ready")
    if st.session_state.get("prepared_pdf", (None,))[0] == pdf_key:
        st.download_button(
            "Download as PDF",
            st.session_state.prepared_pdf[1],
            file_name=file_name(".pdf"),
            mime="application/pdf",
            key="download_report_pdf",
            icon=":material/download:",
            help="The same report printed to A4 by headless Chromium.",
        )

st.header("Preview")
st.caption("The report as it will print, A4 width; scroll inside the frame.")
st.iframe(html, height=900)
