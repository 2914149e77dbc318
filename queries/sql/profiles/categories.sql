-- Spend per person and product category up to a time (for top categories).
-- $params: $until — ISO time
-- returns: personId, category, amount, currency
SELECT r.dst AS personId, pr.category AS category, sum(l.amount) AS amount,
       o.currency AS currency
FROM resolves_to r
JOIN placed pl ON pl.src = r.src
JOIN purchase_order o ON o.orderId = pl.dst
JOIN contains l ON l.src = o.orderId
JOIN product pr ON pr.productId = l.dst
WHERE o.purchasedAt <= :until AND pr.category IS NOT NULL
GROUP BY r.dst, pr.category, o.currency
ORDER BY personId, category, currency
