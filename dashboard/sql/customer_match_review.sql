-- Customer name pairs the matcher found close but did not merge, closest first.
SELECT name_a, name_b, score
FROM customer_match_review
ORDER BY score DESC, name_a, name_b
