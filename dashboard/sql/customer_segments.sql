-- The segment of each matched customer, from its CRM accounts. A customer whose
-- accounts name several segments takes the first in alphabetical order.
SELECT customer_key, min(segment) AS segment
FROM accounts
WHERE customer_key IS NOT NULL AND segment IS NOT NULL
GROUP BY customer_key
