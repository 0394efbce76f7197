-- One row per matched customer with activity under the filters: deals won,
-- invoiced and cash in [$start, $end], and the open balance on $as_of.
-- $customer_key keeps one customer (NULL keeps all).
WITH won AS (
    SELECT customer_key, count(*) AS won_count, sum(amount_rc) AS won_rc
    FROM /* include: won_deals */
    GROUP BY customer_key
),
invoiced AS (
    SELECT customer_key, count(*) AS invoice_count, sum(total_rc) AS invoiced_rc
    FROM /* include: scoped_invoices */
    WHERE issued_on BETWEEN $start AND $end
    GROUP BY customer_key
),
cash AS (
    SELECT customer_key, sum(amount_rc) AS cash_rc
    FROM /* include: scoped_payments */
    WHERE paid_on BETWEEN $start AND $end
    GROUP BY customer_key
),
open_items AS (
    SELECT customer_key, count(*) AS open_invoice_count, sum(balance_rc) AS ar_rc,
        max(days_past_due) AS max_days_past_due
    FROM /* include: ar_open_invoices */
    GROUP BY customer_key
),
active AS (
    SELECT customer_key FROM won
    UNION SELECT customer_key FROM invoiced
    UNION SELECT customer_key FROM cash
    UNION SELECT customer_key FROM open_items
)
SELECT
    a.customer_key,
    c.customer_name,
    s.segment,
    coalesce(w.won_count, 0) AS won_count,
    coalesce(w.won_rc, 0) AS won_rc,
    coalesce(v.invoice_count, 0) AS invoice_count,
    coalesce(v.invoiced_rc, 0) AS invoiced_rc,
    coalesce(p.cash_rc, 0) AS cash_rc,
    coalesce(o.open_invoice_count, 0) AS open_invoice_count,
    coalesce(o.ar_rc, 0) AS ar_rc,
    o.max_days_past_due
FROM active AS a
JOIN customers AS c USING (customer_key)
LEFT JOIN /* include: customer_segments */ AS s USING (customer_key)
LEFT JOIN won AS w USING (customer_key)
LEFT JOIN invoiced AS v USING (customer_key)
LEFT JOIN cash AS p USING (customer_key)
LEFT JOIN open_items AS o USING (customer_key)
WHERE a.customer_key IS NOT NULL
ORDER BY ar_rc DESC, invoiced_rc DESC, c.customer_name
