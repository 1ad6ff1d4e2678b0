"""The executive's pages in AppTest: overview scorecard, filters in the URL, KPI detail with drill-down."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.helpers.apptest import all_text, frame, metric, open_app


def _count(db: Path, sql: str, params: dict[str, object]) -> int:
    con = duckdb.connect(str(db))  # same configuration as the app's open connection
    try:
        return int(con.execute(sql, params).fetchall()[0][0])
    finally:
        con.close()


def test_overview_shows_the_newsletter_quarter(app) -> None:
    at = open_app(app)
    assert metric(at, "Training sessions") == "15"
    assert metric(at, "Notifications") == "1"
    assert metric(at, "Cases audited") == "6"
    text = all_text(at)
    assert "15 training sessions delivered this quarter (5 face to face, 10 virtual)." in text
    # The notifications and the rapid reviews due are different cases: two sentences, not one.
    assert "1 serious incident notification this quarter." in text
    assert (
        "2 of the 2 rapid reviews whose deadline fell this quarter were sent within 15 working days." in text
    )
    card = frame(at, "RAG")
    assert len(card) == 19
    tr01 = card[card["KPI"] == "TR01"].iloc[0]
    assert tr01["Value"] == "15" and tr01["Target"] == "no target"
    # Two reviews: below the minimum denominator, "n of N", no RAG, no change; and over 12 months.
    cr02 = card[card["KPI"] == "CR02"].iloc[0]
    assert cr02["Value"] == "2 of 2" and cr02["RAG"] == "–" and cr02["Numerator / denominator"] == "2 / 2"
    assert cr02["Change on a year before"] == "–"
    assert " of " in cr02["12 months to the period's end"] or "%" in cr02["12 months to the period's end"]
    assert card[card["KPI"] == "TR02"].iloc[0]["12 months to the period's end"] == "–"  # case reviews only
    ap03 = card[card["KPI"] == "AP03"].iloc[0]
    assert ap03["Numerator / denominator"] == "n = 2"  # never "31 / 2"
    assert len(tr01["Trend"]) == 16  # every quarter 2021-22 Q1 .. 2024-25 Q4


def test_locality_changes_the_numbers_to_that_localitys(app, sample_db) -> None:
    at = open_app(app, locality="Hartlepool")
    expected = _count(
        sample_db,
        "SELECT count(*) FROM training_sessions WHERE status = 'Delivered' AND locality = 'Hartlepool' "
        "AND session_date BETWEEN DATE '2023-10-01' AND DATE '2023-12-31'",
        {},
    )
    assert expected != 15
    assert metric(at, "Training sessions") == str(expected)
    assert metric(at, "Cases audited") == "3"
    assert at.query_params["loc"] == "Hartlepool"


def test_filters_are_mirrored_in_the_url_and_read_from_it(app) -> None:
    app.query_params["fy"] = "2022-23"
    app.query_params["q"] = "year"
    app.query_params["loc"] = "stockton"  # a synonym in a shared link
    app.query_params["compare"] = "1"
    at = app.run()
    assert not at.exception
    assert at.sidebar.selectbox(key="fy").value == "2022-23"
    assert at.sidebar.selectbox(key="quarter").value == "Whole year"
    assert at.sidebar.selectbox(key="locality").value == "Stockton-on-Tees"
    assert at.sidebar.toggle(key="compare").value is True
    table = frame(at, "Hartlepool RAG")
    assert {"Hartlepool", "Stockton-on-Tees", "Teeswide"} <= set(table.columns)
    assert at.query_params["q"] == "year"


def test_whole_year_adds_up_the_quarters(app, sample_db) -> None:
    at = open_app(app, quarter="Whole year")
    expected = _count(
        sample_db,
        "SELECT count(*) FROM training_sessions WHERE status = 'Delivered' "
        "AND session_date BETWEEN DATE '2023-04-01' AND DATE '2024-03-31'",
        {},
    )
    assert metric(at, "Training sessions") == str(expected)
    assert "delivered this year" in all_text(at)


def test_empty_period_says_no_data(app, sample_db) -> None:
    con = duckdb.connect(str(sample_db))
    con.execute("DELETE FROM training_sessions WHERE session_date >= DATE '2024-04-01'")
    for table, column in (
        ("audits", "audit_date"),
        ("reviews", "notification_date"),
        ("actions", "date_agreed"),
    ):
        con.execute(f"DELETE FROM {table} WHERE {column} >= DATE '2024-04-01'")
    con.execute(
        "DELETE FROM reviews WHERE rr_completed_date >= DATE '2024-04-01' OR lcspr_published_date >= DATE '2024-04-01'"
    )
    # Deadlines that fall in 2024-25 Q1 belong to it (a rapid review notified in March, an LCSPR decided in
    # the autumn): those reviews go too.
    con.execute(
        "DELETE FROM reviews WHERE notification_date >= DATE '2024-03-01' OR lcspr_decision_date >= DATE '2023-09-01'"
    )
    con.execute("DELETE FROM actions WHERE target_date >= DATE '2024-01-01'")
    con.execute("DELETE FROM actions WHERE completed_date IS NULL OR completed_date >= DATE '2024-04-01'")
    con.execute(
        "INSERT INTO training_sessions SELECT * REPLACE (DATE '2025-03-01' AS session_date, 'late-one' AS session_id) FROM training_sessions LIMIT 1"
    )
    con.close()
    at = open_app(app, fy="2024-25", quarter="Q1")
    assert "No data for this period." in all_text(at)
    assert not at.exception


def test_kpi_detail_shows_definition_history_and_records(app) -> None:
    at = open_app(app)
    at.switch_page("app_pages/kpi_detail.py").run()
    at.selectbox(key="kpi").set_value("CR02").run()
    assert not at.exception
    assert at.title[0].value == "CR02 Rapid reviews on time"
    assert at.query_params["kpi"] == "CR02"
    history = frame(at, "All localities: value")
    row = history[history["Quarter"] == "2023-24 Q3"].iloc[0]
    assert row["All localities: value"] == "2 of 2"  # fewer than 5 reviews: "n of N"
    assert row["All localities: numerator / denominator"] == "2 / 2"
    records = frame(at, "Counts as")
    verdicts = dict(zip(records["Review"], records["Counts as"], strict=True))
    assert verdicts == {"RV": "On time", "KLT": "On time"}  # RV within the extension the Panel agreed
    assert [m.label for m in at.metric][:2] == ["2023-24 Q3", "12 months to the end of 2023-24 Q3"]


def test_kpi_detail_opens_from_a_shared_link(app) -> None:
    app.query_params["fy"] = "2023-24"
    app.query_params["q"] = "Q3"
    app.query_params["kpi"] = "AU01"
    at = app.run()
    at.switch_page("app_pages/kpi_detail.py").run()
    assert at.title[0].value == "AU01 Cases audited"
    records = frame(at, "Counts as")
    assert len(records) == 6


def test_catalogue_lists_every_kpi_and_records_target_changes(app) -> None:
    at = open_app(app)
    at.switch_page("app_pages/catalogue.py").run()
    assert not at.exception
    table = frame(at, "Amber within")
    assert len(table) == 19
    assert table[table["KPI"] == "TR02"].iloc[0]["Target"] == "85.0%"
    at.selectbox(key="target_kpi").set_value("TR02").run()
    at.number_input(key="target_value").set_value(90.0)
    at.text_input(key="target_reason").input("PMF group review, January")
    at.button[0].click()  # the form's submit button
    at.run()
    assert not at.exception
    table = frame(at, "Amber within")
    assert table[table["KPI"] == "TR02"].iloc[0]["Target"] == "90.0%"
    history = frame(at, "When")
    assert history.iloc[0][["KPI", "Target"]].tolist() == ["TR02", "90.0%"]
    assert history.iloc[0]["Reason"] == "PMF group review, January"
    # the overview now judges the fill rate against the new target: 90.6% is still Green, 85% would be too
    at.switch_page("app_pages/overview.py").run()
    card = frame(at, "RAG")
    assert card[card["KPI"] == "TR02"].iloc[0]["Target"] == "90.0%"


def test_every_page_built_from_the_sample_says_it_is_fictional(app) -> None:
    at = open_app(app)
    for page in ("app_pages/overview.py", "app_pages/case_reviews.py", "app_pages/reports.py"):
        at.switch_page(page).run()
        assert not at.exception
        assert "Fictional sample data" in all_text(at), page
