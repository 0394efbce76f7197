-- Won deals closed in [$start, $end]; amount_rc sums to the won value.
SELECT
    d.deal_id,
    coalesce(c.customer_name, d.customer_name) AS customer_name,
    d.owner,
    d.stage,
    d.created_on,
    d.closed_on,
    d.currency,
    d.amount,
    d.amount_rc
FROM deals AS d
LEFT JOIN customers AS c USING (customer_key)
WHERE d.status = 'won' AND d.closed_on BETWEEN $start AND $end
ORDER BY d.closed_on, d.deal_id
