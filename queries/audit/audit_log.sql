-- The audit trail, newest first: every upload (or replace), undo and KPI target change, who did it and when,
-- described in plain English. $kpis, $targets and $tolerances (parallel lists) are the targets and
-- tolerances in the KPI files' headers, so that a KPI's first change can say what it changed from;
-- $datasets is the data contract's datasets in order, the order an upload's changes are listed in.
WITH
file_defaults AS (
    SELECT unnest($kpis) AS kpi, unnest($targets)::DOUBLE AS target, unnest($tolerances)::VARCHAR AS tolerance
),
per_upload AS (
    SELECT upload_id,
           string_agg(
               dataset || ' ' || added || ' added, ' || replaced || ' replaced'
                   || CASE WHEN removed > 0 THEN ', ' || removed || ' removed' ELSE '' END,
               '; ' ORDER BY coalesce(list_position($datasets, dataset), 99), dataset
           ) AS changes
    FROM upload_datasets
    GROUP BY upload_id
),
target_changes AS (
    SELECT c.change_id, c.kpi, c.changed_at, c.changed_by, c.reason,
           c.target,
           coalesce(c.tolerance, d.tolerance) AS tolerance,
           CASE WHEN row_number() OVER w = 1 THEN d.target ELSE lag(c.target) OVER w END AS target_before,
           CASE WHEN row_number() OVER w = 1 THEN d.tolerance
                ELSE coalesce(lag(c.tolerance) OVER w, d.tolerance) END AS tolerance_before
    FROM kpi_target_changes AS c
    LEFT JOIN file_defaults AS d USING (kpi)
    WINDOW w AS (PARTITION BY c.kpi ORDER BY c.change_id)
),
events AS (
    SELECT u.uploaded_at AS "at", u.uploaded_by AS "user",
           CASE WHEN u.mode = 'replace' THEN 'replace' ELSE 'upload' END AS action,
           u.file_name
               || CASE WHEN u.mode = 'replace'
                       THEN ' (replacing the whole ' || u.replaced_dataset || ' dataset)' ELSE '' END
               || ': ' || coalesce(p.changes, 'nothing changed') AS detail,
           1 AS kind, u.upload_id AS id
    FROM uploads AS u
    LEFT JOIN per_upload AS p USING (upload_id)
    UNION ALL
    SELECT undone_at, undone_by, 'undo',
           'undid upload ' || upload_id || ' (' || file_name || ')',
           2, upload_id
    FROM uploads
    WHERE undone_at IS NOT NULL
    UNION ALL
    SELECT changed_at, changed_by, 'target change',
           kpi || ' target '
               || coalesce(format('{:g}', target_before), 'none') || ' -> ' || coalesce(format('{:g}', target), 'none')
               || CASE WHEN tolerance IS DISTINCT FROM tolerance_before
                       THEN ', tolerance ' || coalesce(tolerance_before, 'default') || ' -> ' || coalesce(tolerance, 'default')
                       ELSE '' END
               || CASE WHEN reason IS NOT NULL THEN ' (' || reason || ')' ELSE '' END,
           3, change_id
    FROM target_changes
)
SELECT "at", "user", action, detail
FROM events
ORDER BY "at" DESC, kind DESC, id DESC
