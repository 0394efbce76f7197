WITH {filters},
deal_invoices AS (
    SELECT l.deal_id,
           count(*) AS invoices,
           count(i.paid_in_full_on) AS invoices_paid,
           min(i.issued_on) AS first_invoiced_on,
           max(i.paid_in_full_on) AS last_paid_on
    FROM f_links AS l
    JOIN invoice_facts AS i ON i.invoice_id = l.invoice_id
    GROUP BY l.deal_id
),
cycles AS (
    SELECT d.deal_id, d.first_touch_on, d.closed_on, di.first_invoiced_on,
           CASE WHEN di.invoices > 0 AND di.invoices = di.invoices_paid
                THEN di.last_paid_on END AS paid_on
    FROM f_deals AS d
    LEFT JOIN deal_invoices AS di ON di.deal_id = d.deal_id
    WHERE d.status = 'won'
),
done AS (
    SELECT datediff('day', first_touch_on, paid_on) AS total_days,
           datediff('day', first_touch_on, closed_on) AS lead_to_won_days,
           datediff('day', closed_on, first_invoiced_on) AS won_to_invoiced_days,
           datediff('day', first_invoiced_on, paid_on) AS invoiced_to_paid_days
    FROM cycles
    WHERE paid_on BETWEEN $start AND $end AND first_touch_on IS NOT NULL
),
still_open AS (
    SELECT datediff('day', coalesce(first_touch_on, closed_on), CAST($as_of AS DATE)) AS age_days
    FROM cycles
    WHERE closed_on <= $as_of AND (paid_on IS NULL OR paid_on > $as_of)
)
SELECT
    (SELECT median(total_days) FROM done) AS median,
    (SELECT avg(total_days) FROM done) AS mean,
    (SELECT quantile_cont(total_days, 0.9) FROM done) AS p90,
    (SELECT count(total_days) FROM done) AS count,
    (SELECT count(*) FROM still_open) AS open_count,
    (SELECT median(age_days) FROM still_open) AS open_median_age_days,
    (SELECT median(lead_to_won_days) FROM done) AS lead_to_won_median,
    (SELECT median(won_to_invoiced_days) FROM done) AS won_to_invoiced_median,
    (SELECT median(invoiced_to_paid_days) FROM done) AS invoiced_to_paid_median
