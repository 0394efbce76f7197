-- Deals in the pipeline view of [$start, $end]: open deals created by $end and
-- deals won or lost in the period. $stage, $owner and $status keep one group
-- (NULL keeps all); amount_rc sums to the bar of that group.
WITH scoped AS (
    SELECT
        d.deal_id,
        coalesce(c.customer_name, d.customer_name) AS customer_name,
        coalesce(d.stage, '(no stage)') AS stage,
        coalesce(d.owner, '(no owner)') AS owner,
        d.status,
        d.probability,
        d.created_on,
        d.closed_on,
        d.currency,
        d.amount,
        d.amount_rc
    FROM deals AS d
    LEFT JOIN customers AS c USING (customer_key)
    WHERE (d.status = 'open' AND (d.created_on IS NULL OR d.created_on <= $end))
        OR (d.status IN ('won', 'lost') AND d.closed_on BETWEEN $start AND $end)
)
SELECT *
FROM scoped
WHERE ($stage::VARCHAR IS NULL OR stage = $stage)
    AND ($owner::VARCHAR IS NULL OR owner = $owner)
    AND ($status::VARCHAR IS NULL OR status = $status)
ORDER BY status, stage, owner, deal_id
