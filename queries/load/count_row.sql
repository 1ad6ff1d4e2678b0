-- Whether one row of a dataset is stored: {table} and the key's columns come from the data contract, the
-- key's values are bound parameters ($key_0, $key_1, ...).
SELECT count(*) FROM {table} AS t WHERE {key_params};
