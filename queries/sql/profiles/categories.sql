-- Spend per person and product category up to a time (for top categories).
-- $params: $until — ISO time
-- returns: personId, category, amount, currency
-- Plan: one pass over the orders in file order (see profiles/orders), then their lines.
SELECT r.dst AS personId, pr.category AS category, sum(l.amount) AS amount,
       o.currency AS currency
FROM purchase_order o
CROSS JOIN contains l ON l.src = o.orderId
CROSS JOIN product pr ON pr.productId = l.dst
CROSS JOIN placed pl ON pl.dst = o.orderId
CROSS JOIN resolves_to r ON r.src = pl.src
WHERE +o.purchasedAt <= :until AND pr.category IS NOT NULL
GROUP BY r.dst, pr.category, o.currency
ORDER BY personId, category, currency
