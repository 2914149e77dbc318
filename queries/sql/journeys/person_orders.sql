-- One person's orders up to a time (the journey look-up).
-- $params: $personId, $until — ISO time
-- returns: personId, orderId, purchasedAt, amount
SELECT r.dst AS personId, o.orderId AS orderId, o.purchasedAt AS purchasedAt, o.amount AS amount
FROM resolves_to r
JOIN placed pl ON pl.src = r.src
JOIN purchase_order o ON o.orderId = pl.dst
WHERE r.dst = :personId AND o.purchasedAt <= :until
ORDER BY o.purchasedAt, o.orderId
