-- The values each sidebar filter offers: filter is owner, team, customer,
-- segment or currency; value is what the URL stores, label what the list shows.
SELECT DISTINCT 'owner' AS filter, owner AS value, owner AS label
FROM deals WHERE owner IS NOT NULL
UNION ALL
SELECT DISTINCT 'team', team, team FROM deals WHERE team IS NOT NULL
UNION ALL
SELECT 'customer', customer_key, customer_name FROM customers
UNION ALL
SELECT DISTINCT 'segment', segment, segment FROM accounts WHERE segment IS NOT NULL
UNION ALL
SELECT DISTINCT 'currency', currency, currency
FROM (
    SELECT currency FROM deals
    UNION SELECT currency FROM invoices
    UNION SELECT currency FROM payments
)
WHERE currency IS NOT NULL
ORDER BY filter, label
