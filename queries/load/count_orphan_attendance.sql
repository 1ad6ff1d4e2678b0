-- Attendance rows whose session is no longer stored (after training_sessions was replaced).
SELECT count(*)
FROM training_attendance AS a
WHERE NOT EXISTS (SELECT 1 FROM training_sessions AS s WHERE s.session_id = a.session_id);
