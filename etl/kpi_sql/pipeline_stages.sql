-- Open pipeline per stage as of the as-of date, with the same open rule and
-- values as pipeline.sql.
WITH {filters},
open_deals AS (
    SELECT coalesce(d.stage, '(no stage)') AS stage,
           d.pipeline_value_rc,
           coalesce(d.probability, sp.probability) AS win_probability
    FROM f_deals AS d
    LEFT JOIN stage_probabilities AS sp ON sp.stage = lower(d.stage)
    WHERE deal_open_on(d.created_on, d.engaged_on, d.status, d.closed_on,
                       CAST($as_of AS DATE))
)
SELECT stage,
       count(*) AS open_count,
       coalesce(sum(pipeline_value_rc), 0) AS open_value,
       sum(pipeline_value_rc * win_probability) AS weighted_value
FROM open_deals
GROUP BY stage
ORDER BY stage
