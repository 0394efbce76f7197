-- Activities that name the customer, or else belong to one of its deals.
SELECT a.activity_id, a.type, a.occurred_on, a.owner, a.subject, a.deal_id, a.lead_id
FROM activities AS a
LEFT JOIN deals AS d ON d.deal_id = a.deal_id
WHERE coalesce(a.customer_key, d.customer_key) = $customer_key
ORDER BY a.occurred_on, a.activity_id
