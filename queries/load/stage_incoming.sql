-- Stage one dataset's validated rows with exactly the stored table's column types.
-- {table} is a dataset name from dashboard/contract.py, never user input.
CREATE OR REPLACE TEMP TABLE incoming AS SELECT * FROM {table} LIMIT 0;
INSERT INTO incoming BY NAME SELECT * FROM incoming_frame;
