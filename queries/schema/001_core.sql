-- The datasets of the data contract (docs/upload-format.md), the upload log, and the
-- shadow tables that hold what each upload overwrote so that the latest upload can be undone exactly.
-- Every data table carries upload_id: the upload that last wrote the row.

CREATE TABLE training_sessions (
    session_id          VARCHAR NOT NULL PRIMARY KEY,
    session_date        DATE NOT NULL,
    course_title        VARCHAR NOT NULL,
    theme               VARCHAR,
    delivery_mode       VARCHAR NOT NULL,
    locality            VARCHAR NOT NULL,
    status              VARCHAR NOT NULL,
    places_offered      INTEGER,
    places_booked       INTEGER NOT NULL,
    attended            INTEGER NOT NULL,
    did_not_attend      INTEGER,
    pre_confidence_avg  DOUBLE,
    post_confidence_avg DOUBLE,
    upload_id           INTEGER NOT NULL
);

CREATE TABLE training_attendance (
    session_id VARCHAR NOT NULL,
    agency     VARCHAR NOT NULL,
    booked     INTEGER NOT NULL,
    attended   INTEGER NOT NULL,
    upload_id  INTEGER NOT NULL,
    PRIMARY KEY (session_id, agency)
);

CREATE TABLE audits (
    audit_id          VARCHAR NOT NULL,
    audit_title       VARCHAR NOT NULL,
    audit_date        DATE NOT NULL,
    case_ref          VARCHAR NOT NULL,
    locality          VARCHAR NOT NULL,
    lead_agency       VARCHAR,
    age_band          VARCHAR,
    case_level        VARCHAR,
    overall_grade     VARCHAR NOT NULL,
    actions_raised    INTEGER,
    actions_completed INTEGER,
    exec_report_date  DATE,
    upload_id         INTEGER NOT NULL,
    PRIMARY KEY (audit_id, case_ref)
);

CREATE TABLE reviews (
    review_id            VARCHAR NOT NULL PRIMARY KEY,
    locality             VARCHAR NOT NULL,
    nature               VARCHAR NOT NULL,
    harm_type            VARCHAR,
    la_aware_date        DATE,
    notification_date    DATE NOT NULL,
    rr_completed_date    DATE,
    rr_outcome           VARCHAR,
    lcspr_start_date     DATE,
    learning_event_date  DATE,
    recall_event_date    DATE,
    lcspr_published_date DATE,
    published_name       VARCHAR,
    upload_id            INTEGER NOT NULL
);

CREATE TABLE actions (
    action_id      VARCHAR NOT NULL PRIMARY KEY,
    source_type    VARCHAR NOT NULL,
    source_ref     VARCHAR,
    action         VARCHAR NOT NULL,
    lead_agency    VARCHAR NOT NULL,
    locality       VARCHAR NOT NULL,
    date_agreed    DATE,
    target_date    DATE NOT NULL,
    status         VARCHAR NOT NULL,
    completed_date DATE,
    upload_id      INTEGER NOT NULL
);

-- One row per upload that changed something.
CREATE TABLE uploads (
    upload_id        INTEGER NOT NULL PRIMARY KEY,
    uploaded_at      TIMESTAMP NOT NULL,
    uploaded_by      VARCHAR NOT NULL,
    file_name        VARCHAR NOT NULL,
    file_hash        VARCHAR NOT NULL,
    mode             VARCHAR NOT NULL,          -- 'upsert' or 'replace'
    replaced_dataset VARCHAR,                   -- the dataset emptied first, in replace mode
    undone_at        TIMESTAMP,
    undone_by        VARCHAR
);

-- What one upload did to one dataset.
CREATE TABLE upload_datasets (
    upload_id INTEGER NOT NULL,
    dataset   VARCHAR NOT NULL,
    added     INTEGER NOT NULL,
    replaced  INTEGER NOT NULL,
    removed   INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    PRIMARY KEY (upload_id, dataset)
);

-- Rows as they were before the upload undo_upload_id overwrote or removed them.
CREATE TABLE training_sessions__undo AS SELECT NULL::INTEGER AS undo_upload_id, * FROM training_sessions LIMIT 0;
CREATE TABLE training_attendance__undo AS SELECT NULL::INTEGER AS undo_upload_id, * FROM training_attendance LIMIT 0;
CREATE TABLE audits__undo AS SELECT NULL::INTEGER AS undo_upload_id, * FROM audits LIMIT 0;
CREATE TABLE reviews__undo AS SELECT NULL::INTEGER AS undo_upload_id, * FROM reviews LIMIT 0;
CREATE TABLE actions__undo AS SELECT NULL::INTEGER AS undo_upload_id, * FROM actions LIMIT 0;

-- The working-day calendar: working_day_index counts the working days (Monday to Friday, not an England and
-- Wales bank holiday) up to and including day, so wd(a, b) = index(b) - index(a). Filled by dashboard.db.
CREATE TABLE calendar (
    day               DATE NOT NULL PRIMARY KEY,
    is_working_day    BOOLEAN NOT NULL,
    working_day_index INTEGER NOT NULL
);
