SELECT d.deal_id, d.lead_id, d.account_id, d.customer_name AS customer_name_exported,
       d.owner, d.team, d.stage, d.status, d.amount, d.currency, d.amount_rc,
       d.probability, d.created_on, d.closed_on, d.first_touch_on, d.product,
       coalesce((SELECT list(l.invoice_id ORDER BY l.invoice_id)
                 FROM deal_invoice_links AS l WHERE l.deal_id = d.deal_id),
                CAST([] AS VARCHAR[])) AS invoice_ids
FROM deal_facts AS d
WHERE d.customer_key = $customer_key
ORDER BY coalesce(d.created_on, d.engaged_on, d.closed_on) NULLS LAST, d.deal_id
