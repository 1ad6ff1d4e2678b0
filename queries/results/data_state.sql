-- What the KPI results depend on in the database: the uploads in force (not undone) that changed a dataset
-- other than the narrative ones ($narrative: commentary and partnership updates, which no KPI reads), the
-- schema versions applied (the review_deadlines view is schema), and today (a review step whose deadline
-- passed today is late from today: queries/schema/014_review_deadlines.sql reads current_date).
SELECT coalesce(
           (SELECT string_agg(u.upload_id::VARCHAR, ',' ORDER BY u.upload_id)
            FROM uploads AS u
            WHERE u.undone_at IS NULL
              AND EXISTS (
                  SELECT 1
                  FROM upload_datasets AS d
                  WHERE d.upload_id = u.upload_id
                    AND NOT list_contains($narrative::VARCHAR[], d.dataset)
              )),
           ''
       ) AS uploads,
       (SELECT string_agg(version::VARCHAR, ',' ORDER BY version) FROM schema_versions) AS schema,
       current_date::VARCHAR AS today
