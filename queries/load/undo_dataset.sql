-- Put one dataset back as it was before upload $upload_id.
DELETE FROM {table} WHERE upload_id = $upload_id;
INSERT INTO {table} SELECT * EXCLUDE (undo_upload_id) FROM {undo_table} WHERE undo_upload_id = $upload_id;
DELETE FROM {undo_table} WHERE undo_upload_id = $upload_id;
