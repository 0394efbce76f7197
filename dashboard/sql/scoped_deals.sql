-- Deals under the dashboard filters. $owner, $team and $customer (a customer_key)
-- narrow them as in etl/kpi_sql/filters.sql; $segment and $currency narrow them
-- further. NULL keeps all.
SELECT
    d.deal_id,
    d.lead_id,
    d.customer_key,
    coalesce(d.customer, d.customer_name) AS customer_name,
    s.segment,
    d.owner,
    d.team,
    d.stage,
    d.status,
    d.probability,
    d.created_on,
    d.engaged_on,
    d.closed_on,
    d.first_touch_on,
    d.currency,
    d.amount,
    d.amount_rc,
    d.pipeline_value_rc,
    d.pipeline_value_source
FROM deal_facts AS d
LEFT JOIN /* include: customer_segments */ AS s USING (customer_key)
WHERE ($owner::VARCHAR IS NULL OR d.owner = $owner)
    AND ($team::VARCHAR IS NULL OR d.team = $team)
    AND ($customer::VARCHAR IS NULL OR d.customer_key = $customer)
    AND ($segment::VARCHAR IS NULL OR s.segment = $segment)
    AND ($currency::VARCHAR IS NULL OR d.currency = $currency)
