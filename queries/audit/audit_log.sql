-- The audit trail, newest first: every upload (or replace), change made in the dashboard (an edit or a
-- removal: an upload of one row), undo, KPI target change, and quarter signed off or reopened, who did it
-- and when, described in plain English. $kpis, $targets and $tolerances (parallel lists) are the targets and
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
edits AS (
    -- What an edit or removal made in the dashboard did to its one row.
    SELECT upload_id,
           CASE WHEN sum(removed) > 0 THEN 'removed'
                WHEN sum(added) > 0 THEN 'added'
                WHEN sum(replaced) > 0 THEN 'changed'
                ELSE 'nothing changed' END AS what
    FROM upload_datasets
    GROUP BY upload_id
),
snapshot_scope AS (
    SELECT snapshot_id,
           count(DISTINCT kpi) AS kpis,
           regexp_replace(
               string_agg(DISTINCT coalesce(locality, ''), ', ' ORDER BY coalesce(locality, '')),
               '^, |^$', 'all localities, '
           ) AS places
    FROM kpi_snapshot_rows
    WHERE snapshot_id IN (SELECT snapshot_id FROM kpi_snapshots WHERE kind = 'signoff')
    GROUP BY snapshot_id
),
signoffs AS (
    SELECT s.snapshot_id, s.period, s.taken_at, s.taken_by, s.reopened_at, s.reopened_by,
           coalesce(c.kpis, 0) AS kpis,
           -- "all localities, Hartlepool, Stockton-on-Tees and Teeswide"
           regexp_replace(rtrim(coalesce(c.places, ''), ', '), ', ([^,]*)$', ' and \1') AS places
    FROM kpi_snapshots AS s
    LEFT JOIN snapshot_scope AS c USING (snapshot_id)
    WHERE s.kind = 'signoff'
),
events AS (
    SELECT u.uploaded_at AS "at", u.uploaded_by AS "user",
           CASE WHEN u.mode IN ('replace', 'edit', 'remove') THEN u.mode ELSE 'upload' END AS action,
           CASE WHEN u.mode IN ('edit', 'remove')
                THEN u.file_name || ' (' || coalesce(e.what, 'nothing changed') || ')'
                ELSE u.file_name
                     || CASE WHEN u.mode = 'replace'
                             THEN ' (replacing the whole ' || u.replaced_dataset || ' dataset)' ELSE '' END
                     || ': ' || coalesce(p.changes, 'nothing changed') END AS detail,
           1 AS kind, u.upload_id AS id
    FROM uploads AS u
    LEFT JOIN per_upload AS p USING (upload_id)
    LEFT JOIN edits AS e USING (upload_id)
    UNION ALL
    SELECT undone_at, undone_by, 'undo',
           'undid ' || CASE mode WHEN 'edit' THEN 'edit ' WHEN 'remove' THEN 'removal ' ELSE 'upload ' END
               || upload_id || ' (' || file_name || ')',
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
    UNION ALL
    SELECT taken_at, taken_by, 'sign off',
           period || ' signed off: ' || kpis || ' KPIs for ' || places,
           4, snapshot_id
    FROM signoffs
    UNION ALL
    SELECT reopened_at, reopened_by, 'reopen',
           period || ' reopened: its sign-off by ' || taken_by || ' on ' || strftime(taken_at, '%-d %b %Y %H:%M')
               || ' is lifted (kept for the record)',
           5, snapshot_id
    FROM signoffs
    WHERE reopened_at IS NOT NULL
)
SELECT "at", "user", action, detail
FROM events
ORDER BY "at" DESC, kind DESC, id DESC
