-- Remove the rows kept for undo, then write the added and replaced rows.
DELETE FROM {table} AS t
WHERE EXISTS (SELECT 1 FROM {undo_table} AS i WHERE i.undo_upload_id = $upload_id AND {key_match});
INSERT INTO {table} SELECT * EXCLUDE (change) FROM incoming_change WHERE change <> 'unchanged';
