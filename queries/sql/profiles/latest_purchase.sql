-- The time of the latest purchase in the store (the default as-of date of profiles).
-- $params: none
-- returns: at (null when there are no orders)
SELECT max(purchasedAt) AS at FROM purchase_order
