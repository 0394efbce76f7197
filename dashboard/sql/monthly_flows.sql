-- Won value, invoiced total and cash collected per calendar month of
-- [$start, $end], over the same rows as won_deals, period_invoices and
-- period_payments, so every bar adds up to its drill-down.
WITH months AS (
    SELECT
        strftime(m, '%Y-%m') AS month,
        greatest(CAST(m AS DATE), CAST($start AS DATE)) AS from_on,
        least(CAST(last_day(m) AS DATE), CAST($end AS DATE)) AS to_on
    FROM generate_series(
        date_trunc('month', CAST($start AS DATE)), CAST($end AS DATE), INTERVAL 1 MONTH
    ) AS t(m)
),
won AS (SELECT closed_on, amount_rc FROM /* include: won_deals */),
invoiced AS (SELECT issued_on, total_rc FROM /* include: period_invoices */),
cash AS (SELECT paid_on, amount_rc FROM /* include: period_payments */)
SELECT
    m.month,
    m.from_on,
    m.to_on,
    (SELECT coalesce(sum(amount_rc), 0) FROM won
        WHERE closed_on BETWEEN m.from_on AND m.to_on) AS won_value,
    (SELECT coalesce(sum(total_rc), 0) FROM invoiced
        WHERE issued_on BETWEEN m.from_on AND m.to_on) AS invoiced_total,
    (SELECT coalesce(sum(amount_rc), 0) FROM cash
        WHERE paid_on BETWEEN m.from_on AND m.to_on) AS cash_collected
FROM months AS m
ORDER BY m.month
