-- Explicit links: the invoice names the deal.
CREATE TABLE deal_invoice_links AS
SELECT i.invoice_id, d.deal_id, 'explicit' AS method, CAST(1.0 AS DOUBLE) AS confidence
FROM invoices AS i
JOIN deals AS d ON d.deal_id = i.deal_id;

-- Inferred links for the rest: same customer, amount within tolerance, issued
-- from a week before to sixty days after the deal was won. Each invoice and
-- each deal takes its closest candidate only.
INSERT INTO deal_invoice_links
WITH candidates AS (
    SELECT i.invoice_id, d.deal_id,
           abs(datediff('day', d.closed_on, i.issued_on)) AS days_apart
    FROM invoices AS i
    JOIN deals AS d
      ON d.customer_key = i.customer_key
     AND d.status = 'won'
     AND i.issued_on BETWEEN d.closed_on - 7 AND d.closed_on + 60
     AND abs(i.total_rc - d.amount_rc)
         <= greatest(CAST($tolerance_abs AS DECIMAL(18,2)),
                     CAST($tolerance_pct AS DECIMAL(18,4)) * d.amount_rc)
    WHERE i.status <> 'void'
      AND i.invoice_id NOT IN (SELECT invoice_id FROM deal_invoice_links)
      AND d.deal_id NOT IN (SELECT deal_id FROM deal_invoice_links)
),
ranked AS (
    SELECT *,
           row_number() OVER (PARTITION BY invoice_id ORDER BY days_apart, deal_id) AS invoice_rank,
           row_number() OVER (PARTITION BY deal_id ORDER BY days_apart, invoice_id) AS deal_rank
    FROM candidates
)
SELECT invoice_id, deal_id, 'customer_amount_date',
       round(0.9 - 0.4 * days_apart / 67.0, 2)
FROM ranked
WHERE invoice_rank = 1 AND deal_rank = 1;
