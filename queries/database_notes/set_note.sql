-- Record a note about the database (the first time it is noted is kept).
INSERT INTO database_notes (note, value, noted_at) VALUES ($note, $value, $noted_at) ON CONFLICT DO NOTHING;
