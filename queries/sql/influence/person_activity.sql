-- Per person: revenue (sum of the amounts of orders its records placed) and last purchase,
-- counting orders up to a time only (a back-test never reads later ones).
-- $params: $until — ISO time; orders after it are left out
-- returns: personId, revenue, lastPurchase (null when the person never bought)
SELECT p.personId AS personId, coalesce(sum(o.amount), 0.0) AS revenue,
       max(o.purchasedAt) AS lastPurchase
FROM person p
LEFT JOIN resolves_to r ON r.dst = p.personId
LEFT JOIN placed pl ON pl.src = r.src
LEFT JOIN purchase_order o ON o.orderId = pl.dst AND o.purchasedAt <= :until
GROUP BY p.personId
ORDER BY personId
