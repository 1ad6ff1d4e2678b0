-- The combined learning action plan as at $as_at, for the locality ($locality NULL = every row; Teeswide
-- actions appear under Teeswide and once in the total). Only actions agreed by then (or with the agreed date
-- blank), as AP02. An action is open when it had not been completed by then (no completion date, or one
-- after $as_at), so an action completed later is still open for an earlier date.
--
-- RAG (domain.md): Blue complete; Red open and past its target date (a target of $as_at itself is not yet
-- past, as AP02); Amber open and due within $due_soon_days days, or reported At risk; Green other open
-- actions. The reported status is the latest uploaded, so At risk counts whatever the as-at date.
-- Sorted overdue first (most overdue first), then open actions by target date, then completed ones.
WITH plan AS (
    SELECT
        a.*,
        action_open_on(a.date_agreed, a.completed_date, $as_at::DATE) AS is_open
    FROM action_records AS a
    WHERE action_agreed_by(a.date_agreed, $as_at::DATE)
      AND in_locality(a.locality, $locality::VARCHAR)
),
rated AS (
    SELECT
        p.*,
        CASE
            WHEN NOT p.is_open THEN 'Blue'
            WHEN action_overdue_on(p.target_date, $as_at::DATE) THEN 'Red'
            WHEN date_diff('day', $as_at::DATE, p.target_date) <= $due_soon_days::INTEGER THEN 'Amber'
            WHEN p.status = 'At risk' THEN 'Amber'
            ELSE 'Green'
        END AS rag,
        CASE
            WHEN p.is_open AND action_overdue_on(p.target_date, $as_at::DATE)
                THEN date_diff('day', p.target_date, $as_at::DATE)
        END AS days_overdue
    FROM plan AS p
)
SELECT *
FROM rated
ORDER BY
    CASE rag WHEN 'Red' THEN 0 WHEN 'Blue' THEN 2 ELSE 1 END,
    target_date,
    action_id
