-- Status values that no status map names, grouped by source, column and raw
-- value; the rows are quarantined until [sources.values.status] maps the value.
SELECT source, table_name, column_name, raw_value, count(*) AS row_count
FROM quarantine
WHERE reason LIKE 'unmapped%'
GROUP BY source, table_name, column_name, raw_value
ORDER BY source, column_name, raw_value
