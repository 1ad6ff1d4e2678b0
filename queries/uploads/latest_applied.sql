SELECT upload_id, file_name, uploaded_at FROM uploads WHERE undone_at IS NULL ORDER BY upload_id DESC LIMIT 1;
