"""What the tests share: example rows and workbooks (workbooks), running pmf as a user would (pmf_cli),
AppTest helpers (apptest) and the hand-made KPI fixture (kpi_fixtures)."""
