-- Payments carry the customer of the invoice they pay.
ALTER TABLE payments ADD COLUMN customer_key VARCHAR;
UPDATE payments SET customer_key = i.customer_key
FROM invoices AS i
WHERE i.invoice_id = payments.invoice_id;

-- Payments and credit notes applied to each invoice, in the invoice's currency.
CREATE TABLE invoice_events AS
SELECT invoice_id, paid_on AS event_on, amount, 'payment' AS kind, payment_id AS event_id
FROM payments
UNION ALL
SELECT invoice_id, issued_on, amount, 'credit_note', credit_note_id
FROM credit_notes
WHERE invoice_id IS NOT NULL;

-- The date each invoice's balance first reached zero. Events dated before the
-- invoice count too, because prepayments are applied when the invoice is issued.
CREATE TABLE invoice_settlement AS
WITH daily AS (
    SELECT invoice_id, event_on, sum(amount) AS amount
    FROM invoice_events
    GROUP BY invoice_id, event_on
),
running AS (
    SELECT invoice_id, event_on,
           sum(amount) OVER (PARTITION BY invoice_id ORDER BY event_on) AS settled
    FROM daily
)
SELECT i.invoice_id,
       CASE WHEN i.total < 0 THEN NULL
            WHEN i.total = 0 THEN i.issued_on
            -- greatest() skips NULLs, so an unpaid invoice is caught first
            WHEN min(r.event_on) FILTER (WHERE r.settled >= i.total) IS NULL THEN NULL
            ELSE greatest(min(r.event_on) FILTER (WHERE r.settled >= i.total), i.issued_on)
       END AS paid_in_full_on,
       count(r.event_on) AS event_days
FROM invoices AS i
LEFT JOIN running AS r ON r.invoice_id = i.invoice_id
WHERE i.status <> 'void'
GROUP BY i.invoice_id, i.total, i.issued_on;

-- Reporting-currency units per unit of the invoice's currency (NULL: no rate).
-- TODO: balances convert at the invoice's rate because payments apply in the
-- invoice's currency, so FX gains and losses up to payment do not show in AR.
CREATE VIEW invoice_rates AS
SELECT invoice_id,
       CASE WHEN total = 0 THEN 1 ELSE total_rc / total END AS fx
FROM invoices;

CREATE VIEW invoice_facts AS
SELECT i.invoice_id, i.customer_key, c.customer_name AS customer_name,
       i.customer_name AS customer_name_exported, l.deal_id, l.method AS link_method,
       d.owner, d.team, i.issued_on, i.due_on, i.currency, i.total, i.total_rc,
       i.status, i.disputed,
       CAST(round(coalesce(p.paid, 0) * r.fx, 2) AS DECIMAL(18,2)) AS paid_rc,
       CAST(round(coalesce(cn.credited, 0) * r.fx, 2) AS DECIMAL(18,2)) AS credited_rc,
       CASE WHEN i.status = 'paid' AND s.event_days = 0 THEN CAST(0 AS DECIMAL(18,2))
            ELSE CAST(round(greatest(i.total - coalesce(p.paid, 0)
                 - coalesce(cn.credited, 0), 0) * r.fx, 2) AS DECIMAL(18,2))
       END AS balance_rc,
       s.paid_in_full_on, s.event_days, r.fx,
       -- what the payments show, whatever status the export carried
       CASE WHEN s.paid_in_full_on IS NOT NULL
                 OR (i.status = 'paid' AND s.event_days = 0) THEN 'paid'
            WHEN coalesce(p.paid, 0) + coalesce(cn.credited, 0) > 0 THEN 'partly paid'
            ELSE 'unpaid'
       END AS payment_status
FROM invoices AS i
JOIN invoice_settlement AS s ON s.invoice_id = i.invoice_id
JOIN invoice_rates AS r ON r.invoice_id = i.invoice_id
LEFT JOIN customers AS c ON c.customer_key = i.customer_key
LEFT JOIN (SELECT invoice_id, sum(amount) AS paid FROM payments GROUP BY 1) AS p
       ON p.invoice_id = i.invoice_id
LEFT JOIN (SELECT invoice_id, sum(amount) AS credited FROM credit_notes GROUP BY 1) AS cn
       ON cn.invoice_id = i.invoice_id
LEFT JOIN deal_invoice_links AS l ON l.invoice_id = i.invoice_id
LEFT JOIN deals AS d ON d.deal_id = l.deal_id
WHERE i.status <> 'void';

-- A deal is open on a date when it existed by then (or has no start date)
-- and was not won or lost by then. Callers pass table-qualified columns.
CREATE MACRO deal_open_on(created, engaged, status, closed, on_date) AS
    (coalesce(created, engaged) IS NULL OR coalesce(created, engaged) <= on_date)
    AND (status = 'open' OR closed > on_date);

-- Product names match case, space and punctuation blind ("GTXPro", "GTX Pro").
CREATE MACRO product_match_key(name) AS regexp_replace(lower(name), '[^a-z0-9]', '', 'g');

-- An open deal exported without an amount is valued at its product's list
-- price for the pipeline; `pipeline_value_source` records which value was used.
CREATE VIEW deal_facts AS
SELECT d.*, c.customer_name AS customer,
       coalesce(ld.created_on, d.created_on, d.engaged_on) AS first_touch_on,
       coalesce(d.amount_rc, CASE WHEN d.amount IS NULL THEN p.list_price_rc END)
           AS pipeline_value_rc,
       CASE WHEN d.amount_rc IS NOT NULL THEN 'deal amount'
            WHEN d.amount IS NULL AND p.list_price_rc IS NOT NULL THEN 'list price'
       END AS pipeline_value_source
FROM deals AS d
LEFT JOIN customers AS c ON c.customer_key = d.customer_key
LEFT JOIN leads AS ld ON ld.lead_id = d.lead_id
LEFT JOIN products AS p ON product_match_key(p.product) = product_match_key(d.product);

-- Open items as of a date: what each invoice issued by then still owed, with
-- payments and credit notes dated on or before it. Paid invoices exported
-- without any payment or settled date owe nothing.
CREATE MACRO ar_balances(on_date) AS TABLE
SELECT i.invoice_id, i.customer_key, i.customer_name, i.owner, i.team, i.deal_id,
       i.issued_on, i.due_on, i.currency, i.total, i.total_rc, balance.balance_rc,
       datediff('day', i.due_on, on_date) AS days_past_due,
       CASE WHEN on_date <= i.due_on THEN 'current'
            WHEN datediff('day', i.due_on, on_date) <= 30 THEN '1_30'
            WHEN datediff('day', i.due_on, on_date) <= 60 THEN '31_60'
            WHEN datediff('day', i.due_on, on_date) <= 90 THEN '61_90'
            ELSE 'over_90'
       END AS aging_bucket
FROM invoice_facts AS i
LEFT JOIN (
    SELECT invoice_id, sum(amount) AS applied
    FROM invoice_events
    WHERE event_on <= on_date
    GROUP BY invoice_id
) AS e ON e.invoice_id = i.invoice_id
CROSS JOIN LATERAL (
    SELECT CASE WHEN i.status = 'paid' AND i.event_days = 0 THEN CAST(0 AS DECIMAL(18,2))
                ELSE CAST(round(greatest(i.total - coalesce(e.applied, 0), 0) * i.fx, 2)
                          AS DECIMAL(18,2))
           END AS balance_rc
) AS balance
WHERE i.issued_on <= on_date
  AND (balance.balance_rc > 0 OR balance.balance_rc IS NULL);
