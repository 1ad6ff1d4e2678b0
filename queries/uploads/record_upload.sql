INSERT INTO uploads (upload_id, uploaded_at, uploaded_by, file_name, file_hash, mode, replaced_dataset)
VALUES ($upload_id, $uploaded_at, $uploaded_by, $file_name, $file_hash, $mode, $replaced_dataset);
