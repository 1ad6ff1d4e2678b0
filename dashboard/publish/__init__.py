"""What leaves the dashboard: the publication rule (suppression), the quarterly report and the KPI pack."""
