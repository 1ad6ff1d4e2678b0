-- The schema version and the latest upload in force, for `pmf serve --check`: one row, NULLs when no upload.
SELECT
    (SELECT max(version) FROM schema_versions) AS schema_version,
    u.upload_id,
    u.file_name,
    u.uploaded_at
FROM (SELECT 1) AS one
LEFT JOIN (
    SELECT upload_id, file_name, uploaded_at FROM uploads WHERE undone_at IS NULL ORDER BY upload_id DESC LIMIT 1
) AS u ON true
