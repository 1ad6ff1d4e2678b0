-- The quarterly cycle's two datasets (docs/upload-format.md): the partnership's updates for a quarter and the
-- PMF group's commentary on its KPIs. Uploaded like the others, or written in the dashboard (an edit is an
-- upload of one row: dashboard/ingest/edits.py), with their shadow tables for undo as in 001_core.sql.
-- A quarter is stored as its canonical label, e.g. '2023-24 Q3'.

CREATE TABLE partnership_updates (
    update_id  VARCHAR NOT NULL PRIMARY KEY,
    quarter    VARCHAR NOT NULL,
    section    VARCHAR NOT NULL,  -- Work stream, Procedure, Event, Communication, Training programme, Other
    title      VARCHAR NOT NULL,
    priority   VARCHAR,
    "update"   VARCHAR NOT NULL,  -- plain text as written; "update" is a keyword, so always quoted
    status     VARCHAR,           -- On track, At risk, Off track, Complete
    event_date DATE,
    link       VARCHAR,           -- an https:// address only
    locality   VARCHAR NOT NULL,  -- a locality, or the area-wide value (blank in an upload)
    upload_id  INTEGER NOT NULL
);

CREATE TABLE kpi_commentary (
    kpi         VARCHAR NOT NULL,  -- a KPI id of the catalogue, e.g. CR02
    quarter     VARCHAR NOT NULL,
    locality    VARCHAR NOT NULL,  -- a locality, the area-wide value, or 'All localities' (blank in an upload)
    commentary  VARCHAR NOT NULL,
    action      VARCHAR,
    owner       VARCHAR,
    review_date DATE,
    upload_id   INTEGER NOT NULL,
    PRIMARY KEY (kpi, quarter, locality)
);

CREATE TABLE partnership_updates__undo AS
    SELECT NULL::INTEGER AS undo_upload_id, * FROM partnership_updates LIMIT 0;
CREATE TABLE kpi_commentary__undo AS SELECT NULL::INTEGER AS undo_upload_id, * FROM kpi_commentary LIMIT 0;
