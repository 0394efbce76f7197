-- Deal count and value per owner and status over the rows of pipeline_deals.
SELECT owner, status, count(*) AS deal_count, coalesce(sum(amount_rc), 0) AS value_rc
FROM /* include: pipeline_deals */
GROUP BY owner, status
ORDER BY owner, status
