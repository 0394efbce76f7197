-- Quarantined rows with their reasons; $source and $table_name keep one source
-- table (NULL keeps all).
SELECT source, table_name, file, row_number, column_name, raw_value, reason, record
FROM quarantine
WHERE ($source::VARCHAR IS NULL OR source = $source)
    AND ($table_name::VARCHAR IS NULL OR table_name = $table_name)
ORDER BY source, table_name, file, row_number, column_name
