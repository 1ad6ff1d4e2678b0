SELECT count(*) FROM {table} WHERE upload_id = $upload_id
