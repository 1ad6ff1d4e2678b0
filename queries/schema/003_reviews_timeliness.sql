-- The reviews dataset as the data contract now has it: the decision to hold an LCSPR (lcspr_decision_date,
-- formerly lcspr_start_date), the Panel's agreed extension and response, the final report and a reason for
-- a delayed publication; the rapid review outcome "No further review" is now "No LCSPR".
-- reviews and reviews__undo are rebuilt with the contract's column order (undo copies rows by position),
-- keeping every stored row. rr_extension_agreed is stored as BOOLEAN NOT NULL DEFAULT false (blank = no).

CREATE TABLE reviews__new (
    review_id                VARCHAR NOT NULL PRIMARY KEY,
    locality                 VARCHAR NOT NULL,
    nature                   VARCHAR NOT NULL,
    harm_type                VARCHAR,
    la_aware_date            DATE,
    notification_date        DATE NOT NULL,
    rr_completed_date        DATE,
    rr_outcome               VARCHAR,
    rr_extension_agreed      BOOLEAN NOT NULL DEFAULT false,
    panel_response           VARCHAR,
    panel_response_date      DATE,
    lcspr_decision_date      DATE,
    learning_event_date      DATE,
    recall_event_date        DATE,
    final_report_date        DATE,
    lcspr_published_date     DATE,
    publication_delay_reason VARCHAR,
    published_name           VARCHAR,
    upload_id                INTEGER NOT NULL
);

INSERT INTO reviews__new (
    review_id, locality, nature, harm_type, la_aware_date, notification_date, rr_completed_date, rr_outcome,
    lcspr_decision_date, learning_event_date, recall_event_date, lcspr_published_date, published_name,
    upload_id
)
SELECT review_id, locality, nature, harm_type, la_aware_date, notification_date, rr_completed_date,
       CASE WHEN rr_outcome = 'No further review' THEN 'No LCSPR' ELSE rr_outcome END,
       lcspr_start_date, learning_event_date, recall_event_date, lcspr_published_date, published_name,
       upload_id
FROM reviews;

CREATE TABLE reviews__undo__new AS SELECT NULL::INTEGER AS undo_upload_id, * FROM reviews__new LIMIT 0;

INSERT INTO reviews__undo__new (
    undo_upload_id, review_id, locality, nature, harm_type, la_aware_date, notification_date,
    rr_completed_date, rr_outcome, rr_extension_agreed, lcspr_decision_date, learning_event_date,
    recall_event_date, lcspr_published_date, published_name, upload_id
)
SELECT undo_upload_id, review_id, locality, nature, harm_type, la_aware_date, notification_date,
       rr_completed_date,
       CASE WHEN rr_outcome = 'No further review' THEN 'No LCSPR' ELSE rr_outcome END,
       false, lcspr_start_date, learning_event_date, recall_event_date, lcspr_published_date,
       published_name, upload_id
FROM reviews__undo;

DROP TABLE reviews;
DROP TABLE reviews__undo;
ALTER TABLE reviews__new RENAME TO reviews;
ALTER TABLE reviews__undo__new RENAME TO reviews__undo;
