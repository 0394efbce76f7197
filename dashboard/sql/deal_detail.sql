-- One deal with its customer, by $deal_id.
SELECT d.deal_id, d.lead_id, d.customer_key, coalesce(d.customer, d.customer_name)
    AS customer_name, d.owner, d.team, d.stage, d.status, d.probability,
    d.first_touch_on, d.created_on, d.closed_on, d.currency, d.amount, d.amount_rc,
    d.product
FROM deal_facts AS d
WHERE d.deal_id = $deal_id
