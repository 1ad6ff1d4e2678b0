-- The data version: changes whenever an upload, an edit, an undo, a target change, a sign-off or a reopen is
-- applied. Cached results (the app's caches) are keyed on it.
SELECT coalesce(max(upload_id), 0) AS last_upload,
       count(undone_at) AS undone,
       (SELECT coalesce(max(change_id), 0) FROM kpi_target_changes) AS target_changes,
       (SELECT count(*) + count(reopened_at) FROM kpi_snapshots WHERE kind = 'signoff') AS signoffs
FROM uploads
