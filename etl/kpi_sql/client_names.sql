-- The spellings of each customer's name. An alias exported with an id but no
-- name carries the id as its name, so it is left out here.
client_names AS (
    SELECT customer_key,
           coalesce(list(DISTINCT name ORDER BY name)
                        FILTER (WHERE normalized_name NOT LIKE 'id:%'),
                    CAST([] AS VARCHAR[])) AS names
    FROM customer_aliases
    GROUP BY customer_key
)
