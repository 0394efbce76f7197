-- Leads created in [$start, $end], the first step of the funnel. Owner and
-- customer match the lead's own; a team keeps leads of owners in that team.
-- Leads carry no amount or currency, so the currency filter does not apply.
SELECT l.lead_id, l.created_on, l.origin, coalesce(c.customer_name, l.customer_name)
    AS customer_name, s.segment, l.owner, l.status
FROM leads AS l
LEFT JOIN customers AS c USING (customer_key)
LEFT JOIN /* include: customer_segments */ AS s USING (customer_key)
WHERE l.created_on BETWEEN $start AND $end
    AND ($owner::VARCHAR IS NULL OR l.owner = $owner)
    AND ($team::VARCHAR IS NULL
        OR l.owner IN (SELECT owner FROM deals WHERE team = $team))
    AND ($customer::VARCHAR IS NULL OR l.customer_key = $customer)
    AND ($segment::VARCHAR IS NULL OR s.segment = $segment)
ORDER BY l.created_on, l.lead_id
