"""From a spreadsheet to the database: the data contract, reading files (with the zip and size guard), cells, validation, loading with undo, the upload workflow, template workbooks and the sample."""
