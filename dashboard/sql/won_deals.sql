-- Won deals closed in [$start, $end]; amount_rc sums to the won value.
SELECT
    deal_id, customer_key, customer_name, segment, owner, team, stage, created_on,
    closed_on,
    currency, amount, amount_rc
FROM /* include: scoped_deals */
WHERE status = 'won' AND closed_on BETWEEN $start AND $end
ORDER BY closed_on, deal_id
