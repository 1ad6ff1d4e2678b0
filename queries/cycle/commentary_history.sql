-- One KPI's commentary for one locality: the wording in force for every quarter, and each earlier wording
-- that a later upload or edit replaced (or a removal took away), kept in kpi_commentary__undo for undo.
-- Newest quarter first, then newest wording first; replaced_at / replaced_by say when and by whom a wording
-- stopped being the current one (NULL for the current one).
WITH wordings AS (
    SELECT c.*, NULL::INTEGER AS replaced_by_upload, TRUE AS current
    FROM kpi_commentary AS c
    WHERE c.kpi = $kpi AND c.locality = $locality
    UNION ALL
    SELECT h.* EXCLUDE (undo_upload_id), h.undo_upload_id AS replaced_by_upload, FALSE AS current
    FROM kpi_commentary__undo AS h
    WHERE h.kpi = $kpi AND h.locality = $locality
)
SELECT w.kpi, w.quarter, w.locality, w.commentary, w.action, w.owner, w.review_date,
       u.uploaded_at AS written_at, u.uploaded_by AS written_by,
       r.uploaded_at AS replaced_at, r.uploaded_by AS replaced_by, w.current
FROM wordings AS w
LEFT JOIN uploads AS u ON u.upload_id = w.upload_id
LEFT JOIN uploads AS r ON r.upload_id = w.replaced_by_upload
ORDER BY w.quarter DESC, w.current DESC, u.uploaded_at DESC NULLS LAST, w.upload_id DESC;
