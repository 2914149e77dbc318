-- Every order placed by a person's records up to a time (the profile job never sees later ones).
-- $params: $until — ISO time; orders after it are left out
-- returns: personId, orderId, purchasedAt, amount, currency, channelId (null if unknown)
SELECT r.dst AS personId, o.orderId AS orderId, o.purchasedAt AS purchasedAt,
       o.amount AS amount, o.currency AS currency, v.dst AS channelId
FROM resolves_to r
JOIN placed pl ON pl.src = r.src
JOIN purchase_order o ON o.orderId = pl.dst
LEFT JOIN via v ON v.src = o.orderId
WHERE o.purchasedAt <= :until
ORDER BY personId, purchasedAt, orderId
