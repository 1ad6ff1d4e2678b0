-- Facts about the database itself, one row per note: e.g. 'sample_data' once the fictional sample
-- workbooks were loaded into it (dashboard.db.is_sample_database), so every output can say so.
CREATE TABLE database_notes (
    note       VARCHAR NOT NULL PRIMARY KEY,
    value      VARCHAR NOT NULL,
    noted_at   TIMESTAMP NOT NULL
);

-- A database made before this table, from the sample workbooks (their uploads are by "sample data").
INSERT INTO database_notes (note, value, noted_at)
SELECT 'sample_data', 'fictional sample data (loaded before this note was kept)', min(uploaded_at)
FROM uploads
WHERE uploaded_by = 'sample data'
HAVING count(*) > 0;
