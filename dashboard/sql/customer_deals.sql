-- Every deal of customer $customer_key, newest first.
SELECT deal_id, owner, team, stage, status, created_on, closed_on, currency, amount,
    amount_rc
FROM deal_facts
WHERE customer_key = $customer_key
ORDER BY coalesce(closed_on, created_on) DESC NULLS LAST, deal_id
