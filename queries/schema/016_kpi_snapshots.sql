-- Frozen KPI figures. A snapshot is every KPI's rows (every locality, every category) for one period, as
-- they were when it was taken: kind 'signoff' is the PMF group's sign-off of a quarter (dashboard.kpis.signoff),
-- lifted by a reopen (reopened_at, reopened_by) and kept for the record; at most one sign-off of a period
-- is in force (not reopened) at a time. Later kinds (such as 'results') reuse the same two tables.
CREATE TABLE kpi_snapshots (
    snapshot_id INTEGER NOT NULL PRIMARY KEY,
    kind        VARCHAR NOT NULL,
    period      VARCHAR NOT NULL,
    taken_at    TIMESTAMP NOT NULL,
    taken_by    VARCHAR NOT NULL,
    reopened_at TIMESTAMP,
    reopened_by VARCHAR
);

-- The figures of one snapshot: the KPI runner's rows (locality NULL = all localities together, category
-- NULL = the headline row), with the target and RAG status in force when it was taken.
CREATE TABLE kpi_snapshot_rows (
    snapshot_id INTEGER NOT NULL,
    kpi         VARCHAR NOT NULL,
    period      VARCHAR NOT NULL,
    locality    VARCHAR,
    category    VARCHAR,
    numerator   DOUBLE,
    denominator DOUBLE,
    value       DOUBLE,
    target      DOUBLE,
    rag         VARCHAR
);
