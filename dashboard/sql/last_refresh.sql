-- When the last successful ETL run finished, the "data as of" of every page.
SELECT max(finished_at) AS finished_at
FROM etl_runs
WHERE status = 'succeeded'
