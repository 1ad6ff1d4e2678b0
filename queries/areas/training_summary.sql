-- The training headline figures of one period and locality, on the same rules as TR01-TR06: rates and
-- confidence count delivered sessions only; fill rate leaves out sessions with places offered blank,
-- did-not-attend rate those with did-not-attend blank, confidence those without both averages. E-learning
-- rows are completions by course and month, not sessions: counted on their own (elearning_completions).
-- $locality NULL = every row (Teeswide included once); a named locality = its own rows only.
WITH sessions AS (
    SELECT
        *,
        status = 'Delivered' AND delivery_mode <> 'E-learning' AS delivered,
        status = 'Delivered' AND delivery_mode = 'E-learning' AS elearning,
        status = 'Delivered'
            AND pre_confidence_avg IS NOT NULL
            AND post_confidence_avg IS NOT NULL AS rated
    FROM training_sessions
    WHERE session_date::DATE BETWEEN $period_start AND $period_end
      AND in_locality(locality, $locality::VARCHAR)
)
SELECT
    count(*) FILTER (WHERE delivered) AS delivered,
    coalesce(sum(attended) FILTER (WHERE elearning), 0)::BIGINT AS elearning_completions,
    count(*) FILTER (WHERE status = 'Cancelled') AS cancelled,
    coalesce(sum(places_booked) FILTER (WHERE delivered AND places_offered IS NOT NULL), 0)::BIGINT AS fill_booked,
    coalesce(sum(places_offered) FILTER (WHERE delivered AND places_offered IS NOT NULL), 0)::BIGINT AS fill_offered,
    coalesce(sum(attended) FILTER (WHERE delivered), 0)::BIGINT AS attended,
    coalesce(sum(places_booked) FILTER (WHERE delivered), 0)::BIGINT AS booked,
    coalesce(sum(did_not_attend) FILTER (WHERE delivered AND did_not_attend IS NOT NULL), 0)::BIGINT AS did_not_attend,
    coalesce(sum(places_booked) FILTER (WHERE delivered AND did_not_attend IS NOT NULL), 0)::BIGINT AS dna_booked,
    count(*) FILTER (WHERE rated) AS rated_sessions,
    avg(pre_confidence_avg) FILTER (WHERE rated) AS pre_confidence,
    avg(post_confidence_avg) FILTER (WHERE rated) AS post_confidence
FROM sessions
