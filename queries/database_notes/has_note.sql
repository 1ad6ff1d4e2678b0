SELECT count(*) > 0 FROM database_notes WHERE note = $note;
