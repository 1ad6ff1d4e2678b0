-- The partnership's updates for one quarter, in the report's order: by section ($sections, in order), then
-- priority, event date and title. $locality NULL: every row; a locality: its own rows and the area-wide ones
-- ($area_wide). Who wrote each row and when come from the upload (or edit in the dashboard) that wrote it.
SELECT p.update_id, p.quarter, p.section, p.title, p.priority, p."update", p.status, p.event_date, p.link,
       p.locality, p.upload_id, u.uploaded_at AS written_at, u.uploaded_by AS written_by
FROM partnership_updates AS p
LEFT JOIN uploads AS u USING (upload_id)
WHERE p.quarter = $quarter
  AND ($locality IS NULL OR p.locality = $locality OR p.locality = $area_wide)
ORDER BY coalesce(list_position($sections, p.section), 99), p.priority NULLS LAST, p.event_date NULLS LAST,
         p.title, p.update_id;
