-- Rules that several queries share, written once: the KPI files (queries/kpi/<ID>.sql), their drill-downs
-- (queries/kpi/<ID>.records.sql), the area queries (queries/areas/) and, through review_timescales, the
-- Python that words sentences. Scalar macros are expanded where they are used, so they cost nothing at run
-- time; a record set shared by a KPI and its drill-down is a view.

-- Working days leave out Saturdays, Sundays and England and Wales bank holidays (the calendar table, whose
-- working_day_index counts working days up to and including the day): working_days(a, b) is the number of
-- working days from a to b, and working_day_after(a, n) the nth working day after a. A blank date gives NULL.
CREATE OR REPLACE MACRO working_days(a, b) AS
    (SELECT cb.working_day_index FROM calendar AS cb WHERE cb.day = b)
    - (SELECT ca.working_day_index FROM calendar AS ca WHERE ca.day = a);

CREATE OR REPLACE MACRO working_day_after(a, n) AS (
    SELECT cd.day
    FROM calendar AS ca
    JOIN calendar AS cd
        ON cd.is_working_day AND cd.working_day_index = ca.working_day_index + n
    WHERE ca.day = a
);

-- A row of the locality asked for: NULL asks for every row (all localities together); otherwise that
-- locality's own rows, Teeswide being a locality of its own.
CREATE OR REPLACE MACRO in_locality(row_locality, wanted) AS (wanted IS NULL OR row_locality = wanted);

-- Training: a session counts when it was delivered (not cancelled); e-learning rows are completions by course
-- and month, not sessions, and are left out of session counts and attendance.
CREATE OR REPLACE VIEW delivered_sessions AS
SELECT *
FROM training_sessions
WHERE status = 'Delivered';

CREATE OR REPLACE MACRO is_taught_session(delivery_mode) AS delivery_mode <> 'E-learning';

-- Audits: a case is graded when its overall grade is one of the four; Outstanding and Good are good or better.
CREATE OR REPLACE VIEW graded_audits AS
SELECT *
FROM audits
WHERE overall_grade IN ('Outstanding', 'Good', 'Requires improvement', 'Inadequate');

CREATE OR REPLACE MACRO is_good_or_better(grade) AS grade IN ('Outstanding', 'Good');

-- The action plan as at a day: an action is in the plan when it had been agreed by then (or its agreed date is
-- blank); it is open when, in addition, it had not been completed by then (no completion date, or a later
-- one), so an action completed later is still open for earlier days; it is overdue when open and its target
-- date is before that day (an action due on the day itself is not yet overdue).
CREATE OR REPLACE MACRO action_agreed_by(date_agreed, as_at) AS (date_agreed IS NULL OR date_agreed <= as_at);

CREATE OR REPLACE MACRO action_open_on(date_agreed, completed_date, as_at) AS
    action_agreed_by(date_agreed, as_at) AND (completed_date IS NULL OR completed_date > as_at);

CREATE OR REPLACE MACRO action_overdue_on(target_date, as_at) AS target_date < as_at;
