-- Targets and tolerances set by the PMF group in the app; they override a KPI file's header defaults.
-- Every change is kept, so the latest row per KPI is in force and the history says who changed what, when.
CREATE TABLE kpi_target_changes (
    change_id  INTEGER NOT NULL PRIMARY KEY,
    kpi        VARCHAR NOT NULL,
    target     DOUBLE,
    tolerance  VARCHAR,
    changed_at TIMESTAMP NOT NULL,
    changed_by VARCHAR NOT NULL,
    reason     VARCHAR
);
