WITH {filters},
deals_at AS (
    SELECT d.*,
           coalesce(d.probability, sp.probability) AS win_probability,
           deal_open_on(d.created_on, d.engaged_on, d.status, d.closed_on,
                        CAST($as_of AS DATE)) AS is_open,
           d.status IN ('won', 'lost') AND d.closed_on BETWEEN $start AND $end AS closed_in_period,
           -- Deals exported with neither date fall back to the lead's creation date.
           datediff('day', coalesce(d.created_on, d.engaged_on, d.first_touch_on),
                    d.closed_on) AS cycle_days,
           datediff('day', d.first_touch_on, d.closed_on) AS lead_to_won_days
    FROM f_deals AS d
    LEFT JOIN stage_probabilities AS sp ON sp.stage = lower(d.stage)
)
SELECT
    sum(pipeline_value_rc) FILTER (WHERE is_open) AS open_value,
    count(*) FILTER (WHERE is_open) AS open_count,
    count(*) FILTER (WHERE is_open AND pipeline_value_rc IS NULL) AS open_without_amount,
    count(*) FILTER (WHERE is_open AND pipeline_value_source = 'list price')
        AS open_at_list_price,
    sum(pipeline_value_rc * win_probability) FILTER (WHERE is_open) AS weighted_value,
    count(*) FILTER (WHERE is_open AND pipeline_value_rc IS NOT NULL
                       AND win_probability IS NULL) AS open_without_probability,
    count(*) FILTER (WHERE closed_in_period AND status = 'won') AS won_count,
    count(*) FILTER (WHERE closed_in_period AND status = 'lost') AS lost_count,
    sum(amount_rc) FILTER (WHERE closed_in_period AND status = 'won') AS won_value,
    count(amount_rc) FILTER (WHERE closed_in_period AND status = 'won') AS won_with_amount,
    count(*) FILTER (WHERE closed_in_period AND status = 'won' AND amount IS NOT NULL
                       AND amount_rc IS NULL) AS won_unconverted,
    median(cycle_days) FILTER (WHERE closed_in_period AND status = 'won') AS cycle_median,
    avg(cycle_days) FILTER (WHERE closed_in_period AND status = 'won') AS cycle_mean,
    quantile_cont(cycle_days, 0.9) FILTER (WHERE closed_in_period AND status = 'won') AS cycle_p90,
    count(cycle_days) FILTER (WHERE closed_in_period AND status = 'won') AS cycle_count,
    median(lead_to_won_days) FILTER (WHERE closed_in_period AND status = 'won')
        AS lead_to_won_median,
    avg(lead_to_won_days) FILTER (WHERE closed_in_period AND status = 'won')
        AS lead_to_won_mean,
    count(lead_to_won_days) FILTER (WHERE closed_in_period AND status = 'won')
        AS lead_to_won_count
FROM deals_at
