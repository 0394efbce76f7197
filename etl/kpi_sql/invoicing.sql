WITH {filters},
period_invoices AS (
    SELECT * FROM f_invoices WHERE issued_on BETWEEN $start AND $end
),
period_credits AS (
    SELECT * FROM f_credit_notes WHERE issued_on BETWEEN $start AND $end
)
SELECT
    (SELECT count(total_rc) FROM period_invoices) AS invoice_count,
    (SELECT sum(total_rc) FROM period_invoices) AS invoiced_total,
    (SELECT count(*) FILTER (WHERE total_rc IS NULL) FROM period_invoices) AS unconverted_count,
    (SELECT coalesce(sum(amount_rc), 0) FROM period_credits) AS credit_note_total,
    (SELECT count(amount_rc) FROM period_credits) AS credit_note_count
