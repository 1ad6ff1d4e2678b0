"""The area pages' figures: training, audits, case reviews and the action plan, queried and shaped for the pages and the report."""
