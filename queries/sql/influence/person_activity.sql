-- Per person: revenue (sum of the amounts of orders its records placed) and last purchase.
-- $params: none
-- returns: personId, revenue, lastPurchase (null when the person never bought)
SELECT p.personId AS personId, coalesce(sum(o.amount), 0.0) AS revenue,
       max(o.purchasedAt) AS lastPurchase
FROM person p
LEFT JOIN resolves_to r ON r.dst = p.personId
LEFT JOIN placed pl ON pl.src = r.src
LEFT JOIN purchase_order o ON o.orderId = pl.dst
GROUP BY p.personId
ORDER BY personId
