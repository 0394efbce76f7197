-- Deals in the pipeline view of [$start, $end], as the pipeline KPIs count them:
-- deals open on $end (created by then, not closed by then) and deals won or
-- lost in the period. $stage, $owner and $status keep one group (NULL keeps
-- all); amount_rc sums to the bar of that group, weighted_rc to the weighted
-- pipeline.
WITH scoped AS (
    SELECT
        d.*,
        coalesce(d.probability, sp.probability) AS win_probability,
        deal_open_on(d.created_on, d.engaged_on, d.status, d.closed_on,
                     CAST($end AS DATE)) AS is_open
    FROM /* include: scoped_deals */ AS d
    LEFT JOIN stage_probabilities AS sp ON sp.stage = lower(d.stage)
),
viewed AS (
    SELECT
        deal_id,
        customer_name,
        customer_key,
        segment,
        coalesce(stage, '(no stage)') AS stage,
        coalesce(owner, '(no owner)') AS owner,
        team,
        CASE WHEN is_open THEN 'open' ELSE status END AS status,
        win_probability,
        created_on,
        closed_on,
        currency,
        amount,
        -- open deals count at their pipeline value, as the open pipeline KPI does
        CASE WHEN is_open THEN pipeline_value_rc ELSE amount_rc END AS amount_rc,
        CASE WHEN is_open THEN pipeline_value_source END AS value_source,
        CASE WHEN is_open THEN pipeline_value_rc * win_probability END AS weighted_rc
    FROM scoped
    WHERE is_open OR (status IN ('won', 'lost') AND closed_on BETWEEN $start AND $end)
)
SELECT *
FROM viewed
WHERE ($stage::VARCHAR IS NULL OR stage = $stage)
    AND ($pipeline_owner::VARCHAR IS NULL OR owner = $pipeline_owner)
    AND ($status::VARCHAR IS NULL OR status = $status)
ORDER BY status, stage, owner, deal_id
