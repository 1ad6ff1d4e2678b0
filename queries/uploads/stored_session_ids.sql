SELECT session_id FROM training_sessions;
