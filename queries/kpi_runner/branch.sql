-- One KPI file's query as a branch of the catalogue's single UNION ALL statement ({ordinal}: the KPI's
-- position, an integer; {kpi_sql}: the text of a queries/kpi/<ID>.sql file). row_ordinal keeps its row order.
(SELECT {ordinal} AS kpi_ordinal, row_number() OVER () AS row_ordinal, * FROM (
{kpi_sql}
))
