-- KPI results ready when an upload ends (dashboard.kpis.results): snapshots of kind 'results', one per period
-- held (every quarter, every financial year, the 12 months to each quarter, and the year before each), all
-- computed together for one results key: the uploads in force that changed KPI data, the schema, the day,
-- the KPI queries and the configured localities and agencies. Their rows are the KPI queries' own rows (no
-- target, no RAG: those are applied when the rows are read, so a target edit re-rates without recomputing),
-- in the order the queries returned them (position). Only the results of the latest key are kept.
ALTER TABLE kpi_snapshots ADD COLUMN results_key VARCHAR;
ALTER TABLE kpi_snapshot_rows ADD COLUMN position INTEGER;
