-- Invoices with a balance on $as_of, the aging bucket of each, and $bucket to
-- keep one bucket (NULL keeps all). balance_rc sums to AR, or to one bucket.
WITH paid AS (
    SELECT invoice_id, sum(amount_rc) AS paid_rc
    FROM payments
    WHERE paid_on <= $as_of
    GROUP BY invoice_id
),
credited AS (
    SELECT invoice_id, sum(amount_rc) AS credited_rc
    FROM credit_notes
    WHERE issued_on <= $as_of AND invoice_id IS NOT NULL
    GROUP BY invoice_id
),
balances AS (
    SELECT
        i.invoice_id,
        coalesce(c.customer_name, i.customer_name) AS customer_name,
        i.issued_on,
        i.due_on,
        i.currency,
        i.total_rc,
        coalesce(paid.paid_rc, 0) AS paid_rc,
        coalesce(credited.credited_rc, 0) AS credited_rc,
        greatest(
            i.total_rc - coalesce(paid.paid_rc, 0) - coalesce(credited.credited_rc, 0),
            0
        ) AS balance_rc,
        $as_of::DATE - i.due_on AS days_past_due
    FROM invoices AS i
    LEFT JOIN customers AS c USING (customer_key)
    LEFT JOIN paid USING (invoice_id)
    LEFT JOIN credited USING (invoice_id)
    WHERE i.status <> 'void' AND i.issued_on <= $as_of
),
bucketed AS (
    SELECT
        *,
        CASE
            WHEN days_past_due <= 0 THEN 'current'
            WHEN days_past_due <= 30 THEN '1_30'
            WHEN days_past_due <= 60 THEN '31_60'
            WHEN days_past_due <= 90 THEN '61_90'
            ELSE 'over_90'
        END AS bucket
    FROM balances
    WHERE balance_rc > 0
)
SELECT *
FROM bucketed
WHERE $bucket::VARCHAR IS NULL OR bucket = $bucket
ORDER BY days_past_due DESC, invoice_id
