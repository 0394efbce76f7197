-- Deal count and value per stage and status over the rows of pipeline_deals.
SELECT stage, status, count(*) AS deal_count, coalesce(sum(amount_rc), 0) AS value_rc
FROM /* include: pipeline_deals */
GROUP BY stage, status
ORDER BY stage, status
