-- Remove one row of a dataset (removed in the dashboard), keeping it for undo as an upload keeps what it
-- overwrites. {table}, {undo_table} and the key's columns come from the data contract; the key's values are
-- bound parameters ($key_0, $key_1, ...).
INSERT INTO {undo_table}
SELECT $upload_id, t.*
FROM {table} AS t
WHERE {key_params};
DELETE FROM {table} AS t
WHERE {key_params};
