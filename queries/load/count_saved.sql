SELECT count(*) FROM {undo_table} WHERE undo_upload_id = $upload_id
