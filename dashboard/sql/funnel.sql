-- Lead to payment in [$start, $end]: leads created, deals won, invoices issued
-- and invoices paid in full, each over the rows of its drill-down query.
SELECT 'lead' AS stage, count(*) AS row_count, NULL::DECIMAL(18, 2) AS value_rc
FROM /* include: period_leads */
UNION ALL
SELECT 'won', count(*), coalesce(sum(amount_rc), 0) FROM /* include: won_deals */
UNION ALL
SELECT 'invoiced', count(*), coalesce(sum(total_rc), 0)
FROM /* include: period_invoices */
UNION ALL
SELECT 'paid', count(*), coalesce(sum(total_rc), 0) FROM /* include: paid_invoices */
