"""What users see (issue 14) in AppTest: the overview's trend charts, tables in words with dates as dates, the
scorecard shown whole, the phone's cards with escaped text, progress by stage, and the docs from the app."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pandas as pd
import pytest

from dashboard.app import scorecard_cards, tables
from dashboard.core.periods import in_time_order
from tests.helpers.apptest import all_text, frame, open_app

#: What no table a person reads may show: a code name as a header, or a machine's blank or midnight.
CODE_NAME = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")
MACHINE_TEXT = ("00:00:00", "None", "nan", "NaT", "<NA>")


def _charts(at: Any) -> list[dict[str, Any]]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _trend_panels(at: Any) -> list[dict[str, Any]]:
    """The overview's trend panels (every chart on the overview is one)."""
    return _charts(at)


def _assert_readable(table: pd.DataFrame) -> None:
    for header in table.columns:
        assert not CODE_NAME.match(str(header)), f"code name as a header: {header}"
    for column in table.columns:
        for value in table[column]:
            if isinstance(value, str):
                for machine in MACHINE_TEXT:
                    assert machine not in value, f"{machine!r} in {column}: {value!r}"
            else:
                assert not pd.isna(value), f"a blank shown as {value!r} in {column}"


# --- The overview's trend charts -------------------------------------------------------------------------


def test_overview_shows_trend_charts_of_the_kpis_that_matter_red_first(app) -> None:
    at = open_app(app)
    assert "Trends" in [h.value for h in at.header]
    panels = _trend_panels(at)
    titles = [p["layout"]["title"]["text"] for p in panels]
    assert len(panels) == 6
    # 2023-24 Q3 on the sample: TR04 (did not attend) is the Red KPI; it leads, before the Amber and Green.
    card = frame(at, "RAG").set_index("KPI")
    assert titles[0].startswith("TR04 ")
    rags = [card.loc[t.split()[0], "RAG"] for t in titles]
    order = [("Red" in r, "Amber" in r, "Green" in r) for r in rags]
    assert order == sorted(order, reverse=True)
    for panel in panels:
        # Quarters are a time axis: oldest first, every trace on the same ordered quarters.
        for trace in panel["data"]:
            assert trace["x"] == in_time_order(trace["x"])
            assert trace["x"][0] == "2021-22 Q1" and trace["x"][-1] == "2024-25 Q4"
        assert [t["name"] for t in panel["data"]] == ["All localities"]
        # Its target as a dashed line, said in words on the chart.
        assert any(s.get("line", {}).get("dash") == "dash" for s in panel["layout"].get("shapes", []))
        assert any(a["text"].startswith("Target ") for a in panel["layout"].get("annotations", []))
        # Readable on a projector: large type; the legend at the foot, below the quarters.
        assert panel["layout"]["font"]["size"] >= 14
        legend = panel["layout"]["legend"]
        assert (legend["yref"], legend["yanchor"], legend["y"]) == ("container", "bottom", 0)


def test_compare_mode_draws_hartlepool_beside_stockton_in_every_panel(app) -> None:
    app.query_params["compare"] = "1"
    at = open_app(app)
    panels = _trend_panels(at)
    assert panels
    for panel in panels:
        names = [t["name"] for t in panel["data"]]
        assert names[0] == "All localities"
        assert {"Hartlepool", "Stockton-on-Tees"} <= set(names)
    assert "every locality beside All localities" in all_text(at)


def test_a_named_locality_without_compare_draws_it_beside_all_localities(app) -> None:
    at = open_app(app, locality="Hartlepool")
    panels = _trend_panels(at)
    assert panels
    for panel in panels:
        assert [t["name"] for t in panel["data"]] == ["All localities", "Hartlepool"]


# --- Tables in words --------------------------------------------------------------------------------------


def test_records_behind_a_kpi_have_words_for_headers_and_dates_as_dates(app) -> None:
    app.query_params["kpi"] = "CR02"
    at = open_app(app)
    at.switch_page("app_pages/kpi_detail.py").run()
    assert not at.exception
    records = frame(at, "Counts as")
    _assert_readable(records)
    assert {"Review", "Rapid review completed", "Counts as"} <= set(records.columns)
    assert "review_id" not in records.columns and "rr_completed_date" not in records.columns
    completed = dict(zip(records["Review"], records["Rapid review completed"], strict=True))
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}", completed["RV"]), completed
    history = frame(at, "All localities: value")
    _assert_readable(history)
    quarters = list(history["Quarter"])
    assert quarters == in_time_order(quarters) and quarters[0] == "2021-22 Q1"
    assert "Counts as says how each one counts" in all_text(at)


def test_upload_history_in_words_with_blanks_as_a_dash(app) -> None:
    at = open_app(app)
    at.switch_page("app_pages/upload.py").run()
    assert not at.exception
    history = frame(at, "Undone by")
    _assert_readable(history)
    assert {"Upload", "When", "Who", "File", "Kind", "Dataset replaced", "Rows added"} <= set(history.columns)
    first = history[history["Upload"] == 1].iloc[0]
    assert first["Undone"] == "–" and first["Undone by"] == "–" and first["Dataset replaced"] == "–"
    assert first["Who"] == "sample data"
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}( \d\d:\d\d)?", first["When"]), first["When"]


def test_the_upload_history_csv_has_the_same_words_and_numbers_as_numbers(app, monkeypatch) -> None:
    downloads: dict[str, Any] = {}
    original = __import__("streamlit").download_button

    def record(label: str, data: Any, *args: Any, **kwargs: Any) -> Any:
        downloads[kwargs.get("key")] = data
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr("streamlit.download_button", record)
    at = open_app(app)
    at.switch_page("app_pages/upload.py").run()
    assert not at.exception
    made = downloads["download_history"]
    table = pd.read_csv(io.BytesIO(made() if callable(made) else made), encoding="utf-8-sig")
    assert list(table.columns[:4]) == ["Upload", "When", "Who", "File"]
    assert "upload_id" not in table.columns and "file_hash" not in table.columns
    assert pd.api.types.is_integer_dtype(table["Upload"]) and pd.api.types.is_integer_dtype(
        table["Rows added"]
    )
    assert not table["When"].astype(str).str.contains("00:00:00").any()


def test_audit_log_and_catalogue_read_in_words(app) -> None:
    at = open_app(app)
    at.switch_page("app_pages/audit_log.py").run()
    assert not at.exception
    log = frame(at, "What")
    _assert_readable(log)
    assert list(log.columns) == ["When", "Who", "Action", "What"]
    at.switch_page("app_pages/catalogue.py").run()
    catalogue = frame(at, "Amber within")
    _assert_readable(catalogue)


# --- The scorecard whole, and as cards on a phone -----------------------------------------------------------


@pytest.fixture
def shown_tables(monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, Any]]:
    """Every st.dataframe's key -> the arguments the page gave it (AppTest does not expose the height)."""
    import streamlit

    seen: dict[str, dict[str, Any]] = {}
    original = streamlit.dataframe

    def record(data: Any = None, *args: Any, **kwargs: Any) -> Any:
        seen[str(kwargs.get("key"))] = {"rows": len(getattr(data, "data", data)), **kwargs}
        return original(data, *args, **kwargs)

    monkeypatch.setattr(streamlit, "dataframe", record)
    return seen


def test_the_scorecard_is_shown_whole_not_in_a_scroll_box(app, shown_tables) -> None:
    at = open_app(app)
    scorecard = shown_tables["scorecard"]
    assert scorecard["rows"] == 19
    assert scorecard["height"] >= (19 + 1) * tables.ROW_HEIGHT  # a header and 19 rows of 35 px: no scrolling
    # Figures written as text ("90.6%", "2 of 2", "+0.9 pts") align right like numbers; words stay left.
    config = scorecard["column_config"]
    for header in ("Value", "Target", "Numerator / denominator", "Change on a year before"):
        assert config[header]["alignment"] == "right", header
    assert "Area" not in config and "RAG" not in config
    at.sidebar.toggle(key="compare").set_value(True).run()
    comparison = shown_tables["comparison"]
    assert comparison["rows"] == 19 and comparison["height"] >= 20 * tables.ROW_HEIGHT


def test_numbers_are_right_aligned_in_the_upload_history(app, shown_tables) -> None:
    at = open_app(app)
    at.switch_page("app_pages/upload.py").run()
    config = shown_tables["history"]["column_config"]
    for header in ("Upload", "Rows added", "Rows replaced", "Rows removed", "Rows unchanged"):
        assert config[header]["alignment"] == "right", header
    assert "File" not in config  # text stays left


def test_each_kpi_is_a_card_for_a_phone_with_value_rag_and_change(app) -> None:
    at = open_app(app)
    styles = [m.value for m in at.markdown if "@media" in m.value]
    assert styles, "no CSS switching the table and the cards"
    assert ".st-key-scorecard_wide { display: none; }" in styles[0]
    assert ".st-key-scorecard_cards { display: none; }" in styles[0]
    cards = next(m.value for m in at.markdown if 'class="kpi-cards"' in m.value)
    table = frame(at, "RAG")
    assert cards.count('class="kpi-card"') == len(table) == 19
    tr04 = table[table["KPI"] == "TR04"].iloc[0]
    card = cards.split('<div class="kpi-card">')[list(table["KPI"]).index("TR04") + 1]
    assert "TR04 Did-not-attend rate" in card
    assert f'<span class="kpi-card-value">{tr04["Value"]}</span>' in card
    assert f"RAG {tr04['RAG']}" in card and "Red" in card
    assert f"Change on a year before: {tr04['Change on a year before']}" in card


def test_a_card_escapes_every_value() -> None:
    row = pd.Series(
        {
            "KPI": "XX01",
            "Title": "<script>alert(1)</script> & co",
            "Value": '15, signed off 3 Dec 2026; now <b>16</b>"',
            "RAG": "✖ Red",
            "Target": "10%",
            "Change on a year before": "+2 <img src=x>",
            "Commentary": "✎ Yes",
        }
    )
    html = scorecard_cards.card_html(row)
    assert "<script>" not in html and "<b>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert "now &lt;b&gt;16&lt;/b&gt;&quot;" in html
    assert "+2 &lt;img src=x&gt;" in html


# --- Progress by stage, and the docs ------------------------------------------------------------------------


def test_checking_and_loading_an_upload_name_their_stages(app) -> None:
    from tests.test_app_upload import GOOD, XLSX  # a good workbook of two training sessions

    at = open_app(app)
    at.switch_page("app_pages/upload.py").run()
    at.file_uploader(key="upload").upload("more-training.xlsx", GOOD, XLSX).run()
    assert not at.exception
    stages = [m.value for m in at.markdown]
    assert "Reading and checking more-training.xlsx" in stages
    assert "Comparing 2 rows with what is stored" in stages
    at.button(key="confirm").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Loaded more-training.xlsx as upload 6.")


def test_upload_and_catalogue_pages_carry_the_guides(app) -> None:
    at = open_app(app)
    at.switch_page("app_pages/upload.py").run()
    labels = [e.label for e in at.expander]
    assert "What a file must hold (the upload format)" in labels
    text = all_text(at)
    assert "docs/upload-format.md" in text and "### The upload format" in text
    assert "../" + "shared" not in text  # (split: this file must not name the outside folder either)
    at.switch_page("app_pages/catalogue.py").run()
    assert "The KPI definitions as a document (docs/kpis.md)" in [e.label for e in at.expander]
    assert "### The KPI definitions" in all_text(at)


def test_a_card_without_a_target_says_so_beside_its_rag() -> None:
    count = {"KPI": "TR01", "Title": "Training sessions delivered", "Value": "15", "RAG": "–"}
    html = scorecard_cards.card_html(pd.Series({**count, "Target": "no target"}))
    assert "RAG – (no target)" in html and "kpi-card-target" not in html
    few = {"KPI": "CR02", "Title": "Rapid reviews on time", "Value": "2 of 2", "RAG": "–", "Target": "100.0%"}
    rated = scorecard_cards.card_html(pd.Series(few))
    assert "RAG –</span>" in rated and "Target 100.0%" in rated and ">2 of 2</span>" in rated


def test_the_areas_tables_show_blanks_as_a_dash_and_dates_as_dates(app) -> None:
    at = open_app(app)
    at.switch_page("app_pages/training.py").run()
    assert not at.exception
    sessions = frame(at, "Theme")
    _assert_readable(sessions)
    assert all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}", d) for d in sessions["Date"])
    cancelled = sessions[sessions["Status"] == "Cancelled"]
    assert not cancelled.empty and set(cancelled["Pre"]) == {"–"}  # no confidence for a session not held
    at.switch_page("app_pages/audits.py").run()
    assert not at.exception
    _assert_readable(frame(at, "Cases"))
