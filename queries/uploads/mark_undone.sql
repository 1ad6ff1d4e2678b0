UPDATE uploads SET undone_at = $undone_at, undone_by = $undone_by WHERE upload_id = $upload_id;
