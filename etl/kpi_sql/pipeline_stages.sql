-- Open pipeline per stage as of the as-of date, with the same open rule and
-- values as pipeline.sql.
WITH {filters},
open_deals AS (
    SELECT coalesce(d.stage, '(no stage)') AS stage,
           d.pipeline_value_rc,
           coalesce(d.probability, sp.probability) AS win_probability
    FROM f_deals AS d
    LEFT JOIN stage_probabilities AS sp ON sp.stage = lower(d.stage)
    WHERE (coalesce(d.created_on, d.engaged_on) IS NULL
           OR coalesce(d.created_on, d.engaged_on) <= $as_of)
      AND (d.status = 'open' OR d.closed_on > $as_of)
)
SELECT stage,
       count(*) AS open_count,
       coalesce(sum(pipeline_value_rc), 0) AS open_value,
       sum(pipeline_value_rc * win_probability) AS weighted_value
FROM open_deals
GROUP BY stage
ORDER BY stage
