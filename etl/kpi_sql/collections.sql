WITH {filters},
period_payments AS (
    SELECT * FROM f_payments WHERE paid_on BETWEEN $start AND $end
),
ar_end AS (
    SELECT * FROM ar_balances($end) WHERE invoice_id IN (SELECT invoice_id FROM f_invoices)
),
ar_as_of AS (
    SELECT * FROM ar_balances($as_of) WHERE invoice_id IN (SELECT invoice_id FROM f_invoices)
),
ar_start AS (
    SELECT * FROM ar_balances(CAST($start AS DATE) - 1)
    WHERE invoice_id IN (SELECT invoice_id FROM f_invoices)
),
settled AS (
    SELECT datediff('day', issued_on, paid_in_full_on) AS days_to_pay,
           greatest(0, datediff('day', due_on, paid_in_full_on)) AS days_late,
           paid_in_full_on <= due_on AS is_on_time
    FROM f_invoices
    WHERE paid_in_full_on BETWEEN $start AND $end
)
SELECT
    (SELECT coalesce(sum(amount_rc), 0) FROM period_payments) AS cash_collected,
    (SELECT count(amount_rc) FROM period_payments) AS payment_count,
    (SELECT count(*) FILTER (WHERE amount_rc IS NULL) FROM period_payments) AS payments_unconverted,
    (SELECT coalesce(sum(balance_rc), 0) FROM ar_as_of) AS ar_total,
    (SELECT count(balance_rc) FROM ar_as_of) AS ar_count,
    (SELECT coalesce(sum(balance_rc) FILTER (WHERE aging_bucket = 'current'), 0) FROM ar_as_of) AS aging_current,
    (SELECT coalesce(sum(balance_rc) FILTER (WHERE aging_bucket = '1_30'), 0) FROM ar_as_of) AS aging_1_30,
    (SELECT coalesce(sum(balance_rc) FILTER (WHERE aging_bucket = '31_60'), 0) FROM ar_as_of) AS aging_31_60,
    (SELECT coalesce(sum(balance_rc) FILTER (WHERE aging_bucket = '61_90'), 0) FROM ar_as_of) AS aging_61_90,
    (SELECT coalesce(sum(balance_rc) FILTER (WHERE aging_bucket = 'over_90'), 0) FROM ar_as_of) AS aging_over_90,
    (SELECT coalesce(sum(balance_rc), 0) FROM ar_end) AS ar_end,
    (SELECT coalesce(sum(balance_rc) FILTER (WHERE aging_bucket = 'current'), 0) FROM ar_end) AS ar_end_current,
    (SELECT coalesce(sum(balance_rc), 0) FROM ar_start) AS ar_start,
    (SELECT count(*) FROM settled) AS settled_count,
    (SELECT avg(is_on_time::INTEGER) FROM settled) AS on_time_rate,
    (SELECT median(days_to_pay) FROM settled) AS days_to_pay_median,
    (SELECT avg(days_to_pay) FROM settled) AS days_to_pay_mean,
    (SELECT median(days_late) FROM settled) AS days_late_median,
    (SELECT avg(days_late) FROM settled) AS days_late_mean
