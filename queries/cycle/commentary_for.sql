-- The PMF group's commentary for one quarter and one locality ('All localities' for every locality
-- together), with who wrote the stored wording and when (the upload, or the edit in the dashboard, that wrote it).
SELECT c.kpi, c.quarter, c.locality, c.commentary, c.action, c.owner, c.review_date,
       u.uploaded_at AS written_at, u.uploaded_by AS written_by
FROM kpi_commentary AS c
LEFT JOIN uploads AS u USING (upload_id)
WHERE c.quarter = $quarter AND c.locality = $locality
ORDER BY c.kpi;
