-- One row per order (won deal closed in the period) with a flag per error event.
WITH {filters},
orders AS (
    SELECT deal_id, amount_rc, closed_on FROM f_deals
    WHERE status = 'won' AND closed_on BETWEEN $start AND $end
),
linked AS (
    SELECT l.deal_id, i.invoice_id, i.status, i.total_rc, i.issued_on, i.replaces_invoice_id
    FROM f_links AS l
    JOIN invoices AS i ON i.invoice_id = l.invoice_id
    WHERE l.deal_id IN (SELECT deal_id FROM orders)
),
per_order AS (
    SELECT o.deal_id,
           o.closed_on,
           count(li.invoice_id) FILTER (WHERE li.status <> 'void') AS live_invoices,
           EXISTS (SELECT 1 FROM credit_notes AS cn JOIN linked AS x ON x.invoice_id = cn.invoice_id
                   WHERE x.deal_id = o.deal_id) AS credit_note,
           (bool_or(li.status = 'void') AND bool_or(li.status <> 'void'))
               OR coalesce(bool_or(li.replaces_invoice_id IS NOT NULL AND li.status <> 'void'), false)
               AS void_reissue,
           EXISTS (SELECT 1 FROM returns AS r
                   WHERE r.deal_id = o.deal_id
                      OR r.invoice_id IN (SELECT x.invoice_id FROM linked AS x WHERE x.deal_id = o.deal_id))
               AS return_recorded,
           abs(coalesce(sum(li.total_rc) FILTER (WHERE li.status <> 'void'), 0) - o.amount_rc)
               > greatest(CAST($tolerance_abs AS DECIMAL(18,2)),
                          CAST($tolerance_pct AS DECIMAL(18,4)) * o.amount_rc)
               AND count(li.invoice_id) FILTER (WHERE li.status <> 'void') > 0
               AS amount_mismatch,
           EXISTS (SELECT 1 FROM linked AS a JOIN linked AS b
                     ON a.deal_id = b.deal_id AND a.invoice_id < b.invoice_id
                    AND a.total_rc = b.total_rc AND a.issued_on = b.issued_on
                   WHERE a.deal_id = o.deal_id AND a.status <> 'void' AND b.status <> 'void')
               AS duplicate_invoice
    FROM orders AS o
    LEFT JOIN linked AS li ON li.deal_id = o.deal_id
    GROUP BY o.deal_id, o.closed_on, o.amount_rc
)
SELECT *,
       coalesce(credit_note OR void_reissue OR return_recorded OR amount_mismatch
                OR duplicate_invoice, false) AS has_error,
       live_invoices = 0 AND closed_on + CAST($grace_days AS INTEGER) <= $as_of AS not_invoiced
FROM per_order
ORDER BY deal_id
