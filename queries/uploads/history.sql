-- The upload log, newest first, with what each upload did per dataset.
SELECT u.upload_id, u.uploaded_at, u.uploaded_by, u.file_name, u.file_hash, u.mode, u.replaced_dataset,
       u.undone_at, u.undone_by,
       d.dataset, d.added, d.replaced, d.removed, d.unchanged
FROM uploads AS u
LEFT JOIN upload_datasets AS d USING (upload_id)
ORDER BY u.upload_id DESC, d.dataset;
