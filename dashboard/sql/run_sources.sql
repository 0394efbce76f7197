-- Rows read, loaded and quarantined per source and table in run $run_id.
SELECT source, table_name, file, sha256, rows_read, rows_loaded, rows_quarantined
FROM etl_run_sources
WHERE run_id = $run_id
ORDER BY table_name, source, file
