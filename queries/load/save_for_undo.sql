-- Keep the stored rows this upload overwrites (and, in replace mode, removes) so that undo can restore them.
INSERT INTO {undo_table}
SELECT $upload_id, t.*
FROM {table} AS t
WHERE EXISTS (SELECT 1 FROM incoming_change AS i WHERE {key_match} AND i.change = 'replaced')
   OR ($replace_all AND NOT EXISTS (SELECT 1 FROM incoming AS i WHERE {key_match}));
