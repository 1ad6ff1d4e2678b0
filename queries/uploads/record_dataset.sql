INSERT INTO upload_datasets (upload_id, dataset, added, replaced, removed, unchanged)
VALUES ($upload_id, $dataset, $added, $replaced, $removed, $unchanged);
