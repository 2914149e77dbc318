-- Insert or update orders (one row per order of a batch of purchase lines) and who placed them.
-- A line without a product sets directAmount (hasDirect true); otherwise it is left as it was.
-- $params: $rows — each {orderId, uid, purchasedAt, currency, hasDirect, directAmount}
-- returns: nothing
INSERT INTO purchase_order (orderId, purchasedAt, currency, directAmount)
VALUES (:orderId, :purchasedAt, :currency, CASE WHEN :hasDirect THEN :directAmount END)
ON CONFLICT (orderId) DO UPDATE SET
  purchasedAt = excluded.purchasedAt, currency = excluded.currency,
  directAmount = CASE WHEN :hasDirect THEN :directAmount ELSE directAmount END;
INSERT INTO placed (src, dst) VALUES (:uid, :orderId)
ON CONFLICT (dst) DO UPDATE SET src = excluded.src
