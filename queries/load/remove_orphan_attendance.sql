-- Replacing training_sessions removes the attendance of the sessions it removed, keeping it for undo.
INSERT INTO training_attendance__undo
SELECT $upload_id, a.*
FROM training_attendance AS a
WHERE NOT EXISTS (SELECT 1 FROM training_sessions AS s WHERE s.session_id = a.session_id);
DELETE FROM training_attendance AS a
WHERE NOT EXISTS (SELECT 1 FROM training_sessions AS s WHERE s.session_id = a.session_id);
