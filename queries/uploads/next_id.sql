SELECT coalesce(max(upload_id), 0) + 1 FROM uploads;
