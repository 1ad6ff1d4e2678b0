-- Facts about the database itself, one row per note: e.g. 'sample_data' once the fictional sample
-- workbooks were loaded into it (dashboard.db.is_sample_database), so every output can say so.
CREATE TABLE database_notes (
    note       VARCHAR NOT NULL PRIMARY KEY,
    value      VARCHAR NOT NULL,
    noted_at   TIMESTAMP NOT NULL
);
