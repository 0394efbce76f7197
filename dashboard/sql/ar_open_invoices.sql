-- Invoices with a balance on $as_of and the aging bucket of each; $bucket keeps
-- one bucket (NULL keeps all). balance_rc sums to AR, or to one bucket.
-- Like invoice_facts, the balance is taken in the invoice's currency and
-- converted at the invoice's rate, and a paid invoice without any payment or
-- credit note owes nothing.
WITH events AS (
    SELECT invoice_id, paid_on AS event_on, amount FROM payments
    UNION ALL
    SELECT invoice_id, issued_on, amount FROM credit_notes WHERE invoice_id IS NOT NULL
),
settled AS (
    SELECT
        invoice_id,
        coalesce(sum(amount) FILTER (WHERE event_on <= $as_of), 0) AS settled,
        count(*) AS event_count
    FROM events
    GROUP BY invoice_id
),
balances AS (
    SELECT
        i.invoice_id,
        coalesce(c.customer_name, i.customer_name) AS customer_name,
        i.issued_on,
        i.due_on,
        i.status,
        i.currency,
        i.total,
        coalesce(s.settled, 0) AS settled,
        CASE
            WHEN i.status = 'paid' AND s.event_count IS NULL THEN 0
            ELSE CAST(round(
                greatest(i.total - coalesce(s.settled, 0), 0)
                * CASE WHEN i.total = 0 THEN 1 ELSE i.total_rc / i.total END,
                2
            ) AS DECIMAL(18,2))
        END AS balance_rc,
        $as_of::DATE - i.due_on AS days_past_due
    FROM invoices AS i
    LEFT JOIN customers AS c USING (customer_key)
    LEFT JOIN settled AS s USING (invoice_id)
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
