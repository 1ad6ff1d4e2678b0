"""The KPIs: the catalogue (queries/kpi/*.sql and their headers) and its runner, RAG, targets, drill-downs, the scorecard, headlines and the audit log of uploads and target changes."""
