-- The most recent ETL runs, newest first.
SELECT run_id, started_at, finished_at, status, mode, config_path
FROM etl_runs
ORDER BY started_at DESC
LIMIT $limit
